package io.mimiredge.rls.ha.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mimiredge.rls.ha.HaTracker;
import io.mimiredge.rls.ha.HaTrackerContract;
import org.junit.jupiter.api.Test;

class LocalHaTrackerTest extends HaTrackerContract {
  @Override
  protected HaTracker newTracker() {
    return new LocalHaTracker(1_000);
  }

  @Test
  void keepsAtMostItsBoundOfClustersAndCountsTheRestAsNotHa() {
    LocalHaTracker small = new LocalHaTracker(3);
    HaTracker.Settings unlimited = new HaTracker.Settings(30_000, 1_000, 0);
    for (int i = 0; i < 10; i++) {
      assertThat(small.check("t" + i, "c", "r1", unlimited, T0).verdict())
          .isEqualTo(HaTracker.Verdict.ELECTED);
      // past the bound a cluster is not tracked: another replica is counted too
      assertThat(small.check("t" + i, "c", "r2", unlimited, T0 + 1).verdict())
          .isEqualTo(i < 3 ? HaTracker.Verdict.NOT_ELECTED : HaTracker.Verdict.ELECTED);
    }
    assertThat(small.trackedClusters()).isEqualTo(3);
    assertThat(small.untracked()).isEqualTo(14);
  }

  @Test
  void evictsIdleClustersAndFreesTheirPlaces() {
    LocalHaTracker t = new LocalHaTracker(2);
    HaTracker.Settings s = new HaTracker.Settings(30_000, 1_000, 0);
    t.check("a", "c1", "r1", s, T0);
    t.check("b", "c1", "r1", s, T0 + HaTracker.IDLE_CLUSTER_MILLIS / 2);
    t.evictIdle(T0 + HaTracker.IDLE_CLUSTER_MILLIS);
    assertThat(t.trackedClusters()).isEqualTo(1);
    assertThat(t.elections("a", T0)).isEmpty();
    assertThat(t.check("c", "c1", "r1", s, T0 + HaTracker.IDLE_CLUSTER_MILLIS).verdict())
        .isEqualTo(HaTracker.Verdict.ELECTED);
    assertThat(t.trackedClusters()).isEqualTo(2);
  }

  @Test
  void refusesANonPositiveBound() {
    assertThatThrownBy(() -> new LocalHaTracker(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxClusters must be >= 1, got 0");
  }
}
