package io.mimiredge.edgectl.live;

import static io.mimiredge.edgectl.live.LiveTrafficTest.promote;
import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.edgectl.support.Cli;
import io.mimiredge.edgectl.support.LocalEdge;
import io.mimiredge.edgectl.support.Nginx;
import io.mimiredge.rls.testing.TestCertificates;
import io.mimiredge.rls.testing.TestCertificates.Issued;
import io.mimiredge.rls.testing.TestRls;
import io.mimiredge.testsupport.Await;
import io.mimiredge.testsupport.StubUpstream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * NGINX to the RLS over mutual TLS, all real: edgectl renders {@code upstreams.rlsTls} (the RLS'
 * certificate verified for its name, NGINX's client certificate presented), the RLS serves its HTTP
 * doors as {@code pem-https} requiring a client certificate of the edge CA with NGINX's name. The
 * mirror's copies reach the shadow door and {@code full}'s pushes are decided over that connection;
 * {@code rollback --emergency} works with NGINX's RLS certificates gone.
 */
class RealRlsTlsTest {
  private static Path dir;
  private static Issued ca;
  private static Issued nginx;
  private static StubUpstream distributor;
  private static TestRls rls;

  @BeforeAll
  static void startRls() throws Exception {
    Nginx.binaryOrSkip();
    dir = Files.createTempDirectory("edgectl-real-rls-tls");
    ca = TestCertificates.ca("edge CA");
    Issued server = TestCertificates.leaf(ca, "rls", "dns:rls.edge.svc", "ip:127.0.0.1");
    nginx = TestCertificates.leaf(ca, "nginx", "dns:nginx.edge.svc");
    distributor = StubUpstream.start("distributor", 200);
    rls =
        TestRls.builder()
            .dir(dir)
            .overrides(TestRls.ROOMY_AND_TIGHT)
            .applicationConnectors(
                """
                - type: pem-https
                  bindHost: 127.0.0.1
                  port: 0
                  tls:
                    certFile: %s
                    keyFile: %s
                    clientCaFile: %s
                    allowedClientSans: [nginx.edge.svc]
                """
                    .formatted(
                        server.writeChain(dir.resolve("rls.crt")),
                        server.writeKey(dir.resolve("rls.key")),
                        ca.writeCertificate(dir.resolve("ca.crt"))))
            .upstream(distributor.url())
            .start();
  }

  /** {@code upstreams.rlsTls} of edgectl.yaml, for the RLS' name {@code name}. */
  private static String rlsTls(Path trusted, String name, Path clientCert, Path clientKey) {
    return "  rlsTls:\n    trustedCertificate: "
        + trusted
        + "\n    name: "
        + name
        + "\n    certificate: "
        + clientCert
        + "\n    certificateKey: "
        + clientKey
        + "\n";
  }

  @AfterAll
  static void stopRls() {
    if (rls != null) {
      rls.close();
    }
    if (distributor != null) {
      distributor.close();
    }
    if (dir != null) {
      Nginx.deletePrefix(dir);
    }
  }

  /** NGINX verifies the RLS: a certificate for another name is refused, the push gets 502. */
  @Test
  void nginxRefusesAnRlsWhoseCertificateIsNotForTheConfiguredName() throws Exception {
    Path clientCert = nginx.writeChain(dir.resolve("verify-client.crt"));
    Path clientKey = nginx.writeKey(dir.resolve("verify-client.key"));
    Path trusted = ca.writeCertificate(dir.resolve("verify-ca.crt"));
    String rlsTls = rlsTls(trusted, "other.edge.svc", clientCert, clientKey);
    try (LocalEdge edge =
        LocalEdge.start("real-rls-verify", "", "127.0.0.1:" + rls.port(), rlsTls)) {
      promote(edge, "full");
      distributor.reset();
      assertThat(RealRlsTest.pushRw2(edge, "roomy").statusCode()).isEqualTo(502);
      assertThat(edge.nginx().errorLog())
          .contains("upstream SSL certificate does not match \"other.edge.svc\"");
      assertThat(distributor.count()).isZero();
    }
  }

  @Test
  void nginxReachesTheRlsOverMutualTlsAndRollsBackWithoutItsCertificates() throws Exception {
    Path clientCert = nginx.writeChain(dir.resolve("nginx-client.crt"));
    Path clientKey = nginx.writeKey(dir.resolve("nginx-client.key"));
    Path trusted = ca.writeCertificate(dir.resolve("nginx-rls-ca.crt"));
    String rlsTls = rlsTls(trusted, "rls.edge.svc", clientCert, clientKey);
    List<X509Certificate> presented = new CopyOnWriteArrayList<>();
    HttpClient metrics =
        HttpClient.newBuilder()
            .sslContext(TestCertificates.clientContext(ca, nginx, presented))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    String rlsBase = "https://127.0.0.1:" + rls.port();
    try (LocalEdge edge =
        LocalEdge.start(
            "real-rls-tls",
            // room for a first TLS handshake with a cold JVM on a shared machine
            "mirror: {connectTimeout: 5s, timeout: 10s}\n",
            "127.0.0.1:" + rls.port(),
            rlsTls)) {
      // mirror: the copies reach the shadow door over mutual TLS and are decided there
      promote(edge, "mirror");
      assertThat(RealRlsTest.pushRw2(edge, "tight").statusCode()).isEqualTo(200);
      assertThat(RealRlsTest.exportOtlp(edge, "tight", true).isSuccess()).isTrue();
      try {
        Await.await(
            "the copies decided at the shadow door over mutual TLS",
            () ->
                RealRlsTest.scanned(metrics, rlsBase, "rw2", "shadow_deny") >= 1
                    && RealRlsTest.scanned(metrics, rlsBase, "otlp", "shadow_deny") >= 1,
            Duration.ofSeconds(10));
      } catch (AssertionError e) {
        throw new AssertionError(
            e.getMessage() + "; NGINX error log: " + edge.nginx().errorLog(), e);
      }
      assertThat(RealRlsTest.scanned(metrics, rlsBase, "rw2", "shadow_deny"))
          .as("NGINX error log: %s", edge.nginx().errorLog())
          .isEqualTo(1);
      assertThat(presented)
          .last()
          .extracting(c -> c.getSubjectX500Principal().getName())
          .isEqualTo("CN=rls");

      // a client of the same CA whose name is not in allowedClientSans: refused at the handshake
      Issued other = TestCertificates.leaf(ca, "other", "dns:other.edge.svc");
      HttpClient refused =
          HttpClient.newBuilder()
              .sslContext(TestCertificates.clientContext(ca, other, new CopyOnWriteArrayList<>()))
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> RealRlsTest.scanned(refused, rlsBase, "rw2", "shadow_deny"))
          .hasRootCauseInstanceOf(javax.net.ssl.SSLException.class);

      // full: decided over that connection, admitted writes forwarded
      promote(edge, "full");
      distributor.reset();
      HttpResponse<String> tight = RealRlsTest.pushRw2(edge, "tight");
      assertThat(tight.statusCode()).as(tight.body()).isEqualTo(429);
      assertThat(tight.body()).contains("err-mimir-tenant-max-ingestion-rate");
      assertThat(RealRlsTest.pushRw2(edge, "roomy").statusCode()).isEqualTo(200);
      assertThat(distributor.received("/api/v1/push"))
          .singleElement()
          .satisfies(s -> assertThat(s.tenant()).isEqualTo("roomy"));
      assertThat(edge.nginx().errorLog()).doesNotContain("SSL_do_handshake() failed");

      // edgectl's own calls to the RLS' admin API over the same mutual TLS (rls.tls)
      Path config = Files.createTempFile(dir, "edgectl-tls", ".yaml");
      Files.writeString(
          config,
          Files.readString(edge.configFile)
              .replaceFirst(
                  "rls:\n  url: [^\n]+\n",
                  "rls:\n  url: "
                      + rlsBase
                      + "\n  tls:\n    trustedCertificate: "
                      + trusted
                      + "\n    certificate: "
                      + clientCert
                      + "\n    certificateKey: "
                      + clientKey
                      + "\n"));
      Cli.Run gates = Cli.run(edge.env, "--config", config.toString(), "gates", "--json");
      assertThat(gates.toString())
          .as("gates read from the real RLS over mutual TLS")
          .contains("\"source\" : \"rls\"")
          .doesNotContain("PKIX")
          .doesNotContain("handshake");
      assertThat(gates.code()).as(gates.toString()).isIn(0, 3); // pass, or a gate below its bar

      // NGINX's RLS certificates gone: the emergency way back does not need them
      Files.delete(clientKey);
      Files.delete(clientCert);
      Files.delete(trusted);
      Cli.Run back = edge.edgectl("rollback", "--emergency");
      assertThat(back.code()).as(back.toString()).isZero();
      edge.resetCounts();
      HttpResponse<String> direct = RealRlsTest.pushRw2(edge, "tight");
      assertThat(direct.statusCode()).isEqualTo(200);
      assertThat(direct.headers().firstValue("X-Edge-Phase")).hasValue("direct");
      assertThat(edge.distributor.received("/api/v1/push")).hasSize(1);
    }
  }
}
