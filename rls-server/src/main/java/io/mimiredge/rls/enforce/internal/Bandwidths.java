package io.mimiredge.rls.enforce.internal;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.mimiredge.rls.enforce.BucketSpec;
import java.time.Duration;

/** Maps a {@link BucketSpec} onto bucket4j, the same way for every store. Stateless. */
public final class Bandwidths {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private Bandwidths() {}

  /**
   * bucket4j refills whole tokens per period, so a rate r/s becomes {@code round(r × P)} tokens
   * every P seconds. P = 840 s when possible: 840 is divisible by 1–8, 10, 12, 14, 15, 20, 24, 28,
   * 30, 35, 40 …, so rate ÷ replicas and canary fractions such as 10000/3 or ×0.25 come out exact;
   * otherwise the error is at most half a token per period. Above ~12750/s, P shrinks so that
   * {@code tokens × P} (in ns) stays within a long and bucket4j keeps its exact integer arithmetic
   * (it falls back to doubles on overflow). Rates below one per second become one token every 1/r
   * seconds, exact to the nanosecond.
   */
  public static Bandwidth of(BucketSpec spec) {
    double r = spec.ratePerSecond();
    long tokens;
    long periodNanos;
    if (r >= 1) {
      long periodSeconds = Math.max(1, Math.min(840, (long) Math.sqrt(9e9 / r)));
      tokens = Math.max(1, Math.round(r * periodSeconds));
      periodNanos = periodSeconds * NANOS_PER_SECOND;
    } else {
      tokens = 1;
      periodNanos = Math.round(NANOS_PER_SECOND / r); // saturates at Long.MAX_VALUE
    }
    return Bandwidth.builder()
        .capacity(spec.capacity())
        .refillGreedy(tokens, Duration.ofNanos(periodNanos))
        .build();
  }

  /** A configuration with the one limit of {@link #of(BucketSpec)}. */
  public static BucketConfiguration configuration(BucketSpec spec) {
    return BucketConfiguration.builder().addLimit(of(spec)).build();
  }

  /**
   * The spec of a stored configuration: {@code known} when it has exactly the shape {@code known}
   * maps to (no rounding lost), otherwise capacity and {@code tokens ÷ period} read back from the
   * bandwidth; null when it is not a one-limit configuration.
   *
   * <p>Bandwidths carry no id: bucket4j matches old and new bandwidths by id when replacing a
   * configuration, and a new id would refill the bucket.
   */
  public static BucketSpec specOf(BucketConfiguration configuration, BucketSpec known) {
    Bandwidth[] limits = configuration.getBandwidths();
    if (limits.length != 1) {
      return null;
    }
    Bandwidth b = limits[0];
    if (known != null && sameShape(b, of(known))) {
      return known;
    }
    double rate = b.getRefillTokens() * (double) NANOS_PER_SECOND / b.getRefillPeriodNanos();
    return new BucketSpec(b.getCapacity(), Math.min(rate, BucketSpec.MAX_RATE));
  }

  private static boolean sameShape(Bandwidth a, Bandwidth b) {
    return a.getCapacity() == b.getCapacity()
        && a.getRefillTokens() == b.getRefillTokens()
        && a.getRefillPeriodNanos() == b.getRefillPeriodNanos();
  }
}
