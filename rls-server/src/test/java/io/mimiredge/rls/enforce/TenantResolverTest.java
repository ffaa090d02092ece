package io.mimiredge.rls.enforce;

import static io.mimiredge.rls.testing.BasicAuthCases.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mimiredge.api.tenant.TenantFrom;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.testing.BasicAuthCases;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TenantResolverTest {

  /** pkg/util/noauth: without multitenancy Mimir injects its no-auth tenant, headers or not. */
  @Test
  void withoutMultitenancyEveryRequestIsTheNoAuthTenant() {
    TenantResolver r =
        TenantResolver.of(io.mimiredge.api.tenant.TenantFrom.NONE, "X-Scope-OrgID", "anonymous");

    assertThat(r.resolve(name -> null)).isEqualTo("anonymous");
    assertThat(r.resolve(name -> name.equals("x-scope-orgid") ? "team-a" : null))
        .isEqualTo("anonymous");
    assertThat(r.onlyTenant()).isEqualTo("anonymous");
    assertThat(r.setsTenantHeader()).isFalse(); // Mimir reads no header: nothing to set
    assertThat(TenantResolver.header("X-Scope-OrgID").onlyTenant()).isNull();
  }

  @Test
  void readsTheBasicAuthUserAsGoDoes() {
    assertThat(TenantResolver.userOf(basic("tenant-a:secret"))).isEqualTo("tenant-a");
    assertThat(TenantResolver.userOf(basic("tenant-a:pass:with:colons"))).isEqualTo("tenant-a");
    assertThat(TenantResolver.userOf(basic(":secret"))).isEmpty();
    assertThat(TenantResolver.userOf("bAsIc " + basic("t:p").substring(6))).isEqualTo("t");
    assertThat(TenantResolver.userOf(basic("no-colon"))).isNull();
    assertThat(TenantResolver.userOf("Basic !!!not-base64")).isNull();
    assertThat(TenantResolver.userOf("Bearer abc")).isNull();
    assertThat(TenantResolver.userOf("Basic")).isNull();
    assertThat(TenantResolver.userOf(null)).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.mimiredge.rls.testing.BasicAuthCases#all")
  void findsTheUserGoFinds(BasicAuthCases.Case c) {
    assertThat(TenantResolver.userOf(c.authorization())).isEqualTo(c.user());
  }

  @Test
  void foldsTheSchemesCaseInAsciiOnly() {
    String credentials = basic("t:p").substring("Basic ".length());
    // Java's case-insensitive comparisons fold U+017F (long s) to 's'; Go's ascii.EqualFold not.
    assertThat("baſic ".regionMatches(true, 0, "Basic ", 0, 6)).isTrue();
    assertThat(TenantResolver.userOf("baſic " + credentials)).isNull();
  }

  @Test
  void skipsLineBreaksInTheBase64AsGoDoes() {
    String credentials = basic("team-a:pwd1").substring("Basic ".length());
    String broken = credentials.substring(0, 4) + "\r\n" + credentials.substring(4);

    assertThat(TenantResolver.userOf("Basic " + broken)).isEqualTo("team-a");
  }

  @Test
  void bothDoorsLookHeadersUpByTheirLowerCaseName() {
    Map<String, String> envoy =
        Map.of("x-tenant", "team-a", "authorization", basic("team-b:pw"), "x-scope-orgid", "x");

    assertThat(TenantResolver.header("X-Tenant").resolve(envoy::get)).isEqualTo("team-a");
    assertThat(TenantResolver.basicAuthUser("X-Tenant").resolve(envoy::get)).isEqualTo("team-b");
    assertThat(TenantResolver.of(TenantFrom.HEADER, "X-Scope-OrgID").resolve(envoy::get))
        .isEqualTo("x");
  }

  @Test
  void theConfigurationPicksTheRule() {
    TenantResolver basic = TenantResolver.of(TenantFrom.BASIC_AUTH_USER, "X-Tenant");
    assertThat(basic.setsTenantHeader()).isTrue();
    assertThat(basic.tenantHeader()).isEqualTo("X-Tenant"); // as configured, for the forward
    assertThat(TenantResolver.of(TenantFrom.HEADER, "X-Tenant").setsTenantHeader()).isFalse();
    assertThatThrownBy(() -> TenantResolver.header(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenantHeader");
  }

  @Test
  void theEnforcerAnswersAnEmptyUserAsAMissingTenant() {
    Enforcer enforcer =
        Enforcer.builder()
            .overrides(Overrides.of(TenantLimits.MIMIR_DEFAULTS))
            .buckets(new LocalBucketStore(() -> 0L))
            .build();

    Decision d = enforcer.check(TenantResolver.userOf(basic(":secret"))).decision();

    assertThat(d.reason()).isEqualTo(Reason.MISSING_TENANT);
    assertThat(d.status()).isEqualTo(401);
    assertThat(d.message()).isEqualTo("no org id");
  }
}
