package io.mimiredge.rls.enforce;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * The {@code Retry-After} Mimir's distributor sets on a push it answers 429 or 5xx ({@code
 * addErrorHeaders} and {@code calculateRetryAfter} in {@code pkg/distributor/push.go}): {@code
 * minBackoff × 2^(attempt − 1)} seconds, the attempt read from the client's {@code Retry-Attempt}
 * header (1 when absent, not an integer, or below 1), at most {@code maxBackoff}, with a random
 * jitter of up to half of it either way, then clamped to {@code [minBackoff, maxBackoff]} and cut
 * to whole seconds. None when disabled. Mimir's defaults: {@code
 * -distributor.retry-after-header.enabled=true}, {@code min-backoff=6s}, {@code max-backoff=96s}.
 *
 * <p>A denial's own {@link Decision#retryAfter} (when the request would fit the bucket) stays what
 * the admin API and the denial log show; the client gets Mimir's header, as without the edge.
 *
 * @param enabled whether the header is set at all
 * @param minBackoff at least 1 s
 * @param maxBackoff at least {@code minBackoff}
 */
public record RetryAfterHeader(boolean enabled, Duration minBackoff, Duration maxBackoff) {
  /** Mimir's defaults. */
  public static final RetryAfterHeader MIMIR_DEFAULTS =
      new RetryAfterHeader(true, Duration.ofSeconds(6), Duration.ofSeconds(96));

  /** The client's header that counts its attempts. */
  public static final String RETRY_ATTEMPT = "Retry-Attempt";

  private static final double JITTER_FACTOR = 0.5;

  public RetryAfterHeader {
    Objects.requireNonNull(minBackoff, "minBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (minBackoff.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("minBackoff must be >= 1s, got " + minBackoff);
    }
    if (maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff must be >= minBackoff (" + minBackoff + "), got " + maxBackoff);
    }
  }

  /**
   * The header's value on an answer of {@code status} to a request whose {@code Retry-Attempt} was
   * {@code retryAttempt} (null when absent); null when Mimir sets none.
   */
  public String value(int status, String retryAttempt) {
    return value(status, retryAttempt, bound -> ThreadLocalRandom.current().nextLong(bound));
  }

  /** {@link #value(int, String)} with {@code random}: a number in {@code [0, bound)}. */
  String value(int status, String retryAttempt, LongUnaryOperator random) {
    if (!enabled || (status != 429 && status / 100 != 5)) {
      return null;
    }
    long attempt = attempt(retryAttempt);
    double min = seconds(minBackoff);
    double max = seconds(maxBackoff);
    double delay = Math.min(max, min * Math.pow(2.0, attempt - 1));
    long jitter = (long) (delay * JITTER_FACTOR);
    if (jitter > 0) {
      delay += random.applyAsLong(2 * jitter + 1) - jitter; // either way, as rand.Int63n
    }
    delay = Math.max(min, Math.min(max, delay));
    return Long.toString((long) delay);
  }

  /**
   * strconv.Atoi's reading (an optional sign, then ASCII digits only, within 64 bits), 1 when it
   * fails or is below 1.
   */
  static long attempt(String header) {
    if (header == null || header.isEmpty()) {
      return 1;
    }
    int i = header.charAt(0) == '+' || header.charAt(0) == '-' ? 1 : 0;
    if (i == header.length()) {
      return 1;
    }
    for (int j = i; j < header.length(); j++) {
      char c = header.charAt(j);
      if (c < '0' || c > '9') {
        return 1; // Java's parseLong would take other scripts' digits; Go's Atoi does not
      }
    }
    try {
      long n = Long.parseLong(header);
      return n < 1 ? 1 : n;
    } catch (NumberFormatException e) {
      return 1; // out of range
    }
  }

  private static double seconds(Duration d) {
    return d.getSeconds() + d.getNano() / 1e9;
  }
}
