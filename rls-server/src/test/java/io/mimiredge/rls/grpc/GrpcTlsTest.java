package io.mimiredge.rls.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.mimiredge.rls.config.GrpcFactory;
import io.mimiredge.rls.config.TlsFactory;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.TenantResolver;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import io.mimiredge.rls.testing.TestCertificates;
import io.mimiredge.rls.testing.TestCertificates.Issued;
import io.mimiredge.rls.testing.TestFixtures;
import io.mimiredge.rls.tls.ServerTls;
import io.mimiredge.testsupport.Await;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC doors over mutual TLS on a real Netty port, with real handshakes: the good client gets
 * answers; no certificate, another CA's, an expired one or one whose names are not allowed are
 * refused at the handshake; a certificate replaced on disk serves the next connection, and a bad
 * replacement keeps the last good one.
 */
class GrpcTlsTest {
  static final String ENVOY_ID = "spiffe://cluster.local/ns/edge/sa/envoy";
  static final String ENVOY = "uri:" + ENVOY_ID; // as a SAN of a test certificate

  @TempDir Path dir;

  private final Issued ca = TestCertificates.ca("edge CA");
  private final Issued otherCa = TestCertificates.ca("another CA");
  private final List<ManagedChannel> channels = new ArrayList<>();
  private Path certFile;
  private Path keyFile;
  private Path caFile;
  private GrpcServer server;

  @BeforeEach
  void files() {
    Issued rls = TestCertificates.leaf(ca, "rls", "dns:localhost", "ip:127.0.0.1");
    certFile = rls.writeChain(dir.resolve("tls.crt"));
    keyFile = rls.writeKey(dir.resolve("tls.key"));
    caFile = ca.writeCertificate(dir.resolve("ca.crt"));
  }

  @AfterEach
  void close() throws InterruptedException {
    channels.forEach(ManagedChannel::shutdownNow);
    if (server != null) {
      server.stop();
    }
  }

  private GrpcServer start(String refresh, String... allowedSans) throws Exception {
    TlsFactory tls = new TlsFactory();
    tls.setCertFile(certFile.toString());
    tls.setKeyFile(keyFile.toString());
    tls.setClientCaFile(caFile.toString());
    tls.setAllowedClientSans(List.of(allowedSans));
    tls.setRefreshInterval(io.dropwizard.util.Duration.parse(refresh));
    GrpcFactory config = new GrpcFactory();
    config.setBindHost("127.0.0.1");
    config.setPort(0);
    config.setTls(tls);
    Enforcer enforcer =
        Enforcer.builder()
            .overrides(Overrides.of(TenantLimits.MIMIR_DEFAULTS))
            .buckets(new LocalBucketStore(System::nanoTime))
            .build();
    PushEvaluator evaluator =
        new PushEvaluator(
            enforcer, new WriteRequestScanner(50 << 20), 5 << 20, () -> TestFixtures.NOW_MILLIS);
    server =
        config.build(
            evaluator,
            DecisionRecorder.NONE,
            () -> true,
            TenantResolver.header("X-Scope-OrgID"),
            null,
            io.mimiredge.rls.internal.BodyPool.create(),
            false);
    server.start();
    return server;
  }

  /** What the client saw of the server's certificate, per handshake. */
  private final List<X509Certificate> presented = new CopyOnWriteArrayList<>();

  private ChannelCredentials client(Issued who) throws Exception {
    TlsChannelCredentials.Builder b =
        TlsChannelCredentials.newBuilder()
            .trustManager(TestCertificates.recordingTrust(ca, presented));
    if (who != null) {
      b.keyManager(
          who.writeChain(dir.resolve(who.certificate().getSerialNumber() + ".crt")).toFile(),
          who.writeKey(dir.resolve(who.certificate().getSerialNumber() + ".key")).toFile());
    }
    return b.build();
  }

  /** One health check on a new connection: the handshake's outcome. */
  private ServingStatus check(ChannelCredentials credentials) {
    ManagedChannel ch =
        Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), credentials).build();
    channels.add(ch);
    return HealthGrpc.newBlockingStub(ch)
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }

  private void assertRefused(ChannelCredentials credentials) {
    assertThatThrownBy(() -> check(credentials))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void onlyTheClientsTheCaSignedWithAnAllowedNameAreAnswered() throws Exception {
    start("1m", ENVOY_ID);
    assertThat(server.tls()).hasValueSatisfying(t -> assertThat(t.clientAuth()).isTrue());
    assertThat(check(client(TestCertificates.leaf(ca, "envoy", ENVOY))))
        .isEqualTo(ServingStatus.SERVING);
    assertThat(presented)
        .last()
        .extracting(c -> c.getSubjectX500Principal().getName())
        .isEqualTo("CN=rls");

    assertRefused(client(null)); // no certificate
    assertRefused(client(TestCertificates.leaf(otherCa, "impostor", ENVOY))); // another CA
    Instant now = Instant.now();
    assertRefused(
        client(
            TestCertificates.leaf(
                ca, "old-envoy", now.minus(Duration.ofDays(2)), now.minusSeconds(60), ENVOY)));
    assertRefused(client(TestCertificates.leaf(ca, "nginx", "dns:nginx.edge.svc"))); // not allowed
  }

  @Test
  void anyCertificateOfTheCaWithoutAnAllowList() throws Exception {
    start("1m");
    assertThat(check(client(TestCertificates.leaf(ca, "nginx", "dns:nginx.edge.svc"))))
        .isEqualTo(ServingStatus.SERVING);
    assertRefused(client(null));
  }

  @Test
  void aReplacedCertificateServesTheNextConnectionAndABadOneKeepsTheLastGood() throws Exception {
    start("1m");
    Issued envoy = TestCertificates.leaf(ca, "envoy", ENVOY);
    check(client(envoy));
    X509Certificate first = presented.get(presented.size() - 1);
    ServerTls tls = server.tls().orElseThrow();

    // a key that does not match the served certificate: refused, the last good one still serves
    TestCertificates.leaf(ca, "half-written").writeKey(keyFile);
    tls.refresh();
    assertThat(tls.problem()).hasValueSatisfying(p -> assertThat(p).contains(keyFile.toString()));
    check(client(envoy));
    assertThat(presented).last().isEqualTo(first);

    // the new pair in place: the next handshake presents it, the problem is gone
    Issued rotated = TestCertificates.leaf(ca, "rls-rotated", "ip:127.0.0.1");
    rotated.writeChain(certFile);
    rotated.writeKey(keyFile);
    tls.refresh();
    assertThat(tls.problem()).isEmpty();
    check(client(envoy));
    assertThat(presented).last().isEqualTo(rotated.certificate());
    assertThat(tls.served()).isEqualTo(rotated.certificate());
  }

  @Test
  void theRefreshIntervalPicksUpARotationWithoutACall() throws Exception {
    start("1s");
    Issued envoy = TestCertificates.leaf(ca, "envoy", ENVOY);
    Issued rotated = TestCertificates.leaf(ca, "rls-rotated", "ip:127.0.0.1");
    rotated.writeKey(keyFile);
    rotated.writeChain(certFile);
    Await.await(
        "the rotated certificate picked up by the refresh",
        () -> server.tls().orElseThrow().served().equals(rotated.certificate()),
        Duration.ofSeconds(30));
    check(client(envoy));
    assertThat(presented).last().isEqualTo(rotated.certificate());
  }
}
