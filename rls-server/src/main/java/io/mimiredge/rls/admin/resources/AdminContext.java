package io.mimiredge.rls.admin.resources;

import io.mimiredge.rls.admin.AuditLog;
import io.mimiredge.rls.admin.denials.DenialLog;
import io.mimiredge.rls.admin.rollout.LiveRollout;
import io.mimiredge.rls.admin.stats.TrafficStats;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.limits.Mode;
import io.mimiredge.rls.overload.Overload;
import java.time.InstantSource;
import java.util.Objects;

/**
 * What the admin resources read and change. Immutable; every part is thread-safe.
 *
 * @param limits the limits in force, with the admin layer the API changes
 * @param enforcer the enforcer on those limits (modes, effective limits, buckets)
 * @param traffic the traffic statistics
 * @param denials the recent denials
 * @param rollout the rollout state
 * @param clock wall clock
 * @param defaultMode the enforcement mode of tenants without their own; null = the defaults' mode
 * @param audit where changes are reported
 * @param topTenants how many of the busiest tenants the overview lists
 * @param overload the doors' concurrency limits, for the overview; null when not given
 */
public record AdminContext(
    LiveLimits limits,
    Enforcer enforcer,
    TrafficStats traffic,
    DenialLog denials,
    LiveRollout rollout,
    InstantSource clock,
    Mode defaultMode,
    AuditLog audit,
    int topTenants,
    Overload overload) {

  public AdminContext {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(enforcer, "enforcer");
    Objects.requireNonNull(traffic, "traffic");
    Objects.requireNonNull(denials, "denials");
    Objects.requireNonNull(rollout, "rollout");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(audit, "audit");
  }

  /** The mode of tenants without their own. */
  public Mode effectiveDefaultMode() {
    return defaultMode != null ? defaultMode : limits.get().defaults().mode();
  }
}
