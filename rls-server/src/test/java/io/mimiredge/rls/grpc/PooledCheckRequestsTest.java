package io.mimiredge.rls.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import io.mimiredge.rls.testing.TestFixtures;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Check requests read into pooled buffers, their bodies parsed as views of them. */
class PooledCheckRequestsTest {
  private final ArrayByteBufferPool.Tracking pool = new ArrayByteBufferPool.Tracking();
  private final AtomicLong clock = new AtomicLong(1_000);
  private final PooledCheckRequests.Marshaller marshaller =
      new PooledCheckRequests.Marshaller(pool, clock::getAndIncrement);

  private static final CheckRequest PUSH =
      EnvoyRequests.fixture(TestFixtures.SMALL, Map.of("x-scope-orgid", "tenant-a"));

  @AfterEach
  void nothingHeld() {
    assertThat(pool.getLeaks()).as(pool.dumpLeaks()).isEmpty();
  }

  /** As gRPC's transports hand a message over: a stream that knows its length. */
  private static InputStream onTheWire(CheckRequest r) {
    return ProtoUtils.marshaller(CheckRequest.getDefaultInstance()).stream(r);
  }

  @Test
  void aRequestIsReadInItsBufferAndTheBufferHeldUntilReleased() {
    PooledCheckRequests.Parsed parsed = marshaller.parse(onTheWire(PUSH));

    CheckRequestWire r = parsed.request();
    assertThat(parsed.readNanos()).as("stamped when read").isEqualTo(1_000);
    byte[] buffer = parsed.buffer().getByteBuffer().array();
    assertThat(r.buffer()).isSameAs(buffer); // read where it lies, not copied
    byte[] body = TestFixtures.body(TestFixtures.SMALL);
    assertThat(r.bodyOffset()).isEqualTo(indexOf(buffer, body));
    assertThat(Arrays.copyOfRange(buffer, r.bodyOffset(), r.bodyOffset() + r.bodyLength()))
        .isEqualTo(body);
    assertThat(r.header("x-scope-orgid")).isEqualTo("tenant-a");
    assertThat(pool.getLeaks()).hasSize(1);
    parsed.release();
  }

  @Test
  void garbageIsGrpcsInternalErrorAndGivesItsBufferBack() {
    byte[] bytes = PUSH.toByteArray();
    bytes[3] = (byte) 0xff; // a length past the end of the message
    assertThatThrownBy(() -> marshaller.parse(new KnownLengthStream(bytes)))
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
        .isEqualTo(Status.Code.INTERNAL);
    assertThat(marshaller.spares().size()).as("the reader kept for the next one").isEqualTo(1);
  }

  /**
   * A released request's reader is read into again by the next request: nothing of the first
   * survives in it (its headers, its body, its path), and a second release puts nothing back twice
   * (two requests sharing one reader would decide each other's bodies).
   */
  @Test
  void aReleasedReadersArraysServeTheNextRequestWhichSeesNothingOfTheFirst() {
    CheckRequest first =
        EnvoyRequests.fixture(
            TestFixtures.SMALL,
            Map.of("x-scope-orgid", "tenant-a", "content-encoding", "snappy", "x-first", "1"));
    PooledCheckRequests.Parsed a = marshaller.parse(onTheWire(first));
    CheckRequestWire reader = a.request();
    assertThat(reader.header("x-first")).isEqualTo("1");
    a.release();
    a.release();
    assertThat(marshaller.spares().size()).isEqualTo(1);
    assertThat(reader.buffer()).as("forgotten: the buffer went back").isNull();

    CheckRequest second =
        CheckRequest.newBuilder()
            .setAttributes(
                io.envoyproxy.envoy.service.auth.v3.AttributeContext.newBuilder()
                    .setRequest(
                        io.envoyproxy.envoy.service.auth.v3.AttributeContext.Request.newBuilder()
                            .setHttp(
                                io.envoyproxy.envoy.service.auth.v3.AttributeContext.HttpRequest
                                    .newBuilder()
                                    .putHeaders("x-scope-orgid", "tenant-b")
                                    .setRawBody(com.google.protobuf.ByteString.copyFromUtf8("b")))))
            .build();
    PooledCheckRequests.Parsed b = marshaller.parse(onTheWire(second));
    assertThat(b.request()).isSameAs(reader);
    assertThat(marshaller.spares().size()).isZero();
    assertThat(b.request().header("x-scope-orgid")).isEqualTo("tenant-b");
    assertThat(b.request().header("x-first")).isNull();
    assertThat(b.request().header("content-encoding")).isNull();
    assertThat(b.request().path()).isEmpty();
    assertThat(b.request().bodyLength()).isEqualTo(1);
    assertThat(b.request().buffer()[b.request().bodyOffset()]).isEqualTo((byte) 'b');
    b.release();
    assertThat(marshaller.spares().size()).isEqualTo(1);
  }

  @Test
  void aStreamOfUnknownLengthIsParsedWithoutAPooledBuffer() {
    PooledCheckRequests.Parsed parsed =
        marshaller.parse(new ByteArrayInputStream(PUSH.toByteArray()));
    assertThat(parsed.request().header("x-scope-orgid")).isEqualTo("tenant-a");
    assertThat(parsed.request().bodyLength())
        .isEqualTo(TestFixtures.body(TestFixtures.SMALL).length);
    assertThat(parsed.buffer()).isNull();
    parsed.release();
  }

