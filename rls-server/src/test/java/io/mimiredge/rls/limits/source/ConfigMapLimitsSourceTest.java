package io.mimiredge.rls.limits.source;

import static io.mimiredge.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mimiredge.rls.config.KubernetesLimitsFactory;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.limits.source.ConfigMapLimitsSource.Mode;
import io.mimiredge.rls.testing.LogLines;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfigMapLimitsSourceTest {
  private static final String NS = "mimir";
  private static final String NAME = "mimir-runtime";
  private static final String KEY = "runtime.yaml";
  private static final Duration WITHIN = Duration.ofSeconds(2);

  private MockKubernetes kube;
  private KubernetesClient client;
  private final LiveLimits limits = new LiveLimits(TenantLimits.MIMIR_DEFAULTS);
  private final List<Boolean> reloads = new CopyOnWriteArrayList<>();
  private ConfigMapLimitsSource source;

  @BeforeEach
  void startServer() {
    kube = new MockKubernetes();
    client = kube.client();
  }

  @AfterEach
  void stopAll() {
    if (source != null) {
      source.stop();
    }
    kube.close();
  }

  private ConfigMapLimitsSource start(Duration pollInterval) throws Exception {
    source =
        ConfigMapLimitsSource.builder()
            .client(client)
            .namespace(NS)
            .configMap(NAME)
            .key(KEY)
            .limits(limits)
            .pollInterval(pollInterval)
            .checkInterval(Duration.ofMillis(50))
            .startTimeout(Duration.ofSeconds(3))
            .listener(
                new ReloadListener() {
                  @Override
                  public void loaded(Instant at, Overrides overrides) {
                    reloads.add(true);
                  }

                  @Override
                  public void failed(Instant at, List<String> problems) {
                    reloads.add(false);
                  }
                })
            .build();
    source.start();
    return source;
  }

  private static String rate(String tenant, int rate) {
    return "overrides:\n  " + tenant + ":\n    ingestion_rate: " + rate + "\n";
  }

  private ConfigMap configMap(String yaml) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(NS)
        .withName(NAME)
        .endMetadata()
        .withData(Map.of(KEY, yaml))
        .build();
  }

  private void create(String yaml) {
    client.configMaps().inNamespace(NS).resource(configMap(yaml)).create();
  }

  private void update(String yaml) {
    client.configMaps().inNamespace(NS).withName(NAME).edit(cm -> configMap(yaml));
  }

  private double rateOf(String tenant) {
    return limits.get().limitsFor(tenant).ingestionRate();
  }

  @Test
  void followsCreateUpdateAndDeleteWithinTwoSeconds() throws Exception {
    start(Duration.ofSeconds(30));
    await("watching", () -> source.status().mode() == Mode.WATCH, Duration.ofSeconds(5));
    assertThat(limits.loaded()).isFalse();

    create(rate("tenant-a", 111));
    await("created", () -> rateOf("tenant-a") == 111, WITHIN);
    assertThat(limits.status().degraded()).isFalse();
    assertThat(source.status().present()).isTrue();

    update(rate("tenant-a", 222) + "  tenant-b:\n    ingestion_rate: 5\n");
    await("updated", () -> rateOf("tenant-a") == 222, WITHIN);
    assertThat(rateOf("tenant-b")).isEqualTo(5); // both tenants in one step

    var lastSuccess = limits.status().lastSuccess();
    client.configMaps().inNamespace(NS).withName(NAME).delete();
    await("deleted", () -> source.status().stale(), WITHIN);
    assertThat(rateOf("tenant-a")).isEqualTo(222); // last good kept
    assertThat(source.status().message()).contains("configmap deleted");
    assertThat(source.status().present()).isFalse();
    assertThat(limits.status().degraded()).isTrue();
    assertThat(limits.status().lastSuccess()).isEqualTo(lastSuccess); // stops moving

    create(rate("tenant-a", 333));
    await("re-created", () -> rateOf("tenant-a") == 333, WITHIN);
    assertThat(source.status().stale()).isFalse();
    assertThat(source.status().mode()).isEqualTo(Mode.WATCH);
  }

  @Test
  void logsEachChangeAsTheOtherSourcesDo() throws Exception {
    List<String> logged;
    try (LogLines lines = new LogLines("io.mimiredge.rls.limits")) {
      create(rate("tenant-a", 111));
      start(Duration.ofSeconds(30));
      await("loaded", () -> rateOf("tenant-a") == 111, WITHIN);
      update(rate("tenant-a", 222) + "  tenant-b:\n    ingestion_rate: 5\n");
      await("updated", () -> rateOf("tenant-a") == 222, WITHIN);
      // the change is logged once it applies: wait for the line, not only for the new rate
      await(
          "the reload logged",
          () -> lines.messages().stream().anyMatch(m -> m.startsWith("limits reloaded")),
          WITHIN);
      logged = lines.messages();
    }

    assertThat(logged)
        .contains(
            "limits loaded from configmap mimir/mimir-runtime key runtime.yaml:"
                + " 1 tenants with overrides",
            "limits reloaded from configmap mimir/mimir-runtime key runtime.yaml:"
                + " 2 tenants with overrides; added [tenant-b], changed [tenant-a]");
  }

  @Test
  void refusesAMalformedUpdateAndKeepsTheLastGood() throws Exception {
    create(rate("tenant-a", 111));
    start(Duration.ofSeconds(30));
    await("loaded", () -> rateOf("tenant-a") == 111, WITHIN);

    update("overrides:\n  tenant-a:\n    ingestion_rate: lots\n");
    await("refused", () -> limits.status().degraded(), WITHIN);
    assertThat(rateOf("tenant-a")).isEqualTo(111);
    assertThat(limits.status().lastError())
        .contains("configmap mimir/mimir-runtime key runtime.yaml")
        .contains("tenant-a")
        .contains("ingestion_rate")
        .contains("line 3");
    assertThat(source.status().stale()).isTrue();
    assertThat(reloads).containsExactly(true, false);

    update(rate("tenant-a", 444));
    await("fixed", () -> rateOf("tenant-a") == 444, WITHIN);
    assertThat(limits.status().degraded()).isFalse();
  }

  @Test
  void aConfigMapWithoutTheKeyIsRefused() throws Exception {
    create(rate("tenant-a", 111));
    start(Duration.ofSeconds(30));
    await("loaded", () -> rateOf("tenant-a") == 111, WITHIN);
    client
        .configMaps()
        .inNamespace(NS)
        .withName(NAME)
        .edit(cm -> new ConfigMapBuilder(cm).withData(Map.of("overrides.yaml", "")).build());
    await("refused", () -> limits.status().degraded(), WITHIN);
    assertThat(limits.status().lastError()).contains("has no key runtime.yaml");
    assertThat(rateOf("tenant-a")).isEqualTo(111);
  }

  @Test
  void aBrokenWatchFallsBackToPollingAndStillPicksUpChanges() throws Exception {
    create(rate("tenant-a", 111));
    start(Duration.ofMillis(300));
    await("watching", () -> source.status().mode() == Mode.WATCH, Duration.ofSeconds(5));

    kube.breakWatches();
    await("polling", () -> source.status().mode() == Mode.POLL, WITHIN);
    update(rate("tenant-a", 555));
    await("polled", () -> rateOf("tenant-a") == 555, WITHIN);
    client.configMaps().inNamespace(NS).withName(NAME).delete();
    await("deletion polled", () -> source.status().stale(), WITHIN);
    assertThat(source.status().mode()).isEqualTo(Mode.POLL);

    kube.healWatches();
    await("watching again", () -> source.status().mode() == Mode.WATCH, Duration.ofSeconds(10));
    create(rate("tenant-a", 666));
    await("watched", () -> rateOf("tenant-a") == 666, WITHIN);
  }

  @Test
  void aWatchThatCannotStartPollsFromTheStart() throws Exception {
    create(rate("tenant-a", 111));
    kube.breakWatches();
    start(Duration.ofMillis(300));
    assertThat(source.status().mode()).isEqualTo(Mode.POLL);
    assertThat(rateOf("tenant-a")).isEqualTo(111);
    update(rate("tenant-a", 222));
    await("polled", () -> rateOf("tenant-a") == 222, WITHIN);
    kube.healWatches();
    await("watching", () -> source.status().mode() == Mode.WATCH, Duration.ofSeconds(10));
  }

  @Test
  void healthSaysHowTheApiServerIsReached() throws Exception {
    create(rate("tenant-a", 1));
    start(Duration.ofSeconds(30));
    // The mock server speaks plain HTTP.
    var health =
        new io.mimiredge.rls.health.RlsHealth(
            limits,
            source,
            new io.mimiredge.rls.upstream.UpstreamProbe(
                java.net.URI.create("http://127.0.0.1:1"),
                Duration.ofMillis(50),
                Duration.ofSeconds(5),
                java.time.Clock.systemUTC()));
    assertThat(health.report().limits().transport()).isEqualTo("plaintext");

    io.fabric8.kubernetes.client.Config https =
        new io.fabric8.kubernetes.client.ConfigBuilder(io.fabric8.kubernetes.client.Config.empty())
            .withMasterUrl("https://kubernetes.default.svc:443")
            .build();
    assertThat(ConfigMapLimitsSource.transportOf(https)).isEqualTo("tls");
    assertThat(
            ConfigMapLimitsSource.transportOf(
                new io.fabric8.kubernetes.client.ConfigBuilder(https).withTrustCerts(true).build()))
        .isEqualTo("tls-unverified");
    assertThat(
            ConfigMapLimitsSource.transportOf(
                new io.fabric8.kubernetes.client.ConfigBuilder(https)
                    .withDisableHostnameVerification(true)
                    .build()))
        .isEqualTo("tls-unverified");
    // A file source is not reached over a network: no transport in its report.
    assertThat(
            new BundledLimitsSource(
                    io.mimiredge.rls.config.LimitsFactory.BUNDLED_RESOURCE,
                    TenantLimits.MIMIR_DEFAULTS,
                    new LiveLimits(TenantLimits.MIMIR_DEFAULTS),
                    java.time.Clock.systemUTC(),
                    ReloadListener.NONE)
                .transport())
        .isNull();
  }

  @Test
  void readNowExercisesTheApiServer() throws Exception {
    start(Duration.ofSeconds(30));
    assertThat(source.readNow()).isFalse();
    create(rate("tenant-a", 1));
    assertThat(source.readNow()).isTrue();
  }

  @Test
  void theFactoryBuildsWithMimirsChartDefaultsAndReportsHealthAndMode() throws Exception {
    KubernetesLimitsFactory f =
        io.dropwizard.jackson.Jackson.newObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
            .readValue("pollInterval: 300ms\n", KubernetesLimitsFactory.class);
    assertThat(f.getNamespace()).isEqualTo("mimir");
    // Mimir's Helm chart: <fullname>-runtime, key runtime.yaml, for a release named mimir
    assertThat(f.getConfigMap()).isEqualTo("mimir-runtime");
    assertThat(f.getKey()).isEqualTo("runtime.yaml");
    source =
        f.build(
            client, limits, TenantLimits.MIMIR_DEFAULTS, Clock.systemUTC(), ReloadListener.NONE);
    source.start();
    var registry = new io.prometheus.metrics.model.registry.PrometheusRegistry();
    KubernetesLimitsFactory.registerMetrics(registry, source);
    var health = KubernetesLimitsFactory.healthCheck(source);
    assertThat(health.execute().isHealthy()).isFalse();
    assertThat(health.execute().getMessage()).contains("not found");

    create(rate("tenant-a", 7));
    await("loaded", () -> rateOf("tenant-a") == 7, WITHIN);
    await("watching", () -> source.status().mode() == Mode.WATCH, Duration.ofSeconds(5));
    assertThat(health.execute().isHealthy()).isTrue();
    assertThat(health.execute().getMessage()).contains("mode WATCH");
    var gauge =
        (io.prometheus.metrics.model.snapshots.GaugeSnapshot)
            registry.scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("rls_limits_source_mode"))
                .findFirst()
                .orElseThrow();
    assertThat(gauge.getDataPoints())
        .anySatisfy(
            d -> {
              assertThat(d.getLabels().get("mode")).isEqualTo("watch");
              assertThat(d.getValue()).isEqualTo(1.0);
            });
  }
}
