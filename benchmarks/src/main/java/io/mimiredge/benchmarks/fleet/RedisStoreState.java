package io.mimiredge.benchmarks.fleet;

import io.lettuce.core.RedisURI;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.enforce.redis.FailoverBucketStore;
import io.mimiredge.rls.enforce.redis.RedisBucketStore;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import io.mimiredge.testsupport.RedisServer;
import java.time.Duration;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Two Enforcers over the same limits, one with the local store, one with Redis (exact mode, as
 * wired in production: failover store, replicas(1)), and a redis-server of its own on a free
 * loopback port. The tenant's rate is far above what the benchmark can push, so every decision is
 * an admission: the cost measured is the store's, not a denial's.
 */
@State(Scope.Benchmark)
public class RedisStoreState {
  static final String TENANT = "tenant-bench";

  Enforcer local;
  Enforcer redis;

  /** The time decisions are made at: HA is off, so only its being fixed matters. */
  static final long NOW_MILLIS = 1_795_400_000_000L;

  /** A 100-sample request. */
  final WriteRequestStats request = WriteRequestStats.ofValidSamples(2000, 20000, 10, 100);

  private RedisServer server;
  private RedisBucketStore redisStore;
  private FailoverBucketStore failover;

  @Setup(Level.Trial)
  public void start() {
    server = RedisServer.start();

    Overrides limits =
        Overrides.of(
            TenantLimits.MIMIR_DEFAULTS.toBuilder()
                .ingestionRate(1e9)
                .ingestionBurstSize(1_000_000)
                .build());
    local =
        Enforcer.builder()
            .overrides(limits)
            .buckets(new LocalBucketStore(System::nanoTime))
            .replicas(1)
            .build();
    redisStore =
        RedisBucketStore.builder()
            .uri(RedisURI.create(server.uri()))
            .commandTimeout(Duration.ofMillis(300))
            .build();
    failover =
        FailoverBucketStore.builder()
            .shared(redisStore, redisStore::ping)
            .local(new LocalBucketStore(System::nanoTime))
            .replicas(() -> 1)
            .build();
    failover.start();
    redis = Enforcer.builder().overrides(limits).buckets(failover).replicas(1).build();
    if (!redis.decide(TENANT, request, NOW_MILLIS).allowed()
        || failover.mode() != FailoverBucketStore.Mode.SHARED) {
      throw new IllegalStateException("redis store not in use: " + failover.status());
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    if (failover.status().fallbacks() > 0) {
      System.err.println("WARNING: fell back to local during the run: " + failover.status());
    }
    failover.stop();
    redisStore.close();
    server.close();
  }
}
