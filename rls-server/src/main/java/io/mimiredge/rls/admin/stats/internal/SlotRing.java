package io.mimiredge.rls.admin.stats.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters in time slots on a ring: slot number = {@code floorDiv(nanos, slotNanos)}, each slot
 * holding {@code width} counters. A slot is zeroed when the ring comes round to it again, so a
 * window is the sum of the last few slots whose stamp still matches.
 *
 * <p>Thread-safe and lock-free on the write path except once per slot period, when the first writer
 * of a new slot zeroes it under a lock. A writer delayed by a whole ring period could add to a slot
 * after it was recycled; with rings of seconds to minutes that is only a theoretical miscount, not
 * a correctness problem for statistics.
 */
public final class SlotRing {
  private static final long EMPTY = Long.MIN_VALUE;

  private final long slotNanos;
  private final int slots;
  private final int width;
  private final AtomicLongArray stamps;
  private final AtomicLongArray counts;

  /**
   * @param slotNanos length of a slot, &gt; 0
   * @param slots slots on the ring, &gt;= 1: the longest window it can answer
   * @param width counters per slot, &gt;= 1
   */
  public SlotRing(long slotNanos, int slots, int width) {
    if (slotNanos <= 0 || slots < 1 || width < 1) {
      throw new IllegalArgumentException(
          "need slotNanos > 0, slots >= 1, width >= 1; got "
              + slotNanos
              + ", "
              + slots
              + ", "
              + width);
    }
    this.slotNanos = slotNanos;
    this.slots = slots;
    this.width = width;
    this.stamps = new AtomicLongArray(slots);
    for (int i = 0; i < slots; i++) {
      stamps.set(i, EMPTY);
    }
    this.counts = new AtomicLongArray(Math.multiplyExact(slots, width));
  }

  public long slotNanos() {
    return slotNanos;
  }

  public int slots() {
    return slots;
  }

  /**
   * The base index of the slot for {@code nanos}, recycled first if it held an older slot; -1 when
   * the ring has already moved past that time (the caller drops the count).
   */
  public int slotFor(long nanos) {
    long slot = Math.floorDiv(nanos, slotNanos);
    int idx = (int) Math.floorMod(slot, (long) slots);
    long stamp = stamps.get(idx);
    if (stamp != slot) {
      if (stamp > slot) {
        return -1;
      }
      synchronized (this) {
        stamp = stamps.get(idx);
        if (stamp < slot) {
          int base = idx * width;
          for (int i = 0; i < width; i++) {
            counts.set(base + i, 0);
          }
          stamps.set(idx, slot); // volatile write publishes the zeroed counters
        } else if (stamp > slot) {
          return -1;
        }
      }
    }
    return idx * width;
  }

  /** Adds {@code n} to counter {@code i} of the slot whose base {@link #slotFor} returned. */
  public void add(int base, int i, long n) {
    if (base >= 0) {
      counts.getAndAdd(base + i, n);
    }
  }

  /** Adds {@code n} to counter {@code i} of the slot for {@code nanos}. */
  public void add(long nanos, int i, long n) {
    add(slotFor(nanos), i, n);
  }

  /**
   * Sum of counter {@code i} over the {@code n} slots ending with the one holding {@code nanos}.
   */
  public long sum(long nanos, int n, int i) {
    long now = Math.floorDiv(nanos, slotNanos);
    long total = 0;
    for (int k = 0; k < Math.min(n, slots); k++) {
      long slot = now - k;
      int idx = (int) Math.floorMod(slot, (long) slots);
      if (stamps.get(idx) == slot) {
        total += counts.get(idx * width + i);
      }
    }
    return total;
  }

  /**
   * Adds every counter over the {@code n} slots ending with the one holding {@code nanos} into
   * {@code into} (length &gt;= width).
   */
  public void sumAll(long nanos, int n, long[] into) {
    long now = Math.floorDiv(nanos, slotNanos);
    for (int k = 0; k < Math.min(n, slots); k++) {
      long slot = now - k;
      int idx = (int) Math.floorMod(slot, (long) slots);
      if (stamps.get(idx) == slot) {
        int base = idx * width;
        for (int i = 0; i < width; i++) {
          into[i] += counts.get(base + i);
        }
      }
    }
  }

  /**
   * Seconds the {@code n} slots ending with the one holding {@code nanos} have covered so far: the
   * full earlier slots plus the elapsed part of the current one (at least a millisecond).
   */
  public double spanSeconds(long nanos, int n) {
    long intoCurrent = Math.floorMod(nanos, slotNanos);
    long span = (Math.min(n, slots) - 1L) * slotNanos + Math.max(intoCurrent, 1_000_000L);
    return span / 1e9;
  }
}
