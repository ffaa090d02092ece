package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * {@code GET /api/tenants}: one page of tenants.
 *
 * @param total tenants matching the query, on every page
 * @param offset the first row's position
 * @param limit the page size asked for; null for all
 * @param sort the order: a column name, {@code -} first for descending
 * @param tenants the page's rows
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TenantPage(
    int total, int offset, Integer limit, String sort, List<TenantRow> tenants) {
  public TenantPage {
    tenants = tenants == null ? List.of() : tenants;
  }
}
