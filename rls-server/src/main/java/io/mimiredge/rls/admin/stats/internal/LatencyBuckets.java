package io.mimiredge.rls.admin.stats.internal;

/**
 * A fixed log-linear bucketing of durations in nanoseconds: 8 buckets per power of two from 256 ns
 * up to about 34 s, one bucket below and one above. A value is reported as its bucket's midpoint,
 * within 6.25 % of the truth. Stateless.
 */
public final class LatencyBuckets {
  private static final int SUB_BITS = 3;
  private static final int SUB = 1 << SUB_BITS;
  private static final int MIN_EXP = 8; // 256 ns
  private static final int MAX_EXP = 35; // 2^35 ns ≈ 34 s

  /** Number of buckets: underflow, (MAX_EXP - MIN_EXP) octaves of 8, overflow. */
  public static final int COUNT = 1 + (MAX_EXP - MIN_EXP) * SUB + 1;

  private LatencyBuckets() {}

  /** The bucket of a duration; negative durations count as 0. */
  public static int index(long nanos) {
    if (nanos < (1L << MIN_EXP)) {
      return 0;
    }
    int exp = 63 - Long.numberOfLeadingZeros(nanos);
    if (exp >= MAX_EXP) {
      return COUNT - 1;
    }
    int sub = (int) ((nanos >>> (exp - SUB_BITS)) & (SUB - 1));
    return 1 + (exp - MIN_EXP) * SUB + sub;
  }

  /** Lowest duration of a bucket. */
  public static long lower(int index) {
    if (index <= 0) {
      return 0;
    }
    if (index >= COUNT - 1) {
      return 1L << MAX_EXP;
    }
    int i = index - 1;
    int exp = MIN_EXP + i / SUB;
    int sub = i % SUB;
    return (long) (SUB + sub) << (exp - SUB_BITS);
  }

  /** Highest duration of a bucket, exclusive (the overflow bucket reports its lower bound). */
  public static long upper(int index) {
    return index >= COUNT - 1 ? 1L << MAX_EXP : lower(index + 1);
  }

  /** The value a bucket stands for: its midpoint. */
  public static double representative(int index) {
    return index >= COUNT - 1 ? lower(index) : (lower(index) + upper(index)) / 2.0;
  }

  /**
   * The q-quantile (0 &lt; q &lt;= 1) of bucket counts, in nanoseconds; NaN when there are none.
   */
  public static double quantile(long[] counts, double q) {
    long total = 0;
    for (int i = 0; i < COUNT; i++) {
      total += counts[i];
    }
    if (total == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < COUNT; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return representative(i);
      }
    }
    return representative(COUNT - 1);
  }
}
