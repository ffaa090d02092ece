package io.mimiredge.rls.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.RateLimit;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.mimiredge.rls.enforce.BucketSpec;
import io.mimiredge.rls.enforce.BucketView;
import io.mimiredge.rls.enforce.TenantResolver;
import org.junit.jupiter.api.Test;

class EnvoyMappingTest {

  @Test
  void statesARateInTheShortestWholeUnit() {
    assertThat(EnvoyMapping.rateLimit(10))
        .extracting(RateLimit::getRequestsPerUnit, RateLimit::getUnit)
        .containsExactly(10, RateLimit.Unit.SECOND);
    assertThat(EnvoyMapping.rateLimit(0.5))
        .extracting(RateLimit::getRequestsPerUnit, RateLimit::getUnit)
        .containsExactly(30, RateLimit.Unit.MINUTE);
    assertThat(EnvoyMapping.rateLimit(1.0 / 3))
        .extracting(RateLimit::getRequestsPerUnit, RateLimit::getUnit)
        .containsExactly(20, RateLimit.Unit.MINUTE);
    assertThat(EnvoyMapping.rateLimit(1.0 / 3600))
        .extracting(RateLimit::getRequestsPerUnit, RateLimit::getUnit)
        .containsExactly(1, RateLimit.Unit.HOUR);
    // never whole: the shortest unit with at least one request, rounded (8.57/min)
    assertThat(EnvoyMapping.rateLimit(1.0 / 7))
        .extracting(RateLimit::getRequestsPerUnit, RateLimit::getUnit)
        .containsExactly(9, RateLimit.Unit.MINUTE);
    assertThat(EnvoyMapping.rateLimit(1e-7))
        .extracting(RateLimit::getRequestsPerUnit, RateLimit::getUnit)
        .containsExactly(1, RateLimit.Unit.DAY);
    assertThat(
            Integer.toUnsignedLong(
                EnvoyMapping.rateLimit(BucketSpec.MAX_RATE).getRequestsPerUnit()))
        .isEqualTo(1_000_000_000L);
  }

  @Test
  void resetIsTheTimeUntilTheBucketIsFull() {
    assertThat(EnvoyMapping.nanosUntilFull(new BucketView("k", new BucketSpec(10, 2), 10)))
        .isZero();
    assertThat(EnvoyMapping.nanosUntilFull(new BucketView("k", new BucketSpec(10, 2), 7)))
        .isEqualTo(1_500_000_000L);
    assertThat(EnvoyMapping.nanosUntilFull(new BucketView("k", new BucketSpec(10, 2), -3)))
        .isEqualTo(5_000_000_000L);
  }

  @Test
  void mapsHttpStatusesToEnvoysEnum() {
    assertThat(EnvoyMapping.statusCode(429)).isEqualTo(StatusCode.TooManyRequests);
    assertThat(EnvoyMapping.statusCode(413)).isEqualTo(StatusCode.PayloadTooLarge);
    assertThat(EnvoyMapping.statusCode(401)).isEqualTo(StatusCode.Unauthorized);
    assertThat(EnvoyMapping.statusCode(400)).isEqualTo(StatusCode.BadRequest);
    assertThat(EnvoyMapping.statusCode(299)).isEqualTo(StatusCode.Forbidden);
    assertThat(EnvoyMapping.statusCode(0)).isEqualTo(StatusCode.Forbidden);
  }

  @Test
  void lowerCasesTheTenantHeaderAndChecksItsSettings() {
    assertThat(new EnvoyMapping(TenantResolver.header("X-Scope-OrgID"), "tenant").tenantHeader())
        .isEqualTo("x-scope-orgid");
    assertThatThrownBy(() -> new EnvoyMapping(TenantResolver.header(" "), "tenant"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenantHeader");
    assertThatThrownBy(() -> new EnvoyMapping(TenantResolver.header("x"), ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("descriptorKey");
  }
}
