package io.mimiredge.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.helm.support.Charts;
import io.mimiredge.helm.support.Manifests;
import io.mimiredge.helm.support.RlsApp;
import io.mimiredge.rls.RlsConfiguration;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rls.yml each environment renders is one the real service accepts, with the plan's values. */
class RlsConfigTest {

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "production"})
  void theServiceAcceptsTheRenderedConfig(String env, @TempDir Path dir) throws Exception {
    Manifests manifests = Manifests.load(Charts.renderEnvironment(env));
    RlsConfiguration c = RlsApp.parse(manifests.configData("rls", "rls.yml"), dir);
    long mib = 1024 * 1024;
    assertThat(c.getEnforcement().getMaxRequestBytes().toBytes())
        .isEqualTo(env.equals("dev") ? 10 * mib : 50 * mib);
    assertThat(c.getUpstream().getUrl())
        .isEqualTo("http://mimir-distributor.mimir.svc.cluster.local:8080");
    // The gRPC doors Envoy calls: the port the Deployment's probes and Envoy's cluster use, and
    // the domain and descriptor key Envoy's ratelimit filter sends.
    assertThat(RlsApp.knows("grpc")).isTrue();
    assertThat(c.getGrpc().getPort()).isEqualTo(9091);
    assertThat(c.getGrpc().getRatelimit().getDomain()).isEqualTo("mimir_remote_write");
    assertThat(c.getGrpc().getRatelimit().getDescriptorKey()).isEqualTo("tenant");
    // In the cluster: Mimir's overrides ConfigMap (the RBAC reads exactly this one), and the
    // replica count from the headless Service's endpoints.
    assertThat(c.getLimits().getKubernetes().getNamespace()).isEqualTo("mimir");
    assertThat(c.getLimits().getKubernetes().getConfigMap()).isEqualTo("mimir-runtime");
    assertThat(c.getLimits().getKubernetes().getKey()).isEqualTo("runtime.yaml");
    String service = c.getReplicaDiscovery().getService();
    assertThat(service).endsWith("-headless");
    assertThat(manifests.find(io.fabric8.kubernetes.api.model.Service.class, service))
        .as("the Service whose endpoints are counted is rendered")
        .isPresent();
    assertThat(c.getReplicas())
        .isEqualTo(
            switch (env) {
              case "dev" -> 1;
              case "staging" -> 3;
              default -> 10;
            });
    assertThat(c.getTenantFrom()).isEqualTo(io.mimiredge.api.tenant.TenantFrom.HEADER);
  }

  /**
   * In front of a Mimir without multitenancy: the RLS judges every write as the no-auth tenant, and
   * the edgectl config the NGINX chart writes names none and splits canaries by request.
   */
  @Test
  void aMimirWithoutMultitenancyIsOneTenantAtTheRlsAndInEdgectlsConfig(@TempDir Path dir)
      throws Exception {
    Manifests m =
        Manifests.load(
            Charts.renderEnvironment(
                "dev",
                java.util.Map.of(
                    "rls.tenantFrom", "none",
                    "rls.noAuthTenant", "solo",
                    "nginx.tenantFrom", "none",
                    "nginx.edgectl.splitBy", "request")));
    RlsConfiguration c = RlsApp.parse(m.configData("rls", "rls.yml"), dir);
    assertThat(c.getTenantFrom()).isEqualTo(io.mimiredge.api.tenant.TenantFrom.NONE);
    assertThat(c.buildTenantResolver().onlyTenant()).isEqualTo("solo");
    var edgectl =
        io.mimiredge.edgectl.config.ConfigLoader.parse(
            m.configData("edge-nginx-edgectl", "edgectl.yaml"), "chart");
    assertThat(edgectl.nginx().tenantFrom()).isEqualTo(io.mimiredge.api.tenant.TenantFrom.NONE);
    assertThat(edgectl.splitBy()).isEqualTo(io.mimiredge.api.rollout.SplitBy.REQUEST);
  }
}
