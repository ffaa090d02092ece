package io.mimiredge.rls.enforce;

import io.mimiredge.rls.limits.Mode;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.ValidationLimits;
import java.util.Objects;

/**
 * One request's view of its tenant: the ID checked once, and the mode and limits read from the
 * overrides once, so the scan, the HA check and the decision of a request all see the same version
 * of the limits even when they are reloaded meanwhile. Immutable.
 *
 * @param id the tenant ID (valid)
 * @param mode the mode the request is judged in (the tenant's own, or the default mode)
 * @param limits the tenant's limits
 * @param validation what the scanner checks, built with {@code limits}
 */
public record TenantSnapshot(
    String id, Mode mode, TenantLimits limits, ValidationLimits validation) {
  public TenantSnapshot {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(validation, "validation");
  }
}
