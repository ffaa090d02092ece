package io.mimiredge.rls.limits;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The limits in force: the last good overrides from the limits source (file or ConfigMap), with the
 * admin API's per-tenant overrides on top. Precedence: admin > source overrides > defaults.
 *
 * <p>A failed load never replaces the last good overrides: it is only recorded, for health and
 * metrics. Until the first successful load the defaults apply and {@link #loaded()} is false.
 *
 * <p>Thread-safe: writers are serialized; readers get an immutable snapshot with one volatile read,
 * so the request path never locks.
 */
public final class LiveLimits implements Supplier<Overrides> {

  /** Where a tenant's value for a key comes from. */
  public enum Source {
    DEFAULT,
    OVERRIDES,
    ADMIN
  }

  /**
   * What the source last did.
   *
   * @param loaded whether a load has ever succeeded
   * @param lastSuccess when the overrides in force were loaded; null before
   * @param lastAttempt when a load was last tried; null before
   * @param lastError the last attempt's error, null when it succeeded
   */
  public record Status(boolean loaded, Instant lastSuccess, Instant lastAttempt, String lastError) {
    /** True when the last attempt failed: the limits in force are older than the source. */
    public boolean degraded() {
      return lastError != null;
    }
  }

  /** One tenant's admin-API override: the keys it sets, with their values taken from values. */
  public record AdminOverride(TenantLimits values, Set<LimitKey> keys) {
    public AdminOverride {
      Objects.requireNonNull(values, "values");
      if (keys.isEmpty()) {
        throw new IllegalArgumentException("an admin override sets at least one key");
      }
      keys = Collections.unmodifiableSet(EnumSet.copyOf(keys));
    }
  }

  private Overrides fromSource;
  private Map<String, AdminOverride> admin = Map.of();
  private volatile Overrides effective;
  private volatile Status status = new Status(false, null, null, null);

  /** Starts with {@code defaults} alone, not yet loaded. */
  public LiveLimits(TenantLimits defaults) {
    this.fromSource = Overrides.of(defaults);
    this.effective = fromSource;
  }

  /** The limits in force now. */
  @Override
  public Overrides get() {
    return effective;
  }

  public Status status() {
    return status;
  }

  /** Whether limits have been loaded from the source at least once. */
  public boolean loaded() {
    return status.loaded();
  }

  /** A successful load from the source: these overrides replace the previous ones. */
  public synchronized void sourceLoaded(Overrides overrides, Instant at) {
    fromSource = Objects.requireNonNull(overrides, "overrides");
    status = new Status(true, at, at, null);
    rebuild();
  }

  /** A failed load: the last good overrides stay in force; the error shows in the status. */
  public synchronized void sourceFailed(String error, Instant at) {
    Status s = status;
    status = new Status(s.loaded(), s.lastSuccess(), at, Objects.requireNonNull(error, "error"));
  }

  /**
   * Sets admin-API values for a tenant; they are merged with any earlier admin override for that
   * tenant (the new values win for the keys they set).
   */
  public synchronized void setAdmin(String tenant, TenantLimits values, Set<LimitKey> keys) {
    Map<String, AdminOverride> copy = new LinkedHashMap<>(admin);
    AdminOverride before = copy.get(tenant);
    if (before == null) {
      copy.put(tenant, new AdminOverride(values, keys));
    } else {
      TenantLimits.Builder merged = before.values().toBuilder();
      keys.forEach(k -> k.copy(values, merged));
      EnumSet<LimitKey> all = EnumSet.copyOf(before.keys());
      all.addAll(keys);
      copy.put(tenant, new AdminOverride(merged.build(), all));
    }
    admin = Collections.unmodifiableMap(copy);
    rebuild();
  }

  /**
   * Removes a tenant's admin override, so the source's overrides apply again.
   *
   * @return whether there was one
   */
  public synchronized boolean clearAdmin(String tenant) {
    if (!admin.containsKey(tenant)) {
      return false;
    }
    Map<String, AdminOverride> copy = new LinkedHashMap<>(admin);
    copy.remove(tenant);
    admin = Collections.unmodifiableMap(copy);
    rebuild();
    return true;
  }

  /** The tenant's admin override, if any. */
  public synchronized Optional<AdminOverride> admin(String tenant) {
    return Optional.ofNullable(admin.get(tenant));
  }

  /** All admin overrides, by tenant. */
  public synchronized Map<String, AdminOverride> adminOverrides() {
    return admin;
  }

  /** The overrides as last loaded from the source, without the admin layer. */
  public synchronized Overrides fromSource() {
    return fromSource;
  }

  /** Where the tenant's value for {@code key} comes from. */
  public synchronized Source source(String tenant, LimitKey key) {
    AdminOverride a = admin.get(tenant);
    if (a != null && a.keys().contains(key)) {
      return Source.ADMIN;
    }
    return fromSource.isExplicit(tenant, key) ? Source.OVERRIDES : Source.DEFAULT;
  }

  private void rebuild() {
    Overrides result = fromSource;
    for (Map.Entry<String, AdminOverride> e : admin.entrySet()) {
      String tenant = e.getKey();
      AdminOverride a = e.getValue();
      TenantLimits.Builder values = result.limitsFor(tenant).toBuilder();
      a.keys().forEach(k -> k.copy(a.values(), values));
      EnumSet<LimitKey> explicit = EnumSet.copyOf(a.keys());
      Overrides.Tenant t = result.tenants().get(tenant);
      if (t != null) {
        explicit.addAll(t.explicit());
      }
      result = result.withTenant(tenant, values.build(), explicit);
    }
    effective = result;
  }
}
