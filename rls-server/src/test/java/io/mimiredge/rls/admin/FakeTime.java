package io.mimiredge.rls.admin;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A wall clock and a monotonic nanosecond clock that move together, only when told. */
public final class FakeTime implements InstantSource {
  public static final Instant START = Instant.parse("2025-01-31T12:00:00Z");
  // an arbitrary origin, as System.nanoTime has: not a slot boundary, not zero
  private static final long NANO_ORIGIN = 7_000_000_123L;

  private final AtomicLong elapsed = new AtomicLong();

  @Override
  public Instant instant() {
    return START.plusNanos(elapsed.get());
  }

  public long nanos() {
    return NANO_ORIGIN + elapsed.get();
  }

  public void advance(Duration d) {
    elapsed.addAndGet(d.toNanos());
  }

  public void advanceSeconds(long s) {
    advance(Duration.ofSeconds(s));
  }
}
