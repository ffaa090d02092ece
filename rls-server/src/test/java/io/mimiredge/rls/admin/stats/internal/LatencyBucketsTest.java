package io.mimiredge.rls.admin.stats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyBucketsTest {

  @Test
  void everyValueFallsInsideItsBucket() {
    for (long v = 0; v < 1L << 36; v = v * 3 / 2 + 7) {
      int i = LatencyBuckets.index(v);
      assertThat(i).isBetween(0, LatencyBuckets.COUNT - 1);
      if (i > 0 && i < LatencyBuckets.COUNT - 1) {
        assertThat(v)
            .isGreaterThanOrEqualTo(LatencyBuckets.lower(i))
            .isLessThan(LatencyBuckets.upper(i));
        assertThat(Math.abs(LatencyBuckets.representative(i) - v) / v).isLessThanOrEqualTo(0.0625);
      }
    }
  }

  @Test
  void bucketsAreContiguousAndIncreasing() {
    for (int i = 1; i < LatencyBuckets.COUNT - 1; i++) {
      assertThat(LatencyBuckets.upper(i)).isEqualTo(LatencyBuckets.lower(i + 1));
      assertThat(LatencyBuckets.lower(i)).isLessThan(LatencyBuckets.upper(i));
    }
    assertThat(LatencyBuckets.index(-5)).isZero();
    assertThat(LatencyBuckets.index(Long.MAX_VALUE)).isEqualTo(LatencyBuckets.COUNT - 1);
  }

  @Test
  void quantileOfNothingIsNaN() {
    assertThat(LatencyBuckets.quantile(new long[LatencyBuckets.COUNT], 0.99)).isNaN();
  }
}
