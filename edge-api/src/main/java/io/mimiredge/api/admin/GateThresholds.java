package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The health gates edgectl promotes on ({@code gates:} in its configuration), as it last sent them
 * with {@code PUT /api/rollout}, so the UI can hold the RLS' live readings against them.
 *
 * @param window the window the gates read ({@code 5m})
 * @param minRequests requests the window needs (no traffic is not a pass)
 * @param maxErrorRate the error rate must stay below this fraction
 * @param maxAddedLatencyP99Ms the decision latency p99 must stay below this
 * @param maxDenyRate denied and shadow-denied over requests, at most this fraction
 * @param maxNewlyDeniedTenants tenants the next rung may start denying; null when that gate is off
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GateThresholds(
    String window,
    long minRequests,
    double maxErrorRate,
    double maxAddedLatencyP99Ms,
    double maxDenyRate,
    Integer maxNewlyDeniedTenants) {}
