package io.mimiredge.rls.admin.resources;

import io.mimiredge.api.admin.TenantDetail;
import io.mimiredge.api.admin.TenantRow;
import io.mimiredge.rls.admin.stats.TenantTraffic;
import io.mimiredge.rls.enforce.BucketView;
import io.mimiredge.rls.enforce.TenantIds;
import io.mimiredge.rls.limits.LimitKey;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the tenant views from limits, enforcer and traffic. Thread-safe: its only state is the
 * sorted index of tenant IDs, replaced whole when one of its sources changes.
 */
final class TenantReports {
  private static final int DENIALS_SHOWN = 50;

  private final AdminContext ctx;
  private volatile Index index;

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

  /**
   * Every tenant ID known (from the limits file, the admin overrides and the traffic seen), sorted.
   * The list is built once per change of its sources, not per call: with 100,000 tenants a page of
   * {@code /api/tenants} then costs the rows on the page, not a merge and sort of every ID.
   */
  List<String> ids() {
    Overrides file = ctx.limits().fromSource();
    Map<String, LiveLimits.AdminOverride> admin = ctx.limits().adminOverrides();
    long traffic =
        ctx.traffic().membershipVersion(); // read before the IDs: a change after rebuilds
    Index i = index;
    if (i == null || i.file != file || i.admin != admin || i.traffic != traffic) {
      Set<String> all = new HashSet<>(file.tenants().keySet());
      all.addAll(admin.keySet());
      all.addAll(ctx.traffic().trackedIds());
      List<String> sorted = new ArrayList<>(all);
      Collections.sort(sorted);
      i = new Index(file, admin, traffic, Collections.unmodifiableList(sorted));
      index = i;
    }
    return i.ids;
  }

  /** What is known of the tenant {@code id} now. */
  TenantRowSource source(String id) {
    return new TenantRowSource(
        id,
        ctx.limits().fromSource().tenants().containsKey(id),
        ctx.limits().adminOverrides().containsKey(id),
        ctx.traffic().tenant(id).orElse(null),
        this);
  }

  /** The sorted IDs and the identities of the sources they were built from. */
  private record Index(
      Overrides file,
      Map<String, LiveLimits.AdminOverride> admin,
      long traffic,
      List<String> ids) {}

  /** A tenant and what is known of it; its row is built on demand. */
  record TenantRowSource(
      String id,
      boolean inOverrides,
      boolean adminOverride,
      TenantTraffic traffic,
      TenantReports reports) {
    TenantRow row() {
      return reports.row(this);
    }
  }

  private TenantRow row(TenantRowSource s) {
    TenantLimits l = ctx.enforcer().limitsFor(s.id());
    BucketView ingestion = ctx.enforcer().ingestionBucket(s.id()).orElse(null);
    BucketView request = ctx.enforcer().requestBucket(s.id()).orElse(null);
    TenantTraffic t = s.traffic();
    double items = t == null ? 0 : Views.round(t.itemsPerSecond());
    Double use =
        ingestion == null ? null : Views.round(100.0 * items / ingestion.spec().ratePerSecond());
    return new TenantRow(
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
  TenantDetail detail(String id) {
    LiveLimits live = ctx.limits();
    TenantLimits l = ctx.enforcer().limitsFor(id);
    Map<String, TenantDetail.Limit> limits = new LinkedHashMap<>();
    for (LimitKey k : LimitKey.values()) {
      Object v =
          k == LimitKey.MODE
              ? ctx.enforcer().modeFor(id).yamlName() // the mode it is judged in, default included
              : k.shownValueIn(l);
      limits.put(
          k.yamlPath(),
          new TenantDetail.Limit(v, live.source(id, k).name().toLowerCase(Locale.ROOT)));
    }
    return new TenantDetail(
        id,
        ctx.enforcer().modeFor(id).yamlName(),
        live.fromSource().tenants().containsKey(id),
        live.admin(id).isPresent(),
        limits,
        Views.traffic(ctx.traffic().tenant(id).orElse(null)),
        new TenantDetail.Buckets(
            Views.bucketFill(ctx.enforcer().ingestionBucket(id).orElse(null)),
            Views.bucketFill(ctx.enforcer().requestBucket(id).orElse(null))),
        ctx.enforcer().haElections(id, ctx.clock().millis()).stream()
            .map(Views::haElection)
            .toList(),
        ctx.denials().recent(id, null, DENIALS_SHOWN).stream().map(Views::denial).toList(),
        live.fromSource().notMirroredFor(id));
  }
}
