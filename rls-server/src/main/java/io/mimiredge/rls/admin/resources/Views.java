package io.mimiredge.rls.admin.resources;

import io.mimiredge.api.admin.ApiNumbers;
import io.mimiredge.api.admin.ApiTime;
import io.mimiredge.api.admin.DenialView;
import io.mimiredge.api.admin.DoorLoad;
import io.mimiredge.api.admin.Latency;
import io.mimiredge.api.admin.TenantDetail;
import io.mimiredge.api.admin.TenantRate;
import io.mimiredge.api.admin.Window;
import io.mimiredge.rls.admin.denials.Denial;
import io.mimiredge.rls.admin.stats.TenantTraffic;
import io.mimiredge.rls.admin.stats.WindowCounts;
import io.mimiredge.rls.enforce.BucketView;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.ha.HaTracker;
import io.mimiredge.rls.overload.DoorLimiter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * From the RLS' own state to the admin API's JSON records ({@code io.mimiredge.api.admin}, the
 * contract edgectl and the UI read). Numbers that cannot be known are null, never NaN.
 */
final class Views {
  private Views() {}

  /** An instant as the API shows it, e.g. {@code 2025-01-31T12:00:00.000Z}; null stays null. */
  static String time(Instant t) {
    return ApiTime.format(t);
  }

  static Window window(WindowCounts c) {
    return new Window(
        c.window().toSeconds(),
        c.requests(),
        c.allowed(),
        labels(c.denied()),
        c.deniedTotal(),
        c.shadowDeniedTotal(),
        labels(c.shadowDenied()),
        c.items(),
        c.errors(),
        new Latency(ms(c.p50Nanos()), ms(c.p99Nanos()), c.latencyCount()));
  }

  static DoorLoad doorLoad(DoorLimiter l) {
    return new DoorLoad(l.limit(), l.inFlight(), l.shed());
  }

  static TenantRate tenantRate(TenantTraffic t) {
    return new TenantRate(
        t.tenant(), round(t.requestsPerSecond()), round(t.itemsPerSecond()), t.denied5m());
  }

  static TenantDetail.HaElection haElection(HaTracker.Election e) {
    return new TenantDetail.HaElection(
        e.cluster(),
        e.replica(),
        time(Instant.ofEpochMilli(e.lastSeenMillis())),
        time(Instant.ofEpochMilli(e.electedAtMillis())));
  }

  /** A tenant's recent traffic; zero and null lastSeen when it has none tracked. */
  static TenantDetail.Traffic traffic(TenantTraffic t) {
    return t == null
        ? new TenantDetail.Traffic(0, 0, 0, 0, null)
        : new TenantDetail.Traffic(
            round(t.requestsPerSecond()),
            round(t.itemsPerSecond()),
            t.denied5m(),
            t.shadowDenied5m(),
            time(t.lastSeen()));
  }

  /** A bucket's fill; one this replica does not hold is full. */
  static TenantDetail.BucketFill bucketFill(BucketView v) {
    return v == null
        ? new TenantDetail.BucketFill(false, null, null, null, 100.0)
        : new TenantDetail.BucketFill(
            true,
            v.spec().capacity(),
            v.spec().ratePerSecond(),
            v.availableTokens(),
            fillPercent(v));
  }

  static DenialView denial(Denial d) {
    return new DenialView(
        time(d.time()),
        d.tenant(),
        d.door().label(),
        d.reason().label(),
        d.status(),
        d.verdict().label(),
        d.items(),
        d.series(),
        d.retryAfterSeconds() == 0 ? null : d.retryAfterSeconds(),
        d.message(),
        new TreeMap<>(d.notCounted()),
        d.protocol() == null ? null : d.protocol().label());
  }

  static double fillPercent(BucketView v) {
    return round(100.0 * Math.min(v.availableTokens(), v.spec().capacity()) / v.spec().capacity());
  }

  static Map<String, Long> labels(Map<Reason, Long> byReason) {
    Map<String, Long> out = new LinkedHashMap<>();
    byReason.forEach((r, n) -> out.put(r.label(), n));
    return out;
  }

  static Double ms(double nanos) {
    return Double.isNaN(nanos) ? null : round(nanos / 1e6);
  }

  /** As the admin API writes a rate or a share ({@link ApiNumbers#round}). */
  static double round(double v) {
    return ApiNumbers.round(v);
  }
}
