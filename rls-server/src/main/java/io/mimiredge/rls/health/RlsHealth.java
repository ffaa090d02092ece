package io.mimiredge.rls.health;

import io.mimiredge.api.admin.Health;
import io.mimiredge.rls.enforce.StateStore;
import io.mimiredge.rls.limits.LimitsSource;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.tls.ServerTls;
import io.mimiredge.rls.upstream.UpstreamProbe;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The service's health as {@code /api/health} reports it: limits loaded and current, the upstream
 * reachable (a real TCP connect, reused for a few seconds), the buckets' state store (registered
 * with {@link #registerStateStore}), and any registered servers serving (the gRPC server registers
 * itself with {@link #registerServing}). Thread-safe.
 */
public final class RlsHealth {
  private final LiveLimits limits;
  private final LimitsSource source;
  private final UpstreamProbe upstream;
  private final Map<String, BooleanSupplier> serving = new ConcurrentHashMap<>();
  private volatile StateStore stateStore;
  private final Map<String, ServerTls> tls = new ConcurrentHashMap<>();

  public RlsHealth(LiveLimits limits, LimitsSource source, UpstreamProbe upstream) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.source = Objects.requireNonNull(source, "source");
    this.upstream = Objects.requireNonNull(upstream, "upstream");
  }

  /**
   * Adds a server to the report: {@code "<name>": {"serving": ...}}, unhealthy while it is not
   * serving. E.g. {@code registerServing("grpc", grpcServer::isServing)}.
   */
  public void registerServing(String name, BooleanSupplier isServing) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(isServing, "isServing");
    if (Set.of("status", "limits", "upstream", "stateStore", "tls").contains(name)) {
      throw new IllegalArgumentException("name " + name + " is taken");
    }
    serving.put(name, isServing);
  }

  /**
   * Adds the token buckets' state store to the report: {@code "stateStore": {"type": ..., "shared":
   * ..., "reachable": ..., "transport": ...}}, {@code reachable} read on every report. An
   * unreachable store degrades the status (the local share decides meanwhile: never down).
   */
  public void registerStateStore(StateStore store) {
    stateStore = Objects.requireNonNull(store, "store");
  }

  /**
   * Adds a door's TLS to the report: {@code "tls": {"<door>": {...}}} with the served certificate,
   * its expiry and what is wrong with the files on disk, if anything; a problem (the last good
   * credentials serving) degrades the status.
   */
  public void registerTls(ServerTls door) {
    tls.put(door.door(), door);
  }

  /** The report now; the upstream check may be a few seconds old. */
  public Health report() {
    LiveLimits.Status s = limits.status();
    Health.Limits l =
        new Health.Limits(
            s.loaded(),
            source.location(),
            iso(s.lastSuccess()),
            iso(s.lastAttempt()),
            s.lastError(),
            source.transport());
    UpstreamProbe.Result u = upstream.cached();
    Health.Upstream up =
        new Health.Upstream(
            upstream.uri().toString(), u.reachable(), iso(u.checkedAt()), u.error());
    Map<String, Health.Serving> servers = new LinkedHashMap<>();
    boolean allServing = true;
    for (Map.Entry<String, BooleanSupplier> e : new java.util.TreeMap<>(serving).entrySet()) {
      boolean on = e.getValue().getAsBoolean();
      allServing &= on;
      servers.put(e.getKey(), new Health.Serving(on));
    }
    StateStore sc = stateStore;
    Health.StateStore store =
        sc == null
            ? null
            : new Health.StateStore(
                sc.type(), sc.shared(), sc.reachable().getAsBoolean(), sc.transport());
    Map<String, Health.Tls> doors = new java.util.TreeMap<>();
    boolean tlsProblem = false;
    for (ServerTls t : tls.values()) {
      java.security.cert.X509Certificate c = t.served();
      String problem = t.problem().orElse(null);
      tlsProblem |= problem != null;
      doors.put(
          t.door(),
          new Health.Tls(
              c.getSubjectX500Principal().getName(),
              c.getNotAfter().toInstant().toString(),
              t.clientAuth(),
              problem));
    }
    Health.Status status;
    if (!s.loaded() || !allServing) {
      status = Health.Status.DOWN;
    } else if (s.degraded()
        || !u.reachable()
        || (store != null && !store.reachable())
        || tlsProblem) {
      status = Health.Status.DEGRADED;
    } else {
      status = Health.Status.OK;
    }
    return new Health(status, l, up, store, doors.isEmpty() ? null : doors, servers);
  }

  private static String iso(Instant i) {
    return i == null ? null : i.toString();
  }
}
