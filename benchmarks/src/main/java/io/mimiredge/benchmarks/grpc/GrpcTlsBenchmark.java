package io.mimiredge.benchmarks.grpc;

import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCalls;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.grpc.GrpcServer;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import io.mimiredge.rls.testing.TestCertificates;
import io.mimiredge.rls.tls.ServerTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What mutual TLS adds to Envoy's {@code Check}: the RLS's gRPC doors on a real Netty port on
 * 127.0.0.1, one kept-alive channel (as Envoy keeps its HTTP/2 connections), a push of {@code
 * series} series per call, plaintext against mutual TLS (ECDSA P-256 certificates, a client
 * certificate checked against the CA) in the same run. SampleTime gives the p50 and p99 of each.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar GrpcTlsBenchmark}
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class GrpcTlsBenchmark {
  @Param({"plaintext", "mtls"})
  public String transport;

  @Param({"500"})
  public int series;

  private Path dir;
  private GrpcServer server;
  private ManagedChannel channel;
  private byte[] requestBytes;

  @Setup(Level.Trial)
  public void start() throws Exception {
    byte[] body = SyntheticPush.body(series, 42);
    TenantLimits generous =
        TenantLimits.MIMIR_DEFAULTS.withIngestionRate(1e9).withIngestionBurstSize(2_000_000_000);
    PushEvaluator evaluator =
        new PushEvaluator(
            Enforcer.builder()
                .overrides(Overrides.of(generous))
                .buckets(new LocalBucketStore(System::nanoTime))
                .build(),
            new WriteRequestScanner(64 << 20),
            50L << 20,
            () -> io.mimiredge.benchmarks.remotewrite.Scanning.NOW_MILLIS);
    GrpcServer.Builder b =
        GrpcServer.builder()
            .bind("127.0.0.1", 0)
            .evaluator(evaluator)
            .recorder((door, d, nanos) -> {})
            .limitsLoaded(() -> true)
            .healthPollInterval(Duration.ZERO)
            .shutdownGrace(Duration.ofSeconds(1));
    ChannelCredentials credentials = InsecureChannelCredentials.create();
    if (transport.equals("mtls")) {
      dir = Files.createTempDirectory("grpc-tls-bench");
      TestCertificates.Issued ca = TestCertificates.ca("bench CA");
      TestCertificates.Issued rls = TestCertificates.leaf(ca, "rls", "ip:127.0.0.1");
      TestCertificates.Issued envoy = TestCertificates.leaf(ca, "envoy", "dns:envoy");
      Path caFile = ca.writeCertificate(dir.resolve("ca.crt"));
      b.tls(
          new ServerTls(
              "grpc",
              rls.writeChain(dir.resolve("rls.crt")),
              rls.writeKey(dir.resolve("rls.key")),
              caFile,
              List.of("envoy"),
              Duration.ofMinutes(1),
              Clock.systemUTC()));
      credentials =
          TlsChannelCredentials.newBuilder()
              .trustManager(caFile.toFile())
              .keyManager(
                  envoy.writeChain(dir.resolve("envoy.crt")).toFile(),
                  envoy.writeKey(dir.resolve("envoy.key")).toFile())
              .build();
    }
    server = b.build();
    server.start();
    channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), credentials).build();
    requestBytes = GrpcCheckState.checkRequest(body).toByteArray();
    CheckResponse first =
        ClientCalls.blockingUnaryCall(
            channel, GrpcCheckState.CHECK_BYTES, CallOptions.DEFAULT, requestBytes);
    if (first.hasDeniedResponse()) {
      throw new IllegalStateException("the push was denied: " + first);
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    channel.shutdownNow();
    server.stop();
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }
  }

  /** One Check on the kept-alive channel: after the first, no handshake, only record crypto. */
  @Benchmark
  public CheckResponse check() {
    return ClientCalls.blockingUnaryCall(
        channel, GrpcCheckState.CHECK_BYTES, CallOptions.DEFAULT, requestBytes);
  }
}
