package io.mimiredge.rls.enforce;

import io.mimiredge.rls.ha.HaTracker;
import io.mimiredge.rls.ha.local.LocalHaTracker;
import io.mimiredge.rls.limits.LimitKey;
import io.mimiredge.rls.limits.Mode;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.limits.ValidationPolicy;
import io.mimiredge.rls.remotewrite.Protocol;
import io.mimiredge.rls.remotewrite.RemoteWriteException;
import io.mimiredge.rls.remotewrite.Violation;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Turns a remote-write request into a {@link Decision}, with Mimir's limits and semantics.
 *
 * <p>Order, as in Mimir's distributor ({@code distributor.go}, {@code wrapPushWithMiddlewares}):
 * the tenant ID ({@link #check}); the request rate, one token taken before the body is read and
 * never given back ({@link #takeRequestToken}, {@code limitsMiddleware}); then, on the scanned body
 * ({@link #decide(TenantSnapshot, WriteRequestStats, long)}): HA dedupe (a replica that is not the
 * elected one is admitted counting nothing; a cluster over {@code ha_max_clusters} is refused),
 * validation (only under a tenant's {@code deny} policy; with {@code forward} Mimir drops the bad
 * series itself), and the ingestion rate over the items Mimir counts once it has dropped what is
 * invalid. Each bucket is all-or-nothing: a request it refuses takes nothing from it, exactly like
 * golang.org/x/time/rate's {@code AllowN}.
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
  private final HaTracker ha;

  private Enforcer(Builder b) {
    this.overrides = b.overrides;
    this.buckets = b.buckets;
    this.replicas = b.replicas;
    this.trafficFraction = b.trafficFraction;
    this.defaultMode = b.defaultMode;
    this.ha = b.ha != null ? b.ha : new LocalHaTracker(DEFAULT_HA_CLUSTERS);
  }

  /** Clusters a default (local) HA tracker keeps, over all tenants. */
  public static final int DEFAULT_HA_CLUSTERS = 100_000;

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
   * Checks the tenant header value ({@code X-Scope-OrgID}) by dskit's rules and reads the tenant's
   * mode and limits once: the snapshot the rest of the request is judged with, or a final decision
   * (401 {@code no org id}, 400 for an invalid ID; in shadow mode a shadow denial, in off mode an
   * admission, both let through unjudged).
   */
  public TenantCheck check(String orgId) {
    TenantIds.Check t = TenantIds.check(orgId);
    Overrides o = overrides.get();
    if (!t.valid()) {
      return new TenantCheck(null, tenantless(o, t.reason(), t.message()));
    }
    Overrides.Tenant entry = o.entryFor(t.tenant());
    return new TenantCheck(
        new TenantSnapshot(t.tenant(), modeFor(o, t.tenant()), entry.limits(), entry.validation()),
        null);
  }

  /**
   * Takes the request's one request-rate token, as Mimir's {@code limitsMiddleware} does before it
   * reads the body. Mimir never gives it back, whatever happens to the request later (a 400, an
   * ingestion-rate 429, a deduplicated HA replica).
   *
   * @return the denial when the tenant is over its request rate; null when the request goes on
   */
  public Decision takeRequestToken(TenantSnapshot t) {
    if (t.mode() == Mode.OFF) {
      return null;
    }
    BucketSpec spec = requestSpec(t.limits(), share());
    if (spec == null) {
      return null;
    }
    ConsumeResult r = buckets.tryConsume(requestKey(t.id()), spec, 1);
    return r.consumed() ? null : requestDenial(t.id(), t.limits(), t.mode(), 0, null, r);
  }

  /**
   * Decides a scanned push whose request token {@link #takeRequestToken} took: HA dedupe,
   * validation under a {@code deny} policy, then the ingestion rate over {@code stats.items()}.
   *
   * @param nowMillis wall-clock time (Unix ms) for the HA election
   */
  public Decision decide(TenantSnapshot t, WriteRequestStats stats, long nowMillis) {
    Objects.requireNonNull(stats, "stats");
    String tenant = t.id();
    TenantLimits limits = t.limits();
    Mode mode = t.mode();
    if (mode == Mode.OFF) {
      return Decision.allow(tenant, mode, stats.items(), stats);
    }
    long items = stats.items();
    boolean violations = stats.hasViolations();
    Violation violation = stats.firstViolation();
    long actual = stats.firstActual();
    if (stats.perSampleHa()) {
      PerSample p = perSample(t, stats, nowMillis);
      if (!p.kept()) {
        // nothing left: Mimir does not push at all (the metadata goes too) and answers its error
        return p.tooMany()
            ? tooManyHaClusters(tenant, limits, mode, stats)
            : Decision.haDeduped(tenant, mode, stats);
      }
      items = p.items();
      violation = p.violation();
      actual = p.actual();
      violations = violation != null;
    } else if (stats.ha()) {
      // prePushHaDedupeMiddleware: after the request rate, before validation.
      HaTracker.Settings settings = haSettings(limits);
      HaTracker.Result r =
          ha.check(
              tenant,
              stats.haCluster(),
              stats.haReplica(),
              settings,
              nowMillis,
              HaTracker.sampleTime(settings, nowMillis, stats.earliestSampleMillis()));
      if (r.verdict() == HaTracker.Verdict.NOT_ELECTED) {
        return Decision.haDeduped(tenant, mode, stats);
      }
      if (r.verdict() == HaTracker.Verdict.TOO_MANY_CLUSTERS) {
        return tooManyHaClusters(tenant, limits, mode, stats);
      }
    }
    if (limits.validation() == ValidationPolicy.DENY && violations) {
      // prePushValidationMiddleware (distributor.go): with nothing valid left, the first error at
      // once; else the ingestion limiter over the valid rest first, so a request over the rate is
      // its 429 (which senders retry), not the 400 (which they drop). Admitted, the tokens go back:
      // the edge answers the 400 itself, and nothing of the request reaches Mimir's limiter.
      double share = share();
      Decision overRate = ingestion(tenant, limits, mode, share, items, stats);
      if (overRate != null) {
        return overRate;
      }
      if (items > 0) {
        double rate = limits.ingestionRate() * share;
        buckets.refund(ingestionKey(tenant), ingestionSpec(limits, rate), items);
      }
      return Decision.deny(
          Reason.of(violation),
          MimirMessages.violation(violation, actual, t.validation()),
          null,
          mode,
          items,
          stats,
          tenant);
    }
    Decision ingestion = ingestion(tenant, limits, mode, share(), items, stats);
    return ingestion != null ? ingestion : Decision.allow(tenant, mode, items, stats);
  }

  /**
   * The whole decision for a scanned push in one call: {@link #check}, {@link #takeRequestToken},
   * {@link #decide(TenantSnapshot, WriteRequestStats, long)}. The push doors make the three calls
   * themselves (they take the token before scanning); this one is for callers that already have the
   * statistics.
   */
  public Decision decide(String orgId, WriteRequestStats stats, long nowMillis) {
    Objects.requireNonNull(stats, "stats");
    TenantCheck c = check(orgId);
    if (c.decision() != null) {
      return c.decision();
    }
    Decision refused = takeRequestToken(c.tenant());
    return refused != null ? refused : decide(c.tenant(), stats, nowMillis);
  }

  /**
   * What per-sample HA dedupe keeps of a request.
   *
   * @param kept whether any series is kept (else Mimir pushes nothing)
   * @param tooMany whether a group was refused for {@code ha_max_clusters}
   * @param items what the ingestion limiter counts of the kept series and the metadata
   * @param violation the first violation among the kept series (or the metadata's), null if none
   * @param actual the value that broke it
   */
  private record PerSample(
      boolean kept, boolean tooMany, long items, Violation violation, long actual) {}

  /**
   * {@code ha_dedupe_per_sample.go}: each (cluster, replica) of the request judged once; the series
   * of a replica that is not elected, or of a cluster over {@code ha_max_clusters}, dropped before
   * validation and the limiter; the rest pushed (then Mimir answers 202 or 400 for the dropped
   * ones: the edge forwards, and Mimir keeps what it keeps). The exemplars' lower bound is then
   * taken over the series kept, as {@code prePushValidationMiddleware} sees them.
   */
  private PerSample perSample(TenantSnapshot t, WriteRequestStats stats, long nowMillis) {
    String tenant = t.id();
    HaTracker.Settings settings = haSettings(t.limits());
    boolean kept = false;
    boolean tooMany = false;
    long droppedItems = 0;
    long keptEarliest = Long.MAX_VALUE;
    List<WriteRequestStats.HaGroup> keptGroups = new ArrayList<>(stats.haGroups().size());
    Violation keptViolation = null;
    long keptActual = 0;
    long keptFirst = Long.MAX_VALUE;
    for (WriteRequestStats.HaGroup g : stats.haGroups()) {
      boolean keep = true;
      if (g.ha()) {
        // processHaReplicas: each replica with its own earliest sample
        long sampleTime = HaTracker.sampleTime(settings, nowMillis, g.earliestSampleMillis());
        HaTracker.Verdict v =
            ha.check(tenant, g.cluster(), g.replica(), settings, nowMillis, sampleTime).verdict();
        keep = v == HaTracker.Verdict.ELECTED;
        tooMany |= v == HaTracker.Verdict.TOO_MANY_CLUSTERS;
      }
      if (!keep) {
        droppedItems += g.items();
        continue;
      }
      kept = true;
      keptGroups.add(g);
      keptEarliest = Math.min(keptEarliest, g.validatedEarliestMillis());
      if (g.firstViolation() != null && g.firstSeries() < keptFirst) {
        keptFirst = g.firstSeries();
        keptViolation = g.firstViolation();
        keptActual = g.firstActual();
      }
    }
    long samples = stats.validSamples() - droppedItems;
    long floor = t.validation().exemplarFloor(keptEarliest, nowMillis);
    long exemplars = 0;
    for (WriteRequestStats.HaGroup g : keptGroups) {
      exemplars += g.exemplarsFrom(floor);
    }
    long items =
        samples == 0 && stats.validMetadata() == 0
            ? 0
            : samples + exemplars + stats.validMetadata();
    Violation violation = stats.firstViolation();
    long actual = stats.firstActual();
    if (keptViolation != null) {
      violation = keptViolation;
      actual = keptActual;
    } else if (violation != null && !violation.metadata()) {
      // the series violations were all in dropped series; the metadata's is not known apart
      violation = null;
    }
    return new PerSample(kept, tooMany, items, violation, actual);
  }

  /** Mimir's 400 for a new HA cluster over {@code ha_max_clusters}. */
  private static Decision tooManyHaClusters(
      String tenant, TenantLimits limits, Mode mode, WriteRequestStats stats) {
    return Decision.deny(
        Reason.TOO_MANY_HA_CLUSTERS,
        MimirMessages.tooManyHaClusters(limits.haMaxClusters()),
        null,
        mode,
        0,
        stats,
        tenant);
  }

  /** The tenant's HA clusters and their elected replicas, for the admin API. */
  public List<HaTracker.Election> haElections(String tenant, long nowMillis) {
    return ha.elections(tenant, nowMillis);
  }

  private static HaTracker.Settings haSettings(TenantLimits l) {
    return new HaTracker.Settings(
        l.haTrackerFailoverTimeout().toMillis(),
        l.haTrackerUpdateTimeout().toMillis(),
        l.haMaxClusters(),
        l.haTrackerSampleFailoverTimeout().toMillis());
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
   * A body larger than the edge accepts, answered as Mimir's handler of {@code protocol} answers
   * it: a remote write 400 with the max-write-message-size wording (its push handler makes every
   * parse error that carries no status of its own a 400, {@code pkg/distributor/push.go}), an OTLP
   * push 413 with the max-otlp-request-size wording ({@code pkg/distributor/otel.go}).
   *
   * @param bodyBytes size of the compressed body; &lt;= 0 when unknown (left out of the message)
   */
  public Decision bodyTooLarge(
      TenantSnapshot t, long bodyBytes, long limitBytes, Protocol protocol) {
    String message =
        protocol == Protocol.OTLP
            ? MimirMessages.otlpMessageSizeTooLarge(bodyBytes, limitBytes)
            : MimirMessages.messageSizeTooLarge(bodyBytes, limitBytes, true);
    return bodyProblem(t, Reason.BODY_TOO_LARGE, message, tooLargeStatus(protocol));
  }

  /**
   * The status Mimir answers a body too large for {@code protocol} with: see {@link #bodyTooLarge}.
   */
  static int tooLargeStatus(Protocol protocol) {
    return protocol == Protocol.OTLP ? 413 : 400;
  }

  /**
   * A body larger than a door reads ({@code limitBytes}), refused before or while reading it with
   * {@code protocol}'s status (400 remote write, 413 OTLP) in every mode, since what was not read
   * cannot be passed on; {@link PushEvaluator#unreadBodyTooLarge} makes Mimir's checks before it. A
   * tenant whose mode would only have shadow-denied it, a tenant in off mode and a tenantless
   * request let through are refused all the same, in their mode.
   *
   * @param check the request's {@link #check}: its tenant, or the tenantless decision that let it
   *     through
   * @param bodyBytes size of the compressed body; &lt;= 0 when unknown (left out of the message)
   */
  public Decision bodyTooLargeToRead(
      TenantCheck check, long bodyBytes, long limitBytes, Protocol protocol) {
    Decision d =
        check.tenant() != null
            ? bodyTooLarge(check.tenant(), bodyBytes, limitBytes, protocol)
            : check.decision();
    if (d.verdict() == Verdict.DENY) {
      return d;
    }
    String message =
        d.message().isEmpty() || d.reason() != Reason.BODY_TOO_LARGE
            ? "the request body is larger than the " + limitBytes + " bytes this edge accepts"
            : d.message();
    return Decision.unreadBody(message, tooLargeStatus(protocol), d.mode(), d.tenant());
  }

  /**
   * A body the scanner refused: 400 for bad snappy or protobuf or a Content-Type Mimir refuses;
   * when it decodes too large, what Mimir answers for {@code protocol} ({@link #bodyTooLarge}'s
   * status: 400 for remote write, 413 for OTLP).
   */
  public Decision badBody(TenantSnapshot t, RemoteWriteException e, Protocol protocol) {
    Reason reason =
        switch (e.kind()) {
          case DECODED_TOO_LARGE -> Reason.DECODED_TOO_LARGE;
          case BAD_CONTENT_TYPE -> Reason.BAD_CONTENT_TYPE;
          case BAD_BODY -> Reason.BAD_BODY;
          case UNSUPPORTED_MEDIA_TYPE -> Reason.UNSUPPORTED_MEDIA_TYPE;
        };
    String message = e.getMessage() == null ? "bad remote-write body" : e.getMessage();
    return bodyProblem(
        t,
        reason,
        message,
        reason == Reason.DECODED_TOO_LARGE ? tooLargeStatus(protocol) : reason.status());
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

  private static Decision bodyProblem(TenantSnapshot t, Reason reason, String message, int status) {
    return t.mode() == Mode.OFF
        ? Decision.allow(t.id(), t.mode(), 0, null)
        : Decision.deny(reason, status, message, null, t.mode(), 0, null, t.id());
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
    int burst = limits.ingestionBurst(rate);
    if (items > burst) {
      // Can never fit, however long the client waits (a burst of 0 too: a rate of 0 with a burst
      // factor): Mimir's burst-size message, no Retry-After.
      return Decision.deny(
          Reason.INGESTION_RATE,
          MimirMessages.ingestionBurstSizeLimited(burst, items),
          null,
          mode,
          items,
          stats,
          tenant);
    }
    ConsumeResult r = buckets.tryConsume(ingestionKey(tenant), ingestionSpec(limits, rate), items);
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
   * The ingestion bucket at this replica's {@code rate}: Mimir's token bucket (x/time/rate), burst
   * {@link TenantLimits#ingestionBurst} deep.
   *
   * <p>A rate of 0 does not stop a tenant in Mimir: x/time/rate then spends the burst itself, and
   * dskit's per-tenant limiter puts it back whenever it rechecks the tenant's limits, every 10 s
   * ({@code limiter.NewRateLimiter(ingestionRateStrategy, 10*time.Second)} in distributor.go,
   * {@code recheckTenantLimiter}'s {@code SetBurstAt}): up to a burst per 10 s per distributor, the
   * window starting at the first request after a recheck. The edge cannot know a distributor's
   * window, so it takes the bucket that admits every sequence one distributor admits and hardly
   * more: twice the burst deep, refilled at a burst per 10 s (in any stretch of L seconds a
   * distributor admits at most burst × (2 + L / 10)).
   */
  private static BucketSpec ingestionSpec(TenantLimits limits, double rate) {
    long burst = limits.ingestionBurst(rate);
    return rate > 0
        ? new BucketSpec(burst, Math.min(rate, BucketSpec.MAX_RATE))
        : new BucketSpec(2 * burst, burst / RATE_ZERO_RECHECK_SECONDS);
  }

  /** How often Mimir's distributor rechecks a tenant's rate limiter (and restores its burst). */
  private static final double RATE_ZERO_RECHECK_SECONDS = 10;

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
    private HaTracker ha;

    private Builder() {}

    /** Where HA elections are kept (default: in this process, {@link #DEFAULT_HA_CLUSTERS}). */
    public Builder haTracker(HaTracker tracker) {
      this.ha = Objects.requireNonNull(tracker, "haTracker");
      return this;
    }

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
