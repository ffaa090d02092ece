package io.mimiredge.rls.enforce;

/**
 * The shape of one token bucket: how many tokens it holds when full and how fast it refills.
 * Immutable.
 *
 * @param capacity tokens of a full bucket (the burst), at least 1
 * @param ratePerSecond refill speed, greater than 0 and at most {@link #MAX_RATE}
 */
public record BucketSpec(long capacity, double ratePerSecond) {

  /** One token per nanosecond: the fastest refill a bucket can express. */
  public static final double MAX_RATE = 1e9;

  public BucketSpec {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    if (!(ratePerSecond > 0 && ratePerSecond <= MAX_RATE)) {
      throw new IllegalArgumentException(
          "ratePerSecond must be in (0, " + MAX_RATE + "], got " + ratePerSecond);
    }
  }

  public BucketSpec withRatePerSecond(double v) {
    return new BucketSpec(capacity, v);
  }
}
