package io.mimiredge.rls.upstream;

/** Told about every exchange with the upstream (metrics). Thread-safe and fast. */
@FunctionalInterface
public interface UpstreamObserver {
  UpstreamObserver NONE = (outcome, status, nanos) -> {};

  /**
   * @param outcome what happened
   * @param status the status the client got
   * @param durationNanos from sending to the answer or the failure
   */
  void exchanged(UpstreamResponse.Outcome outcome, int status, long durationNanos);

  /** This observer, then {@code next}. */
  default UpstreamObserver andThen(UpstreamObserver next) {
    return (outcome, status, nanos) -> {
      exchanged(outcome, status, nanos);
      next.exchanged(outcome, status, nanos);
    };
  }
}
