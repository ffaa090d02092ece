package io.mimiredge.rls.enforce;

/**
 * The outcome of checking a request's tenant header: either the tenant, to judge the request for,
 * or a final decision (a missing or invalid tenant: a denial, or in shadow or off mode a request
 * let through unjudged). Immutable.
 *
 * @param tenant the tenant when the header names a valid one; null otherwise
 * @param decision the final decision when there is no tenant; null otherwise
 */
public record TenantCheck(TenantSnapshot tenant, Decision decision) {
  public TenantCheck {
    if ((tenant == null) == (decision == null)) {
      throw new IllegalArgumentException("exactly one of tenant and decision");
    }
  }
}
