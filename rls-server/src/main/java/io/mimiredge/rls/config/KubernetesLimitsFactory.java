package io.mimiredge.rls.config;

import com.codahale.metrics.health.HealthCheck;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.limits.source.ConfigMapLimitsSource;
import io.mimiredge.rls.limits.source.ReloadListener;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;

/**
 * The {@code kubernetes} limits source's settings: Mimir's runtime overrides from a ConfigMap. The
 * defaults name the ConfigMap Mimir's Helm chart (mimir-distributed, {@code
 * templates/runtime-configmap.yaml}) renders for a release named {@code mimir} in namespace {@code
 * mimir}: {@code <fullname>-runtime} with the key {@code runtime.yaml}, where {@code <fullname>} is
 * the release name when it contains {@code mimir}, else {@code <release>-mimir}.
 *
 * <pre>
 * kubernetes:
 *   namespace: mimir            # the Mimir release's namespace
 *   configMap: mimir-runtime
 *   key: runtime.yaml
 *   pollInterval: 30s           # while the watch is down
 *   resyncPeriod: 5m
 *   startTimeout: 10s           # wait at start for the first list and watch
 * </pre>
 */
public class KubernetesLimitsFactory {
  @NotEmpty private String namespace = ConfigMapLimitsSource.DEFAULT_NAMESPACE;
  @NotEmpty private String configMap = ConfigMapLimitsSource.DEFAULT_CONFIG_MAP;
  @NotEmpty private String key = ConfigMapLimitsSource.DEFAULT_KEY;
  @NotNull private Duration pollInterval = Duration.seconds(30);
  @NotNull private Duration resyncPeriod = Duration.minutes(5);
  @NotNull private Duration startTimeout = Duration.seconds(10);

  /** The source; manage it ({@code environment.lifecycle().manage(source)}). */
  public ConfigMapLimitsSource build(
      KubernetesClient client,
      LiveLimits limits,
      TenantLimits defaults,
      Clock clock,
      ReloadListener listener) {
    return ConfigMapLimitsSource.builder()
        .client(client)
        .namespace(namespace)
        .configMap(configMap)
        .key(key)
        .defaults(defaults)
        .limits(limits)
        .clock(clock)
        .pollInterval(pollInterval.toJavaDuration())
        .resyncPeriod(resyncPeriod.toJavaDuration())
        .startTimeout(startTimeout.toJavaDuration())
        .listener(listener)
        .build();
  }

  /** {@code rls_limits_source_mode{mode="watch|poll"}}: 1 for the mode active now. */
  public static void registerMetrics(PrometheusRegistry registry, ConfigMapLimitsSource source) {
    GaugeWithCallback.builder()
        .name("rls_limits_source_mode")
        .help("How the kubernetes limits source learns about changes: watch, or poll while down")
        .labelNames("mode")
        .callback(
            cb -> {
              ConfigMapLimitsSource.Mode m = source.status().mode();
              cb.call(m == ConfigMapLimitsSource.Mode.WATCH ? 1 : 0, "watch");
              cb.call(m == ConfigMapLimitsSource.Mode.POLL ? 1 : 0, "poll");
            })
        .register(registry);
  }

  /**
   * A health check that reads the ConfigMap from the API server for real (reachability and RBAC),
   * and reports the source's state: unhealthy when the API server does not answer, or when the
   * limits in force are stale (ConfigMap deleted, key missing, last version refused); healthy with
   * the mode otherwise (polling is degraded but working, and said so).
   */
  public static HealthCheck healthCheck(ConfigMapLimitsSource source) {
    return new HealthCheck() {
      @Override
      protected Result check() {
        ConfigMapLimitsSource.Status s = source.status();
        boolean exists;
        try {
          exists = source.readNow();
        } catch (RuntimeException e) {
          return Result.unhealthy(
              "cannot read configmap %s (mode %s): %s", s.configMap(), s.mode(), e.getMessage());
        }
        if (s.stale() || !exists) {
          return Result.unhealthy(
              "limits stale (mode %s): %s",
              s.mode(),
              s.message() == null ? "configmap " + s.configMap() + " not found" : s.message());
        }
        return Result.healthy(
            "configmap %s, mode %s%s",
            s.configMap(),
            s.mode(),
            s.mode() == ConfigMapLimitsSource.Mode.POLL ? " (watch down, polling)" : "");
      }
    };
  }

  @JsonProperty
  public String getNamespace() {
    return namespace;
  }

  @JsonProperty
  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  @JsonProperty
  public String getConfigMap() {
    return configMap;
  }

  @JsonProperty
  public void setConfigMap(String configMap) {
    this.configMap = configMap;
  }

  @JsonProperty
  public String getKey() {
    return key;
  }

  @JsonProperty
  public void setKey(String key) {
    this.key = key;
  }

  @JsonProperty
  public Duration getPollInterval() {
    return pollInterval;
  }

  @JsonProperty
  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  @JsonProperty
  public Duration getResyncPeriod() {
    return resyncPeriod;
  }

  @JsonProperty
  public void setResyncPeriod(Duration resyncPeriod) {
    this.resyncPeriod = resyncPeriod;
  }

  @JsonProperty
  public Duration getStartTimeout() {
    return startTimeout;
  }

  @JsonProperty
  public void setStartTimeout(Duration startTimeout) {
    this.startTimeout = startTimeout;
  }
}
