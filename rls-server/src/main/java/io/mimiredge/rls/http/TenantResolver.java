package io.mimiredge.rls.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Finds the tenant ID of an HTTP request: the tenant header as it is, or the user name of HTTP
 * basic auth (the way Mimir's gateway maps it). The value is raw; the enforcer checks it.
 * Immutable.
 */
public final class TenantResolver {
  private final String tenantHeader;
  private final boolean fromBasicAuth;

  private TenantResolver(String tenantHeader, boolean fromBasicAuth) {
    this.tenantHeader = Objects.requireNonNull(tenantHeader, "tenantHeader");
    if (tenantHeader.isBlank()) {
      throw new IllegalArgumentException("tenantHeader must not be blank");
    }
    this.fromBasicAuth = fromBasicAuth;
  }

  /** The tenant is the value of {@code header} (e.g. X-Scope-OrgID). */
  public static TenantResolver header(String header) {
    return new TenantResolver(header, false);
  }

  /**
   * The tenant is the basic-auth user name; {@code tenantHeader} is set to it on the forwarded
   * request (and any value the client sent in that header is replaced).
   */
  public static TenantResolver basicAuthUser(String tenantHeader) {
    return new TenantResolver(tenantHeader, true);
  }

  /** The header that carries the tenant upstream. */
  public String tenantHeader() {
    return tenantHeader;
  }

  /** Whether the forwarded request needs the tenant header set (basic-auth mode). */
  public boolean setsTenantHeader() {
    return fromBasicAuth;
  }

  /**
   * The tenant ID the request names, or null when it names none.
   *
   * @param headers a request header by name (case-insensitive), null when absent
   */
  public String resolve(UnaryOperator<String> headers) {
    if (!fromBasicAuth) {
      return headers.apply(tenantHeader);
    }
    return userOf(headers.apply("Authorization"));
  }

  /** The user of {@code Basic base64(user:password)}; null when absent or malformed. */
  static String userOf(String authorization) {
    if (authorization == null) {
      return null;
    }
    String a = authorization.strip();
    if (a.length() < 6 || !a.substring(0, 6).toLowerCase(Locale.ROOT).equals("basic ")) {
      return null;
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(a.substring(6).strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
    String credentials = new String(decoded, StandardCharsets.UTF_8);
    int colon = credentials.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    return credentials.substring(0, colon);
  }
}
