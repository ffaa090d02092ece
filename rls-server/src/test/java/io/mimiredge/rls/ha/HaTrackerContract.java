package io.mimiredge.rls.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.rls.ha.HaTracker.Election;
import io.mimiredge.rls.ha.HaTracker.Result;
import io.mimiredge.rls.ha.HaTracker.Settings;
import io.mimiredge.rls.ha.HaTracker.Verdict;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link HaTracker} must do, after Mimir's {@code pkg/distributor/ha_tracker_test.go}:
 * run against each implementation (extend it and implement {@link #newTracker}). Time is the {@code
 * nowMillis} each call passes.
 */
public abstract class HaTrackerContract {
  /** Mimir's defaults, with a 1 s update timeout so that a shared store is asked often. */
  protected static final Settings DEFAULTS = new Settings(30_000, 1_000, 100);

  protected static final long T0 = 1_795_460_000_000L;

  protected HaTracker tracker;

  /** A fresh tracker with no elections. */
  protected abstract HaTracker newTracker() throws Exception;

  @BeforeEach
  void create() throws Exception {
    tracker = newTracker();
  }

  private Verdict check(String tenant, String cluster, String replica, long at) {
    return tracker.check(tenant, cluster, replica, DEFAULTS, at).verdict();
  }

  @Test
  void electsTheFirstReplicaSeenAndTurnsAwayTheOther() {
    assertThat(check("t", "c1", "r1", T0)).isEqualTo(Verdict.ELECTED);
    Result other = tracker.check("t", "c1", "r2", DEFAULTS, T0 + 10);
    assertThat(other).isEqualTo(Result.notElected("r1"));
    assertThat(check("t", "c1", "r1", T0 + 20)).isEqualTo(Verdict.ELECTED);
  }

  /** TestHATrackerCheckReplicaOverwriteTimeout: failover only after the failover timeout. */
  @Test
  void failsOverOnlyOnceTheElectedReplicaIsSilentForTheFailoverTimeout() {
    assertThat(check("t", "c1", "r1", T0)).isEqualTo(Verdict.ELECTED);
    assertThat(check("t", "c1", "r2", T0 + 29_000)).isEqualTo(Verdict.NOT_ELECTED);
    assertThat(check("t", "c1", "r2", T0 + 30_000)).isEqualTo(Verdict.ELECTED);
    assertThat(tracker.check("t", "c1", "r1", DEFAULTS, T0 + 31_000))
        .isEqualTo(Result.notElected("r2"));
  }

  /**
   * TestHATracker_UseSampleTimeForFailoverEnabled: with {@code ha_tracker_sample_failover_timeout}
   * the new replica's sample time must also be that far past the elected one's last-seen time
   * ({@code updateKVStore}: {@code sampleTime.Sub(ReceivedAt) < failoverSampleTimeout} blocks it).
   */
  @Test
  void aSampleFailoverTimeoutWaitsUntilTheNewReplicasSamplesAreThatMuchNewer() {
    Settings s = new Settings(30_000, 1_000, 100, 30_000);
    long lag = 20_000; // the replicas' samples are 20 s behind the wall clock
    assertThat(tracker.check("t", "c1", "r1", s, T0, T0 - lag).verdict())
        .isEqualTo(Verdict.ELECTED);
    // silent for the failover timeout, but r2's samples are only 10 s past r1's last-seen time
    assertThat(tracker.check("t", "c1", "r2", s, T0 + 30_000, T0 + 30_000 - lag))
        .isEqualTo(Result.notElected("r1"));
    assertThat(tracker.check("t", "c1", "r2", s, T0 + 49_999, T0 + 49_999 - lag))
        .isEqualTo(Result.notElected("r1"));
    assertThat(tracker.check("t", "c1", "r2", s, T0 + 50_000, T0 + 50_000 - lag).verdict())
        .isEqualTo(Verdict.ELECTED);
    assertThat(tracker.check("t", "c1", "r1", s, T0 + 50_001, T0 + 50_001 - lag))
        .isEqualTo(Result.notElected("r2"));
  }

  /** TestHATracker_UseSampleTimeForFailoverDisabled: without it the sample time is not read. */
  @Test
  void withoutASampleFailoverTimeoutTheSampleTimeDoesNotMatter() {
    Settings s = new Settings(30_000, 1_000, 100, 0);
    assertThat(tracker.check("t", "c1", "r1", s, T0, T0 - 20_000).verdict())
        .isEqualTo(Verdict.ELECTED);
    assertThat(tracker.check("t", "c1", "r2", s, T0 + 30_000, T0 + 10_000).verdict())
        .isEqualTo(Verdict.ELECTED);
  }

  /** A new cluster is elected whatever its samples' time (updateKVStore creates the entry). */
  @Test
  void aNewClusterIsElectedWhateverItsSampleTime() {
    Settings s = new Settings(30_000, 1_000, 100, 30_000);
    assertThat(tracker.check("t", "c1", "r1", s, T0, 0).verdict()).isEqualTo(Verdict.ELECTED);
  }

  @Test
  void anElectedReplicaThatKeepsSendingKeepsItsElection() {
    for (long t = 0; t <= 120_000; t += 10_000) {
      assertThat(check("t", "c1", "r1", T0 + t)).as("r1 at %d", t).isEqualTo(Verdict.ELECTED);
      assertThat(check("t", "c1", "r2", T0 + t + 5_000)).isEqualTo(Verdict.NOT_ELECTED);
    }
  }

  /** TestHATrackerCheckReplicaMultiCluster and MultiUser: elections are per tenant and cluster. */
  @Test
  void clustersAndTenantsAreIndependent() {
    assertThat(check("t", "c1", "r1", T0)).isEqualTo(Verdict.ELECTED);
    assertThat(check("t", "c2", "r2", T0)).isEqualTo(Verdict.ELECTED);
    assertThat(check("u", "c1", "r2", T0)).isEqualTo(Verdict.ELECTED);
    assertThat(check("t", "c2", "r1", T0 + 1)).isEqualTo(Verdict.NOT_ELECTED);
    assertThat(check("u", "c1", "r1", T0 + 1)).isEqualTo(Verdict.NOT_ELECTED);
  }

  /** TestHATrackerClustersLimit: a new cluster over ha_max_clusters is refused. */
  @Test
  void refusesANewClusterOverTheLimitUntilOneIsIdle() {
    Settings two = new Settings(30_000, 1_000, 2);
    assertThat(tracker.check("t", "c1", "r1", two, T0).verdict()).isEqualTo(Verdict.ELECTED);
    assertThat(tracker.check("t", "c2", "r1", two, T0 + 1).verdict()).isEqualTo(Verdict.ELECTED);
    assertThat(tracker.check("t", "c3", "r1", two, T0 + 2)).isEqualTo(Result.TOO_MANY_CLUSTERS);
    assertThat(tracker.check("t", "c1", "r1", two, T0 + 3).verdict())
        .as("a known cluster is not a new one")
        .isEqualTo(Verdict.ELECTED);
    assertThat(tracker.check("other", "c3", "r1", two, T0 + 3).verdict())
        .as("the limit is per tenant")
        .isEqualTo(Verdict.ELECTED);
    // c2 idle for Mimir's 30 minutes: its place is free again
    long later = T0 + HaTracker.IDLE_CLUSTER_MILLIS + 10;
    assertThat(tracker.check("t", "c1", "r1", two, later - 5).verdict()).isEqualTo(Verdict.ELECTED);
    assertThat(tracker.check("t", "c3", "r1", two, later).verdict()).isEqualTo(Verdict.ELECTED);
  }

  @Test
  void maxClustersZeroIsNoLimit() {
    Settings unlimited = new Settings(30_000, 1_000, 0);
    for (int i = 0; i < 150; i++) {
      assertThat(tracker.check("t", "c" + i, "r", unlimited, T0 + i).verdict())
          .isEqualTo(Verdict.ELECTED);
    }
  }

  @Test
  void listsEachClustersElectedReplicaAndWhenItWasLastSeen() {
    check("t", "c1", "r1", T0);
    check("t", "c1", "r2", T0 + 1_000);
    check("t", "c2", "r9", T0 + 2_000);
    check("t", "c1", "r1", T0 + 5_000);
    check("t", "c1", "r2", T0 + 40_000); // r1 silent for 35 s: r2 takes over

    assertThat(tracker.elections("t", T0 + 41_000))
        .containsExactlyInAnyOrder(
            new Election("c1", "r2", T0 + 40_000, T0 + 40_000),
            new Election("c2", "r9", T0 + 2_000, T0 + 2_000));
    assertThat(tracker.elections("nobody", T0)).isEmpty();
    assertThat(tracker.elections("t", T0 + 2_000 + HaTracker.IDLE_CLUSTER_MILLIS))
        .extracting(Election::cluster)
        .containsExactly("c1"); // c2 idle for 30 minutes: forgotten
  }
}
