package io.mimiredge.rls.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.setup.AdminFactory;
import io.dropwizard.validation.ValidationMethod;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.rls.admin.denials.DenialLog;
import io.mimiredge.rls.admin.rollout.LiveRollout;
import io.mimiredge.rls.admin.stats.TrafficStats;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.InstantSource;
import java.util.function.LongSupplier;

/**
 * The {@code admin:} block of the RLS configuration: the admin API's token, buffer sizes and the
 * rollout the RLS starts in. A validated Jackson bean; its {@code build...} methods return the
 * domain objects. Mutable while Jackson binds it, then only read.
 *
 * <p>Dropwizard's {@code Configuration} already owns an {@code admin:} block ({@link AdminFactory}:
 * {@code tasks}, {@code healthChecks}), so this class extends it: the one block holds both, and the
 * configuration class binds it with
 *
 * <pre>{@code
 * public RlsConfiguration() { setAdminFactory(new RlsAdminFactory()); }
 *
 * @Override
 * @JsonProperty("admin")
 * @JsonDeserialize(as = RlsAdminFactory.class)
 * public void setAdminFactory(AdminFactory admin) { super.setAdminFactory(admin); }
 *
 * public RlsAdminFactory getAdmin() { return (RlsAdminFactory) getAdminFactory(); }
 * }</pre>
 *
 * <pre>{@code
 * admin:
 *   token: ${RLS_ADMIN_TOKEN}      # bearer token for changes; unset = changes refused (403)
 *   denialBufferSize: 1000         # recent denials kept for /api/denials
 *   maxTrackedTenants: 10000       # tenants with traffic statistics, least recently seen evicted
 *   topTenants: 10                 # tenants listed in /api/overview's topTenants
 *   rollout:                       # where the rollout starts until edgectl says otherwise
 *     phase: direct                # direct | mirror | canary | full
 *     percent: 0
 *     splitBy: tenant              # tenant | request
 * }</pre>
 */
public class RlsAdminFactory extends AdminFactory {

  /** The starting rollout. */
  public static class RolloutConfig {
    @NotNull private Phase.Kind phase = Phase.Kind.DIRECT;
    private Integer percent;
    @NotNull private SplitBy splitBy = SplitBy.TENANT;

    @JsonProperty
    public Phase.Kind getPhase() {
      return phase;
    }

    @JsonProperty
    public void setPhase(Phase.Kind phase) {
      this.phase = phase;
    }

    /** The percent enforced; unset means the phase's own (0, or 100 for full). */
    @JsonProperty
    public Integer getPercent() {
      return percent;
    }

    @JsonProperty
    public void setPercent(Integer percent) {
      this.percent = percent;
    }

    @JsonProperty
    public SplitBy getSplitBy() {
      return splitBy;
    }

    @JsonProperty
    public void setSplitBy(SplitBy splitBy) {
      this.splitBy = splitBy;
    }

    @ValidationMethod(
        message =
            "is not a valid rollout: direct and mirror take percent 0, canary 1-100, full 100")
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isValidCombination() {
      return phase == null || Phase.problem(phase, percent) == null;
    }
  }

  @Size(
      min = 16,
      message =
          "must be at least 16 characters: use a long random secret, e.g. openssl rand -hex 32")
  private String token;

  @Min(1)
  @Max(1_000_000)
  private int denialBufferSize = 1000;

  @Min(1)
  @Max(1_000_000)
  private int maxTrackedTenants = 10_000;

  @Min(0)
  @Max(1000)
  private int topTenants = 10;

  @NotNull @jakarta.validation.Valid private RolloutConfig rollout = new RolloutConfig();

  /** The bearer token that admin changes need; null when changes are disabled. */
  @JsonProperty
  public String getToken() {
    return token;
  }

  @JsonProperty
  public void setToken(String token) {
    this.token = token == null || token.isBlank() ? null : token;
  }

  @JsonProperty
  public int getDenialBufferSize() {
    return denialBufferSize;
  }

  @JsonProperty
  public void setDenialBufferSize(int n) {
    this.denialBufferSize = n;
  }

  @JsonProperty
  public int getMaxTrackedTenants() {
    return maxTrackedTenants;
  }

  @JsonProperty
  public void setMaxTrackedTenants(int n) {
    this.maxTrackedTenants = n;
  }

  /** How many of the busiest tenants the overview lists (and a bound for per-tenant labels). */
  @JsonProperty
  public int getTopTenants() {
    return topTenants;
  }

  @JsonProperty
  public void setTopTenants(int n) {
    this.topTenants = n;
  }

  @JsonProperty
  public RolloutConfig getRollout() {
    return rollout;
  }

  @JsonProperty
  public void setRollout(RolloutConfig rollout) {
    this.rollout = rollout;
  }

  /** The live rollout, starting where this configuration says. */
  public LiveRollout buildLiveRollout(InstantSource clock) {
    return new LiveRollout(
        clock, Phase.of(rollout.getPhase(), rollout.getPercent()), rollout.getSplitBy());
  }

  /** Traffic statistics sized by this configuration. */
  public TrafficStats buildTrafficStats(LongSupplier nanoTime, InstantSource clock) {
    return TrafficStats.builder()
        .nanoTime(nanoTime)
        .clock(clock)
        .maxTenants(maxTrackedTenants)
        .build();
  }

  /** The recent-denials buffer sized by this configuration. */
  public DenialLog buildDenialLog(InstantSource clock) {
    return new DenialLog(denialBufferSize, clock);
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "RlsAdminFactory{token="
        + (token == null ? "unset" : "set")
        + ", denialBufferSize="
        + denialBufferSize
        + ", maxTrackedTenants="
        + maxTrackedTenants
        + ", topTenants="
        + topTenants
        + ", "
        + super.toString()
        + "}";
  }
}
