package io.mimiredge.rls.limits.internal;

import java.time.Duration;

/**
 * Durations as Mimir's runtime config writes them: prometheus/common's {@code model.Duration}
 * ({@code 10m}, {@code 1h30m}, {@code 2d}, {@code 500ms}; {@code 0} without a unit), which is what
 * limits such as {@code creation_grace_period} and {@code ha_tracker_failover_timeout} are. Units
 * go from the largest to the smallest, each at most once: {@code y} (365 days), {@code w}, {@code
 * d}, {@code h}, {@code m}, {@code s}, {@code ms}. Stateless.
 */
public final class MimirDurations {
  private static final String[] UNITS = {"y", "w", "d", "h", "m", "s", "ms"};
  private static final long[] MILLIS = {
    365L * 24 * 3600 * 1000,
    7L * 24 * 3600 * 1000,
    24L * 3600 * 1000,
    3600L * 1000,
    60L * 1000,
    1000L,
    1L
  };

  private MimirDurations() {}

  /**
   * Parses {@code text} as {@code model.ParseDuration} does.
   *
   * @throws IllegalArgumentException with the reason, when it is not a duration
   */
  public static Duration parse(String text) {
    if (text.equals("0")) {
      return Duration.ZERO; // the one value allowed without a unit
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty duration string");
    }
    long total = 0;
    int lastUnit = -1;
    int i = 0;
    while (i < text.length()) {
      int digits = i;
      while (i < text.length() && isDigit(text.charAt(i))) {
        i++;
      }
      if (i == digits) {
        throw notADuration(text);
      }
      int unitStart = i;
      while (i < text.length() && !isDigit(text.charAt(i))) {
        i++;
      }
      String unit = text.substring(unitStart, i);
      int u = unitIndex(unit);
      if (unitStart == i) {
        throw notADuration(text);
      }
      if (u < 0) {
        throw new IllegalArgumentException(
            "unknown unit \"" + unit + "\" in duration \"" + text + "\"");
      }
      if (u <= lastUnit) {
        throw notADuration(text); // units go from the largest to the smallest, once each
      }
      lastUnit = u;
      long value;
      try {
        value = Long.parseLong(text.substring(digits, unitStart));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("duration out of range: \"" + text + "\"");
      }
      // model.Duration is a time.Duration: nanoseconds in an int64, about 292 years.
      long maxMillis = Long.MAX_VALUE / 1_000_000;
      if (value > maxMillis / MILLIS[u] || total + value * MILLIS[u] > maxMillis) {
        throw new IllegalArgumentException("duration out of range: \"" + text + "\"");
      }
      total += value * MILLIS[u];
    }
    return Duration.ofMillis(total);
  }

  /**
   * Writes {@code d} as {@code model.Duration.String()} does: {@code 30s}, {@code 1h30m}, {@code
   * 0s}.
   */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    for (int u = 0; u < UNITS.length; u++) {
      boolean exactOnly = u < 2; // years and weeks only when nothing is left over: 90d, not 12w6d
      if (exactOnly && ms % MILLIS[u] != 0) {
        continue;
      }
      long v = ms / MILLIS[u];
      if (v > 0) {
        out.append(v).append(UNITS[u]);
        ms -= v * MILLIS[u];
      }
    }
    return out.toString();
  }

  private static int unitIndex(String unit) {
    for (int u = 0; u < UNITS.length; u++) {
      if (UNITS[u].equals(unit)) {
        return u;
      }
    }
    return -1;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static IllegalArgumentException notADuration(String text) {
    return new IllegalArgumentException("not a valid duration string: \"" + text + "\"");
  }
}
