package io.mimiredge.rls.admin.rollout;

import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;

/**
 * The rollout as edgectl last set it, and the traffic fraction the {@code Enforcer} scales limits
 * by. Thread-safe: one atomic reference to an immutable {@link Rollout}.
 */
public final class RolloutState {
  private final InstantSource clock;
  private final AtomicReference<Rollout> current;

  /** Starts in {@code phase}/{@code percent}/{@code splitBy}, set by "startup". */
  public RolloutState(InstantSource clock, Phase phase, int percent, SplitBy splitBy) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.current =
        new AtomicReference<>(new Rollout(phase, percent, splitBy, clock.instant(), "startup"));
  }

  /** Starts in {@code direct}, split by tenant. */
  public RolloutState(InstantSource clock) {
    this(clock, Phase.DIRECT, 0, SplitBy.TENANT);
  }

  public Rollout get() {
    return current.get();
  }

  /**
   * Sets the rollout.
   *
   * @throws IllegalArgumentException when the combination is not allowed (see {@link Rollout})
   */
  public Rollout set(Phase phase, int percent, SplitBy splitBy, String by) {
    Rollout r = new Rollout(phase, percent, splitBy, clock.instant(), by);
    current.set(r);
    return r;
  }

  /** The traffic fraction, read on every decision: wire it into the Enforcer's builder. */
  public DoubleSupplier fraction() {
    return () -> current.get().fraction();
  }
}
