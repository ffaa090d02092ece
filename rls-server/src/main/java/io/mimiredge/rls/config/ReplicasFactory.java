package io.mimiredge.rls.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mimiredge.rls.enforce.replicas.EndpointReplicas;
import io.mimiredge.rls.enforce.replicas.ReplicaCount;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.function.Supplier;

/**
 * The {@code replicaDiscovery:} section: how many RLS replicas share each tenant's rate (Mimir's
 * global strategy: each enforces {@code rate ÷ replicas}, burst undivided).
 *
 * <pre>
 * replicaDiscovery:
 *   service: rls           # optional: follow this Service's ready endpoints (EndpointSlices)
 *   namespace: edge        # the Service's namespace (default: the client's namespace)
 *   resyncPeriod: 5m
 * </pre>
 *
 * <p>{@code count}, the fallback while the Service is unknown, is the top-level {@code replicas}:
 * the configuration sets it, and a {@code count:} written in this section is overwritten.
 */
public class ReplicasFactory {
  @Min(1)
  private int count = 1;

  private String service;
  private String namespace;
  @NotNull private Duration resyncPeriod = Duration.minutes(5);

  @JsonProperty
  public int getCount() {
    return count;
  }

  @JsonProperty
  public void setCount(int count) {
    this.count = count;
  }

  @JsonProperty
  public String getService() {
    return service;
  }

  @JsonProperty
  public void setService(String service) {
    this.service = service;
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
  public Duration getResyncPeriod() {
    return resyncPeriod;
  }

  @JsonProperty
  public void setResyncPeriod(Duration resyncPeriod) {
    this.resyncPeriod = resyncPeriod;
  }

  /**
   * The count: followed from the Service's endpoints when {@code service} is set (the client is
   * only asked for then), else fixed. Manage the result: it starts an informer.
   */
  public ReplicaCount build(Supplier<KubernetesClient> client) {
    if (service == null || service.isBlank()) {
      return ReplicaCount.fixed(count);
    }
    KubernetesClient c = client.get();
    String ns = namespace != null && !namespace.isBlank() ? namespace : c.getNamespace();
    return new EndpointReplicas(
        c, ns == null ? "default" : ns, service, count, resyncPeriod.toJavaDuration());
  }

  /** {@code rls_replicas}: the replica count the local share divides by now. */
  public static void registerMetrics(PrometheusRegistry registry, ReplicaCount replicas) {
    GaugeWithCallback.builder()
        .name("rls_replicas")
        .help("RLS replicas sharing each tenant's rate (ready endpoints, or the configured count)")
        .callback(cb -> cb.call(replicas.getAsInt()))
        .register(registry);
  }
}
