package io.mimiredge.benchmarks.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.grpc.GrpcServer;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import io.mimiredge.rls.testing.TestCertificates;
import io.mimiredge.rls.tls.ServerTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The RLS's gRPC doors on a real Netty port on 127.0.0.1, deciding with limits that admit
 * everything, in plaintext or with mutual TLS (ECDSA P-256 test certificates, Envoy's client
 * certificate checked against the CA and the SAN allow-list, as {@code grpc.tls} does), and one
 * kept-alive client channel to them, as Envoy keeps its HTTP/2 connections.
 */
final class GrpcDoors implements AutoCloseable {
  private final GrpcServer server;
  private final ManagedChannel channel;
  private final Path dir;

  private GrpcDoors(GrpcServer server, ManagedChannel channel, Path dir) {
    this.server = server;
    this.channel = channel;
    this.dir = dir;
  }

  /** An evaluator whose limits admit every push the benchmarks send (rates at 1e9). */
  static PushEvaluator generousEvaluator() {
    TenantLimits generous =
        TenantLimits.MIMIR_DEFAULTS.toBuilder()
            .ingestionRate(1e9)
            .ingestionBurstSize(2_000_000_000)
            .build();
    return new PushEvaluator(
        Enforcer.builder()
            .overrides(Overrides.of(generous))
            .buckets(new LocalBucketStore(System::nanoTime))
            .build(),
        new WriteRequestScanner(64 << 20),
        50L << 20,
        () -> io.mimiredge.benchmarks.remotewrite.Scanning.NOW_MILLIS);
  }

  private static final NioEventLoopGroup CLIENT_LOOPS =
      new NioEventLoopGroup(1, new DefaultThreadFactory("client-elg", true));

  static GrpcDoors start(boolean mutualTls) throws Exception {
    PushEvaluator evaluator = generousEvaluator();
    GrpcServer.Builder b =
        GrpcServer.builder()
            .bind("127.0.0.1", 0)
            .evaluator(evaluator)
            .recorder((door, d, nanos) -> {})
            .limitsLoaded(() -> true)
            // as rls.yml's default does without Redis: small calls decided where they are read
            .decideOnEventLoop(true)
            .healthPollInterval(Duration.ZERO)
            .shutdownGrace(Duration.ofSeconds(1));
    ChannelCredentials credentials = InsecureChannelCredentials.create();
    Path dir = null;
    if (mutualTls) {
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
    GrpcServer server = b.build();
    server.start();
    // The client on event loops of its own ("client-elg-"), so that what the server's threads
    // ("grpc-default-", "rls-grpc-decide-") do can be told apart from the client's
    // (ThreadCostProfiler).
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port(), credentials)
            .eventLoopGroup(CLIENT_LOOPS)
            .channelType(NioSocketChannel.class)
            .build();
    return new GrpcDoors(server, channel, dir);
  }

  ManagedChannel channel() {
    return channel;
  }

  int port() {
    return server.port();
  }

  @Override
  public void close() throws IOException {
    channel.shutdownNow();
    try {
      server.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }
  }
}
