package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/overview}. edgectl's gates read {@code windows} (by the name of {@code
 * gates.window}: {@code 1m}, {@code 5m}, {@code 1h}).
 *
 * @param generatedAt when the RLS wrote it
 * @param mode the enforcement mode of the tenants: {@code enforce}, {@code shadow}, {@code off}, or
 *     {@code mixed} when tenants differ
 * @param rollout the rollout phase edgectl last set
 * @param windows every decision of every door, by window name
 * @param doors the same by door, then window
 * @param protocols the same by protocol ({@code rw1}, {@code rw2}, {@code otlp}), then window
 * @param tenants how many tenants have traffic statistics
 * @param topTenants the busiest tenants
 * @param overload each door's concurrency limit; absent when no limiter is wired
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Overview(
    String generatedAt,
    String mode,
    RolloutView rollout,
    Map<String, Window> windows,
    Map<String, Map<String, Window>> doors,
    Map<String, Map<String, Window>> protocols,
    TrackedTenants tenants,
    List<TenantRate> topTenants,
    @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, DoorLoad> overload) {
  public Overview {
    windows = windows == null ? Map.of() : windows;
  }
}
