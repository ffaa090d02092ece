package io.mimiredge.rls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.DropwizardTestSupport;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.mimiredge.rls.testing.TestCertificates;
import io.mimiredge.rls.testing.TestCertificates.Issued;
import io.mimiredge.rls.testing.TestFixtures;
import io.mimiredge.rls.testing.TestRls;
import io.mimiredge.testsupport.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application with {@code grpc.tls} in {@code rls.yml}: Envoy's doors over mutual TLS, the
 * served certificate in {@code /api/health} and {@code rls_tls_certificate_expiry_seconds}, a bad
 * replacement shown (the last good serving), and a broken file stopping the start with its name.
 */
class RlsTlsTest {
  @TempDir Path dir;

  private final int grpcPort = freePort();

  private final Issued ca = TestCertificates.ca("edge CA");
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private DropwizardTestSupport<RlsConfiguration> rls;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (rls != null) {
      rls.after();
    }
  }

  private Path config(Path certFile, Path keyFile) throws Exception {
    return TestRls.builder()
        .dir(dir)
        .overrides("overrides:\n  t1:\n    ingestion_rate: 1\n")
        .grpc(
            """
            bindHost: 127.0.0.1
            port: %d
            tls:
              certFile: %s
              keyFile: %s
              clientCaFile: %s
              allowedClientSans: [spiffe://cluster.local/ns/edge/sa/envoy]
              refreshInterval: 1s
            """
                .formatted(grpcPort, certFile, keyFile, ca.writeCertificate(dir.resolve("ca.crt"))))
        .write();
  }

  private JsonNode get(String path) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rls.getLocalPort() + path)).build();
    String body = http.send(r, HttpResponse.BodyHandlers.ofString()).body();
    return path.equals("/metrics") ? json.valueToTree(body) : json.readTree(body);
  }

  @Test
  void envoysDoorsServeMutualTlsAndHealthShowsTheCertificate() throws Exception {
    Issued server = TestCertificates.leaf(ca, "rls", "ip:127.0.0.1");
    Path certFile = server.writeChain(dir.resolve("tls.crt"));
    Path keyFile = server.writeKey(dir.resolve("tls.key"));
    rls = new DropwizardTestSupport<>(RlsApplication.class, config(certFile, keyFile).toString());
    rls.before();
    Issued envoy =
        TestCertificates.leaf(ca, "envoy", "uri:spiffe://cluster.local/ns/edge/sa/envoy");
    channel = envoyChannel(envoy);
    assertThat(health().getStatus()).isEqualTo(ServingStatus.SERVING);

    JsonNode health = get("/api/health");
    assertThat(health.at("/tls/grpc/certificate").asText()).isEqualTo("CN=rls");
    assertThat(health.at("/tls/grpc/clientAuth").asBoolean()).isTrue();
    assertThat(health.at("/tls/grpc/problem").isNull()).isTrue();
    assertThat(get("/metrics").asText())
        .containsPattern("(?m)^rls_tls_certificate_expiry_seconds\\{door=\"grpc\"} 8[0-9]{4}\\.");

    // a replacement key that does not match: the last good pair serves, health says why
    TestCertificates.leaf(ca, "other").writeKey(keyFile);
    await(
        "health naming the mismatched key",
        () -> get("/api/health").at("/tls/grpc/problem").asText().contains(keyFile.toString()));
    assertThat(get("/api/health").at("/status").asText()).isEqualTo("degraded");
    channel.shutdownNow();
    channel = envoyChannel(envoy);
    assertThat(health().getStatus()).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void theHttpDoorsServeMutualTlsFromPemFilesAndARotationServesTheNextConnection()
      throws Exception {
    Issued server = TestCertificates.leaf(ca, "rls-http", "ip:127.0.0.1");
    Path certFile = server.writeChain(dir.resolve("http.crt"));
    Path keyFile = server.writeKey(dir.resolve("http.key"));
    Path caFile = ca.writeCertificate(dir.resolve("ca.crt"));
    Path config =
        TestRls.builder()
            .dir(dir)
            .name("rls-https")
            .overrides("overrides:\n  t1:\n    ingestion_rate: 1\n    ingestion_burst_size: 10\n")
            .applicationConnectors(
                """
                - type: pem-https
                  bindHost: 127.0.0.1
                  port: 0
                  tls:
                    certFile: %s
                    keyFile: %s
                    clientCaFile: %s
                    refreshInterval: 1s
                """
                    .formatted(certFile, keyFile, caFile))
            .write();
    rls = new DropwizardTestSupport<>(RlsApplication.class, config.toString());
    rls.before();
    Issued nginx = TestCertificates.leaf(ca, "nginx", "dns:nginx.edge.svc");
    URI push = URI.create("https://127.0.0.1:" + rls.getLocalPort() + "/api/v1/push");
    URI health = URI.create("https://127.0.0.1:" + rls.getLocalPort() + "/api/health");

    // the client NGINX would be: the edge CA's certificate, a real handshake, a decision
    List<X509Certificate> presented = new CopyOnWriteArrayList<>();
    HttpResponse<String> denied =
        https(nginx, presented)
            .send(
                HttpRequest.newBuilder(push)
                    .header("Content-Type", "application/x-protobuf")
                    .header("Content-Encoding", "snappy")
                    .header("X-Scope-OrgID", "t1")
                    .POST(
                        HttpRequest.BodyPublishers.ofByteArray(
                            TestFixtures.body(TestFixtures.SMALL)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(denied.statusCode()).as(denied.body()).isEqualTo(429);
    assertThat(presented).last().isEqualTo(server.certificate());
    JsonNode tls =
        json.readTree(
                https(nginx, presented)
                    .send(
                        HttpRequest.newBuilder(health).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body())
            .at("/tls");
    String door = "application:0";
    assertThat(tls.at("/" + door + "/certificate").asText()).as("%s", tls).isEqualTo("CN=rls-http");

    // no client certificate: refused at the handshake
    assertThatThrownBy(
            () ->
                https(null, presented)
                    .send(
                        HttpRequest.newBuilder(health).build(),
                        HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);

    // another CA's certificate: refused at the handshake too
    Issued foreign = TestCertificates.leaf(TestCertificates.ca("another CA"), "impostor");
    assertThatThrownBy(
            () ->
                https(foreign, presented)
                    .send(
                        HttpRequest.newBuilder(health).build(),
                        HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);

    // the pair replaced on disk: a new connection gets the new certificate, no restart
    Issued rotated = TestCertificates.leaf(ca, "rls-http-2", "ip:127.0.0.1");
    rotated.writeKey(keyFile);
    rotated.writeChain(certFile);
    await(
        "the rotated certificate served to a new connection",
        () -> {
          https(nginx, presented)
              .send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding());
          return presented.get(presented.size() - 1).equals(rotated.certificate());
        });
  }

  /** A client with its own TLS context (no session to resume), recording the server's chain. */
  private HttpClient https(Issued client, List<X509Certificate> presented) {
    return HttpClient.newBuilder()
        .sslContext(TestCertificates.clientContext(ca, client, presented))
        .connectTimeout(java.time.Duration.ofSeconds(10))
        .build();
  }

  @Test
  void clientAuthOnPemHttpsComesOnlyFromItsClientCa() throws Exception {
    Issued server = TestCertificates.leaf(ca, "rls", "ip:127.0.0.1");
    Path config =
        Files.writeString(
            dir.resolve("rls-need.yml"),
            """
            server:
              applicationConnectors:
                - type: pem-https
                  port: 0
                  needClientAuth: true
                  tls: {certFile: %s, keyFile: %s}
            """
                .formatted(
                    server.writeChain(dir.resolve("n.crt")),
                    server.writeKey(dir.resolve("n.key"))));
    rls = new DropwizardTestSupport<>(RlsApplication.class, config.toString());
    assertThatThrownBy(rls::before)
        .hasStackTraceContaining("pem-https: set tls.clientCaFile to require client certificates");
    rls = null;
  }

  @Test
  void aBrokenFileStopsTheStartNamingIt() throws Exception {
    Issued server = TestCertificates.leaf(ca, "rls", "ip:127.0.0.1");
    Path certFile = server.writeChain(dir.resolve("tls.crt"));
    Path keyFile = dir.resolve("missing.key");
    rls = new DropwizardTestSupport<>(RlsApplication.class, config(certFile, keyFile).toString());
    assertThatThrownBy(rls::before)
        .hasStackTraceContaining("keyFile " + keyFile + ": no such file");
    rls = null;
  }

  private static void await(String what, ThrowingBoolean condition) {
    Await.await(
        what,
        () -> {
          try {
            return condition.get();
          } catch (Exception e) {
            throw new IllegalStateException(e); // not retried, as before: the test fails on it
          }
        },
        Duration.ofSeconds(30));
  }

  interface ThrowingBoolean {
    boolean get() throws Exception;
  }

  private ManagedChannel envoyChannel(Issued envoy) throws Exception {
    return Grpc.newChannelBuilderForAddress(
            "127.0.0.1",
            grpcPort,
            TlsChannelCredentials.newBuilder()
                .trustManager(dir.resolve("ca.crt").toFile())
                .keyManager(
                    envoy.writeChain(dir.resolve("envoy.crt")).toFile(),
                    envoy.writeKey(dir.resolve("envoy.key")).toFile())
                .build())
        .build();
  }

  private HealthCheckResponse health() {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance());
  }

  private static int freePort() {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
