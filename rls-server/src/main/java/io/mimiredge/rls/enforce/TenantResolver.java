package io.mimiredge.rls.enforce;

import io.mimiredge.api.tenant.TenantFrom;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Finds the tenant ID of a push, the same way at every door (NGINX's HTTP door, Envoy's ext_authz):
 * the tenant header as it is, or the user name of HTTP basic auth (the way Mimir's gateway maps
 * it). The value is raw; the {@link Enforcer} checks it. Immutable and thread-safe.
 */
public final class TenantResolver {
  /** The scheme prefix of Go's {@code parseBasicAuth}, matched ASCII-case-insensitively. */
  private static final String BASIC = "basic ";

  private static final String AUTHORIZATION = "authorization";

  private final String tenantHeader;
  private final String lookupName;
  private final boolean fromBasicAuth;
  private final String onlyTenant; // Mimir without multitenancy: every request's tenant, or null

  private TenantResolver(String tenantHeader, boolean fromBasicAuth, String onlyTenant) {
    this.tenantHeader = Objects.requireNonNull(tenantHeader, "tenantHeader");
    if (tenantHeader.isBlank()) {
      throw new IllegalArgumentException("tenantHeader must not be blank");
    }
    this.lookupName = tenantHeader.strip().toLowerCase(Locale.ROOT);
    this.fromBasicAuth = fromBasicAuth;
    this.onlyTenant = onlyTenant;
  }

  /** The tenant is the value of {@code header} (e.g. X-Scope-OrgID). */
  public static TenantResolver header(String header) {
    return new TenantResolver(header, false, null);
  }

  /**
   * Every request is tenant {@code noAuthTenant}, whatever its headers: Mimir with {@code
   * multitenancy_enabled: false}, whose auth middleware injects its {@code no_auth_tenant} into
   * every request ({@code pkg/util/noauth}). {@code tenantHeader} is only what the admin API names.
   */
  public static TenantResolver noAuth(String tenantHeader, String noAuthTenant) {
    Objects.requireNonNull(noAuthTenant, "noAuthTenant");
    if (noAuthTenant.isEmpty()) {
      throw new IllegalArgumentException("noAuthTenant must not be empty");
    }
    return new TenantResolver(tenantHeader, false, noAuthTenant);
  }

  /**
   * The tenant is the basic-auth user name; {@code tenantHeader} is set to it on the forwarded
   * request (and any value the client sent in that header is replaced).
   */
  public static TenantResolver basicAuthUser(String tenantHeader) {
    return new TenantResolver(tenantHeader, true, null);
  }

  /** The resolver {@code from} names, with the configured {@code tenantHeader}. */
  public static TenantResolver of(TenantFrom from, String tenantHeader) {
    return of(from, tenantHeader, TenantFrom.MIMIR_NO_AUTH_TENANT);
  }

  /**
   * The resolver {@code from} names, with the configured {@code tenantHeader} and, for {@link
   * TenantFrom#NONE}, Mimir's {@code noAuthTenant}.
   */
  public static TenantResolver of(TenantFrom from, String tenantHeader, String noAuthTenant) {
    Objects.requireNonNull(from, "tenantFrom");
    return switch (from) {
      case BASIC_AUTH_USER -> basicAuthUser(tenantHeader);
      case NONE -> noAuth(tenantHeader, noAuthTenant);
      case HEADER -> header(tenantHeader);
    };
  }

  /** The header that carries the tenant upstream, as configured. */
  public String tenantHeader() {
    return tenantHeader;
  }

  /** The tenant of every request when Mimir runs without multitenancy; null otherwise. */
  public String onlyTenant() {
    return onlyTenant;
  }

  /** Whether the forwarded request needs the tenant header set (basic-auth mode). */
  public boolean setsTenantHeader() {
    return fromBasicAuth;
  }

  /**
   * The tenant ID the request names, or null when it names none.
   *
   * @param headers a request header by its lower-case name (Envoy's form; a case-insensitive lookup
   *     such as a servlet's does too), null when absent
   */
  public String resolve(UnaryOperator<String> headers) {
    if (onlyTenant != null) {
      return onlyTenant;
    }
    if (!fromBasicAuth) {
      return headers.apply(lookupName);
    }
    return userOf(headers.apply(AUTHORIZATION));
  }

  /**
   * The user of an {@code Authorization} value by the one rule both doors follow: Go's net/http
   * {@code parseBasicAuth} (src/net/http/request.go, behind {@code Request.BasicAuth}), which the
   * Go gateways in front of Mimir use. The scheme {@code "Basic "} matched
   * ASCII-case-insensitively, the rest decoded as standard base64 exactly as it is (nothing
   * trimmed: {@code "Basic <b64>"} is not basic auth), and the user is what precedes the first
   * {@code ':'}.
   *
   * @return the user; null when the value is absent, not basic auth, not standard base64, or has no
   *     {@code ':'}. An empty user ({@code base64(":pw")}) is returned empty, as Go returns it; the
   *     enforcer answers it as it answers an empty tenant header (401, Mimir's {@code no org id}).
   */
  static String userOf(String authorization) {
    if (authorization == null || !asciiPrefix(authorization, BASIC)) {
      return null;
    }
    byte[] decoded = goStdBase64(authorization.substring(BASIC.length()));
    if (decoded == null) {
      return null;
    }
    String credentials = new String(decoded, StandardCharsets.UTF_8);
    int colon = credentials.indexOf(':');
    return colon < 0 ? null : credentials.substring(0, colon);
  }

  /** Go's {@code ascii.EqualFold} on the start of {@code s}: ASCII letters only fold. */
  private static boolean asciiPrefix(String s, String lowerPrefix) {
    if (s.length() < lowerPrefix.length()) {
      return false;
    }
    for (int i = 0; i < lowerPrefix.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lowerPrefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Go's {@code base64.StdEncoding.DecodeString}: padding required, {@code \r} and {@code \n}
   * skipped, anything else outside the alphabet refused; null when refused. (Java's decoder takes
   * unpadded input and refuses line breaks.)
   */
  private static byte[] goStdBase64(String s) {
    if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) {
      s = s.replace("\r", "").replace("\n", "");
    }
    if (s.length() % 4 != 0) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
