package io.mimiredge.rls.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.dropwizard.util.DataSize;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.mimiredge.rls.config.GrpcFactory;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.enforce.TenantResolver;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import io.mimiredge.testsupport.Await;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The gRPC doors over a real Netty port on 127.0.0.1, built from the configuration bean. */
class GrpcServerNettyTest {
  private static final int MAX_REQUEST_BYTES = 5 << 20;
  private static final int OVERHEAD_BYTES = 64 << 10;

  private final ExecutorService executor = Executors.newCachedThreadPool();
  private GrpcServer server;
  private ManagedChannel channel;

  @AfterEach
  void close() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.stop();
    }
    executor.shutdownNow();
  }

  private GrpcServer start(DecisionRecorder recorder, String grace) throws Exception {
    return start(recorder, grace, new GrpcFactory(), false);
  }

  /**
   * @param mayWait whether decisions may wait on the network (Redis configured): the tests whose
   *     decisions block stand for those
   */
  private GrpcServer start(
      DecisionRecorder recorder, String grace, GrpcFactory config, boolean mayWait)
      throws Exception {
    return start(recorder, grace, config, mayWait, null);
  }

  private GrpcServer start(
      DecisionRecorder recorder,
      String grace,
      GrpcFactory config,
      boolean mayWait,
      io.mimiredge.rls.overload.DoorLimiter limiter)
      throws Exception {
    config.setBindHost("127.0.0.1");
    config.setPort(0);
    config.setMessageOverhead(DataSize.kibibytes(OVERHEAD_BYTES >> 10));
    config.setShutdownGrace(io.dropwizard.util.Duration.parse(grace));
    Enforcer enforcer =
        Enforcer.builder()
            .overrides(
                Overrides.of(TenantLimits.MIMIR_DEFAULTS.toBuilder().requestRate(100).build()))
            .buckets(new LocalBucketStore(System::nanoTime))
            .build();
    PushEvaluator evaluator =
        new PushEvaluator(
            enforcer,
            new WriteRequestScanner(50 << 20),
            MAX_REQUEST_BYTES,
            () -> io.mimiredge.rls.testing.TestFixtures.NOW_MILLIS);
    server =
        config.build(
            evaluator,
            recorder,
            () -> true,
            TenantResolver.header("X-Scope-OrgID"),
            limiter,
            io.mimiredge.rls.internal.BodyPool.create(),
            mayWait);
    server.start();
    channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
    return server;
  }

  private static CheckRequest randomBody(int bytes) {
    byte[] body = new byte[bytes];
    new Random(bytes).nextBytes(body);
    return EnvoyRequests.push(
        EnvoyRequests.prometheusHeaders(bytes, Map.of("X-Scope-OrgID", "tenant-a")),
        ByteString.copyFrom(body),
        true);
  }

  @Test
  void servesEveryDoorOnOnePort() throws Exception {
    start(DecisionRecorder.NONE, "1s");

    assertThat(server.port()).isPositive();
    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
    CheckResponse check =
        AuthorizationGrpc.newBlockingStub(channel)
            .check(EnvoyRequests.fixture("000.bin", Map.of("X-Scope-OrgID", "tenant-a")));
    assertThat(check.hasDeniedResponse()).isFalse();
    RateLimitResponse rl =
        RateLimitServiceGrpc.newBlockingStub(channel)
            .shouldRateLimit(
                EnvoyRequests.rateLimit(EnvoyRequests.DOMAIN, "tenant", "tenant-a", 1));
    assertThat(rl.getOverallCode()).isEqualTo(RateLimitResponse.Code.OK);
  }

  @Test
  void acceptsA5MiBBodyAndRefusesLargerMessagesWithResourceExhausted() throws Exception {
    start(DecisionRecorder.NONE, "1s");
    AuthorizationGrpc.AuthorizationBlockingStub stub = AuthorizationGrpc.newBlockingStub(channel);
    assertThat(server.maxInboundMessageBytes()).isEqualTo(MAX_REQUEST_BYTES + OVERHEAD_BYTES);

    // The whole 5 MiB arrives and is judged (random bytes: not remote write).
    CheckResponse fits = stub.check(randomBody(MAX_REQUEST_BYTES));
    assertThat(fits.getDeniedResponse().getStatus().getCode()).isEqualTo(StatusCode.BadRequest);
    assertThat(fits.getDeniedResponse().getHeaders(1).getHeader().getValue())
        .isEqualTo(Reason.BAD_BODY.label());

    // Over maxRequestBytes but within the message overhead: the enforcer's 400 (Mimir's push
    // handler answers a remote write too large to parse so).
    CheckResponse tooLarge = stub.check(randomBody(MAX_REQUEST_BYTES + 1));
    assertThat(tooLarge.getDeniedResponse().getStatus().getCode()).isEqualTo(StatusCode.BadRequest);
    assertThat(tooLarge.getDeniedResponse().getHeaders(1).getHeader().getValue())
        .isEqualTo(Reason.BODY_TOO_LARGE.label());

    // Over the message limit: refused by gRPC before anything is decided.
    assertThatThrownBy(() -> stub.check(randomBody(MAX_REQUEST_BYTES + OVERHEAD_BYTES + 1)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  @Test
  void stopLetsRunningCallsFinishAndRefusesNewOnes() throws Exception {
    CountDownLatch inCall = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    startBlocking(inCall, release, "10s");
    AuthorizationGrpc.AuthorizationBlockingStub stub = AuthorizationGrpc.newBlockingStub(channel);
    CheckRequest push = EnvoyRequests.fixture("000.bin", Map.of("X-Scope-OrgID", "tenant-a"));
    Future<CheckResponse> running = executor.submit(() -> stub.check(push));
    assertThat(inCall.await(10, TimeUnit.SECONDS)).isTrue();

    Future<?> stopping = executor.submit(() -> stopQuietly(server));
    Await.await("the server no longer serving", () -> !server.serving(), Duration.ofSeconds(10));
    assertThat(stopping.isDone()).isFalse(); // waiting for the running call

    release.countDown();

    assertThat(running.get(10, TimeUnit.SECONDS).hasDeniedResponse()).isFalse();
    stopping.get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> stub.check(push))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void stopCancelsWhatIsStillRunningAfterTheGrace() throws Exception {
    CountDownLatch inCall = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    startBlocking(inCall, release, "200ms");
    AuthorizationGrpc.AuthorizationBlockingStub stub = AuthorizationGrpc.newBlockingStub(channel);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Future<?> running =
        executor.submit(
            () -> {
              try {
                stub.check(EnvoyRequests.fixture("000.bin", Map.of("X-Scope-OrgID", "tenant-a")));
              } catch (StatusRuntimeException e) {
                failure.set(e);
              }
            });
    assertThat(inCall.await(10, TimeUnit.SECONDS)).isTrue();

    long start = System.nanoTime();
    server.stop();
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    release.countDown();

    running.get(10, TimeUnit.SECONDS);
    assertThat(tookMs).isBetween(150L, 9_000L);
    assertThat(failure.get()).isInstanceOf(StatusRuntimeException.class);
    assertThat(((StatusRuntimeException) failure.get()).getStatus().getCode())
        .isIn(Status.Code.CANCELLED, Status.Code.UNAVAILABLE);
  }

  /**
   * With one call at a time per connection, a second call on the channel waits in the client (as
   * Envoy would hold it) until the first is answered: it never reaches the server.
   */
  @Test
  void maxConcurrentCallsPerConnectionHoldsTheRestOnTheClientsSide() throws Exception {
    java.util.concurrent.atomic.AtomicInteger entered =
        new java.util.concurrent.atomic.AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    GrpcFactory config = new GrpcFactory();
    config.setMaxConcurrentCallsPerConnection(1);
    start(
        (door, d, n) -> {
          entered.incrementAndGet();
          await(release);
        },
        "10s",
        config,
        true);
    AuthorizationGrpc.AuthorizationBlockingStub stub = AuthorizationGrpc.newBlockingStub(channel);
    CheckRequest push = EnvoyRequests.fixture("000.bin", Map.of("X-Scope-OrgID", "tenant-a"));
    Future<CheckResponse> first = executor.submit(() -> stub.check(push));
    Await.await("the first call in the server", () -> entered.get() == 1, Duration.ofSeconds(10));
    Future<CheckResponse> second = executor.submit(() -> stub.check(push));
    Thread.sleep(300); // ample time for the second call to arrive, were it let through
    assertThat(entered.get()).isEqualTo(1);

    release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).hasDeniedResponse()).isFalse();
    assertThat(second.get(10, TimeUnit.SECONDS).hasDeniedResponse()).isFalse();
    assertThat(entered.get()).isEqualTo(2);
  }

  /** The door and the thread of each decision the server records. */
  private final java.util.List<String> deciders = new java.util.concurrent.CopyOnWriteArrayList<>();

  private void checkAndRateLimit() {
    AuthorizationGrpc.newBlockingStub(channel)
        .check(EnvoyRequests.fixture("000.bin", Map.of("X-Scope-OrgID", "tenant-a")));
    RateLimitServiceGrpc.newBlockingStub(channel)
        .shouldRateLimit(EnvoyRequests.rateLimit(EnvoyRequests.DOMAIN, "tenant", "tenant-a", 1));
  }

  /**
   * With buckets of its own (no Redis), a small call is decided on the Netty event loop that read
   * it: no thread is woken.
   */
  @Test
  void decidesSmallCallsOnTheEventLoopThatReadThem() throws Exception {
    start((door, d, n) -> deciders.add(door + " " + Thread.currentThread().getName()), "1s");

    checkAndRateLimit();

    assertThat(deciders)
        .hasSize(2)
        .allSatisfy(t -> assertThat(t).containsPattern(" grpc-[a-z]+-worker-ELG-\\d+-\\d+$"));
  }

  /**
   * A call decided on the event loop gives its concurrency permit back when it is answered: under a
   * limit of one, calls one after another are all admitted, and none is left in flight.
   */
  @Test
  void aCallDecidedOnTheLoopGivesItsPermitBack() throws Exception {
    io.mimiredge.rls.overload.DoorLimiter limiter =
        new io.mimiredge.rls.overload.DoorLimiter(
            "grpc",
            "concurrency",
            com.netflix.concurrency.limits.limit.FixedLimit.of(1),
            System::nanoTime,
            (door, cause) -> {});
    start(
        (door, d, n) -> deciders.add(Thread.currentThread().getName()),
        "1s",
        new GrpcFactory(),
        false,
        limiter);

    for (int i = 0; i < 3; i++) {
      checkAndRateLimit();
    }

    assertThat(deciders).hasSize(6).noneMatch(t -> t.startsWith("rls-grpc-decide-"));
    Await.await("every permit back", () -> limiter.inFlight() == 0, Duration.ofSeconds(10));
    assertThat(limiter.shed()).isZero();
  }

  /** A call over 64 KiB is handed over: one decision never holds a loop for long. */
  @Test
  void handsALargeCallOver() throws Exception {
    start((door, d, n) -> deciders.add(Thread.currentThread().getName()), "1s");

    AuthorizationGrpc.newBlockingStub(channel)
        .check(randomBody(DecisionThreads.MAX_INLINE_BYTES + 1));

    assertThat(deciders).singleElement().asString().startsWith("rls-grpc-decide-");
  }

  /**
   * When a decision may wait on Redis, or with {@code decideOnEventLoop: false}, every call is
   * handed once to the decision threads, never decided on an event loop.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void handsEveryDecisionOverWhenOneMayWaitOrWhenTurnedOff(boolean mayWait) throws Exception {
    GrpcFactory config = new GrpcFactory();
    config.setDecideOnEventLoop(mayWait); // on: Redis rules it out; off: the setting does
    start(
        (door, d, n) -> deciders.add(door + " " + Thread.currentThread().getName()),
        "1s",
        config,
        mayWait);

    checkAndRateLimit();

    assertThat(deciders)
        .hasSize(2)
        .allSatisfy(t -> assertThat(t).containsPattern(" rls-grpc-decide-\\d+$"));
  }

  /**
   * A decision that throws is answered at once, as grpc-java answers a failing handler, whether it
   * ran on the event loop or was handed over.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aDecisionThatThrowsIsAnsweredUnknownNotLeftHanging(boolean mayWait) throws Exception {
    start(
        (door, d, n) -> {
          throw new IllegalStateException("a broken recorder");
        },
        "1s",
        new GrpcFactory(),
        mayWait);

    assertThatThrownBy(
            () ->
                AuthorizationGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .check(EnvoyRequests.fixture("000.bin", Map.of("X-Scope-OrgID", "tenant-a"))))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo(DecisionThreads.APPLICATION_ERROR);
            });
    // the server is still deciding
    assertThatThrownBy(
            () ->
                RateLimitServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .shouldRateLimit(
                        EnvoyRequests.rateLimit(EnvoyRequests.DOMAIN, "tenant", "tenant-a", 1)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN));
  }

  /**
   * Starts a server whose decisions signal {@code inCall}, then wait for {@code release}: as
   * decisions that wait on Redis do, so never on an event loop.
   */
  private void startBlocking(CountDownLatch inCall, CountDownLatch release, String grace)
      throws Exception {
    start(
        (door, d, n) -> {
          inCall.countDown();
          await(release);
        },
        grace,
        new GrpcFactory(),
        true);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Void stopQuietly(GrpcServer s) throws InterruptedException {
    s.stop();
    return null;
  }
}
