package io.mimiredge.rls.admin.resources;

import io.mimiredge.rls.admin.denials.Denial;
import io.mimiredge.rls.admin.rollout.Rollout;
import io.mimiredge.rls.admin.stats.TenantTraffic;
import io.mimiredge.rls.admin.stats.WindowCounts;
import io.mimiredge.rls.enforce.BucketView;
import io.mimiredge.rls.enforce.Reason;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API's JSON shapes, as records (field names are the JSON names). Times are ISO-8601
 * strings; numbers that cannot be known are null, never NaN.
 */
public final class Views {
  /** UTC with milliseconds, always the same length, so times sort as text too. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Views() {}

  /** An instant as the API shows it, e.g. {@code 2025-01-31T12:00:00.000Z}; null stays null. */
  static String time(Instant t) {
    return t == null ? null : TIME.format(t);
  }

  /** {@code GET /api/overview}. Every field edgectl's gates read is here, with its names. */
  public record Overview(
      String generatedAt,
      String mode,
      RolloutView rollout,
      Map<String, Window> windows,
      Map<String, Map<String, Window>> doors,
      Map<String, Map<String, Window>> protocols,
      TrackedTenants tenants,
      List<TenantRate> topTenants,
      @com.fasterxml.jackson.annotation.JsonInclude(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
          Map<String, DoorLoad> overload) {}

  /**
   * A door's concurrency limit now, what holds a permit, and how many requests it refused since the
   * start ({@code forwards}: the pass-through doors' forwards to the distributor).
   */
  public record DoorLoad(int limit, int inFlight, long shed) {
    public static DoorLoad of(io.mimiredge.rls.overload.DoorLimiter l) {
      return new DoorLoad(l.limit(), l.inFlight(), l.shed());
    }
  }

  /**
   * One window of counts.
   *
   * @param seconds the window's length
   * @param requests decisions: allowed + denied + shadowDenied
   * @param denied enforced denials by reason label
   * @param shadowDenied would have been denied, let through (shadow door or shadow mode)
   * @param errors failures at the edge reported by the doors (upstream unreachable, ...)
   */
  public record Window(
      long seconds,
      long requests,
      long allowed,
      Map<String, Long> denied,
      long deniedTotal,
      long shadowDenied,
      Map<String, Long> shadowDeniedByReason,
      long items,
      long errors,
      Latency latency) {

    static Window of(WindowCounts c) {
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
  }

  /** Decision latency percentiles in milliseconds; null without decisions. */
  public record Latency(Double p50Ms, Double p99Ms, long count) {}

  /** How many tenants have traffic statistics, and the most that are kept. */
  public record TrackedTenants(int tracked, int max) {}

  /** A busy tenant, for the overview. */
  public record TenantRate(
      String id, double requestsPerSecond, double itemsPerSecond, long denied5m) {
    static TenantRate of(TenantTraffic t) {
      return new TenantRate(
          t.tenant(), round(t.requestsPerSecond()), round(t.itemsPerSecond()), t.denied5m());
    }
  }

  /** {@code GET|PUT /api/rollout}. */
  public record RolloutView(
      String phase,
      int percent,
      String splitBy,
      double fraction,
      String updatedAt,
      String updatedBy) {
    static RolloutView of(Rollout r) {
      return new RolloutView(
          r.phase().token(),
          r.percent(),
          r.splitBy().token(),
          r.fraction(),
          time(r.updatedAt()),
          r.updatedBy());
    }
  }

  /** {@code GET /api/tenants}: one page of tenants. */
  public record TenantPage(
      int total, int offset, Integer limit, String sort, List<TenantRow> tenants) {}

  /**
   * One tenant in the list.
   *
   * @param ingestionRate {@code ingestion_rate} in force (global, as configured)
   * @param ingestionRateUsePercent items/s over the rate this replica enforces (its bucket's refill
   *     rate); null when it holds no bucket for the tenant
   * @param ingestionBucketFillPercent tokens left in the ingestion bucket; 100 when none is held (a
   *     missing bucket is a full one)
   * @param requestBucketFillPercent the same for the request bucket; null when {@code request_rate}
   *     is 0 (no request limit)
   */
  public record TenantRow(
      String id,
      String mode,
      double ingestionRate,
      int ingestionBurstSize,
      double requestRate,
      int requestBurstSize,
      double requestsPerSecond,
      double itemsPerSecond,
      Double ingestionRateUsePercent,
      double ingestionBucketFillPercent,
      Double requestBucketFillPercent,
      long denied5m,
      long shadowDenied5m,
      String lastSeen,
      boolean inOverrides,
      boolean adminOverride) {}

  /** {@code GET /api/tenants/{id}}. */
  public record TenantDetail(
      String id,
      String mode,
      boolean inOverrides,
      boolean adminOverride,
      Map<String, Limit> limits,
      Traffic traffic,
      Buckets buckets,
      List<HaElection> ha,
      List<DenialView> recentDenials) {}

  /**
   * One HA cluster of a tenant ({@code accept_ha_samples}): the replica whose writes are counted,
   * when it was last seen and when it was elected, as this replica's tracker (or the shared one in
   * Redis) knows them.
   */
  public record HaElection(String cluster, String replica, String lastSeen, String electedAt) {
    static HaElection of(io.mimiredge.rls.ha.HaTracker.Election e) {
      return new HaElection(
          e.cluster(),
          e.replica(),
          time(Instant.ofEpochMilli(e.lastSeenMillis())),
          time(Instant.ofEpochMilli(e.electedAtMillis())));
    }
  }

  /**
   * One limit and where its value comes from.
   *
   * @param source {@code default}, {@code overrides} (the limits file) or {@code admin}
   */
  public record Limit(Object value, String source) {}

  /** A tenant's recent traffic; zero and null lastSeen when it has none tracked. */
  public record Traffic(
      double requestsPerSecond,
      double itemsPerSecond,
      long denied5m,
      long shadowDenied5m,
      String lastSeen) {
    static Traffic of(TenantTraffic t) {
      return t == null
          ? new Traffic(0, 0, 0, 0, null)
          : new Traffic(
              round(t.requestsPerSecond()),
              round(t.itemsPerSecond()),
              t.denied5m(),
              t.shadowDenied5m(),
              time(t.lastSeen()));
    }
  }

  /** A tenant's token buckets on this replica. */
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
  public record BucketFill(
      boolean held, Long capacity, Double ratePerSecond, Long available, double fillPercent) {
    static BucketFill of(BucketView v) {
      return v == null
          ? new BucketFill(false, null, null, null, 100.0)
          : new BucketFill(
              true,
              v.spec().capacity(),
              v.spec().ratePerSecond(),
              v.availableTokens(),
              Views.fillPercent(v));
    }
  }

  /** {@code GET /api/denials}. */
  public record Denials(int capacity, long recorded, int count, List<DenialView> denials) {}

  /** One recent denial: counts and Mimir's message, never body bytes or label values. */
  public record DenialView(
      String time,
      String tenant,
      String door,
      String reason,
      int status,
      String verdict,
      long items,
      long series,
      Long retryAfterSeconds,
      String message,
      Map<String, Long> notCounted,
      String protocol) {
    static DenialView of(Denial d) {
      return new DenialView(
          Views.time(d.time()),
          d.tenant(),
          d.door().label(),
          d.reason().label(),
          d.status(),
          d.verdict().label(),
          d.items(),
          d.series(),
          d.retryAfterSeconds() == 0 ? null : d.retryAfterSeconds(),
          d.message(),
          new java.util.TreeMap<>(d.notCounted()),
          d.protocol() == null ? null : d.protocol().label());
    }
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

  /** Four significant decimals are plenty for a dashboard. */
  static double round(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return 0;
    }
    return BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_UP).doubleValue();
  }
}
