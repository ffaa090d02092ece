package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/tenants/{id}}, and the answer to the admin changes of a tenant.
 *
 * @param limits every limit in force by its Mimir name, with where its value comes from
 * @param ha the HA clusters of an {@code accept_ha_samples} tenant and their elected replicas
 * @param notMirrored the Mimir settings of the tenant's overrides the edge does not apply (its
 *     counts may then differ from Mimir's), by their Mimir names; empty when none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TenantDetail(
    String id,
    String mode,
    boolean inOverrides,
    boolean adminOverride,
    Map<String, Limit> limits,
    Traffic traffic,
    Buckets buckets,
    List<HaElection> ha,
    List<DenialView> recentDenials,
    List<String> notMirrored) {

  /**
   * One limit and where its value comes from.
   *
   * @param source {@code default}, {@code overrides} (the limits file) or {@code admin}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Limit(Object value, String source) {}

  /** A tenant's recent traffic; zero and null lastSeen when it has none tracked. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Traffic(
      double requestsPerSecond,
      double itemsPerSecond,
      long denied5m,
      long shadowDenied5m,
      String lastSeen) {}

  /** A tenant's token buckets on this replica. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Buckets(BucketFill ingestion, BucketFill request) {}

  /**
   * One bucket's fill.
   *
   * @param held whether this replica holds the bucket; one not held is full
   * @param capacity tokens of a full bucket (the burst); null when not held
   * @param ratePerSecond the refill rate this replica enforces; null when not held
   * @param available tokens in it now; null when not held
   * @param fillPercent available / capacity, in percent
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record BucketFill(
      boolean held, Long capacity, Double ratePerSecond, Long available, double fillPercent) {}

  /**
   * One HA cluster of a tenant ({@code accept_ha_samples}): the replica whose writes are counted,
   * when it was last seen and when it was elected, as this replica's tracker (or the shared one in
   * Redis) knows them.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record HaElection(String cluster, String replica, String lastSeen, String electedAt) {}
}
