package io.mimiredge.edgectl.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.edgectl.EdgectlException;
import io.mimiredge.edgectl.support.Nginx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every phase rendered from the packaged templates equals its golden file exactly and passes the
 * real {@code nginx -t}.
 *
 * <p>To regenerate the golden files after a deliberate template change, run {@code mvn -pl edgectl
 * test -Dtest=NginxRendererGoldenTest -Dedgectl.golden.update=true} and review the diff of {@code
 * edgectl/src/test/resources/golden/} before committing it.
 */
class NginxRendererGoldenTest {
  static final RenderSettings SETTINGS =
      RenderSettings.builder()
          .listen("127.0.0.1:18080")
          .workerProcesses("1")
          .distributor(List.of("127.0.0.1:19001", "127.0.0.1:19002"))
          .enforce(List.of("127.0.0.1:19101"), false)
          .shadow(List.of("127.0.0.1:19102"))
          .keepalive(16)
          .mirrorConnectTimeout(Duration.ofMillis(100))
          .mirrorTimeout(Duration.ofMillis(200))
          .maxRequestBytes(50L * 1024 * 1024)
          .build();

  static Stream<Arguments> cases() {
    RenderSettings byRequest = SETTINGS.toBuilder().splitBy(SplitBy.REQUEST).build();
    RenderSettings envoy =
        SETTINGS.toBuilder()
            .enforce(List.of("127.0.0.1:19201"), true)
            .accessLog("/var/log/nginx/edge.log")
            .build();
    return Stream.of(
        Arguments.of("direct", Phase.DIRECT, SETTINGS),
        Arguments.of("mirror", Phase.MIRROR, SETTINGS),
        Arguments.of("canary-10", Phase.canary(10), SETTINGS),
        Arguments.of("canary-25", Phase.canary(25), SETTINGS),
        Arguments.of("canary-50", Phase.canary(50), SETTINGS),
        Arguments.of("canary-75", Phase.canary(75), SETTINGS),
        Arguments.of("canary-100", Phase.canary(100), SETTINGS),
        Arguments.of("canary-25-by-request", Phase.canary(25), byRequest),
        Arguments.of("canary-50-envoy", Phase.canary(50), envoy),
        Arguments.of("full", Phase.FULL, SETTINGS),
        Arguments.of("full-envoy", Phase.FULL, envoy));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rendersGoldenFile(String name, Phase phase, RenderSettings settings) throws IOException {
    String rendered = NginxRenderer.packaged().render(phase, settings);
    Path golden =
        Path.of(
            System.getProperty("edgectl.golden.dir", "src/test/resources/golden"), name + ".conf");
    if (Boolean.getBoolean("edgectl.golden.update")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, rendered);
    }
    assertThat(golden).as("golden file (regenerate: see class javadoc)").exists();
    assertThat(rendered).isEqualTo(Files.readString(golden));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void goldenFilePassesNginxTest(String name, Phase phase, RenderSettings settings)
      throws IOException {
    Nginx.binaryOrSkip();
    Path prefix = Nginx.newPrefix("golden");
    Path conf = prefix.resolve(name + ".conf");
    Files.writeString(conf, NginxRenderer.packaged().render(phase, settings));
    try {
      assertThat(Nginx.test(prefix, conf)).as("nginx -t on " + name).isEmpty();
    } finally {
      Nginx.deletePrefix(prefix);
    }
  }

  @Test
  void everyPhaseNamesItselfAndPassesTheTenantHeaderAsSent() {
    for (Phase p : List.of(Phase.DIRECT, Phase.MIRROR, Phase.canary(25), Phase.FULL)) {
      String conf = NginxRenderer.packaged().render(p, SETTINGS);
      assertThat(conf)
          .contains("add_header X-Edge-Phase " + p.token() + " always;")
          // not rebuilt from $http_x_scope_orgid: NGINX would join two of them into one
          .doesNotContain("proxy_set_header X-Scope-OrgID")
          .contains("keepalive 16;")
          .contains("client_max_body_size 52428800;");
    }
  }

  /**
   * Mimir without multitenancy has one tenant: a canary by tenant would move all of it at once, so
   * edgectl refuses to render one, and a config naming none splits by request unless told.
   */
  @Test
  void withoutTenantsACanaryIsSplitByRequestOnly() {
    RenderSettings none =
        SETTINGS.toBuilder().tenantFrom(io.mimiredge.api.tenant.TenantFrom.NONE).build();
    assertThatThrownBy(() -> NginxRenderer.packaged().render(Phase.canary(25), none))
        .isInstanceOf(io.mimiredge.edgectl.EdgectlException.class)
        .hasMessageContaining("use splitBy: request");
    assertThat(
            NginxRenderer.packaged()
                .render(
                    Phase.canary(25),
                    none.toBuilder().splitBy(io.mimiredge.api.rollout.SplitBy.REQUEST).build()))
        .contains("split_clients \"${request_id}\"");
    assertThat(NginxRenderer.packaged().render(Phase.FULL, none)).contains("X-Edge-Phase full");

    String yaml = "upstreams: {distributor: [\"127.0.0.1:9009\"]}\nnginx: {tenantFrom: none}\n";
    assertThat(io.mimiredge.edgectl.config.ConfigLoader.parse(yaml, "test").splitBy())
        .isEqualTo(io.mimiredge.api.rollout.SplitBy.REQUEST);
    assertThatThrownBy(
            () ->
                io.mimiredge.edgectl.config.ConfigLoader.parse(yaml + "splitBy: tenant\n", "test"))
        .hasMessageContaining("use splitBy: request");
  }

  @Test
  void directDoesNotNameTheRlsSoItWorksWhenTheRlsIsGone() {
    String conf = NginxRenderer.packaged().render(Phase.DIRECT, SETTINGS);
    assertThat(conf).doesNotContain("19101").doesNotContain("19102").doesNotContain("mirror ");
  }

  @Test
  void mirrorNeverSendsTheCopyToTheDistributor() {
    String conf = NginxRenderer.packaged().render(Phase.MIRROR, SETTINGS);
    String shadowLocation = conf.substring(conf.indexOf("location = /_edge/shadow"));
    assertThat(shadowLocation)
        .contains("internal;")
        .contains("proxy_pass http://rls_shadow/shadow/api/v1/push;")
        .contains("proxy_next_upstream off;")
        .contains("proxy_read_timeout 200ms;")
        .doesNotContain("mimir_distributor");
  }

  @Test
  void canarySplitsByTenantUnlessRequestIsChosen() {
    assertThat(NginxRenderer.packaged().render(Phase.canary(10), SETTINGS))
        .contains("split_clients \"${http_x_scope_orgid}\" $edge_route")
        .contains("10%    enforce;");
    assertThat(
            NginxRenderer.packaged()
                .render(Phase.canary(10), SETTINGS.toBuilder().splitBy(SplitBy.REQUEST).build()))
        .contains("split_clients \"${request_id}\" $edge_route");
  }

  @Test
  void canaryMirrorsOnlyTheDirectShareToTheShadowDoorAlsoBehindEnvoy() {
    RenderSettings envoy = SETTINGS.toBuilder().enforce(List.of("127.0.0.1:19201"), true).build();
    for (RenderSettings s : List.of(SETTINGS, envoy)) {
      String conf = NginxRenderer.packaged().render(Phase.canary(25), s);
      assertThat(location(conf, "/api/v1/push"))
          .contains("mirror /_edge/shadow;")
          .contains("mirror_request_body on;")
          .contains("proxy_pass http://$edge_upstream;");
      assertThat(location(conf, "/otlp/v1/metrics")).contains("mirror /_edge/shadow-otlp;");
      assertThat(conf).contains("upstream rls_shadow {\n        server 127.0.0.1:19102;");
      for (String copy : List.of("/_edge/shadow", "/_edge/shadow-otlp")) {
        assertThat(location(conf, copy))
            .as("the copy %s", copy)
            .contains("internal;")
            .contains("if ($edge_route = enforce) {\n                return 204;\n            }")
            .contains("proxy_next_upstream off;")
            .contains("proxy_read_timeout 200ms;")
            .contains("proxy_pass http://rls_shadow/shadow/")
            .doesNotContain("edge_enforce")
            .doesNotContain("mimir_distributor");
      }
    }
    assertThat(NginxRenderer.packaged().render(Phase.MIRROR, SETTINGS))
        .as("mirror copies every write")
        .doesNotContain("$edge_route");
  }

  @Test
  void canaryByRequestCopiesNothingSoNoTenantIsChargedForItsDirectRequests() {
    RenderSettings byRequest =
        SETTINGS.toBuilder().splitBy(SplitBy.REQUEST).shadow(List.of()).build();
    String conf = NginxRenderer.packaged().render(Phase.canary(25), byRequest);
    assertThat(conf)
        .doesNotContain("mirror ")
        .doesNotContain("rls_shadow")
        .doesNotContain("/_edge/shadow")
        .contains("the rest go straight to the Mimir distributor, uncopied");
  }

  /** The exact-match location {@code path} of a rendered config, up to its closing brace. */
  static String location(String conf, String path) {
    int start = conf.indexOf("        location = " + path + " {\n");
    assertThat(start).as("location = %s", path).isNotNegative();
    return conf.substring(start, conf.indexOf("\n        }\n", start));
  }

  @Test
  void refusesEnforcingPhasesWithoutAnEnforcementUpstream() {
    RenderSettings none = SETTINGS.toBuilder().enforce(List.of(), false).shadow(List.of()).build();
    assertThatThrownBy(() -> NginxRenderer.packaged().render(Phase.FULL, none))
        .isInstanceOf(EdgectlException.class)
        .hasMessageContaining("rlsPassThrough");
    assertThatThrownBy(() -> NginxRenderer.packaged().render(Phase.MIRROR, none))
        .hasMessageContaining("rlsShadow");
    RenderSettings envoyOnly =
        SETTINGS.toBuilder().enforce(List.of("127.0.0.1:19201"), true).shadow(List.of()).build();
    assertThatThrownBy(() -> NginxRenderer.packaged().render(Phase.canary(10), envoyOnly))
        .as("canary mirrors its direct share")
        .isInstanceOf(EdgectlException.class)
        .hasMessageContaining("phase canary 10 needs upstreams.rlsShadow");
  }
}
