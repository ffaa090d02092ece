package io.mimiredge.rls.admin.resources;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Query parameters, read by hand so a bad one is a 400 that says what was wrong. Stateless. */
final class Params {
  private static final int SHOWN = 60;

  private Params() {}

  /** A whole number in [min, max]. */
  static int intIn(String name, String text, int min, int max) {
    try {
      long v = Long.parseLong(text.trim());
      if (v >= min && v <= max) {
        return (int) v;
      }
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw ProblemException.badRequest(
        name
            + " must be a whole number from "
            + min
            + (max == Integer.MAX_VALUE ? " up" : " to " + max)
            + ", got '"
            + shown(text)
            + "'");
  }

  /**
   * A time given as ISO-8601 ({@code 2025-01-31T12:00:00Z}, an offset instead of Z allowed) or as
   * epoch seconds (fractions allowed).
   */
  static Instant instant(String name, String text) {
    String t = text.trim();
    try {
      if (t.matches("[0-9]{1,12}(\\.[0-9]{1,9})?")) {
        BigDecimal s = new BigDecimal(t);
        long seconds = s.longValue();
        long nanos = s.subtract(BigDecimal.valueOf(seconds)).movePointRight(9).longValue();
        return Instant.ofEpochSecond(seconds, nanos);
      }
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeException | ArithmeticException e) {
      throw ProblemException.badRequest(
          name
              + " must be an ISO-8601 time like 2025-01-31T12:00:00Z or epoch seconds, got '"
              + shown(text)
              + "'");
    }
  }

  /** Input as a message shows it: cut short, unprintables as '?'. */
  static String shown(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(s.length(), SHOWN); i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return s.length() > SHOWN ? b.append("...").toString() : b.toString();
  }
}
