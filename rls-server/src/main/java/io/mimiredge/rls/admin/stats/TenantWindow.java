package io.mimiredge.rls.admin.stats;

import java.time.Duration;
import java.util.Map;

/**
 * What enforcement did (denied) or would have done (shadow-denied: the shadow door, or a tenant in
 * shadow mode) with one tenant's writes over one window, as this replica decided them. Immutable.
 *
 * @param tenant the tenant ID
 * @param window the window asked for
 * @param spanSeconds the seconds the counts really cover (whole slots and the current part of one)
 * @param requests decisions
 * @param items items counted as Mimir counts them, of every decision
 * @param denied enforced denials
 * @param shadowDenied would have been denied, let through
 * @param deniedByReason {@code denied} by reason; only reasons that occurred
 * @param shadowDeniedByReason {@code shadowDenied} by reason; only reasons that occurred
 */
public record TenantWindow(
    String tenant,
    Duration window,
    double spanSeconds,
    long requests,
    long items,
    Refused denied,
    Refused shadowDenied,
    Map<io.mimiredge.rls.enforce.Reason, Refused> deniedByReason,
    Map<io.mimiredge.rls.enforce.Reason, Refused> shadowDeniedByReason) {

  /** Refused requests, and the items they carried. */
  public record Refused(long requests, long items) {}
}
