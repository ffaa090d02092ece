package io.mimiredge.rls.enforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Mimir's {@code TestHandler_HandleRetryAfterHeader} ({@code pkg/distributor/push_test.go}). */
class RetryAfterHeaderTest {
  private static RetryAfterHeader policy(int minSeconds, int maxSeconds) {
    return new RetryAfterHeader(
        true, Duration.ofSeconds(minSeconds), Duration.ofSeconds(maxSeconds));
  }

  /** The lowest and the highest value the jitter can give, and every value between. */
  private static Set<Long> values(RetryAfterHeader p, int status, String attempt) {
    Set<Long> seen = new HashSet<>();
    LongUnaryOperator lowest = bound -> 0;
    LongUnaryOperator highest = bound -> bound - 1;
    seen.add(Long.parseLong(p.value(status, attempt, lowest)));
    seen.add(Long.parseLong(p.value(status, attempt, highest)));
    for (int i = 0; i < 200; i++) {
      seen.add(Long.parseLong(p.value(status, attempt)));
    }
    return seen;
  }

  /**
   * The bounds {@code calculateRetryAfter} gives: {@code min × 2^(attempt − 1)} capped at max, the
   * jitter (half of it, whole seconds) either way, clamped to {@code [min, max]}.
   */
  @ParameterizedTest(name = "status {0}, Retry-Attempt {1}, {2}s..{3}s: from {4} to {5}")
  @CsvSource(
      nullValues = "none",
      value = {
        "500, none, 5, 20, 5, 7", // no Retry-Attempt: 1; 5 ± 2, clamped to 5
        "500, not-an-integer, 3, 12, 3, 4",
        "500, 3.50, 2, 64, 2, 3",
        "500, '[1, 2, 3]', 1, 32, 1, 1", // a jitter under a second is none
        "500, -1, 4, 32, 4, 6",
        "500, 2, 2, 64, 2, 6",
        "529, 3, 2, 64, 4, 12",
        "500, 8, 3, 12, 6, 12", // past the cap
        "429, none, 6, 96, 6, 9", // the edge's 429s, on Mimir's defaults
        "429, 3, 6, 96, 12, 36",
        "429, 9999999999, 6, 96, 48, 96" // a huge attempt: the cap, not an error
      })
  void isMimirsCalculateRetryAfter(
      int status, String attempt, int min, int max, long lowest, long highest) {
    Set<Long> seen = values(policy(min, max), status, attempt);

    assertThat(seen).allSatisfy(v -> assertThat(v).isBetween(lowest, highest));
    assertThat(seen).contains(lowest, highest);
  }

  /** strconv.Atoi: an optional sign and ASCII digits; anything else is attempt 1. */
  @Test
  void readsRetryAttemptAsGosAtoi() {
    assertThat(RetryAfterHeader.attempt("3")).isEqualTo(3);
    assertThat(RetryAfterHeader.attempt("+3")).isEqualTo(3);
    assertThat(RetryAfterHeader.attempt("-3")).isEqualTo(1);
    assertThat(RetryAfterHeader.attempt("\u0663")).isEqualTo(1); // Arabic-Indic three
    assertThat(RetryAfterHeader.attempt(" 3")).isEqualTo(1);
    assertThat(RetryAfterHeader.attempt("+")).isEqualTo(1);
    assertThat(RetryAfterHeader.attempt("")).isEqualTo(1);
    assertThat(RetryAfterHeader.attempt("99999999999999999999")).isEqualTo(1); // past int64
  }

  @Test
  void theJitterGoesBothWaysBeforeTheClamp() {
    RetryAfterHeader p = policy(6, 96);
    // attempt 3: 24 s, jitter up to 12 s either way
    assertThat(p.value(429, "3", bound -> 0)).isEqualTo("12");
    assertThat(p.value(429, "3", bound -> bound - 1)).isEqualTo("36");
    assertThat(p.value(429, "3", bound -> bound / 2)).isEqualTo("24");
  }

  @Test
  void onlyOn429And5xxAndOnlyWhenEnabled() {
    assertThat(RetryAfterHeader.MIMIR_DEFAULTS.value(400, "1")).isNull();
    assertThat(RetryAfterHeader.MIMIR_DEFAULTS.value(413, null)).isNull();
    assertThat(RetryAfterHeader.MIMIR_DEFAULTS.value(429, null)).isNotNull();
    assertThat(RetryAfterHeader.MIMIR_DEFAULTS.value(503, null)).isNotNull();
    RetryAfterHeader off =
        new RetryAfterHeader(false, Duration.ofSeconds(6), Duration.ofSeconds(96));
    assertThat(off.value(429, "1")).isNull();
  }

  @Test
  void refusesBackoffsMimirRefuses() {
    assertThatThrownBy(
            () -> new RetryAfterHeader(true, Duration.ofMillis(500), Duration.ofSeconds(9)))
        .hasMessageContaining("minBackoff must be >= 1s");
    assertThatThrownBy(() -> policy(10, 5))
        .hasMessageContaining("maxBackoff must be >= minBackoff");
  }
}