  /**
   * Over a real Netty port: the push in the aliased body is decided exactly (its 500 samples), and
   * every buffer is back in the pool once the answers are in.
   */
  @Test
  void checksOverNettyDecideTheWholeBodyAndGiveEveryBufferBack() throws Exception {
    List<Decision> decisions = new CopyOnWriteArrayList<>();
    GrpcServer server = doors(TenantLimits.MIMIR_DEFAULTS, false, decisions);
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
    try {
      var stub = AuthorizationGrpc.newBlockingStub(channel);
      for (int i = 0; i < 20; i++) {
        CheckResponse r = stub.check(PUSH);
        assertThat(r.getStatus().getCode()).isZero();
      }
    } finally {
      channel.shutdownNow();
      server.stop();
    }
    assertThat(decisions).hasSize(20);
    assertThat(decisions)
        .allSatisfy(
            d -> {
              assertThat(d.verdict()).isEqualTo(Verdict.ALLOW);
              assertThat(d.stats().floatSamples()).isEqualTo(500);
            });
  }

  /**
   * Many Checks at once over a real Netty port, four tenants each with its own push, decided on the
   * event loops and on decision threads while readers go back to the spares and are read into
   * again: every decision is its own request's (its tenant's push, sample for sample).
   */
  @Test
  void concurrentChecksEachDecideTheirOwnRequestWhileReadersAreReused() throws Exception {
    List<Decision> decisions = new CopyOnWriteArrayList<>();
    TenantLimits generous =
        TenantLimits.MIMIR_DEFAULTS.toBuilder()
            .ingestionRate(1e9)
            .ingestionBurstSize(2_000_000_000)
            .requestRate(0)
            .build();
    GrpcServer server = doors(generous, true, decisions);
    // pushes of 139, 229, 307 and 500 samples (testdata/remote-write/expected.jsonl)
    List<String> files = List.of("247.bin", "259.bin", "057.bin", "000.bin");
    List<CheckRequest> requests = new java.util.ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      requests.add(EnvoyRequests.fixture(files.get(i), Map.of("x-scope-orgid", "tenant-" + i)));
    }
    List<ManagedChannel> channels = new java.util.ArrayList<>();
    Map<String, Long> samples = new java.util.HashMap<>();
    try {
      for (int c = 0; c < 4; c++) {
        channels.add(
            Grpc.newChannelBuilderForAddress(
                    "127.0.0.1", server.port(), InsecureChannelCredentials.create())
                .build());
      }
      // each push alone first: what its tenant's decision counts
      for (CheckRequest r : requests) {
        AuthorizationGrpc.newBlockingStub(channels.get(0)).check(r);
        Decision d = decisions.remove(decisions.size() - 1);
        samples.put(d.tenant(), d.stats().floatSamples());
      }
      assertThat(new java.util.HashSet<>(samples.values())).as("four different pushes").hasSize(4);

      List<com.google.common.util.concurrent.ListenableFuture<CheckResponse>> answers =
          new java.util.ArrayList<>();
      for (int i = 0; i < 400; i++) {
        answers.add(
            AuthorizationGrpc.newFutureStub(channels.get(i % 4)).check(requests.get(i / 4 % 4)));
      }
      for (var answer : answers) {
        answer.get(30, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
      server.stop();
    }
    assertThat(decisions).hasSize(400);
    assertThat(decisions)
        .allSatisfy(d -> assertThat(d.stats().floatSamples()).isEqualTo(samples.get(d.tenant())));
    assertThat(decisions.stream().map(Decision::tenant).distinct()).hasSize(4);
  }

  /**
   * The gRPC doors on a Netty port on 127.0.0.1, started: tenants of {@code limits} on local
   * buckets, requests read into this test's pool, every decision added to {@code decisions}.
   */
  private GrpcServer doors(TenantLimits limits, boolean decideOnEventLoop, List<Decision> decisions)
      throws Exception {
    PushEvaluator evaluator =
        new PushEvaluator(
            Enforcer.builder()
                .overrides(Overrides.of(limits))
                .buckets(new LocalBucketStore(System::nanoTime))
                .build(),
            new WriteRequestScanner(1 << 20),
            1 << 20,
            () -> TestFixtures.NOW_MILLIS);
    GrpcServer server =
        GrpcServer.builder()
            .bind("127.0.0.1", 0)
            .evaluator(evaluator)
            .recorder((door, d, nanos) -> decisions.add(d))
            .limitsLoaded(() -> true)
            .decideOnEventLoop(decideOnEventLoop)
            .healthPollInterval(Duration.ZERO)
            .shutdownGrace(Duration.ofSeconds(1))
            .bodies(pool)
            .build();
    server.start();
    return server;
  }

  private static int indexOf(byte[] in, byte[] part) {
    outer:
    for (int i = 0; i + part.length <= in.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (in[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  /** A byte array as gRPC's transports present a message: a stream that knows its length. */
  private static final class KnownLengthStream extends ByteArrayInputStream
      implements io.grpc.KnownLength {
    KnownLengthStream(byte[] bytes) {
      super(bytes);
    }
  }
}
