package io.mimiredge.rls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.mimiredge.api.tenant.TenantFrom;
import io.mimiredge.rls.limits.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RlsConfigurationTest {
  @TempDir Path dir;

  private final YamlConfigurationFactory<RlsConfiguration> factory =
      new YamlConfigurationFactory<>(
          RlsConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

  private RlsConfiguration load(String yaml) throws Exception {
    Path file = Files.writeString(dir.resolve("rls.yml"), yaml);
    return factory.build(new FileConfigurationSourceProvider(), file.toString());
  }

  @Test
  void noFileIsTheEmbeddedDefault() throws Exception {
    RlsConfiguration c = factory.build();

    assertThat(c.getTenantHeader()).isEqualTo("X-Scope-OrgID");
    assertThat(c.getTenantFrom()).isEqualTo(TenantFrom.HEADER);
    assertThat(c.getLimits().buildFile()).isEmpty();
    assertThat(c.getUpstream().buildUri()).hasToString("http://127.0.0.1:9009");
    assertThat(c.getEnforcement().buildMaxRequestBytes()).isEqualTo(100 << 20);
    assertThat(c.getEnforcement().buildMaxDecodedBytes()).isEqualTo(100 << 20);
    assertThat(c.getEnforcement().buildMode()).isEqualTo(Mode.ENFORCE);
    assertThat(c.getAdmin().getToken()).isNull();
  }

  @Test
  void retryAfterHeaderIsMimirsFlagsAndRefusesAMaxBelowTheMin() throws Exception {
    assertThat(factory.build().getEnforcement().getRetryAfterHeader().build())
        .isEqualTo(io.mimiredge.rls.enforce.RetryAfterHeader.MIMIR_DEFAULTS);
    RlsConfiguration off = load("enforcement: {retryAfterHeader: {enabled: false}}\n");
    assertThat(off.getEnforcement().getRetryAfterHeader().build().value(429, null)).isNull();
    RlsConfiguration upsideDown =
        load("enforcement: {retryAfterHeader: {minBackoff: 10s, maxBackoff: 5s}}\n");
    assertThatThrownBy(() -> upsideDown.getEnforcement().getRetryAfterHeader().build())
        .hasMessageContaining("enforcement.retryAfterHeader: maxBackoff must be >= minBackoff");
  }

  @Test
  void overloadSettingsBuildTheDoorsLimiters() throws Exception {
    RlsConfiguration c =
        load(
            """
            overload:
              limit: fixed
              maxLimit: 64
              maxForwards: 100
              retryAfter: 3s
            """);
    var o = c.getOverload().build(System::nanoTime, (d, cause) -> {});
    assertThat(o.push().limit()).isEqualTo(64);
    assertThat(o.grpc().limit()).isEqualTo(64);
    assertThat(o.forwards().limit()).isEqualTo(100);
    assertThat(o.retryAfterSeconds()).isEqualTo("3");
    RlsConfiguration adaptive = load("overload: {initialLimit: 20, minLimit: 4}\n");
    assertThat(adaptive.getOverload().build(System::nanoTime, (d, cause) -> {}).shadow().limit())
        .isEqualTo(20);
    assertThatThrownBy(() -> load("overload: {initialLimit: 300, maxLimit: 256}\n"))
        .hasMessageContaining("minLimit <= initialLimit <= maxLimit");
    assertThatThrownBy(
            () -> load("upstream: {maxConnections: 10}\noverload: {maxForwards: 2000}\n"))
        .hasMessageContaining("overload.maxForwards must not exceed");
    assertThatThrownBy(() -> load("overload: {limit: aimd}\n"))
        .hasMessageContaining("must be adaptive or fixed");
  }

  /** With Redis a decision may wait on the network: the gRPC doors then never decide on a loop. */
  @Test
  void decisionsMayWaitOnlyWithRedis() throws Exception {
    assertThat(load("{}\n").decisionsMayWait()).isFalse();
    assertThat(load("redis: {uri: redis://127.0.0.1:6379}\n").decisionsMayWait()).isTrue();
  }

  @Test
  void theExampleFileIsValid() throws Exception {
    RlsConfiguration c =
        factory.build(new FileConfigurationSourceProvider(), Path.of("rls.example.yml").toString());

    assertThat(c.getLimits().buildReloadInterval()).hasSeconds(10);
  }

  @Test
  void readsEverySetting() throws Exception {
    RlsConfiguration c =
        load(
            """
            tenantHeader: X-Tenant
            tenantFrom: basicAuthUser
            replicas: 3
            limits:
              file: /etc/mimir/runtime.yaml
              reloadInterval: 2s
              defaults: {ingestion_rate: 500, edge_enforcement: {mode: shadow}}
            enforcement: {mode: shadow, maxRequestBytes: 1MiB, maxDecodedBytes: 4MiB}
            upstream: {url: "http://mimir:8080/", connectTimeout: 100ms, timeout: 3s, maxConnections: 8}
            metrics: {topTenants: 5}
            admin: {token: s3cret-s3cret-s3cret}
            """);

    assertThat(c.getTenantFrom()).isEqualTo(TenantFrom.BASIC_AUTH_USER);
    assertThat(c.buildTenantResolver().setsTenantHeader()).isTrue();
    assertThat(c.getLimits().buildFile()).hasValue(Path.of("/etc/mimir/runtime.yaml"));
    assertThat(c.getLimits().buildDefaults().ingestionRate()).isEqualTo(500);
    assertThat(c.getLimits().buildDefaults().mode()).isEqualTo(Mode.SHADOW);
    assertThat(c.getEnforcement().buildMode()).isEqualTo(Mode.SHADOW);
    assertThat(c.getEnforcement().buildMaxRequestBytes()).isEqualTo(1 << 20);
    assertThat(c.getUpstream().buildUri()).hasToString("http://mimir:8080");
    assertThat(c.getAdmin().getToken()).isEqualTo("s3cret-s3cret-s3cret");
  }

  @Test
  void badValuesAreNamedInOneMessage() {
    assertThatThrownBy(
            () ->
                load(
                    """
                    replicas: 0
                    upstream: {url: "ftp://nope"}
                    limits: {reloadInterval: 1ms}
                    """))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("replicas must be greater than or equal to 1")
        .hasMessageContaining("upstream.url must be an http:// or https:// URL")
        .hasMessageContaining("limits.reloadInterval");
  }

  @Test
  void badDefaultsNameTheKey() {
    assertThatThrownBy(() -> load("limits: {defaults: {ingestion_rate: lots}}"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("defaults.ingestion_rate");
  }

  @Test
  void badEnumsSayWhatIsExpected() {
    assertThatThrownBy(() -> load("tenantFrom: cookie"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("tenantFrom");
    assertThatThrownBy(() -> load("enforcement: {mode: off}"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("enforce or shadow");
  }
}
