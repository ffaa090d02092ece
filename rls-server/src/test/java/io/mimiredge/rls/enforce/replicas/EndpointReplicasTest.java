package io.mimiredge.rls.enforce.replicas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.mimiredge.testsupport.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class EndpointReplicasTest {
  private static final String NS = "edge";

  KubernetesMockServer server;
  KubernetesClient client;
  private EndpointReplicas replicas;

  @AfterEach
  void stop() {
    if (replicas != null) {
      replicas.stop();
    }
  }

  private static Endpoint endpoint(String pod, String ip, Boolean ready) {
    return new EndpointBuilder()
        .withAddresses(ip)
        .withNewConditions()
        .withReady(ready)
        .endConditions()
        .withNewTargetRef()
        .withKind("Pod")
        .withNamespace(NS)
        .withName(pod)
        .endTargetRef()
        .build();
  }

  private static EndpointSlice slice(String name, String service, String family, Endpoint... es) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withNamespace(NS)
        .withName(name)
        .addToLabels("kubernetes.io/service-name", service)
        .endMetadata()
        .withAddressType(family)
        .withEndpoints(es)
        .build();
  }

  private static List<Endpoint> pods(int from, int to, Boolean ready) {
    List<Endpoint> es = new ArrayList<>();
    for (int i = from; i < to; i++) {
      es.add(endpoint("rls-" + i, "10.0.0." + i, ready));
    }
    return es;
  }

  private void put(EndpointSlice s) {
    client.discovery().v1().endpointSlices().inNamespace(NS).resource(s).createOr(c -> c.update());
  }

  private static void await(String what, BooleanSupplier c) {
    Await.await(what, c, Duration.ofSeconds(2));
  }

  @Test
  void followsTheReadyEndpointsOfTheService() throws Exception {
    replicas = new EndpointReplicas(client, NS, "rls", 3, Duration.ofMinutes(5));
    replicas.start();
    assertThat(replicas.getAsInt()).isEqualTo(3); // nothing known yet: the configured count

    put(slice("rls-abc", "rls", "IPv4", pods(0, 5, true).toArray(Endpoint[]::new)));
    await("5 ready", () -> replicas.getAsInt() == 5);
    assertThat(replicas.known()).isTrue();

    List<Endpoint> scaled = pods(0, 8, true);
    scaled.addAll(pods(8, 10, false)); // starting, not ready yet
    put(slice("rls-abc", "rls", "IPv4", scaled.toArray(Endpoint[]::new)));
    await("scaled to 8 ready", () -> replicas.getAsInt() == 8);

    put(slice("other-x", "other", "IPv4", pods(20, 40, true).toArray(Endpoint[]::new)));
    put(slice("rls-def", "rls", "IPv4", endpoint("rls-50", "10.0.1.50", null)));
    await("second slice, unset ready counts", () -> replicas.getAsInt() == 9);

    client.discovery().v1().endpointSlices().inNamespace(NS).withName("rls-abc").delete();
    client.discovery().v1().endpointSlices().inNamespace(NS).withName("rls-def").delete();
    await("gone: back to the configured count", () -> replicas.getAsInt() == 3);
    assertThat(replicas.known()).isFalse();
  }

  @Test
  void countsAPodInTwoAddressFamiliesOnce() {
    EndpointSlice v4 = slice("a", "rls", "IPv4", pods(0, 4, true).toArray(Endpoint[]::new));
    EndpointSlice v6 =
        slice(
            "b",
            "rls",
            "IPv6",
            endpoint("rls-0", "fd00::0", true),
            endpoint("rls-1", "fd00::1", true));
    assertThat(EndpointReplicas.count(List.of(v4, v6))).isEqualTo(4);
  }

  @Test
  void refusesABadFallback() {
    assertThatThrownBy(() -> new EndpointReplicas(client, NS, "rls", 0, Duration.ofMinutes(1)))
        .hasMessageContaining("fallback replicas must be >= 1");
  }
}
