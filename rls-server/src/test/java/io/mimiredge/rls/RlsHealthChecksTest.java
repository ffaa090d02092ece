package io.mimiredge.rls;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mimiredge.rls.limits.source.MockKubernetes;
import io.mimiredge.rls.testing.TestRls;
import io.mimiredge.testsupport.RedisServer;
import io.mimiredge.testsupport.StubUpstream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dropwizard's health checks (the admin port's {@code /healthcheck}) of the optional parts, on the
 * real application: each is registered when its part is configured and exercises what it names.
 */
class RlsHealthChecksTest {

  private static TestRls start(String upstream, String settings) throws Exception {
    return TestRls.builder().quietRequests().upstream(upstream).settings(settings).start();
  }

  @Test
  void redisHasAHealthCheckThatPingsIt() throws Exception {
    try (RedisServer redis = RedisServer.startOrSkip();
        StubUpstream upstream = StubUpstream.start("distributor", 200)) {
      TestRls app = start(upstream.url(), "redis: {uri: %s}".formatted(redis.uri()));
      try {
        HealthCheckRegistry checks = app.app().getEnvironment().healthChecks();
        assertThat(checks.getNames()).contains("limits", "upstream", "redis");
        assertThat(checks.runHealthCheck("redis").isHealthy()).isTrue();

        redis.kill();

        HealthCheck.Result down = checks.runHealthCheck("redis");
        assertThat(down.isHealthy()).isFalse();
        assertThat(down.getMessage()).contains("redis unreachable");
      } finally {
        app.close();
      }
    }
  }

  @Test
  void aConfigMapLimitsSourceHasAHealthCheckThatReadsIt() throws Exception {
    // fabric8 configures the application's client from these system properties.
    Map<String, String> properties = new HashMap<>();
    try (MockKubernetes kube = new MockKubernetes();
        StubUpstream upstream = StubUpstream.start("distributor", 200)) {
      KubernetesClient client = kube.client();
      client
          .configMaps()
          .inNamespace("mimir")
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withNamespace("mimir")
                  .withName("mimir-runtime")
                  .endMetadata()
                  .withData(Map.of("runtime.yaml", "overrides:\n  a:\n    ingestion_rate: 5\n"))
                  .build())
          .create();
      properties.put("kubernetes.master", client.getConfiguration().getMasterUrl());
      properties.put("kubernetes.trust.certificates", "true");
      properties.put("kubernetes.auth.tryKubeConfig", "false");
      properties.put("kubernetes.auth.tryServiceAccount", "false");
      properties.forEach(System::setProperty);
      TestRls app =
          start(
              upstream.url(),
              """
              limits:
                kubernetes: {namespace: mimir, configMap: mimir-runtime, key: runtime.yaml}
              """);
      try {
        HealthCheckRegistry checks = app.app().getEnvironment().healthChecks();
        assertThat(checks.getNames()).contains("limits", "upstream", "limits-kubernetes");
        HealthCheck.Result up = checks.runHealthCheck("limits-kubernetes");
        assertThat(up.isHealthy()).isTrue();
        assertThat(up.getMessage()).contains("configmap mimir/mimir-runtime:runtime.yaml");

        client.configMaps().inNamespace("mimir").withName("mimir-runtime").delete();

        HealthCheck.Result gone = checks.runHealthCheck("limits-kubernetes");
        assertThat(gone.isHealthy()).isFalse();
        // the health check's own read ("not found"), or the watch's delete event when it came
        // first ("configmap deleted"): both say the ConfigMap is gone
        assertThat(gone.getMessage()).containsAnyOf("not found", "configmap deleted");
      } finally {
        app.close();
      }
    } finally {
      properties.keySet().forEach(System::clearProperty);
    }
  }
}
