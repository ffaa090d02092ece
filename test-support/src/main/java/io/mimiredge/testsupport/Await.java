package io.mimiredge.testsupport;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting in a test for what another thread or process does: polls until a condition holds, or
 * fails with an {@link AssertionError} naming what it waited for and for how long. The bound is a
 * guard against hanging, never a claim about speed: pick it generously (a busy CI machine is slow).
 *
 * <p>An exception thrown by the condition is not retried: it ends the wait at once.
 *
 * <p>Thread-safe (no state).
 */
public final class Await {
  private static final long FIRST_PAUSE_NANOS = Duration.ofMillis(5).toNanos();
  private static final long MAX_PAUSE_NANOS = Duration.ofMillis(100).toNanos();

  private Await() {}

  /**
   * Returns as soon as {@code condition} holds.
   *
   * @throws AssertionError when it does not within {@code within}
   */
  public static void await(String what, BooleanSupplier condition, Duration within) {
    Objects.requireNonNull(condition, "condition");
    poll(what, condition::getAsBoolean, Boolean::booleanValue, within, false);
  }

  /**
   * Returns {@code value}'s first result that {@code ok} accepts.
   *
   * @throws AssertionError when there is none within {@code within}; it names the last value
   */
  public static <T> T await(
      String what, Supplier<T> value, Predicate<? super T> ok, Duration within) {
    return poll(what, value, ok, within, true);
  }

  private static <T> T poll(
      String what, Supplier<T> value, Predicate<? super T> ok, Duration within, boolean tell) {
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(ok, "ok");
    Objects.requireNonNull(within, "within");
    if (within.isNegative() || within.isZero()) {
      throw new IllegalArgumentException("within must be positive, got " + within);
    }
    long start = System.nanoTime();
    long bound = within.toNanos();
    long pause = FIRST_PAUSE_NANOS;
    while (true) {
      T v = value.get();
      if (ok.test(v)) {
        return v;
      }
      long waited = System.nanoTime() - start;
      if (waited >= bound) {
        throw new AssertionError(
            what
                + ": not within "
                + seconds(bound)
                + " (waited "
                + seconds(waited)
                + (tell ? "; last value: " + v : "")
                + ")");
      }
      try {
        Thread.sleep(Duration.ofNanos(Math.min(pause, bound - waited)).toMillis() + 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(what + ": interrupted while waiting", e);
      }
      pause = Math.min(2 * pause, MAX_PAUSE_NANOS);
    }
  }

  private static String seconds(long nanos) {
    return nanos < 1_000_000_000L
        ? (nanos / 1_000_000) + " ms"
        : String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
