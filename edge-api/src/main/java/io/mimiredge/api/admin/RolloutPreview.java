package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * {@code GET /api/rollout/preview?to=canary-50&window=5m}: who the rung {@code to} would start
 * denying. The tenants it newly enforces (by NGINX's tenant split, or every tenant for a request
 * split), in {@code enforce} mode, with what the RLS refused of their not yet enforced writes in
 * shadow over the window; the ones it would deny, ranked by items refused per minute.
 *
 * @param from the phase now ({@code mirror}, {@code canary-10}, ...)
 * @param to the phase previewed
 * @param splitBy {@code tenant} or {@code request}
 * @param window the window read: {@code 1m}, {@code 5m} or {@code 1h}
 * @param windowSeconds the seconds the counts cover (for a request-split canary, since it was set:
 *     the window before it held another phase's traffic). The counts are this RLS replica's: with
 *     several replicas each sees its share of the traffic
 * @param tenantsReached tenants with writes in the window that {@code to} newly enforces
 * @param tenantsDenied of those, the ones that would be denied
 * @param estimated true for a request split that is or goes to a canary: each tenant's refusals are
 *     scaled to the share of its writes the rung adds (from the mirror's copies, or from the
 *     enforced share's denials, as a canary split by request copies nothing to the shadow door);
 *     false where they are what the shadow door refused of exactly the writes the rung will enforce
 * @param tenants the tenants that would be denied, most items refused first
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RolloutPreview(
    String from,
    String to,
    String splitBy,
    String window,
    double windowSeconds,
    int tenantsReached,
    int tenantsDenied,
    boolean estimated,
    List<Tenant> tenants) {

  public RolloutPreview {
    tenants = tenants == null ? List.of() : tenants;
  }

  /**
   * One tenant the rung would start denying.
   *
   * @param id the tenant ID
   * @param share the share of its writes the rung adds to enforcement (1 for a tenant split)
   * @param requestsPerMinute its writes the rung adds, per minute
   * @param itemsPerMinute their items per minute
   * @param deniedRequestsPerMinute of those, the ones that would be refused, per minute
   * @param deniedItemsPerMinute their items per minute
   * @param deniedItemsShare refused items over items, 0..1
   * @param reasons by refusal reason, most items first
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Tenant(
      String id,
      double share,
      double requestsPerMinute,
      double itemsPerMinute,
      double deniedRequestsPerMinute,
      double deniedItemsPerMinute,
      double deniedItemsShare,
      List<Reason> reasons) {
    public Tenant {
      reasons = reasons == null ? List.of() : reasons;
    }
  }

  /** One refusal reason of a tenant ({@code ingestion_rate}, ...), per minute. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Reason(String reason, double requestsPerMinute, double itemsPerMinute) {}
}
