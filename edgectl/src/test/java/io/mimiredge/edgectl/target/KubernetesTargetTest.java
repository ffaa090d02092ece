package io.mimiredge.edgectl.target;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.mimiredge.edgectl.cli.Environment;
import io.mimiredge.edgectl.support.Cli;
import io.mimiredge.edgectl.support.Rls;
import io.mimiredge.edgectl.target.kubernetes.KubernetesTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kubernetes target against fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class KubernetesTargetTest {
  static final String NS = "edge";

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path dir;
  Rls rls;
  Path config;
  final AtomicLong now = new AtomicLong(Instant.parse("2025-01-01T00:00:00Z").toEpochMilli());

  @BeforeEach
  void setUp() throws IOException {
    rls = new Rls();
    deployment("edge-nginx", 2, true);
    deployment("rls", 3, true);
    deployment("envoy", 2, true);
    config = dir.resolve("edgectl.yaml");
    Files.writeString(
        config,
        "upstreams:\n"
            + "  distributor: [\"mimir-distributor.mimir.svc:8080\"]\n"
            + "  rlsPassThrough: [\"rls.edge.svc:8080\"]\n"
            + "  rlsShadow: [\""
            + rls.hostPort()
            + "\"]\n"
            + "rls:\n  url: "
            + rls.url()
            + "\n"
            + "target:\n  kubernetes:\n    namespace: edge\n    configMap: edge-nginx\n"
            + "    deployment: edge-nginx\n    enforcementDeployments: [rls, envoy]\n    readyTimeout: 30s\n");
  }

  @AfterEach
  void tearDown() {
    rls.close();
  }

  Environment env() {
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return Instant.ofEpochMilli(now.get());
          }
        };
    return new Environment(
        Map.of("EDGECTL_USER", "k8s-operator"),
        clock,
        d -> now.addAndGet(d.toMillis()),
        Environment::defaultHttp,
        () -> client);
  }

  Cli.Run edgectl(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "-c";
    all[1] = config.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return Cli.run(env(), all);
  }

  void deployment(String name, int replicas, boolean ready) {
    Deployment d =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(NS)
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", name)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName(name)
            .withImage("nginx:1.22")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .withNewStatus()
            .withReplicas(replicas)
            .withUpdatedReplicas(ready ? replicas : 0)
            .withAvailableReplicas(ready ? replicas : 0)
            .endStatus()
            .build();
    client.apps().deployments().inNamespace(NS).resource(d).createOr(x -> x.update());
  }

  ConfigMap configMap() {
    return client.configMaps().inNamespace(NS).withName("edge-nginx").get();
  }

  List<Event> events() {
    return client.v1().events().inNamespace(NS).list().getItems();
  }

  @Test
  void promoteWritesTheConfigMapBumpsNginxRecordsStateAndEmitsAnEvent() {
    Cli.Run r = edgectl("promote");
    assertThat(r.code()).as(r.toString()).isZero();
    ConfigMap cm = configMap();
    assertThat(cm.getData().get("nginx.conf")).contains("edgectl phase \"mirror\"");
    assertThat(cm.getData().get(KubernetesTarget.DIRECT_KEY)).contains("edgectl phase \"direct\"");
    assertThat(cm.getMetadata().getAnnotations())
        .containsEntry("edgectl.mimiredge.io/phase", "mirror")
        .containsEntry("edgectl.mimiredge.io/by", "k8s-operator");
    Deployment nginx = client.apps().deployments().inNamespace(NS).withName("edge-nginx").get();
    assertThat(nginx.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("edgectl.mimiredge.io/phase", "mirror")
        .containsKey("edgectl.mimiredge.io/restartedAt");
    assertThat(events())
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("EdgectlPromote");
              assertThat(e.getMessage()).contains("direct -> mirror");
              assertThat(e.getInvolvedObject().getName()).isEqualTo("edge-nginx");
            });

    assertThat(edgectl("promote", "--canary", "25").code()).isZero();
    cm = configMap();
    assertThat(cm.getData().get("nginx.conf")).contains("25%    enforce;");
    assertThat(cm.getData().get(KubernetesTarget.PREVIOUS_KEY))
        .contains("edgectl phase \"mirror\"");
    assertThat(edgectl("status", "--json").out()).contains("\"phase\" : \"canary-25\"");
    Cli.Run history = edgectl("history");
    assertThat(history.out()).contains("direct     -> mirror").contains("mirror     -> canary-25");
    assertThat(events()).filteredOn(e -> e.getReason().equals("EdgectlPromote")).hasSize(2);
  }

  @Test
  void emergencyRollbackRestoresDirectAndScalesDownEnforcement() {
    assertThat(edgectl("promote", "--to", "full").code()).isZero();
    rls.close(); // the RLS is gone
    Cli.Run r = edgectl("rollback", "--emergency", "--scale-down");
    assertThat(r.code()).as(r.toString()).isZero();
    ConfigMap cm = configMap();
    assertThat(cm.getData().get("nginx.conf"))
        .isEqualTo(cm.getData().get(KubernetesTarget.DIRECT_KEY));
    assertThat(cm.getMetadata().getAnnotations())
        .containsEntry("edgectl.mimiredge.io/phase", "direct");
    for (String name : List.of("rls", "envoy")) {
      assertThat(
              client
                  .apps()
                  .deployments()
                  .inNamespace(NS)
                  .withName(name)
                  .get()
                  .getSpec()
                  .getReplicas())
          .as(name)
          .isZero();
    }
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("edge-nginx")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(2);
    assertThat(events())
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("EdgectlEmergencyRollback");
              assertThat(e.getType()).isEqualTo("Warning");
            });
  }

  @Test
  void aDeploymentThatNeverGetsReadyTimesOut() {
    deployment("edge-nginx", 2, false);
    long before = now.get();
    Cli.Run r = edgectl("promote");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("not ready after 30s");
    assertThat(now.get() - before).isGreaterThanOrEqualTo(Duration.ofSeconds(30).toMillis());
  }

  @Test
  void anUnreachableApiServerIsExit4() throws IOException {
    KubernetesClient unreachable =
        new KubernetesClientBuilder()
            .withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder()
                    .withMasterUrl("https://127.0.0.1:1")
                    .withRequestTimeout(1000)
                    .withConnectionTimeout(1000)
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
    try (unreachable) {
      Environment e = env();
      Environment env =
          new Environment(e.env(), e.clock(), e.sleeper(), e.httpClient(), () -> unreachable);
      Cli.Run r = Cli.run(env, "-c", config.toString(), "status");
      assertThat(r.code()).as(r.toString()).isEqualTo(4);
    }
  }
}
