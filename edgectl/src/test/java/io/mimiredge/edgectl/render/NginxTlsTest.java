package io.mimiredge.edgectl.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mimiredge.api.rollout.Phase;
import io.mimiredge.edgectl.config.EdgectlConfig;
import io.mimiredge.edgectl.support.Nginx;
import io.mimiredge.rls.testing.TestCertificates;
import io.mimiredge.rls.testing.TestCertificates.Issued;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every phase rendered with TLS on the listener and towards the RLS, with real certificate files:
 * each passes {@code nginx -t}, the RLS' locations verify its certificate and present the client
 * one, and the direct phase names none of the RLS' files (the emergency way back must not depend on
 * them).
 */
class NginxTlsTest {
  private Path prefix;
  private RenderSettings settings;
  private EdgectlConfig.RlsTls rlsTls;

  @BeforeEach
  void certificates() throws IOException {
    Nginx.binaryOrSkip();
    prefix = Nginx.newPrefix("tls");
    Issued ca = TestCertificates.ca("edge CA");
    Issued edge = TestCertificates.leaf(ca, "nginx", "dns:edge.example");
    Issued client = TestCertificates.leaf(ca, "nginx-client", "dns:nginx.edge.svc");
    rlsTls =
        new EdgectlConfig.RlsTls(
            ca.writeCertificate(prefix.resolve("rls-ca.crt")).toString(),
            "rls.edge.svc",
            client.writeChain(prefix.resolve("client.crt")).toString(),
            client.writeKey(prefix.resolve("client.key")).toString());
    settings =
        NginxRendererGoldenTest.SETTINGS.toBuilder()
            .listenTls(
                new EdgectlConfig.ListenTls(
                    edge.writeChain(prefix.resolve("edge.crt")).toString(),
                    edge.writeKey(prefix.resolve("edge.key")).toString()))
            .rlsTls(rlsTls)
            .build();
  }

  @AfterEach
  void clean() {
    Nginx.deletePrefix(prefix);
  }

  static Stream<Phase> phases() {
    return Stream.of(Phase.DIRECT, Phase.MIRROR, Phase.canary(50), Phase.FULL);
  }

  /**
   * Behind Envoy, canary's enforced share goes to Envoy in plaintext, and the copies of its direct
   * share still go to the RLS shadow door over TLS.
   */
  @Test
  void canaryBehindEnvoyMirrorsToTheShadowDoorOverTls() throws IOException {
    RenderSettings envoy = settings.toBuilder().enforce(List.of("127.0.0.1:19201"), true).build();
    String conf = NginxRenderer.packaged().render(Phase.canary(50), envoy);
    Path file = Files.writeString(prefix.resolve("canary-envoy.conf"), conf);
    assertThat(Nginx.test(prefix, file)).as("nginx -t on:%n%s", conf).isEmpty();
    assertThat(NginxRendererGoldenTest.location(conf, "/api/v1/push"))
        .contains("proxy_pass http://$edge_upstream;")
        .doesNotContain("proxy_ssl_");
    assertThat(conf).doesNotContain("$edge_scheme");
    for (String copy : List.of("/_edge/shadow", "/_edge/shadow-otlp")) {
      assertThat(NginxRendererGoldenTest.location(conf, copy))
          .contains("proxy_pass https://rls_shadow/shadow/")
          .contains("proxy_ssl_verify on;")
          .contains("proxy_ssl_name rls.edge.svc;")
          .contains("proxy_ssl_certificate_key " + rlsTls.certificateKey() + ";");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("phases")
  void everyPhasePassesNginxTestWithRealCertificates(Phase phase) throws IOException {
    String conf = NginxRenderer.packaged().render(phase, settings);
    Path file = Files.writeString(prefix.resolve(phase.token() + ".conf"), conf);
    assertThat(Nginx.test(prefix, file)).as("nginx -t on %s:%n%s", phase, conf).isEmpty();
    assertThat(conf).contains("listen 127.0.0.1:18080 ssl;").contains("ssl_certificate ");
    boolean reachesRls = phase.kind() != Phase.Kind.DIRECT;
    for (String f : List.of(rlsTls.trustedCertificate(), rlsTls.certificate())) {
      assertThat(conf.contains(f)).as("%s names %s", phase, f).isEqualTo(reachesRls);
    }
    if (reachesRls) {
      assertThat(conf)
          .contains("proxy_ssl_verify on;")
          .contains("proxy_ssl_name rls.edge.svc;")
          .contains("proxy_ssl_certificate_key " + rlsTls.certificateKey() + ";");
    }
  }

  @Test
  void theDistributorKeepsItsSchemeAndEnvoyGetsNoRlsCertificates() {
    String full = NginxRenderer.packaged().render(Phase.FULL, settings);
    assertThat(full)
        .contains("proxy_pass https://edge_enforce;")
        .contains("proxy_pass http://mimir_distributor;");
    String canary = NginxRenderer.packaged().render(Phase.canary(50), settings);
    assertThat(canary)
        .contains("proxy_pass $edge_scheme://$edge_upstream;")
        .contains("default    http;");
    String mirror = NginxRenderer.packaged().render(Phase.MIRROR, settings);
    assertThat(mirror).contains("proxy_pass https://rls_shadow/shadow/api/v1/push;");
    RenderSettings envoy = settings.toBuilder().enforce(List.of("127.0.0.1:19201"), true).build();
    String viaEnvoy = NginxRenderer.packaged().render(Phase.FULL, envoy);
    assertThat(viaEnvoy).contains("proxy_pass http://edge_enforce;").doesNotContain("proxy_ssl_");
  }

  @Test
  void rlsTlsSettingsAreCheckedWithTheirNames() {
    assertThatThrownBy(() -> new EdgectlConfig.RlsTls(null, "rls", null, null))
        .hasMessageContaining("upstreams.rlsTls.trustedCertificate is required");
    assertThatThrownBy(() -> new EdgectlConfig.RlsTls("/ca.crt", null, null, null))
        .hasMessageContaining("upstreams.rlsTls.name");
    assertThatThrownBy(() -> new EdgectlConfig.RlsTls("/ca.crt", "rls", "/c.crt", null))
        .hasMessageContaining("certificate and certificateKey go together");
    assertThatThrownBy(() -> new EdgectlConfig.RlsTls("/ca.crt; evil", "rls", null, null))
        .hasMessageContaining("must be a plain file path");
    assertThatThrownBy(() -> new EdgectlConfig.ListenTls("/edge.crt", null))
        .hasMessageContaining("nginx.tls.certificateKey is required");
  }
}
