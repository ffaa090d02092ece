package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One tenant in the list.
 *
 * @param ingestionRate {@code ingestion_rate} in force (global, as configured)
 * @param ingestionRateUsePercent items/s over the rate this replica enforces (its bucket's refill
 *     rate); null when it holds no bucket for the tenant
 * @param ingestionBucketFillPercent tokens left in the ingestion bucket; 100 when none is held (a
 *     missing bucket is a full one)
 * @param requestBucketFillPercent the same for the request bucket; null when {@code request_rate}
 *     is 0 (no request limit)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TenantRow(
    String id,
    String mode,
    double ingestionRate,
    int ingestionBurstSize,
    double requestRate,
    int requestBurstSize,
    double requestsPerSecond,
    double itemsPerSecond,
    Double ingestionRateUsePercent,
    double ingestionBucketFillPercent,
    Double requestBucketFillPercent,
    long denied5m,
    long shadowDenied5m,
    String lastSeen,
    boolean inOverrides,
    boolean adminOverride) {}
