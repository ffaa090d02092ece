package io.mimiredge.rls.limits;

import io.mimiredge.rls.remotewrite.ValidationLimits;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Per-tenant limits resolved on top of defaults, remembering which keys each tenant set itself so
 * an admin UI can show every limit's source. Each entry keeps the scanner's {@link
 * ValidationLimits} built once with it, so a request reads them without building anything.
 * Immutable and so thread-safe; {@code withX} returns a copy.
 *
 * @param defaults limits of every tenant without overrides, and the base of those with
 * @param tenants tenant id → its resolved limits and explicitly set keys, in file order
 * @param defaultsEntry the defaults as an entry without explicit keys (with their scanner limits)
 * @param notMirrored tenant id → the Mimir settings its overrides set that the edge does not mirror
 *     ({@link OverridesParser#NOT_MIRRORED}), in file order; tenants without any left out
 */
public record Overrides(
    TenantLimits defaults,
    Map<String, Tenant> tenants,
    Tenant defaultsEntry,
    Map<String, List<String>> notMirrored) {

  /** Where a tenant's limit comes from. */
  public enum Source {
    DEFAULT,
    OVERRIDES
  }

  /**
   * One tenant's entry.
   *
   * @param limits the defaults with the explicit keys applied
   * @param explicit the keys the tenant's overrides set
   * @param validation {@code limits.validationLimits()}, built once
   */
  public record Tenant(TenantLimits limits, Set<LimitKey> explicit, ValidationLimits validation) {
    public Tenant {
      Objects.requireNonNull(limits, "limits");
      Objects.requireNonNull(validation, "validation");
      explicit =
          explicit.isEmpty()
              ? Collections.unmodifiableSet(EnumSet.noneOf(LimitKey.class))
              : Collections.unmodifiableSet(EnumSet.copyOf(explicit));
    }

    public Tenant(TenantLimits limits, Set<LimitKey> explicit) {
      this(limits, explicit, limits.validationLimits());
    }
  }

  public Overrides {
    Objects.requireNonNull(defaults, "defaults");
    tenants = Collections.unmodifiableMap(new LinkedHashMap<>(tenants));
    notMirrored = Collections.unmodifiableMap(new LinkedHashMap<>(notMirrored));
    if (defaultsEntry == null || !defaultsEntry.limits().equals(defaults)) {
      defaultsEntry = new Tenant(defaults, Set.of());
    }
  }

  public Overrides(TenantLimits defaults, Map<String, Tenant> tenants) {
    this(defaults, tenants, null, Map.of());
  }

  /** The Mimir settings of the tenant's overrides that the edge does not mirror; empty if none. */
  public List<String> notMirroredFor(String tenant) {
    return notMirrored.getOrDefault(tenant, List.of());
  }

  /** No tenant overrides at all. */
  public static Overrides of(TenantLimits defaults) {
    return new Overrides(defaults, Map.of());
  }

  /** The tenant's limits, or the defaults when it has no overrides. */
  public TenantLimits limitsFor(String tenant) {
    return entryFor(tenant).limits();
  }

  /** The tenant's entry (limits and scanner limits), or the defaults' when it has no overrides. */
  public Tenant entryFor(String tenant) {
    Tenant t = tenants.get(tenant);
    return t == null ? defaultsEntry : t;
  }

  /** Whether the tenant's overrides set this key. */
  public boolean isExplicit(String tenant, LimitKey key) {
    Tenant t = tenants.get(tenant);
    return t != null && t.explicit().contains(key);
  }

  /** Where the tenant's value for this key comes from. */
  public Source source(String tenant, LimitKey key) {
    return isExplicit(tenant, key) ? Source.OVERRIDES : Source.DEFAULT;
  }

  /**
   * A copy where the tenant has these explicit settings (taken from {@code values}) on top of the
   * defaults, e.g. for an admin-API change; an empty set removes the tenant's overrides.
   */
  public Overrides withTenant(String tenant, TenantLimits values, Set<LimitKey> explicit) {
    Map<String, Tenant> copy = new LinkedHashMap<>(tenants);
    if (explicit.isEmpty()) {
      copy.remove(tenant);
    } else {
      copy.put(tenant, new Tenant(resolve(defaults, values, explicit), explicit));
    }
    return new Overrides(defaults, copy, defaultsEntry, notMirrored);
  }

  /** A copy with new defaults, every tenant's explicit keys applied again on top. */
  public Overrides withDefaults(TenantLimits newDefaults) {
    Map<String, Tenant> copy = new LinkedHashMap<>();
    tenants.forEach(
        (id, t) ->
            copy.put(id, new Tenant(resolve(newDefaults, t.limits(), t.explicit()), t.explicit())));
    return new Overrides(newDefaults, copy, null, notMirrored);
  }

  private static TenantLimits resolve(
      TenantLimits base, TenantLimits values, Set<LimitKey> explicit) {
    TenantLimits.Builder b = base.toBuilder();
    explicit.forEach(k -> k.copy(values, b));
    return b.build();
  }
}
