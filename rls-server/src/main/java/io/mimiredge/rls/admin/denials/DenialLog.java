package io.mimiredge.rls.admin.denials;

import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Verdict;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The most recent denials and shadow denials, in a fixed-size ring: the oldest is overwritten.
 * Keeps what a decision says (tenant, reason, status, counts, Mimir's message), never the body.
 *
 * <p>Thread-safe and lock-free; recording an allowed decision costs nothing, a denial one small
 * record.
 */
public final class DenialLog implements DecisionRecorder {
  private final InstantSource clock;
  private final AtomicReferenceArray<Denial> ring;
  private final AtomicLong next = new AtomicLong();

  /**
   * @param capacity denials kept, &gt;= 1
   */
  public DenialLog(int capacity, InstantSource clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ring = new AtomicReferenceArray<>(capacity);
  }

  public int capacity() {
    return ring.length();
  }

  /** Denials recorded since the start, including those overwritten since. */
  public long recorded() {
    return next.get();
  }

  @Override
  public void record(Door door, Decision d, long durationNanos) {
    if (d.verdict() == Verdict.ALLOW) {
      return;
    }
    long seq = next.getAndIncrement();
    ring.set(
        (int) (seq % ring.length()),
        new Denial(
            seq,
            clock.instant(),
            d.tenant(),
            door,
            d.reason(),
            d.status(),
            d.verdict(),
            d.items(),
            d.stats() == null ? 0 : d.stats().series(),
            d.retryAfter() == null ? 0 : d.retryAfter().toSeconds(),
            d.message(),
            d.stats() == null ? Map.of() : d.stats().notCounted(),
            d.stats() == null ? null : d.stats().protocol()));
  }

  /**
   * The denials kept, newest first.
   *
   * @param tenant only this tenant's; null for all
   * @param since only those recorded at or after this time; null for all
   * @param limit at most this many
   */
  public List<Denial> recent(String tenant, Instant since, int limit) {
    List<Denial> out = new ArrayList<>();
    for (int i = 0; i < ring.length(); i++) {
      Denial d = ring.get(i);
      if (d != null
          && (tenant == null || tenant.equals(d.tenant()))
          && (since == null || !d.time().isBefore(since))) {
        out.add(d);
      }
    }
    out.sort(Comparator.comparingLong(Denial::seq).reversed());
    return out.size() > limit ? List.copyOf(out.subList(0, Math.max(0, limit))) : out;
  }
}
