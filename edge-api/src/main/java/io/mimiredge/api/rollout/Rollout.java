package io.mimiredge.api.rollout;

import java.time.Instant;
import java.util.Objects;

/**
 * A rollout setting: the phase, what a canary splits on, when it was set and by whom. edgectl
 * records it on its target and sends it to the RLS ({@code PUT /api/rollout}); the RLS scales the
 * limits by its {@link #fraction()}. Immutable.
 *
 * @param phase where the rollout stands (with the percent enforced)
 * @param splitBy what a canary splits on
 * @param since when it was set
 * @param by who set it
 */
public record Rollout(Phase phase, SplitBy splitBy, Instant since, String by) {
  public Rollout {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(splitBy, "splitBy");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(by, "by");
  }

  /**
   * The share of each tenant's requests the edge sees, by which it scales the limits: percent/100
   * for a canary split by request; 1 otherwise (a tenant split keeps a tenant wholly in or out, and
   * in the other phases the edge sees all of a tenant's requests, or none).
   */
  public double fraction() {
    return phase.kind() == Phase.Kind.CANARY && splitBy == SplitBy.REQUEST
        ? phase.percent() / 100.0
        : 1.0;
  }
}
