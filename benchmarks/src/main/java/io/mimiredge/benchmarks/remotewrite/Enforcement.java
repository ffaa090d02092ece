package io.mimiredge.benchmarks.remotewrite;

import io.mimiredge.rls.enforce.BucketView;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.limits.LimitsParseException;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.OverridesParser;
import io.mimiredge.rls.limits.TenantLimits;
import java.util.Optional;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The RLS's whole push decision ({@link PushEvaluator}: tenant check, scan with the tenant's
 * validation limits, request and ingestion buckets) with limits from a Mimir runtime-overrides
 * file, an in-memory bucket store on the real clock, one replica.
 *
 * <p>Two tenants: {@value #GENEROUS}, whose buckets never run dry during a run, so every decision
 * is the steady-state allow path (checked after every iteration), and {@value #EXHAUSTED}, whose
 * ingestion bucket the first requests drain, so every later decision is the rate-limit denial path
 * (Mimir's message, a Retry-After).
 */
@State(Scope.Benchmark)
public class Enforcement {

  /** A tenant whose decisions are all allowed. */
  public static final String GENEROUS = "bench-generous";

  /** A tenant whose decisions are all denied once its burst is spent. */
  public static final String EXHAUSTED = "bench-exhausted";

  /** The service's default {@code maxRequestBytes} (100 MiB). */
  public static final long MAX_REQUEST_BYTES = 100L << 20;

  static final String OVERRIDES =
      """
      overrides:
        # 1e9 items/s is the most a bucket refills; a run takes at most ~1e8 items/s.
        bench-generous:
          ingestion_rate: 1000000000
          ingestion_burst_size: 2000000000
          request_rate: 1000000
          request_burst_size: 1000000
        # One item per second: the burst (room for any one request) is gone after a few requests.
        bench-exhausted:
          ingestion_rate: 1
          ingestion_burst_size: 100000
      """;

  private Enforcer enforcer;
  private PushEvaluator evaluator;

  @Setup(Level.Trial)
  public void create(Scanning scanning) throws LimitsParseException {
    Overrides overrides = OverridesParser.parse(OVERRIDES, TenantLimits.MIMIR_DEFAULTS);
    enforcer =
        Enforcer.builder()
            .overrides(overrides)
            .buckets(new LocalBucketStore(System::nanoTime))
            .replicas(1)
            .trafficFraction(1.0)
            .build();
    evaluator =
        new PushEvaluator(
            enforcer, scanning.scanner(), MAX_REQUEST_BYTES, () -> Scanning.NOW_MILLIS);
  }

  /** Fails the run if the generous tenant's bucket ran low: its figures must be all allows. */
  @TearDown(Level.Iteration)
  public void checkGenerousBucketStayedFull() {
    Optional<BucketView> bucket = enforcer.ingestionBucket(GENEROUS);
    if (bucket.isPresent() && bucket.get().availableTokens() < bucket.get().spec().capacity() / 2) {
      throw new IllegalStateException(
          GENEROUS
              + "'s ingestion bucket fell to "
              + bucket.get().availableTokens()
              + " of "
              + bucket.get().spec().capacity()
              + " tokens: its decisions would not all be the allow path");
    }
  }

  public PushEvaluator evaluator() {
    return evaluator;
  }
}
