package io.mimiredge.rls.health;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
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
  /** Overall status: {@code ok} only when everything is; {@code degraded} still enforces. */
  public enum Status {
    OK("ok"),
    /** Enforcing, but on old limits (the last reload failed) or with the upstream unreachable. */
    DEGRADED("degraded"),
    /** No limits yet, or a registered server not serving. */
    DOWN("down");

    private final String label;

    Status(String label) {
      this.label = label;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
      return label;
    }
  }

  private final LiveLimits limits;
  private final LimitsSource source;
  private final UpstreamProbe upstream;
  private final Map<String, BooleanSupplier> serving = new ConcurrentHashMap<>();
  private volatile StoreCheck stateStore;
  private final Map<String, ServerTls> tls = new ConcurrentHashMap<>();

  private record StoreCheck(
      String type, boolean shared, BooleanSupplier reachable, String transport) {}

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
   * ..., "reachable": ...}}. An unreachable store degrades the status.
   *
   * @param type e.g. {@code local}
   * @param shared whether every replica sees the same buckets
   * @param reachable checks the store; called on every report, so it must be cheap or cached
   * @param transport how the connection to the store is protected ({@code plaintext}, {@code tls},
   *     {@code tls-unverified}), reported as {@code transport}; null for a store in this JVM
   */
  public void registerStateStore(
      String type, boolean shared, BooleanSupplier reachable, String transport) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reachable, "reachable");
    stateStore = new StoreCheck(type, shared, reachable, transport);
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
  public Report report() {
    LiveLimits.Status s = limits.status();
    Limits l =
        new Limits(
            s.loaded(),
            source.location(),
            iso(s.lastSuccess()),
            iso(s.lastAttempt()),
            s.lastError(),
            source.transport());
    UpstreamProbe.Result u = upstream.cached();
    Upstream up =
        new Upstream(upstream.uri().toString(), u.reachable(), iso(u.checkedAt()), u.error());
    Map<String, Serving> servers = new LinkedHashMap<>();
    boolean allServing = true;
    for (Map.Entry<String, BooleanSupplier> e : new java.util.TreeMap<>(serving).entrySet()) {
      boolean on = e.getValue().getAsBoolean();
      allServing &= on;
      servers.put(e.getKey(), new Serving(on));
    }
    StoreCheck sc = stateStore;
    StateStore store =
        sc == null
            ? null
            : new StateStore(sc.type(), sc.shared(), sc.reachable().getAsBoolean(), sc.transport());
    Map<String, Tls> doors = new java.util.TreeMap<>();
    boolean tlsProblem = false;
    for (ServerTls t : tls.values()) {
      java.security.cert.X509Certificate c = t.served();
      String problem = t.problem().orElse(null);
      tlsProblem |= problem != null;
      doors.put(
          t.door(),
          new Tls(
              c.getSubjectX500Principal().getName(),
              c.getNotAfter().toInstant().toString(),
              t.clientAuth(),
              problem));
    }
    Status status;
    if (!s.loaded() || !allServing) {
      status = Status.DOWN;
    } else if (s.degraded()
        || !u.reachable()
        || (store != null && !store.reachable())
        || tlsProblem) {
      status = Status.DEGRADED;
    } else {
      status = Status.OK;
    }
    return new Report(status, l, up, store, doors.isEmpty() ? null : doors, servers);
  }

  private static String iso(Instant i) {
    return i == null ? null : i.toString();
  }

  /** The {@code /api/health} document. */
  @JsonPropertyOrder({"status", "limits", "upstream", "stateStore", "tls"})
  public record Report(
      @JsonProperty("status") Status status,
      @JsonProperty("limits") Limits limits,
      @JsonProperty("upstream") Upstream upstream,
      @JsonProperty("stateStore") @JsonInclude(JsonInclude.Include.NON_NULL) StateStore stateStore,
      @JsonProperty("tls") @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Tls> tls,
      @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Serving> servers) {
    /** HTTP 200 only when everything is fine. */
    public boolean healthy() {
      return status == Status.OK;
    }

    @JsonAnyGetter
    public Map<String, Serving> serversByName() {
      return servers;
    }
  }

  /**
   * Limits part of the report; {@code transport} (absent for a file) is how a remote source is
   * reached: {@code plaintext}, {@code tls} or {@code tls-unverified}.
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Limits(
      boolean loaded,
      String source,
      String lastSuccess,
      String lastAttempt,
      String lastError,
      @JsonInclude(JsonInclude.Include.NON_NULL) String transport) {}

  /** Upstream part of the report. */
  public record Upstream(String url, boolean reachable, String checkedAt, String error) {}

  /** The state store part of the report; absent when none is registered. */
  public record StateStore(
      String type,
      boolean shared,
      boolean reachable,
      @JsonInclude(JsonInclude.Include.NON_NULL) String transport) {}

  /**
   * A door's TLS: the served certificate's subject and expiry, whether client certificates are
   * required, and what is wrong with the files on disk (null when nothing).
   */
  public record Tls(String certificate, String expires, boolean clientAuth, String problem) {}

  /** A registered server. */
  public record Serving(boolean serving) {}
}
