package io.mimiredge.rls.ha.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.enforce.redis.FailoverBucketStore;
import io.mimiredge.rls.enforce.redis.RedisBucketStore;
import io.mimiredge.rls.ha.HaTracker;
import io.mimiredge.rls.ha.HaTracker.Result;
import io.mimiredge.rls.ha.HaTracker.Verdict;
import io.mimiredge.rls.ha.HaTrackerContract;
import io.mimiredge.rls.ha.local.LocalHaTracker;
import io.mimiredge.testsupport.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract on a real Redis, and what sharing it means for two RLS replicas. */
class RedisHaTrackerTest extends HaTrackerContract {
  private static RedisServer redis;
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private final List<RedisBucketStore> stores = new ArrayList<>();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.startOrSkip();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void closeStores() {
    stores.forEach(RedisBucketStore::close);
  }

  /** One RLS replica's tracker: its own connection, bucket store and local fallback. */
  private record Replica(RedisHaTracker tracker, FailoverBucketStore buckets) {}

  private Replica replica(String prefix) {
    RedisBucketStore store =
        RedisBucketStore.builder()
            .uri(RedisURI.create(redis.uri()))
            .keyPrefix(prefix)
            .commandTimeout(Duration.ofMillis(500))
            .build();
    stores.add(store);
    FailoverBucketStore buckets =
        FailoverBucketStore.builder()
            .shared(store, store::ping)
            .local(new LocalBucketStore(System::nanoTime))
            .probesToReturn(1) // back to Redis at its first answer: one probe below
            .build();
    return new Replica(
        new RedisHaTracker(store, buckets, new LocalHaTracker(1_000), 1_000), buckets);
  }

  @Override
  protected HaTracker newTracker() {
    return replica("ha-test-" + PREFIXES.incrementAndGet() + ":").tracker();
  }

  @Test
  void twoReplicasSharingRedisAgreeOnTheElectedReplicaAndItsFailover() {
    String prefix = "ha-fleet-" + PREFIXES.incrementAndGet() + ":";
    HaTracker a = replica(prefix).tracker();
    HaTracker b = replica(prefix).tracker();

    // A load balancer sends r1's requests to A and r2's to B: B must not elect r2.
    assertThat(a.check("t", "c1", "r1", DEFAULTS, T0).verdict()).isEqualTo(Verdict.ELECTED);
    assertThat(b.check("t", "c1", "r2", DEFAULTS, T0 + 100)).isEqualTo(Result.notElected("r1"));
    // r1 keeps sending through A (heartbeats in Redis): B keeps refusing r2.
    for (long t = 10_000; t <= 60_000; t += 10_000) {
      assertThat(a.check("t", "c1", "r1", DEFAULTS, T0 + t).verdict()).isEqualTo(Verdict.ELECTED);
      assertThat(b.check("t", "c1", "r2", DEFAULTS, T0 + t + 500).verdict())
          .isEqualTo(Verdict.NOT_ELECTED);
    }
    // r1 goes silent; 30 s later B elects r2, and A, asking Redis again, agrees.
    assertThat(b.check("t", "c1", "r2", DEFAULTS, T0 + 90_000).verdict())
        .isEqualTo(Verdict.ELECTED);
    assertThat(a.check("t", "c1", "r1", DEFAULTS, T0 + 90_500)).isEqualTo(Result.notElected("r2"));
    assertThat(a.elections("t", T0 + 91_000))
        .isEqualTo(b.elections("t", T0 + 91_000))
        .extracting(HaTracker.Election::replica)
        .containsExactly("r2");
  }

  @Test
  void theClusterLimitHoldsForTheFleet() {
    String prefix = "ha-limit-" + PREFIXES.incrementAndGet() + ":";
    HaTracker a = replica(prefix).tracker();
    HaTracker b = replica(prefix).tracker();
    HaTracker.Settings two = new HaTracker.Settings(30_000, 1_000, 2);
    assertThat(a.check("t", "c1", "r", two, T0).verdict()).isEqualTo(Verdict.ELECTED);
    assertThat(b.check("t", "c2", "r", two, T0).verdict()).isEqualTo(Verdict.ELECTED);
    assertThat(a.check("t", "c3", "r", two, T0)).isEqualTo(Result.TOO_MANY_CLUSTERS);
    assertThat(b.check("t", "c3", "r", two, T0)).isEqualTo(Result.TOO_MANY_CLUSTERS);
  }

  @Test
  void whileRedisIsDownTheLocalTrackerDecides() throws Exception {
    Replica r = replica("ha-down-" + PREFIXES.incrementAndGet() + ":");
    assertThat(r.tracker().check("t", "c1", "r1", DEFAULTS, T0).verdict())
        .isEqualTo(Verdict.ELECTED);
    redis.kill();
    try {
      // The failed call trips the bucket store to local; this replica elects from its traffic.
      assertThat(r.tracker().check("t", "c9", "r2", DEFAULTS, T0 + 5_000).verdict())
          .isEqualTo(Verdict.ELECTED);
      assertThat(r.buckets().mode()).isEqualTo(FailoverBucketStore.Mode.LOCAL);
      assertThat(r.tracker().check("t", "c9", "r3", DEFAULTS, T0 + 6_000).verdict())
          .isEqualTo(Verdict.NOT_ELECTED);
      assertThat(r.tracker().elections("t", T0 + 6_000))
          .extracting(HaTracker.Election::cluster)
          .containsExactly("c9");
    } finally {
      redis.restart();
    }
    assertThat(r.buckets().probeNow()).isTrue(); // Redis back: shared again
    // This Redis keeps nothing across a restart: the elections start again from there.
    assertThat(r.tracker().elections("t", T0 + 7_000)).isEmpty();
    assertThat(r.tracker().check("t", "c9", "r3", DEFAULTS, T0 + 8_000).verdict())
        .isEqualTo(Verdict.ELECTED);
    assertThat(r.tracker().elections("t", T0 + 8_000))
        .extracting(HaTracker.Election::replica)
        .containsExactly("r3");
  }
}
