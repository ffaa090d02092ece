package io.mimiredge.rls.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.MDC;

/**
 * Gives every request an ID for the logs: the client's {@code X-Request-Id} when it is sane, else a
 * new random one; it is in the MDC ({@code requestId}) while the request runs, echoed in the
 * response and passed on upstream. The push doors add the tenant ({@code tenant}); both are cleared
 * when the request ends.
 */
public final class RequestIds implements Filter {
  public static final String HEADER = "X-Request-Id";
  public static final String MDC_REQUEST_ID = "requestId";
  public static final String MDC_TENANT = "tenant";
  private static final int MAX_LENGTH = 128;

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String id = sane(((HttpServletRequest) request).getHeader(HEADER));
    if (id == null) {
      id = generate();
    }
    MDC.put(MDC_REQUEST_ID, id);
    ((HttpServletResponse) response).setHeader(HEADER, id);
    try {
      chain.doFilter(request, response);
    } finally {
      MDC.remove(MDC_REQUEST_ID);
      MDC.remove(MDC_TENANT);
    }
  }

  /** The client's ID if it is short printable ASCII (it ends up in logs), else null. */
  static String sane(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return null;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return null;
      }
    }
    return id;
  }

  static String generate() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    byte[] b = new byte[16];
    r.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
