package io.mimiredge.rls.admin.resources;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.MultivaluedMap;

/** Who made a request, for the audit log: the remote address, and what a proxy forwarded. */
final class Callers {
  private static final int MAX_FORWARDED = 200;

  private Callers() {}

  /**
   * @param request the servlet request; null (or a proxy without one) outside a servlet container
   * @param headers the request headers
   */
  static String describe(HttpServletRequest request, MultivaluedMap<String, String> headers) {
    String remote = remoteAddress(request);
    String forwarded = headers == null ? null : headers.getFirst("X-Forwarded-For");
    if (forwarded == null || forwarded.isBlank()) {
      return remote;
    }
    return remote + " (forwarded for " + printable(forwarded) + ")";
  }

  private static String remoteAddress(HttpServletRequest request) {
    if (request == null) {
      return "unknown";
    }
    try {
      String addr = request.getRemoteAddr();
      return addr == null ? "unknown" : addr;
    } catch (RuntimeException e) { // Jersey's proxy without a servlet request behind it
      return "unknown";
    }
  }

  /** At most 200 printable ASCII characters: a header never forges log lines. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < MAX_FORWARDED; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
