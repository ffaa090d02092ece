package io.mimiredge.benchmarks.ha;

import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.TenantSnapshot;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.ha.local.LocalHaTracker;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.Protocol;
import io.mimiredge.rls.remotewrite.Violation;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What HA dedupe adds to a decision made in this process ({@link LocalHaTracker}): the same scanned
 * push decided for a tenant without HA labels, and as the elected and the other replica of an HA
 * pair. The difference between {@code elected} and {@code withoutHa} is the HA check's cost (the
 * issue's budget: 1 µs). By hand, from the repository root: {@code java -jar
 * benchmarks/target/benchmarks.jar HaDecisionBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HaDecisionBenchmark {
  private static final long NOW = 1_795_460_000_000L;

  @State(Scope.Thread)
  public static class Decisions {
    Enforcer enforcer;
    TenantSnapshot tenant;
    WriteRequestStats plain;
    WriteRequestStats fromR1;
    WriteRequestStats fromR2;

    @Setup(Level.Trial)
    public void create() {
      TenantLimits limits =
          TenantLimits.builder()
              .ingestionRate(1e9)
              .ingestionBurstSize(2_000_000_000)
              .acceptHaSamples(true)
              .build();
      enforcer =
          Enforcer.builder()
              .overrides(Overrides.of(limits))
              .buckets(new LocalBucketStore(System::nanoTime))
              .haTracker(new LocalHaTracker(100_000))
              .build();
      tenant = enforcer.check("bench-ha").tenant();
      plain = stats(null, null);
      fromR1 = stats("c1", "r1");
      fromR2 = stats("c1", "r2");
      enforcer.decide(tenant, fromR1, NOW); // r1 elected
    }

    private static WriteRequestStats stats(String cluster, String replica) {
      return new WriteRequestStats(
          Protocol.RW1,
          9_000,
          70_000,
          500,
          500,
          0,
          0,
          0,
          9,
          13,
          71,
          0,
          500,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          new long[Violation.values().length],
          null,
          0,
          cluster,
          replica,
          List.of(),
          Long.MAX_VALUE);
    }
  }

  @Benchmark
  public Decision withoutHa(Decisions d) {
    return d.enforcer.decide(d.tenant, d.plain, NOW);
  }

  @Benchmark
  public Decision elected(Decisions d) {
    return d.enforcer.decide(d.tenant, d.fromR1, NOW);
  }

  @Benchmark
  public Decision notElected(Decisions d) {
    return d.enforcer.decide(d.tenant, d.fromR2, NOW);
  }
}
