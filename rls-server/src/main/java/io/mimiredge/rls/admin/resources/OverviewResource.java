package io.mimiredge.rls.admin.resources;

import io.mimiredge.api.admin.DoorLoad;
import io.mimiredge.api.admin.Overview;
import io.mimiredge.api.admin.RolloutView;
import io.mimiredge.api.admin.TrackedTenants;
import io.mimiredge.api.admin.Window;
import io.mimiredge.rls.admin.stats.TrafficStats;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.remotewrite.Protocol;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/overview}: decisions over 1m, 5m and 1h, over all doors and per door; the default
 * mode; the rollout; the busiest tenants; each door's concurrency limit and what it shed. edgectl's
 * gates read it. Thread-safe.
 */
@Path("/api/overview")
@Produces(MediaType.APPLICATION_JSON)
public final class OverviewResource {
  private final AdminContext ctx;

  public OverviewResource(AdminContext ctx) {
    this.ctx = ctx;
  }

  @GET
  public Overview overview() {
    Map<String, Window> windows = windows(null);
    Map<String, Map<String, Window>> doors = new LinkedHashMap<>();
    for (Door d : Door.values()) {
      doors.put(d.label(), windows(d));
    }
    // the scanned requests by write protocol (rw1, rw2)
    Map<String, Map<String, Window>> protocols = new LinkedHashMap<>();
    for (Protocol p : Protocol.values()) {
      Map<String, Window> w = new LinkedHashMap<>();
      for (Duration d : TrafficStats.WINDOWS) {
        w.put(name(d), Views.window(ctx.traffic().protocolWindow(p, d)));
      }
      protocols.put(p.label(), w);
    }
    return new Overview(
        Views.time(ctx.clock().instant()),
        ctx.effectiveDefaultMode().yamlName(),
        RolloutView.of(ctx.rollout().get()),
        windows,
        doors,
        protocols,
        new TrackedTenants(ctx.traffic().trackedTenants(), ctx.traffic().maxTenants()),
        ctx.traffic().topTenants(ctx.topTenants()).stream().map(Views::tenantRate).toList(),
        overload());
  }

  private Map<String, DoorLoad> overload() {
    if (ctx.overload() == null) {
      return null;
    }
    Map<String, DoorLoad> out = new LinkedHashMap<>();
    ctx.overload().all().forEach(l -> out.put(l.door(), Views.doorLoad(l)));
    return out;
  }

  private Map<String, Window> windows(Door door) {
    Map<String, Window> out = new LinkedHashMap<>();
    for (Duration w : TrafficStats.WINDOWS) {
      out.put(name(w), Views.window(ctx.traffic().window(door, w)));
    }
    return out;
  }

  /** "1m", "5m", "1h": the names edgectl's gates.window uses. */
  static String name(Duration d) {
    if (d.toHours() > 0 && d.toMinutes() % 60 == 0) {
      return d.toHours() + "h";
    }
    if (d.toMinutes() > 0 && d.toSeconds() % 60 == 0) {
      return d.toMinutes() + "m";
    }
    return d.toSeconds() + "s";
  }
}
