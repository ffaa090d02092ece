package io.mimiredge.rls.health;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.mimiredge.rls.limits.LimitsSource;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.upstream.UpstreamProbe;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The service's health as {@code /api/health} reports it: limits loaded and current, the upstream
 * reachable (a real TCP connect, reused for a few seconds), and any registered servers serving (the
 * gRPC server registers itself with {@link #registerServing}). Thread-safe.
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
  private volatile Supplier<StateStore> stateStore = () -> new StateStore("local", true, null);

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
    if (Set.of("status", "limits", "upstream", "stateStore").contains(name)) {
      throw new IllegalArgumentException("name " + name + " is taken");
    }
    serving.put(name, isServing);
  }

  /**
   * Where the token buckets live, for the report: a store that has fallen back (Redis down, local
   * share in force) makes the RLS degraded, never down — requests are still decided.
   */
  public void stateStore(Supplier<StateStore> store) {
    this.stateStore = Objects.requireNonNull(store, "store");
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
            s.lastError());
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
    StateStore store = stateStore.get();
    Status status;
    if (!s.loaded() || !allServing) {
      status = Status.DOWN;
    } else if (s.degraded() || !u.reachable() || !store.ok()) {
      status = Status.DEGRADED;
    } else {
      status = Status.OK;
    }
    return new Report(status, l, up, store, servers);
  }

  private static String iso(Instant i) {
    return i == null ? null : i.toString();
  }

  /** The {@code /api/health} document. */
  @JsonPropertyOrder({"status", "limits", "upstream", "stateStore"})
  public record Report(
      @JsonProperty("status") Status status,
      @JsonProperty("limits") Limits limits,
      @JsonProperty("upstream") Upstream upstream,
      @JsonProperty("stateStore") StateStore stateStore,
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

  /** Limits part of the report. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Limits(
      boolean loaded, String source, String lastSuccess, String lastAttempt, String lastError) {}

  /** Upstream part of the report. */
  public record Upstream(String url, boolean reachable, String checkedAt, String error) {}

  /**
   * Where the buckets live.
   *
   * @param store {@code local}, {@code redis}, or {@code local-fallback} while Redis is down
   * @param ok false while a shared store has fallen back to the local share
   * @param error the last error of the shared store, if any
   */
  public record StateStore(String store, boolean ok, String error) {}

  /** A registered server. */
  public record Serving(boolean serving) {}
}
