package io.mimiredge.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.mimiredge.helm.support.Charts;
import io.mimiredge.helm.support.Envoy;
import io.mimiredge.helm.support.Manifests;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The rollout plan's numbers, per environment, as the cluster would receive them. */
class EnvironmentsTest {
  static final long MIB = 1024 * 1024;
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  record Plan(
      String env,
      int rlsReplicas,
      Integer hpaMin,
      Integer hpaMax,
      long maxRequestBytes,
      boolean failureModeAllow,
      String rlsRequests,
      String rlsLimits,
      String envoyRequests,
      String envoyLimits,
      boolean requiredAntiAffinity,
      String nginxPhase) {}

  static Stream<Plan> plans() {
    return Stream.of(
        new Plan(
            "dev",
            1,
            null,
            null,
            10 * MIB,
            true,
            "512Mi/250m",
            "1Gi/1",
            "256Mi/100m",
            "512Mi/500m",
            false,
            "mirror"),
        new Plan(
            "staging",
            3,
            null,
            null,
            50 * MIB,
            false,
            "2Gi/500m",
            "4Gi/2",
            "1Gi/250m",
            "2Gi/1",
            false,
            "direct"),
        new Plan(
            "production",
            10,
            10,
            40,
            50 * MIB,
            false,
            "8Gi/1",
            "16Gi/4",
            "4Gi/500m",
            "8Gi/2",
            true,
            "direct"));
  }

  static Manifests render(Plan p) {
    return Manifests.load(Charts.renderEnvironment(p.env()));
  }

