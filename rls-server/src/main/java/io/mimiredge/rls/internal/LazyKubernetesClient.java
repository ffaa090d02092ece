package io.mimiredge.rls.internal;

import io.dropwizard.lifecycle.Managed;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.function.Supplier;

/**
 * One Kubernetes client for the whole service, made only when a part asks for it (the ConfigMap
 * limits source, replica discovery), so an RLS outside Kubernetes never looks for a cluster. Closed
 * on stop. Thread-safe.
 */
public final class LazyKubernetesClient implements Supplier<KubernetesClient>, Managed {
  private KubernetesClient client;

  @Override
  public synchronized KubernetesClient get() {
    if (client == null) {
      client = new KubernetesClientBuilder().build();
    }
    return client;
  }

  @Override
  public synchronized void stop() {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
