package io.mimiredge.rls.enforce.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.enforce.redis.FailoverBucketStore.Mode;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * one real redis-server. Real time: bucket4j's Redis buckets refill by each client's wall clock,
 * here the one host's clock, so the bound below holds without skew.
 */
class RedisFleetTest {
  private static final String TENANT = "tenant-fleet";
  private static final double RATE = 2000; // items/s for the whole fleet
  private static final int BURST = 1000;
  private static final int ITEMS = 10; // per request
  private static final int REPLICAS = 2;

  private RedisServer redis;
  private final List<Instance> instances = new ArrayList<>();

  /** One RLS instance: what RlsApplication wires in exact mode. */
  private record Instance(RedisBucketStore redis, FailoverBucketStore store, Enforcer enforcer) {}

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
              .commandTimeout(Duration.ofMillis(300))
              .connectTimeout(Duration.ofMillis(300))
              .build();
      FailoverBucketStore store =
          FailoverBucketStore.builder()
              .shared(shared, shared::ping)
              .local(new LocalBucketStore(System::nanoTime))
              .replicas(() -> REPLICAS)
              .probeInterval(Duration.ofMillis(200))
              .build();
      store.start();
      // Exact mode: the shared bucket is the fleet's, so the Enforcer must not divide the rate.
      Enforcer enforcer = Enforcer.builder().overrides(limits).buckets(store).replicas(1).build();
      instances.add(new Instance(shared, store, enforcer));
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
  void twoInstancesAdmitNoMoreThanRateTimesTimePlusBurstBetweenThem() throws Exception {
    Traffic t = new Traffic(2);
    long startNanos = System.nanoTime();
    t.start();
    Thread.sleep(1500);
    t.stop();
    double elapsed = (System.nanoTime() - startNanos) / 1e9;

    assertThat(t.failures).isEmpty();
    long admitted = t.admittedItems.get();
    assertThat(admitted).isLessThanOrEqualTo((long) (RATE * elapsed) + BURST);
    // Shared, not split: well above what one replica's share (rate ÷ 2) could admit.
    assertThat(admitted).isGreaterThan((long) (RATE / REPLICAS * elapsed) + BURST);
    assertThat(t.denied.get()).isPositive();
    instances.forEach(i -> assertThat(i.store().status().fallbacks()).isZero());
  }

  @Test
  void killingRedisDuringTrafficFailsNoDecisionAndRecovers() throws Exception {
    Traffic t = new Traffic(2);
    t.start();
    Thread.sleep(300);

    redis.kill();
    long killed = System.nanoTime();
    for (Instance i : instances) {
      awaitMode(i.store(), Mode.LOCAL, Duration.ofSeconds(5));
    }
    Duration toLocal = Duration.ofNanos(System.nanoTime() - killed);
    long decidedBefore = t.decisions.get();
    Thread.sleep(300);
    assertThat(t.decisions.get()).isGreaterThan(decidedBefore); // still deciding, locally
    assertThat(toLocal).isLessThan(Duration.ofSeconds(1));

    redis.start();
    for (Instance i : instances) {
      awaitMode(i.store(), Mode.SHARED, Duration.ofSeconds(5));
    }
    long decidedAfter = t.decisions.get();
    Thread.sleep(300);
    t.stop();

    assertThat(t.failures).isEmpty();
    assertThat(t.decisions.get()).isGreaterThan(decidedAfter);
    for (Instance i : instances) {
      assertThat(i.store().status().fallbacks()).isEqualTo(1);
      assertThat(i.store().mode()).isEqualTo(Mode.SHARED);
    }
    assertThat(instances.get(0).store().view(Enforcer.ingestionKey(TENANT))).isPresent();
  }

  private static void awaitMode(FailoverBucketStore s, Mode mode, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (s.mode() != mode && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(s.mode()).as("store mode").isEqualTo(mode);
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
                        Decision d =
                            i.enforcer()
                                .decide(
                                    TENANT,
                                    request,
                                    io.mimiredge.rls.testing.TestFixtures.NOW_MILLIS);
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

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread th : threads) {
        th.join(10_000);
      }
    }
  }

  private static WriteRequestStats samples(long n) {
    return io.mimiredge.rls.testing.Stats.ofSamples(n);
  }
}
