package io.mimiredge.rls.admin.rollout;

import io.mimiredge.api.admin.GateThresholds;
import io.mimiredge.api.admin.RolloutEvent;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.Rollout;
import io.mimiredge.api.rollout.SplitBy;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;

/**
 * The rollout as edgectl last set it, and the traffic fraction the {@code Enforcer} scales limits
 * by; the recent transitions (at most {@link #HISTORY}) and edgectl's gate thresholds, for the
 * rollout page. Thread-safe: atomic references to immutable values.
 */
public final class LiveRollout {
  /** Transitions kept. */
  public static final int HISTORY = 50;

  private final InstantSource clock;
  private final AtomicReference<Rollout> current;
  private final Deque<RolloutEvent> history = new ArrayDeque<>();
  private final AtomicReference<GateThresholds> gates = new AtomicReference<>();

  /** Starts in {@code phase}/{@code splitBy}, set by "startup". */
  public LiveRollout(InstantSource clock, Phase phase, SplitBy splitBy) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.current = new AtomicReference<>(new Rollout(phase, splitBy, clock.instant(), "startup"));
  }

  /** Starts in {@code direct}, split by tenant. */
  public LiveRollout(InstantSource clock) {
    this(clock, Phase.DIRECT, SplitBy.TENANT);
  }

  public Rollout get() {
    return current.get();
  }

  /** Sets the rollout, now, by {@code by}. */
  public Rollout set(Phase phase, SplitBy splitBy, String by) {
    Rollout r = new Rollout(phase, splitBy, clock.instant(), by);
    current.set(r);
    return r;
  }

  /** Keeps {@code event} as the newest transition; the oldest goes past {@link #HISTORY}. */
  public void record(RolloutEvent event) {
    synchronized (history) {
      history.addFirst(event);
      while (history.size() > HISTORY) {
        history.removeLast();
      }
    }
  }

  /** The recent transitions, the newest first. */
  public List<RolloutEvent> history() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  /** Keeps the gates edgectl promotes on, as it last sent them. */
  public void gates(GateThresholds thresholds) {
    gates.set(thresholds);
  }

  /** edgectl's gates as it last sent them; null until it has. */
  public GateThresholds gates() {
    return gates.get();
  }

  /** The traffic fraction, read on every decision: wire it into the Enforcer's builder. */
  public DoubleSupplier fraction() {
    return () -> current.get().fraction();
  }
}
