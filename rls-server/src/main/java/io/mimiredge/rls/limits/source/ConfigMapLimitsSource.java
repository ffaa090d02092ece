package io.mimiredge.rls.limits.source;

import static io.mimiredge.rls.internal.Checks.atLeastOneMilli;
import static io.mimiredge.rls.internal.Checks.nonBlank;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.mimiredge.rls.limits.LimitsParseException;
import io.mimiredge.rls.limits.LimitsSource;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code kubernetes} limits source: Mimir's runtime overrides from one key of one ConfigMap,
 * applied to {@link LiveLimits}, inside each RLS replica (no extra hop, no fan-out).
 *
 * <p><b>Watch, then poll.</b> An informer watches that one ConfigMap (field selector on its name)
 * with a periodic resync. While its watch is down — it broke, or it could not start (API server
 * unreachable, RBAC missing) — the source polls the ConfigMap every {@code pollInterval} (default
 * 30 s) until the informer, which keeps retrying with backoff, watches again. {@link #status()} and
 * the {@code rls_limits_source_mode} gauge say which mode is active.
 *
 * <p><b>Applying</b> goes through {@link LimitsLoader}, as for every limits source: every version
 * of the key is parsed whole and applied atomically to all tenants, the change logged as a diff. A
 * version that does not parse, or a ConfigMap without the key, is refused: the last good limits
 * stay, and the loader records the parser's problems prefixed with the namespace, name and key
 * (each problem names the tenant, the limit and the line) and logs them. A deleted ConfigMap also
 * keeps the last good limits; they are then stale: the status says "configmap deleted" and the last
 * success time stops moving until the ConfigMap is back. A resync or poll of unchanged content
 * counts as a success (it confirms the limits are current) and logs nothing.
 *
 * <p><b>Defaults</b> share the overrides of Mimir's own Helm chart (mimir-distributed), which
 * renders its runtime config from {@code .Values.runtimeConfig} ({@code
 * templates/runtime-configmap.yaml}) into the ConfigMap {@code <fullname>-runtime} under the key
 * {@code runtime.yaml}, in the release's namespace; {@code <fullname>} is the release name when it
 * contains {@code mimir}, else {@code <release>-mimir}. For a release named {@code mimir} in
 * namespace {@code mimir}: namespace {@code mimir}, ConfigMap {@code mimir-runtime}, key {@code
 * runtime.yaml}. RBAC: see {@code rls-server/KUBERNETES.md} (get, list and watch on that one
 * ConfigMap).
 *
 * <p>Thread-safe; events, resyncs and polls are applied one at a time.
 */
public final class ConfigMapLimitsSource implements LimitsSource {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigMapLimitsSource.class);

  /** Mimir's Helm chart: the namespace and runtime ConfigMap of a release named {@code mimir}. */
  public static final String DEFAULT_NAMESPACE = "mimir";

  public static final String DEFAULT_CONFIG_MAP = "mimir-runtime";

  /** Mimir's Helm chart: the key of the runtime config in its ConfigMap. */
  public static final String DEFAULT_KEY = "runtime.yaml";

  /** How the source learns about changes now. */
  public enum Mode {
    /** Not started, or stopped. */
    STOPPED,
    /** The informer's watch is up: changes arrive as events. */
    WATCH,
    /** The watch is down: the source reads the ConfigMap every poll interval. */
    POLL
  }

  /**
   * What the source is doing, for health and the admin API.
   *
   * @param mode how changes arrive now
   * @param configMap {@code namespace/name}, key after a colon
   * @param present whether the ConfigMap existed when last seen (false also before the first read)
   * @param stale true when the limits in force no longer match the ConfigMap: it was deleted, lost
   *     its key or its last version was refused
   * @param message why it is stale ({@code configmap deleted}, the parser's problems), or null
   * @param lastChange when the ConfigMap was last seen to change (or to be deleted); null before
   */
  public record Status(
      Mode mode,
      String configMap,
      boolean present,
      boolean stale,
      String message,
      Instant lastChange) {}

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String key;
  private final LiveLimits limits;
  private final LimitsLoader loader;
  private final Duration pollInterval;
  private final Duration resyncPeriod;
  private final Duration checkInterval;
  private final Duration startTimeout;
  private final Clock clock;

  private final Object lock = new Object();
  private SharedIndexInformer<ConfigMap> informer;
  private ScheduledExecutorService supervisor;
  private volatile Mode mode = Mode.STOPPED;
  private volatile boolean present;
  private boolean everSeen;
  private volatile String staleReason;
  private volatile Instant lastChange;
  private Instant lastPoll;
  private String lastAppliedText;
  private Overrides lastApplied;

  private ConfigMapLimitsSource(Builder b) {
    this.client = b.client;
    this.namespace = b.namespace;
    this.name = b.name;
    this.key = b.key;
    this.limits = b.limits;
    this.pollInterval = b.pollInterval;
    this.resyncPeriod = b.resyncPeriod;
    this.checkInterval = b.checkInterval;
    this.startTimeout = b.startTimeout;
    this.clock = b.clock;
    this.loader = new LimitsLoader(location(), b.defaults, b.limits, b.clock, b.listener);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Status status() {
    String why = staleReason;
    return new Status(
        mode, namespace + "/" + name + ":" + key, present, why != null, why, lastChange);
  }

  @Override
  public String location() {
    return "configmap " + namespace + "/" + name + " key " + key;
  }

  /**
   * How the Kubernetes client reaches the API server: fabric8 verifies the server's certificate
   * against the cluster CA (the ServiceAccount's {@code ca.crt} in a pod) unless {@code trustCerts}
   * is set (e.g. {@code KUBERNETES_TRUST_CERTIFICATES=true}), which health then says.
   */
  @Override
  public String transport() {
    return transportOf(client.getConfiguration());
  }

  /** {@code plaintext}, {@code tls} or {@code tls-unverified} for a client configuration. */
  public static String transportOf(io.fabric8.kubernetes.client.Config c) {
    String url = c.getMasterUrl();
    if (url != null && url.regionMatches(true, 0, "http://", 0, 7)) {
      return "plaintext";
    }
    return c.isTrustCerts() || c.isDisableHostnameVerification() ? "tls-unverified" : "tls";
  }

  /**
   * Reads the ConfigMap now (the API server and the RBAC for real) and reports what keeps the
   * limits in force from following it: unreachable, deleted, or its last version refused.
   */
  @Override
  public Optional<String> check() {
    boolean exists;
    try {
      exists = readNow();
    } catch (RuntimeException e) {
      return Optional.of("cannot read " + location() + ": " + e.getMessage());
    }
    if (!exists) {
      return Optional.of(location() + " not found; the last good limits stay in force");
    }
    String why = staleReason;
    return why != null
        ? Optional.of(location() + ": " + why)
        : Optional.ofNullable(limits.status().lastError());
  }

  /**
   * Reads the ConfigMap from the API server once, right now, without applying it: what a health
   * check calls to exercise the API server and the RBAC for real.
   *
   * @return whether the ConfigMap exists
   */
  public boolean readNow() {
    return client.configMaps().inNamespace(namespace).withName(name).get() != null;
  }

  /**
   * Starts the informer and waits up to the start timeout for its first list and watch; if the
   * watch is not up by then, polls at once and keeps polling until it is.
   */
  @Override
  public void start() throws Exception {
    synchronized (lock) {
      if (supervisor != null) {
        return;
      }
      supervisor =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "rls-limits-configmap");
                t.setDaemon(true);
                return t;
              });
      informer = newInformer();
    }
    try {
      informer.start().toCompletableFuture().get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      LOG.warn(
          "watch on configmap {}/{} not up after {}; polling every {} until it is",
          namespace,
          name,
          startTimeout,
          pollInterval);
    }
    supervise();
    long ms = checkInterval.toMillis();
    supervisor.scheduleWithFixedDelay(this::superviseQuietly, ms, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    synchronized (lock) {
      if (supervisor != null) {
        supervisor.shutdownNow();
        supervisor = null;
      }
      if (informer != null) {
        informer.stop();
        informer = null;
      }
      mode = Mode.STOPPED;
    }
  }

  private SharedIndexInformer<ConfigMap> newInformer() {
    SharedIndexInformer<ConfigMap> i =
        client
            .configMaps()
            .inNamespace(namespace)
            .withName(name) // a field selector on metadata.name: this one ConfigMap only
            .runnableInformer(resyncPeriod.toMillis());
    // Keep retrying whatever the failure (the default gives up on some before the first sync):
    // polling covers the gap.
    i.exceptionHandler((started, t) -> true);
    i.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ConfigMap cm) {
            apply(cm);
          }

          @Override
          public void onUpdate(ConfigMap before, ConfigMap after) {
            apply(after);
          }

          @Override
          public void onDelete(ConfigMap cm, boolean finalStateUnknown) {
            deleted();
          }
        });
    return i;
  }

  private void superviseQuietly() {
    try {
      supervise();
    } catch (RuntimeException e) {
      LOG.warn("configmap {}/{}: poll failed: {}", namespace, name, e.toString());
    }
  }

  /** Every check interval: which mode, and a poll when it is due. */
  private void supervise() {
    boolean watching;
    synchronized (lock) {
      if (supervisor == null) {
        return;
      }
      watching = informer != null && informer.isWatching();
      Mode now = watching ? Mode.WATCH : Mode.POLL;
      if (now != mode) {
        if (now == Mode.POLL && mode == Mode.WATCH) {
          LOG.warn(
              "watch on configmap {}/{} is down; polling every {} until it is back",
              namespace,
              name,
              pollInterval);
        } else if (now == Mode.WATCH && mode == Mode.POLL) {
          LOG.info("watch on configmap {}/{} is back", namespace, name);
        }
        mode = now;
        if (now == Mode.POLL) {
          lastPoll = null; // poll at once on entering poll mode
        }
      }
    }
    if (!watching) {
      Instant now = clock.instant();
      boolean due;
      synchronized (lock) {
        due = lastPoll == null || !now.isBefore(lastPoll.plus(pollInterval));
        if (due) {
          lastPoll = now;
        }
      }
      if (due) {
        poll();
      }
    }
  }

  private void poll() {
    ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
    if (cm == null) {
      deleted();
    } else {
      apply(cm);
    }
  }

  private void apply(ConfigMap cm) {
    synchronized (lock) {
      boolean wasPresent = present;
      present = true;
      everSeen = true;
      Map<String, String> data = cm.getData();
      String text = data == null ? null : data.get(key);
      if (text == null) {
        refuse(List.of("the configmap has no key " + key));
        return;
      }
      if (text.equals(lastAppliedText) && wasPresent) {
        staleReason = null;
        loader.confirm(lastApplied);
        return;
      }
      lastChange = clock.instant();
      Overrides parsed;
      try {
        parsed = loader.parse(text.getBytes(StandardCharsets.UTF_8));
      } catch (LimitsParseException e) {
        refuse(e.problems());
        return;
      }
      // not stale from the moment the new limits are in force: a reader never sees them stale
      staleReason = null;
      lastApplied = parsed;
      lastAppliedText = text;
      loader.apply(parsed);
    }
  }

  private void refuse(List<String> problems) {
    staleReason = String.join("; ", problems);
    loader.failed(problems);
  }

  private void deleted() {
    synchronized (lock) {
      if (!present && staleReason != null) {
        return; // already known
      }
      present = false;
      lastAppliedText = null;
      lastChange = clock.instant();
      refuse(
          List.of(
              (everSeen ? "configmap deleted" : "configmap not found")
                  + (limits.loaded() ? "; last good limits kept" : "; defaults apply")));
    }
  }

  /** Builds a {@link ConfigMapLimitsSource}; checks each setting at once. Not thread-safe. */
  public static final class Builder {
    private KubernetesClient client;
    private String namespace = DEFAULT_NAMESPACE;
    private String name = DEFAULT_CONFIG_MAP;
    private String key = DEFAULT_KEY;
    private TenantLimits defaults = TenantLimits.MIMIR_DEFAULTS;
    private LiveLimits limits;
    private Duration pollInterval = Duration.ofSeconds(30);
    private Duration resyncPeriod = Duration.ofMinutes(5);
    private Duration checkInterval = Duration.ofSeconds(1);
    private Duration startTimeout = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();
    private ReloadListener listener = ReloadListener.NONE;

    private Builder() {}

    public Builder client(KubernetesClient c) {
      this.client = Objects.requireNonNull(c, "client");
      return this;
    }

    public Builder namespace(String v) {
      this.namespace = nonBlank(v, "namespace");
      return this;
    }

    public Builder configMap(String v) {
      this.name = nonBlank(v, "configMap");
      return this;
    }

    public Builder key(String v) {
      this.key = nonBlank(v, "key");
      return this;
    }

    /** The limits of tenants the overrides do not name. */
    public Builder defaults(TenantLimits v) {
      this.defaults = Objects.requireNonNull(v, "defaults");
      return this;
    }

    /** Where loads go. */
    public Builder limits(LiveLimits v) {
      this.limits = Objects.requireNonNull(v, "limits");
      return this;
    }

    /** How often to read the ConfigMap while the watch is down (default 30 s). */
    public Builder pollInterval(Duration d) {
      this.pollInterval = atLeastOneMilli(d, "pollInterval");
      return this;
    }

    /** The informer's resync period (default 5 min): every resync re-confirms the limits. */
    public Builder resyncPeriod(Duration d) {
      this.resyncPeriod = atLeastOneMilli(d, "resyncPeriod");
      return this;
    }

    /** How often to check whether the watch is up (default 1 s). */
    public Builder checkInterval(Duration d) {
      this.checkInterval = atLeastOneMilli(d, "checkInterval");
      return this;
    }

    /** How long {@link #start} waits for the first list and watch (default 10 s). */
    public Builder startTimeout(Duration d) {
      this.startTimeout = atLeastOneMilli(d, "startTimeout");
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /** Told about every load, for metrics ({@code rls_limits_reload_total{result}}). */
    public Builder listener(ReloadListener l) {
      this.listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    public ConfigMapLimitsSource build() {
      if (client == null) {
        throw new IllegalStateException("client is required");
      }
      if (limits == null) {
        throw new IllegalStateException("limits is required");
      }
      return new ConfigMapLimitsSource(this);
    }
  }
}
