package io.mimiredge.rls.enforce;

import java.util.HashSet;
import java.util.Set;

/**
 * dskit's tenant-ID rules (tenant/tenant.go, tenant/resolver.go, user/id.go) for a write: at most
 * 150 characters of {@code [a-zA-Z0-9!-_.*'()]}, not {@code .} or {@code ..}, and one tenant only
 * ({@code a|b} is a multi-tenant read ID). What follows a {@code :} is metadata ({@code
 * tenant:key=value}, as k6 sends it), cut off and not checked, as dskit's {@code TenantID} does
 * ({@code trimMetadata}; Mimir main vendors that dskit): {@code team-a:product=k6} is {@code
 * team-a}. Stateless. Public so the admin API checks tenant IDs in its paths by the same rules as
 * the doors check the header.
 */
public final class TenantIds {
  static final int MAX_LENGTH = 150;
  private static final boolean[] ALLOWED = new boolean[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      ALLOWED[c] = true;
    }
    for (char c = 'A'; c <= 'Z'; c++) {
      ALLOWED[c] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      ALLOWED[c] = true;
    }
    for (char c : "!-_.*'()".toCharArray()) {
      ALLOWED[c] = true;
    }
  }

  /** The outcome: a tenant, or a reason and dskit's message. */
  public record Check(String tenant, Reason reason, String message) {
    public boolean valid() {
      return reason == null;
    }
  }

  private TenantIds() {}

  public static Check check(String orgId) {
    if (orgId == null || orgId.isEmpty()) {
      return new Check(null, Reason.MISSING_TENANT, "no org id");
    }
    if (orgId.indexOf('|') < 0) {
      String id = withoutMetadata(orgId);
      String problem = id.isEmpty() ? "tenant ID is empty" : problem(id);
      return problem == null
          ? new Check(id, null, null)
          : new Check(null, Reason.INVALID_TENANT, problem);
    }
    // dskit splits, checks each part, and refuses more than one distinct tenant on a write.
    Set<String> distinct = new HashSet<>();
    for (String part : orgId.split("\\|", -1)) {
      part = withoutMetadata(part);
      String problem = part.isEmpty() ? "tenant ID is empty" : problem(part);
      if (problem != null) {
        return new Check(null, Reason.INVALID_TENANT, problem);
      }
      distinct.add(part);
    }
    return distinct.size() == 1
        ? new Check(distinct.iterator().next(), null, null)
        : new Check(null, Reason.INVALID_TENANT, "multiple org IDs present");
  }

  /** dskit's {@code trimMetadata}: the ID up to its first {@code :}. */
  private static String withoutMetadata(String orgId) {
    int colon = orgId.indexOf(':');
    return colon < 0 ? orgId : orgId.substring(0, colon);
  }

  /** dskit's {@code ValidTenantID}, in its order: characters, then length, then dots. */
  private static String problem(String id) {
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c >= 128 || !ALLOWED[c]) {
        return "tenant ID '" + shown(id) + "' contains unsupported character '" + shown(c) + "'";
      }
    }
    if (id.length() > MAX_LENGTH) {
      return "tenant ID is too long: max " + MAX_LENGTH + " characters";
    }
    if (id.equals(".") || id.equals("..")) {
      return "tenant ID is '.' or '..'";
    }
    return null;
  }

  /** The ID as the message shows it: cut to the maximum length, unprintables as '?'. */
  static String shown(String id) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(id.length(), MAX_LENGTH); i++) {
      char c = id.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return id.length() > MAX_LENGTH ? b.append('…').toString() : b.toString();
  }

  private static String shown(char c) {
    return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
  }
}
