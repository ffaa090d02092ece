package io.mimiredge.rls.admin.stats;

import java.time.Instant;

/**
 * One tenant's recent traffic as this replica saw it. Immutable.
 *
 * @param tenant the tenant ID
 * @param requestsPerSecond decisions per second over about the last minute
 * @param itemsPerSecond items per second over about the last minute
 * @param denied5m enforced denials over about the last 5 minutes
 * @param shadowDenied5m shadow denials over about the last 5 minutes
 * @param lastSeen when the tenant's last decision was recorded
 */
public record TenantTraffic(
    String tenant,
    double requestsPerSecond,
    double itemsPerSecond,
    long denied5m,
    long shadowDenied5m,
    Instant lastSeen) {}
