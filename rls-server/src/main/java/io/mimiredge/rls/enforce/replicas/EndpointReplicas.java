package io.mimiredge.rls.enforce.replicas;

import static io.mimiredge.rls.internal.Checks.nonBlank;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The number of RLS replicas, for {@code Enforcer.replicas(...)}: the ready endpoints of the RLS
 * Service, from its EndpointSlices (label {@code kubernetes.io/service-name}), followed by an
 * informer as the Deployment scales. Falls back to the configured count while the slices are
 * unknown (informer not synced, API server unreachable) or list no ready endpoint.
 *
 * <p>An endpoint counts when its {@code ready} condition is true or unset (Kubernetes: unset means
 * ready). An endpoint listed in several slices (dual-stack: one slice per address family) counts
 * once, by its target Pod, else by its first address.
 *
 * <p>RBAC: list and watch on {@code endpointslices} ({@code discovery.k8s.io}) in the namespace.
 * Thread-safe; {@link #getAsInt} reads one volatile field.
 */
public final class EndpointReplicas implements ReplicaCount {
  private static final Logger LOG = LoggerFactory.getLogger(EndpointReplicas.class);
  private static final String SERVICE_LABEL = "kubernetes.io/service-name";

  private final KubernetesClient client;
  private final String namespace;
  private final String service;
  private final int fallback;
  private final Duration resyncPeriod;
  private SharedIndexInformer<EndpointSlice> informer;
  private volatile int ready; // 0: unknown

  /**
   * @param fallback the replica count to use while the endpoints are unknown, at least 1
   */
  public EndpointReplicas(
      KubernetesClient client,
      String namespace,
      String service,
      int fallback,
      Duration resyncPeriod) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = nonBlank(namespace, "namespace");
    this.service = nonBlank(service, "service");
    if (fallback < 1) {
      throw new IllegalArgumentException("fallback replicas must be >= 1, got " + fallback);
    }
    this.fallback = fallback;
    this.resyncPeriod = Objects.requireNonNull(resyncPeriod, "resyncPeriod");
  }

  /** Ready endpoints of the Service, or the fallback while unknown. */
  @Override
  public int getAsInt() {
    int n = ready;
    return n > 0 ? n : fallback;
  }

  /** Whether the count comes from the endpoints (rather than the fallback). */
  @Override
  public boolean known() {
    return ready > 0;
  }

  @Override
  public synchronized void start() {
    if (informer != null) {
      return;
    }
    informer =
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(namespace)
            .withLabel(SERVICE_LABEL, service)
            .runnableInformer(resyncPeriod.toMillis());
    informer.exceptionHandler((started, t) -> true); // keep retrying; the fallback covers the gap
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(EndpointSlice s) {
            recount();
          }

          @Override
          public void onUpdate(EndpointSlice before, EndpointSlice after) {
            recount();
          }

          @Override
          public void onDelete(EndpointSlice s, boolean finalStateUnknown) {
            recount();
          }
        });
    informer.start(); // asynchronous: the fallback applies until the first list arrives
  }

  @Override
  public synchronized void stop() {
    if (informer != null) {
      informer.stop();
      informer = null;
    }
    ready = 0;
  }

  private synchronized void recount() {
    if (informer == null) {
      return;
    }
    int n = count(informer.getStore().list());
    if (n != ready) {
      LOG.info(
          "service {}/{} has {} ready endpoints{}",
          namespace,
          service,
          n,
          n == 0 ? "; using the configured " + fallback + " replicas" : "");
      ready = n;
    }
  }

  /** Distinct ready endpoints over the slices. */
  static int count(List<EndpointSlice> slices) {
    Set<String> seen = new HashSet<>();
    for (EndpointSlice s : slices) {
      if (s.getEndpoints() == null) {
        continue;
      }
      for (Endpoint e : s.getEndpoints()) {
        Boolean isReady = e.getConditions() == null ? null : e.getConditions().getReady();
        if (Boolean.FALSE.equals(isReady)) {
          continue;
        }
        String id =
            e.getTargetRef() != null && e.getTargetRef().getName() != null
                ? "pod:" + e.getTargetRef().getNamespace() + "/" + e.getTargetRef().getName()
                : e.getAddresses() == null || e.getAddresses().isEmpty()
                    ? null
                    : "addr:" + e.getAddresses().get(0);
        if (id != null) {
          seen.add(id);
        }
      }
    }
    return seen.size();
  }
}