  @ParameterizedTest
  @MethodSource("plans")
  void rlsReplicasAndAutoscaling(Plan p) throws Exception {
    Manifests m = render(p);
    Deployment d = m.get(Deployment.class, "rls");
    var hpa = m.find(HorizontalPodAutoscaler.class, "rls");
    if (p.hpaMin() == null) {
      assertThat(d.getSpec().getReplicas()).isEqualTo(p.rlsReplicas());
      assertThat(hpa).isEmpty();
    } else {
      // The HPA owns the count: the Deployment leaves replicas unset so upgrades do not reset it.
      assertThat(d.getSpec().getReplicas()).isNull();
      HorizontalPodAutoscaler h = hpa.orElseThrow();
      assertThat(h.getSpec().getMinReplicas()).isEqualTo(p.hpaMin()).isEqualTo(p.rlsReplicas());
      assertThat(h.getSpec().getMaxReplicas()).isEqualTo(p.hpaMax());
      assertThat(h.getSpec().getScaleTargetRef().getName()).isEqualTo("rls");
      assertThat(h.getSpec().getMetrics())
          .extracting(
              x -> x.getResource().getName(),
              x -> x.getResource().getTarget().getAverageUtilization())
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("cpu", 60),
              org.assertj.core.groups.Tuple.tuple("memory", 60));
    }
    // The service divides each tenant's rate by the replicas it is told (until it counts them).
    assertThat(rlsConfig(m).path("replicas").asInt()).isEqualTo(p.rlsReplicas());
  }

  @ParameterizedTest
  @MethodSource("plans")
  void oneRequestSizeLimitForRlsEnvoyAndNginx(Plan p) throws Exception {
    Manifests m = render(p);
    assertThat(rlsConfig(m).path("enforcement").path("maxRequestBytes").asText())
        .isEqualTo(p.maxRequestBytes() + " bytes");
    Bootstrap b = Envoy.parse(m.configData("envoy", "envoy.yaml"));
    assertThat(Envoy.filter(b, ExtAuthz.class).getWithRequestBody().getMaxRequestBytes())
        .isEqualTo(p.maxRequestBytes());
    assertThat(m.configData("edge-nginx", "nginx.conf"))
        .contains("client_max_body_size " + p.maxRequestBytes() + ";");
  }

  @ParameterizedTest
  @MethodSource("plans")
  void envoyFailureModes(Plan p) {
    Bootstrap b = Envoy.parse(render(p).configData("envoy", "envoy.yaml"));
    assertThat(Envoy.filter(b, ExtAuthz.class).getFailureModeAllow())
        .isEqualTo(p.failureModeAllow());
    // No ratelimit filter: the Check takes the request token (one per request, as Mimir).
    assertThat(Envoy.connectionManager(b).getHttpFiltersList())
        .noneMatch(f -> f.getName().equals("envoy.filters.http.ratelimit"));
  }

  @ParameterizedTest
  @MethodSource("plans")
  void resourcesPerEnvironment(Plan p) {
    Manifests m = render(p);
    assertResources(container(m, "rls"), p.rlsRequests(), p.rlsLimits());
    assertResources(container(m, "envoy"), p.envoyRequests(), p.envoyLimits());
  }

  @ParameterizedTest
  @MethodSource("plans")
  void podsAreSpreadAndDisruptionsBounded(Plan p) {
    Manifests m = render(p);
    for (String name : List.of("rls", "envoy", "edge-nginx")) {
      PodSpec spec = m.get(Deployment.class, name).getSpec().getTemplate().getSpec();
      var anti = spec.getAffinity().getPodAntiAffinity();
      String component = name.equals("edge-nginx") ? "nginx" : name;
      if (p.requiredAntiAffinity()) {
        assertThat(anti.getRequiredDuringSchedulingIgnoredDuringExecution())
            .singleElement()
            .satisfies(
                t -> {
                  assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                  assertThat(t.getLabelSelector().getMatchLabels())
                      .containsEntry("app.kubernetes.io/name", component);
                });
      } else {
        assertThat(anti.getPreferredDuringSchedulingIgnoredDuringExecution())
            .singleElement()
            .satisfies(
                t ->
                    assertThat(t.getPodAffinityTerm().getTopologyKey())
                        .isEqualTo("kubernetes.io/hostname"));
      }
      PodDisruptionBudget pdb = m.get(PodDisruptionBudget.class, name);
      assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
      assertThat(pdb.getSpec().getSelector().getMatchLabels())
          .isEqualTo(m.get(Deployment.class, name).getSpec().getSelector().getMatchLabels());
    }
  }

  @ParameterizedTest
  @MethodSource("plans")
  void everyPodRunsNonRootOnAReadOnlyRootFilesystem(Plan p) {
    Manifests m = render(p);
    for (Deployment d : m.all(Deployment.class)) {
      PodSpec spec = d.getSpec().getTemplate().getSpec();
      assertThat(spec.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(spec.getSecurityContext().getRunAsUser()).isPositive();
      for (Container c : spec.getContainers()) {
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
        if (c.getPorts() == null || c.getPorts().isEmpty()) {
          // A sidecar that serves nothing (NGINX's TLS reloader) must not make the pod unready.
          assertThat(c.getReadinessProbe()).as(c.getName()).isNull();
          continue;
        }
        assertThat(c.getReadinessProbe()).as(d.getMetadata().getName()).isNotNull();
        assertThat(c.getLivenessProbe()).as(d.getMetadata().getName()).isNotNull();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("plans")
  void rlsProbesUseHttpHealthAndGrpcHealth(Plan p) {
    Container c = container(render(p), "rls");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/api/health/ready");
    assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    if (p.env().equals("dev")) {
      assertThat(c.getLivenessProbe().getGrpc().getPort()).isEqualTo(9091);
      assertThat(c.getStartupProbe().getGrpc().getPort()).isEqualTo(9091);
      assertThat(c.getReadinessProbe().getHttpGet().getScheme()).isNull();
    } else {
      // TLS on (kubelet's gRPC probe speaks no TLS): the gRPC port's accept, HTTPS readiness.
      assertThat(c.getLivenessProbe().getTcpSocket().getPort().getStrVal()).isEqualTo("grpc");
      assertThat(c.getStartupProbe().getTcpSocket().getPort().getStrVal()).isEqualTo("grpc");
      assertThat(c.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
    }
    assertThat(c.getPorts())
        .extracting(x -> x.getName() + ":" + x.getContainerPort())
        .containsExactlyInAnyOrder("http:8080", "grpc:9091");
  }

  @ParameterizedTest
  @MethodSource("plans")
  void rlsMayOnlyReadTheOverridesConfigMapAndItsOwnEndpoints(Plan p) {
    Manifests m = render(p);
    List<Role> roles = m.all(Role.class);
    assertThat(roles).hasSize(2);
    Role overrides = m.get(Role.class, "rls-overrides-reader");
    assertThat(overrides.getMetadata().getNamespace()).isEqualTo("mimir");
    assertThat(overrides.getRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("");
              assertThat(r.getResources()).containsExactly("configmaps");
              assertThat(r.getResourceNames()).containsExactly("mimir-runtime");
              assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
            });
    Role endpoints = m.get(Role.class, "rls-endpoints-reader");
    assertThat(endpoints.getMetadata().getNamespace()).isEqualTo(Charts.NAMESPACE);
    assertThat(endpoints.getRules().stream().flatMap(r -> r.getResources().stream()))
        .containsExactlyInAnyOrder("endpoints", "endpointslices");
    for (Role role : roles) {
      for (PolicyRule r : role.getRules()) {
        assertThat(r.getVerbs()).isSubsetOf("get", "list", "watch");
      }
    }
    assertThat(m.all(io.fabric8.kubernetes.api.model.rbac.ClusterRole.class)).isEmpty();
    for (RoleBinding b : m.all(RoleBinding.class)) {
      assertThat(b.getSubjects())
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.getKind()).isEqualTo("ServiceAccount");
                assertThat(s.getName()).isEqualTo("rls");
                assertThat(s.getNamespace()).isEqualTo(Charts.NAMESPACE);
              });
    }
    assertThat(m.get(Deployment.class, "rls").getSpec().getTemplate().getSpec())
        .extracting(PodSpec::getServiceAccountName)
        .isEqualTo("rls");
  }

  @ParameterizedTest
  @MethodSource("plans")
  void rlsTakesTrafficOnlyFromNginxAndEnvoy(Plan p) {
    NetworkPolicy np = render(p).get(NetworkPolicy.class, "rls");
    assertThat(np.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    var doors = np.getSpec().getIngress().get(0);
    assertThat(doors.getFrom())
        .extracting(f -> f.getPodSelector().getMatchLabels().get("app.kubernetes.io/name"))
        .containsExactlyInAnyOrder("nginx", "envoy");
    assertThat(doors.getPorts()).extracting(x -> x.getPort().getIntVal()).contains(8080, 9091);
    // Prometheus may scrape /metrics on the HTTP port, nothing else.
    assertThat(np.getSpec().getIngress().get(1).getPorts())
        .extracting(x -> x.getPort().getIntVal())
        .containsExactly(8080);
    assertThat(np.getSpec().getEgress())
        .anySatisfy(
            e ->
                assertThat(e.getTo().get(0).getNamespaceSelector().getMatchLabels())
                    .containsEntry("kubernetes.io/metadata.name", "mimir"))
        .anySatisfy(e -> assertThat(e.getPorts()).anyMatch(x -> x.getPort().getIntVal() == 53))
        .anySatisfy(e -> assertThat(e.getPorts()).anyMatch(x -> x.getPort().getIntVal() == 443));
  }

  @ParameterizedTest
  @MethodSource("plans")
  void adminTokenComesFromASecretOnly(Plan p) throws Exception {
    Manifests m = render(p);
    Container c = container(m, "rls");
    if (p.env().equals("production")) {
      assertThat(rlsConfig(m).path("admin").path("token").asText()).isEqualTo("${RLS_ADMIN_TOKEN}");
      assertThat(c.getEnv())
          .filteredOn(e -> e.getName().equals("RLS_ADMIN_TOKEN"))
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.getValueFrom().getSecretKeyRef().getName())
                      .isEqualTo("rls-admin-token"));
    } else {
      // No Secret configured: no token, so the admin API refuses every change.
      assertThat(rlsConfig(m).path("admin").path("token").isMissingNode()).isTrue();
      assertThat(c.getEnv()).noneMatch(e -> e.getName().equals("RLS_ADMIN_TOKEN"));
    }
  }

  static JsonNode rlsConfig(Manifests m) {
    try {
      return YAML.readTree(m.configData("rls", "rls.yml"));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Container container(Manifests m, String deployment) {
    return m.get(Deployment.class, deployment)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
  }

  static void assertResources(Container c, String requests, String limits) {
    Map<String, Quantity> req = c.getResources().getRequests();
    Map<String, Quantity> lim = c.getResources().getLimits();
    assertThat(req.get("memory") + "/" + req.get("cpu")).as(c.getName()).isEqualTo(requests);
    assertThat(lim.get("memory") + "/" + lim.get("cpu")).as(c.getName()).isEqualTo(limits);
  }
}
