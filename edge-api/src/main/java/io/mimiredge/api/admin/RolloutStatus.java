package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * {@code GET /api/rollout/status}: the rollout page's data — the setting, how much of the tenants
 * and of the traffic it enforces, the gates edgectl promotes on, and the recent transitions.
 *
 * @param rollout the setting in force
 * @param tenantsKnown tenants with traffic statistics now (the tracked ones)
 * @param tenantsEnforced of those, the ones the phase enforces wholly (a tenant split canary,
 *     full); for a request split, all of them, in part
 * @param trafficEnforcedShare requests decided by the enforcing doors over all requests decided
 *     (the shadow door's too), over the last 5 minutes; null without requests; for a canary split
 *     by request, which copies nothing to the shadow door, the split's share
 * @param gates edgectl's gate thresholds as it last sent them; null until it has
 * @param history the recent transitions, the newest first
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RolloutStatus(
    RolloutView rollout,
    int tenantsKnown,
    int tenantsEnforced,
    Double trafficEnforcedShare,
    GateThresholds gates,
    List<RolloutEvent> history) {
  public RolloutStatus {
    history = history == null ? List.of() : history;
  }
}
