package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * One window of decision counts.
 *
 * @param seconds the window's length
 * @param requests decisions: allowed + denied + shadowDenied
 * @param allowed allowed by the enforcing doors
 * @param denied enforced denials by reason label ({@code ingestion_rate}, {@code request_rate},
 *     ...)
 * @param deniedTotal the sum of {@code denied}
 * @param shadowDenied would have been denied, let through (shadow door or shadow mode)
 * @param shadowDeniedByReason the same by reason label
 * @param items items counted as Mimir counts them
 * @param errors failures at the edge reported by the doors (decision errors, upstream 5xx and
 *     unreachable upstream): the error rate edgectl gates on
 * @param latency the RLS' own decision time: the added latency edgectl gates on
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Window(
    long seconds,
    long requests,
    long allowed,
    Map<String, Long> denied,
    long deniedTotal,
    long shadowDenied,
    Map<String, Long> shadowDeniedByReason,
    long items,
    long errors,
    Latency latency) {
  public Window {
    denied = denied == null ? Map.of() : denied;
    shadowDeniedByReason = shadowDeniedByReason == null ? Map.of() : shadowDeniedByReason;
  }
}
