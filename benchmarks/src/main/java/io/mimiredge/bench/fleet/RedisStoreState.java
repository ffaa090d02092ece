package io.mimiredge.bench.fleet;

import io.lettuce.core.RedisURI;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.enforce.redis.FailoverBucketStore;
import io.mimiredge.rls.enforce.redis.RedisBucketStore;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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

  /** A 100-sample request. */
  /** The time decisions are made at: HA is off, so only its being fixed matters. */
  static final long NOW_MILLIS = 1_795_400_000_000L;

  final WriteRequestStats request = WriteRequestStats.ofValidSamples(2000, 20000, 10, 100);

  private Process server;
  private RedisBucketStore redisStore;
  private FailoverBucketStore failover;

  @Setup(Level.Trial)
  public void start() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String binary = new File("/usr/bin/redis-server").canExecute() ? "/usr/bin/redis-server" : null;
    if (binary == null) {
      throw new IllegalStateException("redis-server not installed (apt-get install redis-server)");
    }
    server =
        new ProcessBuilder(
                binary,
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    awaitListening(port);

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
            .uri(RedisURI.create("redis://127.0.0.1:" + port + "/0"))
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
    server.destroyForcibly();
    server.waitFor(10, TimeUnit.SECONDS);
  }

  private void awaitListening(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    throw new IllegalStateException("redis-server did not listen on " + port);
  }
}
