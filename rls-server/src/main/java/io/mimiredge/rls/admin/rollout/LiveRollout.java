package io.mimiredge.rls.admin.rollout;

import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.Rollout;
import io.mimiredge.api.rollout.SplitBy;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;

/**
 * The rollout as edgectl last set it, and the traffic fraction the {@code Enforcer} scales limits
 * by. Thread-safe: one atomic reference to an immutable {@link Rollout}.
 */
public final class LiveRollout {
  private final InstantSource clock;
  private final AtomicReference<Rollout> current;

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

  /** The traffic fraction, read on every decision: wire it into the Enforcer's builder. */
  public DoubleSupplier fraction() {
    return () -> current.get().fraction();
  }
}
