package io.mimiredge.rls.admin;

import io.dropwizard.jersey.setup.JerseyEnvironment;
import io.mimiredge.rls.admin.denials.DenialLog;
import io.mimiredge.rls.admin.resources.AdminContext;
import io.mimiredge.rls.admin.resources.DenialsResource;
import io.mimiredge.rls.admin.resources.ExportResource;
import io.mimiredge.rls.admin.resources.OverviewResource;
import io.mimiredge.rls.admin.resources.ProblemMapper;
import io.mimiredge.rls.admin.resources.RolloutResource;
import io.mimiredge.rls.admin.resources.TenantsResource;
import io.mimiredge.rls.admin.resources.TokenFilter;
import io.mimiredge.rls.admin.rollout.LiveRollout;
import io.mimiredge.rls.admin.stats.TrafficStats;
import io.mimiredge.rls.config.RlsAdminFactory;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.limits.Mode;
import io.mimiredge.rls.upstream.UpstreamObserver;
import io.mimiredge.rls.upstream.UpstreamResponse;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The admin API in one piece: the JSON resources under {@code /api} (overview, tenants, limit and
 * mode changes, denials, CSV export, rollout), the bearer-token guard on changes, and the recorders
 * that feed them. Build it once, give {@link #recorder()} to the doors and {@link #register} it
 * with Jersey. Thread-safe.
 */
public final class AdminApi {
  private final AdminContext ctx;
  private final String token;
  private final Runnable authFailures;
  private final DecisionRecorder recorder;

  private AdminApi(Builder b) {
    TrafficStats traffic =
        b.traffic != null ? b.traffic : b.config.buildTrafficStats(b.nanoTime, b.clock);
    DenialLog denials = b.denials != null ? b.denials : b.config.buildDenialLog(b.clock);
    this.ctx =
        new AdminContext(
            b.limits,
            b.enforcer,
            traffic,
            denials,
            b.rollout,
            b.clock,
            b.defaultMode,
            b.audit,
            b.config.getTopTenants(),
            b.overload);
    this.token = b.config.getToken();
    this.authFailures = b.authFailures;
    this.recorder = traffic.andThen(denials);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Give this to every door: it feeds the traffic statistics and the recent denials. */
  public DecisionRecorder recorder() {
    return recorder;
  }

  /**
   * Counts the pass-through door's own failures towards the distributor (unreachable, too slow: the
   * 502/504 the edge answers itself) as edge errors, the error rate edgectl gates on.
   */
  public UpstreamObserver upstreamObserver() {
    return (outcome, status, nanos) -> {
      if (outcome != UpstreamResponse.Outcome.RESPONSE) {
        ctx.traffic().recordError(Door.HTTP_PUSH);
      }
    };
  }

  /** The traffic statistics; doors report edge failures with {@link TrafficStats#recordError}. */
  public TrafficStats traffic() {
    return ctx.traffic();
  }

  public DenialLog denials() {
    return ctx.denials();
  }

  public LiveRollout rollout() {
    return ctx.rollout();
  }

  /** The resources and providers to register with Jersey. */
  public List<Object> components() {
    return List.of(
        new OverviewResource(ctx),
        new TenantsResource(ctx),
        new DenialsResource(ctx),
        new ExportResource(ctx),
        new RolloutResource(ctx),
        new TokenFilter(token, authFailures),
        new ProblemMapper());
  }

  /** Registers the resources and providers. */
  public void register(JerseyEnvironment jersey) {
    components().forEach(jersey::register);
  }

  /** Builds an {@link AdminApi}; checks each setting at once. Not thread-safe. */
  public static final class Builder {
    private LiveLimits limits;
    private Enforcer enforcer;
    private LiveRollout rollout;
    private RlsAdminFactory config = new RlsAdminFactory();
    private TrafficStats traffic;
    private DenialLog denials;
    private InstantSource clock = InstantSource.system();
    private LongSupplier nanoTime = System::nanoTime;
    private Mode defaultMode;
    private AuditLog audit = AuditLog.slf4j();
    private Runnable authFailures = () -> {};
    private io.mimiredge.rls.overload.Overload overload;

    private Builder() {}

    /** The limits in force; the API's changes go to its admin layer. Required. */
    public Builder limits(LiveLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** The enforcer built on the same limits. Required. */
    public Builder enforcer(Enforcer enforcer) {
      this.enforcer = Objects.requireNonNull(enforcer, "enforcer");
      return this;
    }

    /** The rollout state whose {@code fraction()} the enforcer reads. Required. */
    public Builder rollout(LiveRollout rollout) {
      this.rollout = Objects.requireNonNull(rollout, "rollout");
      return this;
    }

    /** Token and sizes (default: no token, 1000 denials, 10,000 tenants, top 10). */
    public Builder config(RlsAdminFactory config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Traffic statistics to use instead of building them from the config. */
    public Builder traffic(TrafficStats traffic) {
      this.traffic = Objects.requireNonNull(traffic, "traffic");
      return this;
    }

    /** A denial log to use instead of building one from the config. */
    public Builder denials(DenialLog denials) {
      this.denials = Objects.requireNonNull(denials, "denials");
      return this;
    }

    /** Wall clock for times shown and recorded (default the system clock). */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Monotonic nanoseconds for the windows (default {@code System::nanoTime}). */
    public Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /**
     * The mode of tenants without their own, as given to the enforcer ({@code enforcement.mode});
     * unset: the mode of the limits' defaults.
     */
    public Builder defaultMode(Mode mode) {
      this.defaultMode = Objects.requireNonNull(mode, "defaultMode");
      return this;
    }

    /** The doors' concurrency limits the overview reports (optional). */
    public Builder overload(io.mimiredge.rls.overload.Overload overload) {
      this.overload = overload;
      return this;
    }

    /** Called on each change refused for a missing or wrong token (e.g. to count it). */
    public Builder onAuthFailure(Runnable authFailures) {
      this.authFailures = Objects.requireNonNull(authFailures, "authFailures");
      return this;
    }

    /** Where changes are reported (default: the {@code io.mimiredge.rls.admin.audit} log). */
    public Builder audit(AuditLog audit) {
      this.audit = Objects.requireNonNull(audit, "audit");
      return this;
    }

    public AdminApi build() {
      if (limits == null) {
        throw new IllegalStateException("limits is required");
      }
      if (enforcer == null) {
        throw new IllegalStateException("enforcer is required");
      }
      if (rollout == null) {
        throw new IllegalStateException("rollout is required");
      }
      return new AdminApi(this);
    }
  }
}
