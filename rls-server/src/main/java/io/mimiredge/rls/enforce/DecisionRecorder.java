package io.mimiredge.rls.enforce;

/**
 * Where the doors report each decision they made (metrics, the admin API's windows, the recent
 * denials). Implementations must be thread-safe and fast: they run on the request path.
 */
@FunctionalInterface
public interface DecisionRecorder {
  /** Records nothing. */
  DecisionRecorder NONE = (door, decision, nanos) -> {};

  /**
   * @param door where the request came in
   * @param decision what was decided
   * @param durationNanos how long deciding took, from the body in hand to the decision (for a gRPC
   *     {@code Check}: from its request read, a wait for a decision thread included)
   */
  void record(Door door, Decision decision, long durationNanos);

  /** This recorder, then {@code next}. */
  default DecisionRecorder andThen(DecisionRecorder next) {
    return (door, decision, nanos) -> {
      record(door, decision, nanos);
      next.record(door, decision, nanos);
    };
  }
}
