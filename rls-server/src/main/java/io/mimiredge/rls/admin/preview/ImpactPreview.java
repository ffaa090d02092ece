package io.mimiredge.rls.admin.preview;

import io.mimiredge.api.admin.RolloutPreview;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.Rollout;
import io.mimiredge.rls.admin.stats.TenantWindow;
import io.mimiredge.rls.admin.stats.TrafficStats;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.limits.Mode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Who a rung would start denying: for each tracked tenant in {@code enforce} mode that the rung
 * adds to enforcement (NGINX's tenant split, or a larger share of every tenant for a request
 * split), what the RLS refused in shadow of its writes that are not yet enforced (the mirror's
 * copies, or a canary's direct share), over a window. In a tenant split those are exactly the
 * writes the rung will enforce; in a request split the rung adds a share of them, so the counts are
 * scaled by it (an estimate). Thread-safe: reads the statistics, keeps nothing.
 */
public final class ImpactPreview {
  private final TrafficStats traffic;
  private final Function<String, Mode> modes;

  /**
   * @param traffic the per-tenant windows ({@link TrafficStats#tenantWindows})
   * @param modes each tenant's enforcement mode now
   */
  public ImpactPreview(TrafficStats traffic, Function<String, Mode> modes) {
    this.traffic = Objects.requireNonNull(traffic, "traffic");
    this.modes = Objects.requireNonNull(modes, "modes");
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
      // the writes not yet enforced are the ones decided in shadow; the rung enforces `scale` of
      // them (all of them for a tenant split)
      double scale = added / (1 - before);
      if (w.shadowDenied().requests() == 0) {
        continue;
      }
      double minutes = w.spanSeconds() / 60;
      List<RolloutPreview.Reason> reasons = new ArrayList<>();
      for (Map.Entry<Reason, TenantWindow.Refused> e : w.shadowDeniedByReason().entrySet()) {
        reasons.add(
            new RolloutPreview.Reason(
                e.getKey().label(),
                round(e.getValue().requests() * scale / minutes),
                round(e.getValue().items() * scale / minutes)));
      }
      reasons.sort(
          Comparator.comparingDouble(RolloutPreview.Reason::itemsPerMinute)
              .thenComparingDouble(RolloutPreview.Reason::requestsPerMinute)
              .reversed()
              .thenComparing(RolloutPreview.Reason::reason));
      double items = w.items() * (1 - before) * scale;
      denied.add(
          new RolloutPreview.Tenant(
              w.tenant(),
              round(added),
              round(w.requests() * (1 - before) * scale / minutes),
              round(items / minutes),
              round(w.shadowDenied().requests() * scale / minutes),
              round(w.shadowDenied().items() * scale / minutes),
              items == 0 ? 0 : round(Math.min(1, w.shadowDenied().items() * scale / items)),
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
        round(covered == 0 ? window.toSeconds() : covered),
        reached,
        denied.size(),
        now.splitBy() == io.mimiredge.api.rollout.SplitBy.REQUEST && to.kind() == Phase.Kind.CANARY,
        denied);
  }

  private static double round(double v) {
    return Double.isFinite(v)
        ? BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_UP).doubleValue()
        : 0;
  }
}
