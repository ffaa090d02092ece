package io.mimiredge.rls.enforce.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.mimiredge.rls.enforce.BucketSpec;
import io.mimiredge.rls.enforce.BucketStore;
import io.mimiredge.rls.enforce.BucketView;
import io.mimiredge.rls.enforce.ConsumeResult;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.StoreUnavailableException;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.enforce.redis.FailoverBucketStore.Mode;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import io.mimiredge.rls.testing.TestFixtures;
import io.mimiredge.testsupport.Await;
import io.mimiredge.testsupport.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two RLS instances (an Enforcer each, with its own Redis connection and local fallback) sharing
 * one real redis-server. bucket4j's Redis buckets refill by each client's clock: here one fake
 * clock both read (the fleet's NTP-synced wall clocks), moved by the test, so the bounds below are
 * exact and hold however slowly a busy machine runs the traffic.
 */
class RedisFleetTest {
  private static final String TENANT = "tenant-fleet";
  private static final double RATE = 2000; // items/s for the whole fleet
  private static final int BURST = 1000;
  private static final int ITEMS = 10; // per request
  private static final int REPLICAS = 2;
  private static final int THREADS_PER_INSTANCE = 2;
  private static final Duration STEP = Duration.ofMillis(100); // of the fleet's clock: 200 items
  private static final int STEPS = 15;
  // Bounds against hanging only: what the tests assert is counted, not timed.
  private static final Duration WITHIN = Duration.ofSeconds(30);

  private RedisServer redis;
  private final List<Instance> instances = new ArrayList<>();
  private final AtomicLong fleetClockNanos = new AtomicLong(TestFixtures.NOW_MILLIS * 1_000_000);

  /**
   * One RLS instance: what RlsApplication wires in exact mode, with the calls Redis failed counted
   * between the failover store and the Redis store.
   */
  private record Instance(
      RedisBucketStore redis, Failing shared, FailoverBucketStore store, Enforcer enforcer) {}

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.startOrSkip();
    String prefix = "fleet-" + UUID.randomUUID() + ":";
    Overrides limits =
        Overrides.of(
            TenantLimits.MIMIR_DEFAULTS.toBuilder()
                .ingestionRate(RATE)
                .ingestionBurstSize(BURST)
                .build());
    for (int i = 0; i < REPLICAS; i++) {
      RedisBucketStore shared =
          RedisBucketStore.builder()
              .uri(RedisURI.create(redis.uri()))
              .keyPrefix(prefix)
              .clock(fleetClockNanos::get)
              // Generous: a command timing out on a busy machine would be a fallback the tests
              // count. A killed redis-server is a closed connection, seen at once, not a timeout.
              .commandTimeout(Duration.ofSeconds(2))
              .connectTimeout(Duration.ofSeconds(2))
              .build();
      Failing counted = new Failing(shared);
      FailoverBucketStore store =
          FailoverBucketStore.builder()
              .shared(counted, shared::ping)
              .local(new LocalBucketStore(System::nanoTime))
              .replicas(() -> REPLICAS)
              .probeInterval(Duration.ofMillis(200))
              .build();
      store.start();
      // Exact mode: the shared bucket is the fleet's, so the Enforcer must not divide the rate.
      Enforcer enforcer = Enforcer.builder().overrides(limits).buckets(store).replicas(1).build();
      instances.add(new Instance(shared, counted, store, enforcer));
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (Instance i : instances) {
      i.store().stop();
      i.redis().close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void twoInstancesAdmitNoMoreThanRateTimesTimePlusBurstBetweenThem() {
    Traffic t = new Traffic(THREADS_PER_INSTANCE);
    t.start();
    // The fleet's clock moves in steps; before each, the traffic empties the shared bucket.
    for (int i = 0; i < STEPS; i++) {
      awaitDrained(t);
      fleetClockNanos.addAndGet(STEP.toNanos());
    }
    awaitDrained(t);
    t.stop();
    double elapsed = STEPS * STEP.toNanos() / 1e9; // 1.5 s of the fleet's clock

    assertThat(t.failures).isEmpty();
    long admitted = t.admittedItems.get();
    assertThat(admitted).isLessThanOrEqualTo((long) (RATE * elapsed) + BURST);
    // Shared, not split: well above what one replica's share (rate ÷ 2) could admit.
    assertThat(admitted).isGreaterThan((long) (RATE / REPLICAS * elapsed) + BURST);
    assertThat(t.denied.get()).isPositive();
    instances.forEach(i -> assertThat(i.store().status().fallbacks()).isZero());
  }

  /**
   * Waits until the shared bucket holds less than one request's items at the fleet's current time
   * and a request was refused since the wait began.
   */
  private void awaitDrained(Traffic t) {
    long denied = t.denied.get();
    Await.await(
        "the traffic to empty the shared bucket",
        () -> sharedTokens() < ITEMS && t.denied.get() > denied,
        WITHIN);
  }

  /** The shared bucket's tokens now; full before the first request. */
  private long sharedTokens() {
    return instances
        .get(0)
        .store()
        .view(Enforcer.ingestionKey(TENANT))
        .map(BucketView::availableTokens)
        .orElse((long) BURST);
  }

  @Test
  void killingRedisDuringTrafficFailsNoDecisionAndRecovers() throws Exception {
    Traffic t = new Traffic(THREADS_PER_INSTANCE);
    t.start();
    Await.await("decisions through Redis", () -> t.decisions.get() >= 100, WITHIN);

    redis.kill();
    for (Instance i : instances) {
      awaitMode(i.store(), Mode.LOCAL);
    }
    long decidedBefore = t.decisions.get();
    // still deciding, locally
    Await.await("decisions without Redis", () -> t.decisions.get() > decidedBefore, WITHIN);
    // The switch was the first failure's, not a wait: each traffic thread met the dead Redis at
    // most once, since the failure it met switched its store to local for all later requests.
    for (Instance i : instances) {
      assertThat(i.shared().failures()).hasValueLessThanOrEqualTo(THREADS_PER_INSTANCE);
    }

    redis.restart();
    for (Instance i : instances) {
      awaitMode(i.store(), Mode.SHARED);
    }
    long decidedAfter = t.decisions.get();
    // past the decisions in flight at the switch back (one a thread), through Redis again
    Await.await(
        "decisions through Redis again",
        () -> t.decisions.get() > decidedAfter + t.threads(),
        WITHIN);
    t.stop();

    assertThat(t.failures).isEmpty();
    assertThat(t.decisions.get()).isGreaterThan(decidedAfter);
    for (Instance i : instances) {
      assertThat(i.store().status().fallbacks()).isEqualTo(1);
      assertThat(i.store().mode()).isEqualTo(Mode.SHARED);
    }
    assertThat(instances.get(0).store().view(Enforcer.ingestionKey(TENANT))).isPresent();
  }

  private static void awaitMode(FailoverBucketStore s, Mode mode) {
    Await.await("the store in mode " + mode, () -> s.mode() == mode, WITHIN);
  }

  /** A store that counts the calls its delegate fails with {@link StoreUnavailableException}. */
  private record Failing(BucketStore delegate, AtomicLong failures) implements BucketStore {
    Failing(BucketStore delegate) {
      this(delegate, new AtomicLong());
    }

    @Override
    public ConsumeResult tryConsume(String key, BucketSpec spec, long tokens) {
      try {
        return delegate.tryConsume(key, spec, tokens);
      } catch (StoreUnavailableException e) {
        failures.incrementAndGet();
        throw e;
      }
    }

    @Override
    public void refund(String key, BucketSpec spec, long tokens) {
      try {
        delegate.refund(key, spec, tokens);
      } catch (StoreUnavailableException e) {
        failures.incrementAndGet();
        throw e;
      }
    }

    @Override
    public Optional<BucketView> view(String key) {
      try {
        return delegate.view(key);
      } catch (StoreUnavailableException e) {
        failures.incrementAndGet();
        throw e;
      }
    }
  }

  /** Threads per instance pushing 10-sample requests for one tenant as fast as they can. */
  private final class Traffic {
    final AtomicLong admittedItems = new AtomicLong();
    final AtomicLong denied = new AtomicLong();
    final AtomicLong decisions = new AtomicLong();
    final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch go = new CountDownLatch(1);

    Traffic(int threadsPerInstance) {
      WriteRequestStats request = samples(ITEMS);
      for (Instance i : instances) {
        for (int n = 0; n < threadsPerInstance; n++) {
          threads.add(
              new Thread(
                  () -> {
                    try {
                      go.await();
                      while (running.get()) {
                        Decision d = i.enforcer().decide(TENANT, request, TestFixtures.NOW_MILLIS);
                        decisions.incrementAndGet();
                        if (d.allowed()) {
                          admittedItems.addAndGet(ITEMS);
                        } else {
                          denied.incrementAndGet();
                        }
                      }
                    } catch (Throwable e) {
                      failures.add(e);
                    }
                  }));
        }
      }
      threads.forEach(Thread::start);
    }

    void start() {
      go.countDown();
    }

    int threads() {
      return threads.size();
    }

    void stop() {
      running.set(false);
      for (Thread th : threads) {
        try {
          th.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted stopping the traffic", e);
        }
      }
    }
  }

  private static WriteRequestStats samples(long n) {
    return io.mimiredge.rls.testing.Stats.ofSamples(n);
  }
}
