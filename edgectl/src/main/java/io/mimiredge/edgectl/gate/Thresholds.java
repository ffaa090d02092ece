package io.mimiredge.edgectl.gate;

import io.mimiredge.api.admin.GateThresholds;
import io.mimiredge.edgectl.config.Durations;
import io.mimiredge.edgectl.config.EdgectlConfig;
import java.time.Duration;

/**
 * The gate budgets: error rate below {@code maxErrorRate} (default 0.1 %), added p99 latency below
 * {@code maxAddedLatencyP99} (10 ms), deny rate at most {@code maxDenyRate}, and at least {@code
 * minRequests} requests in the window (no traffic is not a pass); with {@code
 * maxNewlyDeniedTenants} set, at most that many tenants the next rung would start denying.
 */
public record Thresholds(
    double maxErrorRate,
    Duration maxAddedLatencyP99,
    double maxDenyRate,
    long minRequests,
    Duration window,
    Integer maxNewlyDeniedTenants) {
  public Thresholds {
    if (maxErrorRate < 0 || maxErrorRate > 1) {
      throw new IllegalArgumentException("maxErrorRate is a fraction 0..1, got " + maxErrorRate);
    }
    if (maxDenyRate < 0 || maxDenyRate > 1) {
      throw new IllegalArgumentException("maxDenyRate is a fraction 0..1, got " + maxDenyRate);
    }
    if (minRequests < 1) {
      throw new IllegalArgumentException("minRequests must be >= 1 (no traffic is not a pass)");
    }
  }

  /** As the RLS' rollout page shows them. */
  public GateThresholds toApi() {
    return new GateThresholds(
        Durations.format(window),
        minRequests,
        maxErrorRate,
        maxAddedLatencyP99.toNanos() / 1e6,
        maxDenyRate,
        maxNewlyDeniedTenants);
  }

  public static Thresholds from(EdgectlConfig.Gates g) {
    return new Thresholds(
        g.maxErrorRate(),
        Durations.parse(g.maxAddedLatencyP99()),
        g.maxDenyRate(),
        g.minRequests(),
        Durations.parse(g.window()),
        g.maxNewlyDeniedTenants());
  }
}
