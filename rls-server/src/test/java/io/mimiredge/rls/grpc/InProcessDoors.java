package io.mimiredge.rls.grpc;

import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.limits.LimitsParseException;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.OverridesParser;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The gRPC doors on an in-process server with a direct executor, over an enforcer with a fake clock
 * and the given overrides, recording every decision.
 */
final class InProcessDoors {
  static final long MAX_REQUEST_BYTES = 50L << 20;

  /** One recorded decision. */
  record Recorded(Door door, Decision decision, long nanos) {}

  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final AtomicBoolean limitsLoaded = new AtomicBoolean(true);
  final List<Recorded> recorded = new CopyOnWriteArrayList<>();
  final Enforcer enforcer;
  final GrpcServer server;
  final ManagedChannel channel;

  InProcessDoors(String overridesYaml) {
    this(overridesYaml, b -> {});
  }

  InProcessDoors(String overridesYaml, Consumer<GrpcServer.Builder> customize) {
    this(overridesYaml, customize, MAX_REQUEST_BYTES);
  }

  InProcessDoors(
      String overridesYaml, Consumer<GrpcServer.Builder> customize, long maxRequestBytes) {
    Overrides overrides;
    try {
      overrides = OverridesParser.parse(overridesYaml, TenantLimits.MIMIR_DEFAULTS);
    } catch (LimitsParseException e) {
      throw new IllegalArgumentException(e);
    }
    enforcer =
        Enforcer.builder().overrides(overrides).buckets(new LocalBucketStore(nanos::get)).build();
    PushEvaluator evaluator =
        new PushEvaluator(
            enforcer,
            new WriteRequestScanner(100 << 20),
            maxRequestBytes,
            () -> io.mimiredge.rls.testing.TestFixtures.NOW_MILLIS);
    String name = InProcessServerBuilder.generateName();
    DecisionRecorder recorder = (door, d, n) -> recorded.add(new Recorded(door, d, n));
    GrpcServer.Builder b =
        GrpcServer.builder()
            .transport(InProcessServerBuilder.forName(name).directExecutor())
            .evaluator(evaluator)
            .recorder(recorder)
            .limitsLoaded(limitsLoaded::get)
            .healthPollInterval(Duration.ZERO)
            .shutdownGrace(Duration.ofMillis(200))
            .nanoClock(nanos::get);
    customize.accept(b);
    server = b.build();
    try {
      server.start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  void advanceSeconds(long s) {
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(s));
  }

  AuthorizationGrpc.AuthorizationBlockingStub authz() {
    return AuthorizationGrpc.newBlockingStub(channel);
  }

  RateLimitServiceGrpc.RateLimitServiceBlockingStub ratelimit() {
    return RateLimitServiceGrpc.newBlockingStub(channel);
  }

  HealthGrpc.HealthBlockingStub health() {
    return HealthGrpc.newBlockingStub(channel);
  }

  Recorded last() {
    return recorded.get(recorded.size() - 1);
  }

  void close() throws InterruptedException {
    channel.shutdownNow();
    server.stop();
  }
}
