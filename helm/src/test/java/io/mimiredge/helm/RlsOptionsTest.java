package io.mimiredge.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.mimiredge.helm.support.Charts;
import io.mimiredge.helm.support.Manifests;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The RLS chart's optional parts: Redis and the admin token Secret. */
class RlsOptionsTest {

  @Test
  void redisIsOffByDefault() {
    Manifests m = Manifests.load(Charts.render("rls", Map.of()));
    assertThat(m.find(Deployment.class, "edge-rls-redis")).isEmpty();
    assertThat(m.configData("edge-rls", "rls.yml")).doesNotContain("redis");
    assertThat(m.get(NetworkPolicy.class, "edge-rls").getSpec().getEgress())
        .noneMatch(e -> e.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == 6379));
  }

  @Test
  void deployedRedisIsWiredIntoConfigAndNetworkPolicy() {
    Manifests m =
        Manifests.load(
            Charts.render("rls", Map.of("redis.enabled", true, "redis.deploy.enabled", true)));
    Deployment redis = m.get(Deployment.class, "edge-rls-redis");
    assertThat(redis.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
        .isTrue();
    assertThat(m.get(Service.class, "edge-rls-redis").getSpec().getPorts().get(0).getPort())
        .isEqualTo(6379);
    assertThat(m.configData("edge-rls", "rls.yml")).contains("uri: redis://edge-rls-redis:6379");
    assertThat(m.get(NetworkPolicy.class, "edge-rls").getSpec().getEgress())
        .anySatisfy(
            e -> {
              assertThat(e.getPorts()).anyMatch(p -> p.getPort().getIntVal() == 6379);
              assertThat(e.getTo().get(0).getPodSelector().getMatchLabels())
                  .containsEntry("app.kubernetes.io/name", "rls-redis");
            });
  }

  @Test
  void redisNeedsAnAddressOrADeployment() {
    assertThatThrownBy(() -> Charts.render("rls", Map.of("redis.enabled", true)))
        .hasMessageContaining("redis.url");
  }

  @Test
  void aGivenTokenBecomesASecretTheConfigReadsFromTheEnvironment() {
    Manifests m =
        Manifests.load(Charts.render("rls", Map.of("admin.token", "0123456789abcdef0123")));
    Secret s = m.get(Secret.class, "edge-rls-admin");
    assertThat(s.getData()).containsKey("token");
    assertThat(m.configData("edge-rls", "rls.yml"))
        .contains("token: ${RLS_ADMIN_TOKEN}")
        .doesNotContain("0123456789abcdef0123");
  }
}
