package io.mimiredge.rls.admin.stats;

import io.mimiredge.rls.enforce.Reason;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the edge decided during one sliding window. Immutable.
 *
 * @param window the window's length
 * @param requests decisions made: allowed + denied + shadow-denied
 * @param allowed decisions that admitted the request
 * @param denied enforced denials by reason (reasons without any left out)
 * @param shadowDenied shadow denials by reason: would have been denied, let through
 * @param items items counted by the ingestion limit (samples, histograms, exemplars, metadata)
 * @param errors failures at the edge reported by the doors (upstream unreachable, timeouts, ...)
 * @param latencyCount decisions with a latency measurement
 * @param p50Nanos median decision latency; NaN without decisions
 * @param p99Nanos 99th percentile decision latency; NaN without decisions
 */
public record WindowCounts(
    Duration window,
    long requests,
    long allowed,
    Map<Reason, Long> denied,
    Map<Reason, Long> shadowDenied,
    long items,
    long errors,
    long latencyCount,
    double p50Nanos,
    double p99Nanos) {

  public WindowCounts {
    Objects.requireNonNull(window, "window");
    denied = copy(denied);
    shadowDenied = copy(shadowDenied);
  }

  /** Enforced denials over every reason. */
  public long deniedTotal() {
    return denied.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Shadow denials over every reason. */
  public long shadowDeniedTotal() {
    return shadowDenied.values().stream().mapToLong(Long::longValue).sum();
  }

  private static Map<Reason, Long> copy(Map<Reason, Long> m) {
    return m.isEmpty()
        ? Collections.unmodifiableMap(new EnumMap<>(Reason.class))
        : Collections.unmodifiableMap(new EnumMap<>(m));
  }
}
