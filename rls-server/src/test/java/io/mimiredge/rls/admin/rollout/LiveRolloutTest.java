package io.mimiredge.rls.admin.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.Rollout;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.rls.admin.FakeTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LiveRolloutTest {
  private final FakeTime time = new FakeTime();

  @Test
  void startsDirectSplitByTenantWithFullFraction() {
    LiveRollout s = new LiveRollout(time);
    assertThat(s.get().phase()).isEqualTo(Phase.DIRECT);
    assertThat(s.get().splitBy()).isEqualTo(SplitBy.TENANT);
    assertThat(s.get().by()).isEqualTo("startup");
    assertThat(s.fraction().getAsDouble()).isEqualTo(1.0);
  }

  @ParameterizedTest
  @CsvSource({
    "DIRECT, 0, REQUEST, 1.0",
    "MIRROR, 0, REQUEST, 1.0",
    "CANARY, 25, TENANT, 1.0",
    "CANARY, 25, REQUEST, 0.25",
    "CANARY, 100, REQUEST, 1.0",
    "FULL, 100, REQUEST, 1.0"
  })
  void fractionScalesOnlyARequestSplitCanary(
      Phase.Kind kind, int percent, SplitBy splitBy, double fraction) {
    LiveRollout s = new LiveRollout(time);
    java.util.function.DoubleSupplier f = s.fraction(); // wired once, reads the latest
    time.advanceSeconds(5);
    Rollout r = s.set(new Phase(kind, percent), splitBy, "ops");
    assertThat(f.getAsDouble()).isEqualTo(fraction);
    assertThat(r.since()).isEqualTo(time.instant());
    assertThat(r.by()).isEqualTo("ops");
  }

  @ParameterizedTest
  @CsvSource({
    "DIRECT, 10, percent must be 0",
    "MIRROR, 100, percent must be 0",
    "CANARY, 0, between 1 and 100",
    "CANARY, 101, between 1 and 100",
    "FULL, 50, percent must be 100"
  })
  void refusesCombinationsThatMakeNoSense(Phase.Kind kind, int percent, String message) {
    LiveRollout s = new LiveRollout(time);
    assertThatThrownBy(() -> s.set(new Phase(kind, percent), SplitBy.TENANT, "ops"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
    assertThat(s.get().phase()).isEqualTo(Phase.DIRECT);
  }
}
