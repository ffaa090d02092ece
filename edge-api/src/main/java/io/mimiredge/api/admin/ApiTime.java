package io.mimiredge.api.admin;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the admin API writes an instant. */
public final class ApiTime {
  /** UTC with milliseconds, always the same length, so times sort as text too. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private ApiTime() {}

  /** E.g. {@code 2025-01-31T12:00:00.000Z}; null stays null. */
  public static String format(Instant t) {
    return t == null ? null : TIME.format(t);
  }
}
