package io.mimiredge.rls.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks the builders share, each with the message an operator's setting needs. */
public final class Checks {
  private Checks() {}

  /** {@code d}, if longer than zero; {@code what} names it in the error. */
  public static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be > 0, got " + d);
    }
    return d;
  }

  /** {@code d}, if at least a millisecond (what a scheduler or a timeout in ms can use). */
  public static Duration atLeastOneMilli(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.toMillis() < 1) {
      throw new IllegalArgumentException(what + " must be >= 1ms, got " + d);
    }
    return d;
  }

  /** {@code d}, if not negative. */
  public static Duration nonNegative(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative()) {
      throw new IllegalArgumentException(what + " must be >= 0, got " + d);
    }
    return d;
  }

  /** {@code v}, if not negative. */
  public static int nonNegative(int v, String what) {
    if (v < 0) {
      throw new IllegalArgumentException(what + " must be >= 0, got " + v);
    }
    return v;
  }

  /** {@code v}, if neither null nor blank. */
  public static String nonBlank(String v, String what) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return v;
  }
}
