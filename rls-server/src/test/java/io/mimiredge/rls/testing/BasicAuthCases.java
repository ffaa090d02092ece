package io.mimiredge.rls.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * One table of {@code Authorization} values, run against every door that takes the tenant from
 * basic auth (NGINX's HTTP door, Envoy's ext_authz) and against the resolver itself, so the doors
 * cannot drift apart. The expected user is what Go's net/http {@code parseBasicAuth} returns.
 */
public final class BasicAuthCases {
  private BasicAuthCases() {}

  /**
   * One value.
   *
   * @param name what the case shows
   * @param authorization the header's value; null: no header
   * @param user the basic-auth user Go finds; null: no credentials
   */
  public record Case(String name, String authorization, String user) {
    /**
     * Whether a door admits the push as {@link #user}'s: a non-empty user; no credentials and an
     * empty user are both answered 401 {@code missing_tenant} (Mimir's {@code no org id}).
     */
    public boolean namesATenant() {
      return user != null && !user.isEmpty();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** {@code Basic base64(credentials)}, standard alphabet, padded. */
  public static String basic(String credentials) {
    return "Basic " + base64(credentials);
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Every case; each user that names a tenant is a valid tenant ID. */
  public static List<Case> all() {
    String padded = base64("team-a:pw"); // 9 bytes: no padding
    String onePad = base64("team-a:pwd1"); // 11 bytes: one '='
    return List.of(
        new Case("plain", basic("team-a:secret"), "team-a"),
        new Case("colons in the password", basic("team-a:pass:with:colons"), "team-a"),
        new Case("empty password", basic("team-a:"), "team-a"),
        new Case("scheme in mixed case", "bAsIc " + padded, "team-a"),
        new Case("scheme in upper case", "BASIC " + padded, "team-a"),
        new Case("padded base64", "Basic " + onePad, "team-a"),
        new Case("unpadded base64", "Basic " + onePad.replace("=", ""), null),
        new Case("'+' of the standard alphabet", basic("team-b:~~~"), "team-b"),
        new Case("URL-safe alphabet", basic("team-b:~~~").replace('+', '-'), null),
        new Case("two spaces after the scheme", "Basic  " + padded, null),
        new Case("a tab after the scheme", "Basic\t" + padded, null),
        new Case("no space after the scheme", "Basic" + padded, null),
        new Case("empty user", basic(":secret"), ""),
        new Case("no colon", basic("team-a"), null),
        new Case("not base64", "Basic !!!not-base64", null),
        new Case("another scheme", "Bearer " + padded, null),
        new Case("scheme only", "Basic", null),
        new Case("no header", null, null));
  }
}
