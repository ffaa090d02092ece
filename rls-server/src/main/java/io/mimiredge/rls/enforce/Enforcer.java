package io.mimiredge.rls.enforce;

import io.mimiredge.rls.limits.LimitKey;
import io.mimiredge.rls.limits.Mode;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.limits.ValidationPolicy;
import io.mimiredge.rls.remotewrite.RemoteWriteException;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Turns a remote-write request into a {@link Decision}, with Mimir's limits and semantics.
 *
 * <p>Order, as in Mimir's distributor: tenant ID; validation (only under a tenant's {@code deny}
 * policy; with {@code forward} Mimir drops the bad series itself); the request rate (one token);
 * the ingestion rate, over the items Mimir would count once the invalid series are dropped. The two
 * buckets are all-or-nothing together: when the ingestion bucket refuses, the request token goes
 * back. A refused request consumes nothing, exactly like golang.org/x/time/rate's {@code AllowN}.
 *
 * <p>Each replica enforces {@code rate × trafficFraction / replicas} (Mimir's global strategy; when
 * a canary sends only a fraction of a tenant's requests through the edge, the rates shrink alike);
 * bursts are not divided.
 *
 * <p>Modes: {@code enforce} blocks; {@code shadow} evaluates and consumes exactly like enforce but
 * turns every denial, including bad bodies, sizes and tenant IDs, into {@link Verdict#SHADOW_DENY}:
 * in shadow mode a request is never blocked; {@code off} admits without evaluating or consuming
 * anything.
 *
 * <p>Thread-safe and lock-free itself: limits are read from the supplier once per call and all
 * shared state lives in the {@link BucketStore}.
 */
public final class Enforcer {
  private final Supplier<Overrides> overrides;
  private final BucketStore buckets;
  private final IntSupplier replicas;
  private final DoubleSupplier trafficFraction;
  private final Mode defaultMode;

  private Enforcer(Builder b) {
    this.overrides = b.overrides;
    this.buckets = b.buckets;
    this.replicas = b.replicas;
    this.trafficFraction = b.trafficFraction;
    this.defaultMode = b.defaultMode;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Key of a tenant's ingestion bucket in the {@link BucketStore}. */
  public static String ingestionKey(String tenant) {
    return "ingestion:" + tenant; // tenant IDs never contain ':'
  }

  /** Key of a tenant's request bucket in the {@link BucketStore}. */
  public static String requestKey(String tenant) {
    return "request:" + tenant;
  }

  /**
   * The mode a tenant is judged in: its own {@code edge_enforcement.mode} if its overrides set one,
   * else the builder's default mode, else the defaults' mode. Doors can skip scanning the body of
   * an {@code off} tenant.
   */
  public Mode modeFor(String tenant) {
    return modeFor(overrides.get(), tenant);
  }

  /**
   * Checks the tenant header value ({@code X-Scope-OrgID}) by dskit's rules: an {@link
   * Verdict#ALLOW} decision naming the tenant, or a final denial (401 {@code no org id}, 400 for an
   * invalid ID) that the door answers as it is; a {@link Verdict#SHADOW_DENY} lets the request
   * through without further evaluation.
   */
  public Decision checkTenant(String orgId) {
    TenantIds.Check t = TenantIds.check(orgId);
    Overrides o = overrides.get();
    if (!t.valid()) {
      return tenantless(o, t.reason(), t.message());
    }
    return Decision.allow(t.tenant(), modeFor(o, t.tenant()), 0, null);
  }

  /** Decides a scanned push request. The tenant is checked again, so any header value will do. */
  public Decision decide(String orgId, WriteRequestStats stats) {
    Objects.requireNonNull(stats, "stats");
    TenantIds.Check t = TenantIds.check(orgId);
    Overrides o = overrides.get();
    if (!t.valid()) {
      return tenantless(o, t.reason(), t.message());
    }
    return decideValid(o, t.tenant(), stats);
  }

  /**
   * {@link #decide} for a tenant ID already checked by {@link #checkTenant} (the push pipeline
   * checks it before scanning, and need not again).
   */
  Decision decideChecked(String tenant, WriteRequestStats stats) {
    return decideValid(overrides.get(), tenant, Objects.requireNonNull(stats, "stats"));
  }

  private Decision decideValid(Overrides o, String tenant, WriteRequestStats stats) {
    TenantLimits limits = o.limitsFor(tenant);
    Mode mode = modeFor(o, tenant);
    long items = stats.validItems();
    if (mode == Mode.OFF) {
      return Decision.allow(tenant, mode, items, stats);
    }
    if (limits.validation() == ValidationPolicy.DENY && stats.hasViolations()) {
      Decision invalid = validation(tenant, limits, mode, stats);
      if (invalid != null) {
        return invalid;
      }
    }
    double share = share();
    BucketSpec requestSpec = requestSpec(limits, share);
    if (requestSpec != null) {
      ConsumeResult r = buckets.tryConsume(requestKey(tenant), requestSpec, 1);
      if (!r.consumed()) {
        return requestDenial(tenant, limits, mode, items, stats, r);
      }
    }
    Decision ingestion = ingestion(tenant, limits, mode, share, items, stats);
    if (ingestion != null) {
      if (requestSpec != null) {
        buckets.refund(requestKey(tenant), requestSpec, 1); // all-or-nothing across both buckets
      }
      return ingestion;
    }
    return Decision.allow(tenant, mode, items, stats);
  }

  /**
   * Request-rate check alone, for Envoy's rate-limit service: {@code hits} request tokens ({@code
   * hits_addend}; values below 1 count as 1).
   */
  public Decision decideRequestOnly(String orgId, long hits) {
    long n = Math.max(1, hits);
    TenantIds.Check t = TenantIds.check(orgId);
    Overrides o = overrides.get();
    if (!t.valid()) {
      return tenantless(o, t.reason(), t.message());
    }
    String tenant = t.tenant();
    TenantLimits limits = o.limitsFor(tenant);
    Mode mode = modeFor(o, tenant);
    BucketSpec spec = mode == Mode.OFF ? null : requestSpec(limits, share());
    if (spec != null) {
      ConsumeResult r = buckets.tryConsume(requestKey(tenant), spec, n);
      if (!r.consumed()) {
        return requestDenial(tenant, limits, mode, n, null, r);
      }
    }
    return Decision.allow(tenant, mode, n, null);
  }

  /**
   * A body larger than the edge accepts (413, Mimir's max-write-message-size wording).
   *
   * @param bodyBytes size of the compressed body; &lt;= 0 when unknown (left out of the message)
   */
  public Decision bodyTooLarge(String orgId, long bodyBytes, long limitBytes) {
    return bodyProblem(
        orgId,
        Reason.BODY_TOO_LARGE,
        MimirMessages.messageSizeTooLarge(bodyBytes, limitBytes, true));
  }

  /**
   * A body whose snappy header declares more decoded bytes than the edge accepts (413).
   *
   * @param decodedBytes the declared decoded size; &lt;= 0 when unknown
   */
  public Decision decodedTooLarge(String orgId, long decodedBytes, long limitBytes) {
    return bodyProblem(
        orgId,
        Reason.DECODED_TOO_LARGE,
        MimirMessages.messageSizeTooLarge(decodedBytes, limitBytes, false));
  }

  /**
   * A push whose {@code Content-Type} names a message the edge cannot count (remote write 2.0):
   * 415, so the sender can fall back to remote write 1.0.
   */
  public Decision unsupportedMessage(String orgId, String contentType) {
    return bodyProblem(
        orgId,
        Reason.UNSUPPORTED_MESSAGE,
        "the edge enforces remote write 1.0 (prometheus.WriteRequest) only; this request is"
            + " Content-Type: "
            + TenantIds.shown(String.valueOf(contentType))
            + ". Configure the sender for remote write 1.0");
  }

  /** A body the scanner refused: 400 for bad snappy or protobuf, 413 when it decodes too large. */
  public Decision badBody(String orgId, RemoteWriteException e) {
    Reason reason =
        e.kind() == RemoteWriteException.Kind.DECODED_TOO_LARGE
            ? Reason.DECODED_TOO_LARGE
            : Reason.BAD_BODY;
    String message = e.getMessage() == null ? "bad remote-write body" : e.getMessage();
    return bodyProblem(orgId, reason, message);
  }

  /** The tenant's limits as they apply now (its overrides over the defaults). */
  public TenantLimits limitsFor(String tenant) {
    return overrides.get().limitsFor(tenant);
  }

  /** The tenant's ingestion bucket as it is now, for the admin API. */
  public Optional<BucketView> ingestionBucket(String tenant) {
    return buckets.view(ingestionKey(tenant));
  }

  /** The tenant's request bucket as it is now, for the admin API. */
  public Optional<BucketView> requestBucket(String tenant) {
    return buckets.view(requestKey(tenant));
  }

  private Decision bodyProblem(String orgId, Reason reason, String message) {
    TenantIds.Check t = TenantIds.check(orgId);
    Overrides o = overrides.get();
    Mode mode = t.valid() ? modeFor(o, t.tenant()) : tenantlessMode(o);
    return mode == Mode.OFF
        ? Decision.allow(t.tenant(), mode, 0, null)
        : Decision.deny(reason, message, null, mode, 0, null, t.tenant());
  }

  private Decision tenantless(Overrides o, Reason reason, String message) {
    Mode mode = tenantlessMode(o);
    return mode == Mode.OFF
        ? Decision.allow(null, mode, 0, null)
        : Decision.deny(reason, message, null, mode, 0, null, null);
  }

  private Mode tenantlessMode(Overrides o) {
    return defaultMode != null ? defaultMode : o.defaults().mode();
  }

  private Mode modeFor(Overrides o, String tenant) {
    return o.isExplicit(tenant, LimitKey.MODE) ? o.limitsFor(tenant).mode() : tenantlessMode(o);
  }

  /** The first violated limit, in the order Mimir checks a series; null if none is set. */
  private static Decision validation(
      String tenant, TenantLimits limits, Mode mode, WriteRequestStats s) {
    Reason reason;
    String message;
    if (s.seriesOverMaxLabelNames() > 0) {
      reason = Reason.MAX_LABEL_NAMES_PER_SERIES;
      message =
          MimirMessages.tooManyLabels(s.maxLabelsPerSeries(), limits.maxLabelNamesPerSeries());
    } else if (s.seriesOverLabelNameLength() > 0) {
      reason = Reason.LABEL_NAME_TOO_LONG;
      message = MimirMessages.labelNameTooLong(s.maxLabelNameLength(), limits.maxLabelNameLength());
    } else if (s.seriesOverLabelValueLength() > 0) {
      reason = Reason.LABEL_VALUE_TOO_LONG;
      message =
          MimirMessages.labelValueTooLong(s.maxLabelValueLength(), limits.maxLabelValueLength());
    } else if (s.metadataOverLength() > 0) {
      reason = Reason.METADATA_TOO_LONG;
      message = MimirMessages.metadataTooLong(limits.maxMetadataLength());
    } else {
      return null;
    }
    return Decision.deny(reason, message, null, mode, s.validItems(), s, tenant);
  }

  /** The ingestion check; null when admitted (tokens taken). */
  private Decision ingestion(
      String tenant,
      TenantLimits limits,
      Mode mode,
      double share,
      long items,
      WriteRequestStats stats) {
    if (items == 0) {
      return null; // Mimir skips the ingestion limiter when nothing is left to write
    }
    double rate = limits.ingestionRate() * share;
    if (rate == 0) {
      // Rate 0 admits nothing and never refills: no point in retrying.
      return Decision.deny(
          Reason.INGESTION_RATE, ingestionRateMessage(limits), null, mode, items, stats, tenant);
    }
    int burst = limits.ingestionBurst(rate);
    if (items > burst) {
      // Can never fit, however long the client waits: Mimir's burst-size message, no Retry-After.
      return Decision.deny(
          Reason.INGESTION_RATE,
          MimirMessages.ingestionBurstSizeLimited(burst, items),
          null,
          mode,
          items,
          stats,
          tenant);
    }
    ConsumeResult r =
        buckets.tryConsume(
            ingestionKey(tenant),
            new BucketSpec(burst, Math.min(rate, BucketSpec.MAX_RATE)),
            items);
    return r.consumed()
        ? null
        : Decision.deny(
            Reason.INGESTION_RATE,
            ingestionRateMessage(limits),
            retryAfter(r),
            mode,
            items,
            stats,
            tenant);
  }

  /**
   * Mimir's rate-limit message, with the configured (global) values and the burst factor applied to
   * the global rate. Built only for a denial: the allowed path, nearly every request, needs none.
   */
  private static String ingestionRateMessage(TenantLimits limits) {
    long shownBurst =
        limits.ingestionBurstFactor() > 0
            ? (long) (limits.ingestionRate() * limits.ingestionBurstFactor())
            : limits.ingestionBurstSize();
    return MimirMessages.ingestionRateLimited(limits.ingestionRate(), shownBurst);
  }

  private Decision requestDenial(
      String tenant,
      TenantLimits limits,
      Mode mode,
      long items,
      WriteRequestStats stats,
      ConsumeResult r) {
    return Decision.deny(
        Reason.REQUEST_RATE,
        MimirMessages.requestRateLimited(limits.requestRate(), limits.requestBurstSize()),
        retryAfter(r),
        mode,
        items,
        stats,
        tenant);
  }

  /**
   * The request bucket, or null when request limiting is off ({@code request_rate} 0). A burst of 0
   * means unbounded, as Mimir ({@code math.MaxInt}).
   */
  private static BucketSpec requestSpec(TenantLimits limits, double share) {
    if (limits.requestRate() <= 0) {
      return null;
    }
    long burst = limits.requestBurstSize() > 0 ? limits.requestBurstSize() : Integer.MAX_VALUE;
    return new BucketSpec(burst, Math.min(limits.requestRate() * share, BucketSpec.MAX_RATE));
  }

  /**
   * This replica's share of a tenant's rates: fraction ÷ replicas. A source giving nonsense
   * (replicas &lt; 1, a fraction outside (0, 1]) is ignored rather than trusted, so a broken source
   * can never deny everything.
   */
  private double share() {
    int n = replicas.getAsInt();
    double f = trafficFraction.getAsDouble();
    return (f > 0 && f <= 1 ? f : 1.0) / Math.max(1, n);
  }

  /** Whole seconds until the request fits, at least 1; null when it never can. */
  private static Duration retryAfter(ConsumeResult r) {
    if (!r.canEverFit()) {
      return null;
    }
    long seconds = r.nanosToWait() <= 0 ? 1 : (r.nanosToWait() - 1) / 1_000_000_000L + 1;
    return Duration.ofSeconds(Math.max(1, seconds));
  }

  /** Builds an {@link Enforcer}; checks each setting at once. Not thread-safe. */
  public static final class Builder {
    private Supplier<Overrides> overrides;
    private BucketStore buckets;
    private IntSupplier replicas = () -> 1;
    private DoubleSupplier trafficFraction = () -> 1.0;
    private Mode defaultMode;

    private Builder() {}

    /** Where the current limits come from; read once per decision, so they can change. */
    public Builder overrides(Supplier<Overrides> source) {
      this.overrides = Objects.requireNonNull(source, "overrides");
      return this;
    }

    /** Fixed limits. */
    public Builder overrides(Overrides fixed) {
      Objects.requireNonNull(fixed, "overrides");
      return overrides(() -> fixed);
    }

    public Builder buckets(BucketStore store) {
      this.buckets = Objects.requireNonNull(store, "buckets");
      return this;
    }

    /** A fixed number of RLS replicas sharing the rates (default 1). */
    public Builder replicas(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("replicas must be >= 1, got " + n);
      }
      return replicas(() -> n);
    }

    /** The current number of RLS replicas; values below 1 count as 1. */
    public Builder replicas(IntSupplier source) {
      this.replicas = Objects.requireNonNull(source, "replicas");
      return this;
    }

    /** A fixed share of each tenant's requests this edge sees, in (0, 1] (default 1). */
    public Builder trafficFraction(double f) {
      if (!(f > 0 && f <= 1)) {
        throw new IllegalArgumentException("trafficFraction must be in (0, 1], got " + f);
      }
      return trafficFraction(() -> f);
    }

    /** The current traffic fraction; values outside (0, 1] count as 1. */
    public Builder trafficFraction(DoubleSupplier source) {
      this.trafficFraction = Objects.requireNonNull(source, "trafficFraction");
      return this;
    }

    /**
     * The mode of tenants whose overrides do not set {@code edge_enforcement.mode} (e.g. SHADOW
     * while rolling out). Unset: the mode of the defaults.
     */
    public Builder defaultMode(Mode mode) {
      this.defaultMode = Objects.requireNonNull(mode, "defaultMode");
      return this;
    }

    public Enforcer build() {
      if (overrides == null) {
        throw new IllegalStateException("overrides is required");
      }
      if (buckets == null) {
        throw new IllegalStateException("buckets is required");
      }
      return new Enforcer(this);
    }
  }
}
