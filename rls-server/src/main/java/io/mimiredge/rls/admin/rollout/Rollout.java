package io.mimiredge.rls.admin.rollout;

import java.time.Instant;
import java.util.Objects;

/**
 * One rollout setting. Immutable. The combinations allowed, checked at construction:
 *
 * <ul>
 *   <li>{@code direct} and {@code mirror}: percent 0 (nothing is enforced);
 *   <li>{@code canary}: percent 1–100, any whole number (edgectl's ladder is configurable; the
 *       default rungs are 10, 25, 50, 75, 100);
 *   <li>{@code full}: percent 100.
 * </ul>
 *
 * @param phase where the rollout stands
 * @param percent the share of traffic enforced
 * @param splitBy what a canary splits on
 * @param updatedAt when it was set
 * @param updatedBy who set it (remote address, and the name the caller gave)
 */
public record Rollout(
    Phase phase, int percent, SplitBy splitBy, Instant updatedAt, String updatedBy) {

  public Rollout {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(splitBy, "splitBy");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(updatedBy, "updatedBy");
    String problem = problem(phase, percent);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** What is wrong with this combination, or null when it is fine. */
  public static String problem(Phase phase, int percent) {
    return switch (phase) {
      case DIRECT, MIRROR ->
          percent == 0
              ? null
              : "phase " + phase.token() + " enforces nothing: percent must be 0, got " + percent;
      case CANARY ->
          percent >= 1 && percent <= 100
              ? null
              : "phase canary needs percent between 1 and 100, got " + percent;
      case FULL ->
          percent == 100
              ? null
              : "phase full enforces everything: percent must be 100, got " + percent;
    };
  }

  /** The percent a phase implies when none is given; null for canary, which needs one. */
  public static Integer defaultPercent(Phase phase) {
    return switch (phase) {
      case DIRECT, MIRROR -> 0;
      case CANARY -> null;
      case FULL -> 100;
    };
  }

  /**
   * The share of each tenant's requests the edge sees, by which it scales the limits: percent/100
   * for a canary split by request; 1 otherwise (a tenant split keeps a tenant wholly in or out, and
   * in the other phases the edge sees all of a tenant's requests, or none).
   */
  public double fraction() {
    return phase == Phase.CANARY && splitBy == SplitBy.REQUEST ? percent / 100.0 : 1.0;
  }
}
