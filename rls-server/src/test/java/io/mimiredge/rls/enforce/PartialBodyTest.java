package io.mimiredge.rls.enforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.limits.Mode;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import org.junit.jupiter.api.Test;

class PartialBodyTest {
  private final LocalBucketStore store = new LocalBucketStore(() -> 0L);

  private PushEvaluator evaluator(TenantLimits defaults) {
    Enforcer enforcer = Enforcer.builder().overrides(Overrides.of(defaults)).buckets(store).build();
    return new PushEvaluator(
        enforcer,
        new WriteRequestScanner(1 << 20),
        1 << 20,
        () -> io.mimiredge.rls.testing.TestFixtures.NOW_MILLIS);
  }

  @Test
  void admitsUnjudgedAndConsumesNothing() {
    PushEvaluator e = evaluator(TenantLimits.MIMIR_DEFAULTS.toBuilder().requestRate(1).build());

    Decision d = e.evaluatePartial("tenant-a");

    assertThat(d.verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(d.reason()).isEqualTo(Reason.PARTIAL_BODY);
    assertThat(d.allowed()).isTrue();
    assertThat(d.status()).isEqualTo(200);
    assertThat(d.tenant()).isEqualTo("tenant-a");
    assertThat(d.items()).isZero();
    assertThat(d.stats()).isNull();
    assertThat(store.size()).isZero();
  }

  @Test
  void stillChecksTheTenant() {
    PushEvaluator e = evaluator(TenantLimits.MIMIR_DEFAULTS);

    assertThat(e.evaluatePartial(null).reason()).isEqualTo(Reason.MISSING_TENANT);
    assertThat(e.evaluatePartial("a|b").reason()).isEqualTo(Reason.INVALID_TENANT);
  }

  @Test
  void offTenantIsPlainlyAllowed() {
    PushEvaluator e = evaluator(TenantLimits.MIMIR_DEFAULTS.toBuilder().mode(Mode.OFF).build());

    assertThat(e.evaluatePartial("tenant-a").reason()).isEqualTo(Reason.ALLOWED);
  }

  @Test
  void onlyAdmittingReasonsGoWithAllow() {
    assertThat(Reason.PARTIAL_BODY.admits()).isTrue();
    assertThat(Reason.ALLOWED.admits()).isTrue();
    assertThat(Reason.BAD_BODY.admits()).isFalse();
    assertThatThrownBy(
            () ->
                new Decision(
                    Verdict.DENY, Reason.PARTIAL_BODY, 200, "", null, Mode.ENFORCE, 0, null, "t"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
