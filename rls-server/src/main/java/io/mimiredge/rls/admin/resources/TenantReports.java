package io.mimiredge.rls.admin.resources;

import io.mimiredge.rls.admin.stats.TenantTraffic;
import io.mimiredge.rls.enforce.BucketView;
import io.mimiredge.rls.enforce.TenantIds;
import io.mimiredge.rls.limits.LimitKey;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.limits.TenantLimits;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Builds the tenant views from limits, enforcer and traffic. Stateless; thread-safe. */
final class TenantReports {
  private static final int DENIALS_SHOWN = 50;

  private final AdminContext ctx;

  TenantReports(AdminContext ctx) {
    this.ctx = ctx;
  }

  /**
   * The tenant ID from a path or query, checked by the same rules as the tenant header.
   *
   * @throws ProblemException 400 when it is not a valid single tenant ID
   */
  static String checkTenant(String id, String what) {
    TenantIds.Check c = TenantIds.check(id);
    if (!c.valid()) {
      throw ProblemException.badRequest("invalid " + what + ": " + c.message());
    }
    if (!c.tenant().equals(id)) {
      throw ProblemException.badRequest("invalid " + what + ": one tenant ID only");
    }
    return id;
  }

  /** Every tenant known: from the limits file, the admin overrides, and the traffic seen. */
  List<TenantRowSource> all() {
    Map<String, TenantTraffic> traffic = new HashMap<>();
    ctx.traffic().tenants().forEach(t -> traffic.put(t.tenant(), t));
    Set<String> ids = new LinkedHashSet<>(ctx.limits().fromSource().tenants().keySet());
    Set<String> admin = ctx.limits().adminOverrides().keySet();
    ids.addAll(admin);
    ids.addAll(traffic.keySet());
    Set<String> inFile = ctx.limits().fromSource().tenants().keySet();
    return ids.stream()
        .map(
            id ->
                new TenantRowSource(
                    id, inFile.contains(id), admin.contains(id), traffic.get(id), this))
        .toList();
  }

  /** A tenant and what is known of it; its row is built on demand. */
  record TenantRowSource(
      String id,
      boolean inOverrides,
      boolean adminOverride,
      TenantTraffic traffic,
      TenantReports reports) {
    Views.TenantRow row() {
      return reports.row(this);
    }
  }

  private Views.TenantRow row(TenantRowSource s) {
    TenantLimits l = ctx.enforcer().limitsFor(s.id());
    BucketView ingestion = ctx.enforcer().ingestionBucket(s.id()).orElse(null);
    BucketView request = ctx.enforcer().requestBucket(s.id()).orElse(null);
    TenantTraffic t = s.traffic();
    double items = t == null ? 0 : Views.round(t.itemsPerSecond());
    Double use =
        ingestion == null ? null : Views.round(100.0 * items / ingestion.spec().ratePerSecond());
    return new Views.TenantRow(
        s.id(),
        ctx.enforcer().modeFor(s.id()).yamlName(),
        l.ingestionRate(),
        l.ingestionBurstSize(),
        l.requestRate(),
        l.requestBurstSize(),
        t == null ? 0 : Views.round(t.requestsPerSecond()),
        items,
        use,
        ingestion == null ? 100.0 : Views.fillPercent(ingestion),
        l.requestRate() <= 0 ? null : request == null ? 100.0 : Views.fillPercent(request),
        t == null ? 0 : t.denied5m(),
        t == null ? 0 : t.shadowDenied5m(),
        t == null ? null : Views.time(t.lastSeen()),
        s.inOverrides(),
        s.adminOverride());
  }

  /** One tenant in full: every limit with its source, traffic, buckets, recent denials. */
  Views.TenantDetail detail(String id) {
    LiveLimits live = ctx.limits();
    TenantLimits l = ctx.enforcer().limitsFor(id);
    Map<String, Views.Limit> limits = new LinkedHashMap<>();
    for (LimitKey k : LimitKey.values()) {
      Object v =
          k == LimitKey.MODE
              ? ctx.enforcer().modeFor(id).yamlName() // the mode it is judged in, default included
              : k.shownValueIn(l);
      limits.put(
          k.yamlPath(), new Views.Limit(v, live.source(id, k).name().toLowerCase(Locale.ROOT)));
    }
    return new Views.TenantDetail(
        id,
        ctx.enforcer().modeFor(id).yamlName(),
        live.fromSource().tenants().containsKey(id),
        live.admin(id).isPresent(),
        limits,
        Views.Traffic.of(ctx.traffic().tenant(id).orElse(null)),
        new Views.Buckets(
            Views.BucketFill.of(ctx.enforcer().ingestionBucket(id).orElse(null)),
            Views.BucketFill.of(ctx.enforcer().requestBucket(id).orElse(null))),
        ctx.enforcer().haElections(id, ctx.clock().millis()).stream()
            .map(Views.HaElection::of)
            .toList(),
        ctx.denials().recent(id, null, DENIALS_SHOWN).stream().map(Views.DenialView::of).toList());
  }
}
