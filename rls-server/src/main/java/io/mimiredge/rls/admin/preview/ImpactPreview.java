package io.mimiredge.rls.admin.preview;

import io.mimiredge.api.admin.ApiNumbers;
import io.mimiredge.api.admin.RolloutPreview;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.Rollout;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.rls.admin.stats.TenantWindow;
import io.mimiredge.rls.admin.stats.TrafficStats;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.limits.Mode;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Who a rung would start denying: for each tracked tenant in {@code enforce} mode that the rung
 * adds to enforcement (NGINX's tenant split, or a larger share of every tenant for a request
 * split), what the RLS refused of its writes over a window, per minute. For a tenant split, what
 * the shadow door refused of the writes not yet enforced (the mirror's copies, a canary's direct
 * share): exactly what the rung will deny. For a request split, an estimate: from mirror, the
 * shadow door's refusals scaled by the share the rung adds; from a canary, the enforcing doors'
 * denials scaled from the enforced share to the added one. Thread-safe: reads the statistics, keeps
 * nothing.
 */
public final class ImpactPreview {
  private static final Duration SLOT = Duration.ofSeconds(30);

  private final TrafficStats traffic;
  private final Function<String, Mode> modes;
  private final InstantSource clock;

  /**
   * @param traffic the per-tenant windows ({@link TrafficStats#tenantWindows})
   * @param modes each tenant's enforcement mode now
   * @param clock when "now" is, for how long the phase in force has been
   */
  public ImpactPreview(TrafficStats traffic, Function<String, Mode> modes, InstantSource clock) {
    this.traffic = Objects.requireNonNull(traffic, "traffic");
    this.modes = Objects.requireNonNull(modes, "modes");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @param now the rollout in force
   * @param to the rung previewed, above {@code now}'s phase
   * @param window 1m, 5m or 1h
   * @param windowName how the window is named in the answer
   */
  public RolloutPreview preview(Rollout now, Phase to, Duration window, String windowName) {
    if (to.compareTo(now.phase()) <= 0) {
      throw new IllegalArgumentException(
          "a preview goes up: " + to + " is not above the current " + now.phase());
    }
    if (now.splitBy() == SplitBy.REQUEST && now.phase().kind() == Phase.Kind.CANARY) {
      // its estimate reads the enforced share's denials: only since the canary was set, not the
      // mirror's traffic still in the window (whole 30-second slots)
      Duration since = Duration.between(now.since(), clock.instant());
      if (!since.isNegative() && since.compareTo(window) < 0) {
        long slots = Math.max(1, (since.toNanos() + SLOT.toNanos() - 1) / SLOT.toNanos());
        window = SLOT.multipliedBy(slots);
      }
    }
    int reached = 0;
    double covered = 0;
    List<RolloutPreview.Tenant> denied = new ArrayList<>();
    for (TenantWindow w : traffic.tenantWindows(window)) {
      covered = Math.max(covered, w.spanSeconds());
      if (w.requests() == 0 || modes.apply(w.tenant()) != Mode.ENFORCE) {
        continue;
      }
      double before = now.phase().enforcedShare(w.tenant(), now.splitBy());
      double added = to.enforcedShare(w.tenant(), now.splitBy()) - before;
      if (added <= 0) {
        continue; // the rung does not reach it, or it is enforced already
      }
      reached++;
      // What the rung would refuse of its added share. A tenant split sends a tenant wholly one
      // way, and what is not yet enforced is decided in shadow (the mirror's copies, or a canary's
      // direct share): the shadow door's refusals are what the rung will deny. A canary split by
      // request copies nothing to the shadow door (its copies would draw on the buckets of the
      // enforced share), so once some share is enforced, its denials stand for the rest: the
      // limits scale with the share, so the added share is refused at the same rate.
      boolean fromEnforced = now.splitBy() == SplitBy.REQUEST && before > 0;
      double scale = fromEnforced ? added / before : added / (1 - before);
      TenantWindow.Refused refused = fromEnforced ? w.denied() : w.shadowDenied();
      Map<Reason, TenantWindow.Refused> byReason =
          fromEnforced ? w.deniedByReason() : w.shadowDeniedByReason();
      if (refused.requests() == 0) {
        continue;
      }
      double minutes = w.spanSeconds() / 60;
      List<RolloutPreview.Reason> reasons = new ArrayList<>();
      for (Map.Entry<Reason, TenantWindow.Refused> e : byReason.entrySet()) {
        reasons.add(
            new RolloutPreview.Reason(
                e.getKey().label(),
                ApiNumbers.round(e.getValue().requests() * scale / minutes),
                ApiNumbers.round(e.getValue().items() * scale / minutes)));
      }
      reasons.sort(
          Comparator.comparingDouble(RolloutPreview.Reason::itemsPerMinute)
              .thenComparingDouble(RolloutPreview.Reason::requestsPerMinute)
              .reversed()
              .thenComparing(RolloutPreview.Reason::reason));
      // the tenant's writes the rung adds: the enforced share seen, scaled; or its share of all
      double seen = fromEnforced ? scale : added;
      double items = w.items() * seen;
      double requests = w.requests() * seen;
      denied.add(
          new RolloutPreview.Tenant(
              w.tenant(),
              ApiNumbers.round(added),
              ApiNumbers.round(requests / minutes),
              ApiNumbers.round(items / minutes),
              ApiNumbers.round(refused.requests() * scale / minutes),
              ApiNumbers.round(refused.items() * scale / minutes),
              items == 0 ? 0 : ApiNumbers.round(Math.min(1, refused.items() * scale / items)),
              reasons));
    }
    denied.sort(
        Comparator.comparingDouble(RolloutPreview.Tenant::deniedItemsPerMinute)
            .thenComparingDouble(RolloutPreview.Tenant::deniedRequestsPerMinute)
            .reversed()
            .thenComparing(RolloutPreview.Tenant::id));
    return new RolloutPreview(
        now.phase().token(),
        to.token(),
        now.splitBy().token(),
        windowName,
        ApiNumbers.round(covered == 0 ? window.toSeconds() : covered),
        reached,
        denied.size(),
        // exact only when every write the rung adds was decided in shadow as it is now
        now.splitBy() == SplitBy.REQUEST
            && (to.kind() == Phase.Kind.CANARY || now.phase().kind() == Phase.Kind.CANARY),
        denied);
  }
}
