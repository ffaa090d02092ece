package io.mimiredge.benchmarks.fleet;

import io.mimiredge.rls.enforce.Decision;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What exact mode adds to one decision: the same admitted 100-sample push decided with the local
 * store and with the Redis store (a loopback redis-server; bucket4j's CAS buckets: a GET and a
 * compare-and-swap script per bucket). The difference is Redis's added cost per request.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RedisStoreBenchmark {

  @Benchmark
  public Decision decideWithLocalStore(RedisStoreState s) {
    return s.local.decide(RedisStoreState.TENANT, s.request, RedisStoreState.NOW_MILLIS);
  }

  @Benchmark
  public Decision decideWithRedisStore(RedisStoreState s) {
    return s.redis.decide(RedisStoreState.TENANT, s.request, RedisStoreState.NOW_MILLIS);
  }
}
