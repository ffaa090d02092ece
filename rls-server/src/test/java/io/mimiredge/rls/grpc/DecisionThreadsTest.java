package io.mimiredge.rls.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCalls;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hand-off of a call's decision to {@link DecisionThreads}, on an in-process server. */
class DecisionThreadsTest {
  /** The event loops' clock: moved by the tests (a decision's duration, a new window). */
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private DecisionThreads threads = new DecisionThreads();
  private final List<RateLimitRequest> released = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void close() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    threads.close();
  }

  private RateLimitServiceGrpc.RateLimitServiceBlockingStub serve(
      ServerCalls.UnaryMethod<RateLimitRequest, RateLimitResponse> method) throws Exception {
    return serve(method, r -> 0);
  }

  /** {@code size}: what the doors take for the size of each request. */
  private RateLimitServiceGrpc.RateLimitServiceBlockingStub serve(
      ServerCalls.UnaryMethod<RateLimitRequest, RateLimitResponse> method,
      ToIntFunction<RateLimitRequest> size)
      throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                ServerServiceDefinition.builder(RateLimitServiceGrpc.getServiceDescriptor())
                    .addMethod(
                        RateLimitServiceGrpc.getShouldRateLimitMethod(),
                        threads.unary(method, size, released::add))
                    .build())
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
    return RateLimitServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static RateLimitRequest request(String domain) {
    return RateLimitRequest.newBuilder().setDomain(domain).build();
  }

  @Test
  void decidesOnItsOwnThreadAndAnswers() throws Exception {
    AtomicReference<String> thread = new AtomicReference<>();
    RateLimitServiceGrpc.RateLimitServiceBlockingStub stub =
        serve(
            (request, answer) -> {
              thread.set(Thread.currentThread().getName());
              answer.onNext(
                  RateLimitResponse.newBuilder().setRawBody(request.getDomainBytes()).build());
              answer.onCompleted();
            });

    assertThat(stub.shouldRateLimit(request("d")).getRawBody().toStringUtf8()).isEqualTo("d");
    assertThat(thread.get()).startsWith("rls-grpc-decide-");
    assertThat(released).isEmpty(); // the method had it
  }

  /**
   * A decision that takes {@code millis} on the event loops' clock, answering with the name of the
   * thread it ran on.
   */
  private ServerCalls.UnaryMethod<RateLimitRequest, RateLimitResponse> taking(long millis) {
    return (request, answer) -> {
      now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
      answer.onNext(
          RateLimitResponse.newBuilder()
              .setRawBody(ByteString.copyFromUtf8(Thread.currentThread().getName()))
              .build());
      answer.onCompleted();
    };
  }

  private static String decider(RateLimitServiceGrpc.RateLimitServiceBlockingStub stub) {
    return stub.shouldRateLimit(request("d")).getRawBody().toStringUtf8();
  }

  /**
   * With {@code onEventLoop}, a call is decided on the thread that delivered it (the in-process
   * transport's: the caller's) while that thread has spent less than half of the window deciding;
   * past that, the rest of the window's calls are handed over; a new window starts afresh.
   */
  @Test
  void decidesWhereTheCallIsReadUntilHalfTheWindowIsSpentThenHandsOver() throws Exception {
    onEventLoop();
    String caller = Thread.currentThread().getName();
    RateLimitServiceGrpc.RateLimitServiceBlockingStub stub = serve(taking(30));

    assertThat(decider(stub)).isEqualTo(caller); // 30 ms spent of the 50 ms budget
    assertThat(decider(stub)).isEqualTo(caller); // 60 ms: over from now on
    assertThat(decider(stub)).startsWith("rls-grpc-decide-"); // 90 ms into the window
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(DecisionThreads.WINDOW_MILLIS));
    assertThat(decider(stub)).isEqualTo(caller);
    assertThat(released).isEmpty();
  }

  private void onEventLoop() {
    threads.close();
    threads = new DecisionThreads(true, now::get);
  }

  /**
   * A decision that runs past its window is owed: each window pays back half a window of it, and
   * the thread decides nothing itself until it is paid.
   */
  @Test
  void aLongDecisionIsPaidBackBeforeTheLoopDecidesAgain() throws Exception {
    onEventLoop();
    String caller = Thread.currentThread().getName();
    AtomicLong millis = new AtomicLong(250);
    RateLimitServiceGrpc.RateLimitServiceBlockingStub stub =
        serve(
            (request, answer) ->
                taking(millis.getAndSet(0)).invoke(request, answer)); // 250 ms, then nothing

    assertThat(decider(stub)).isEqualTo(caller); // owes 250 ms
    assertThat(decider(stub)).startsWith("rls-grpc-decide-"); // 2 windows later: 150 ms owed
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
    assertThat(decider(stub)).startsWith("rls-grpc-decide-"); // 2 more: 50 ms, not under 50
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(decider(stub)).isEqualTo(caller); // paid
  }

  /** The time of a decision that throws counts all the same. */
  @Test
  void aDecisionThatThrowsIsChargedToo() throws Exception {
    onEventLoop();
    AtomicInteger calls = new AtomicInteger();
    RateLimitServiceGrpc.RateLimitServiceBlockingStub stub =
        serve(
            (request, answer) -> {
              if (calls.getAndIncrement() == 0) {
                now.addAndGet(TimeUnit.MILLISECONDS.toNanos(60));
                throw new IllegalStateException("a broken decision");
              }
              taking(0).invoke(request, answer);
            });

    assertThatThrownBy(() -> decider(stub))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN));
    assertThat(decider(stub)).startsWith("rls-grpc-decide-");
  }

  /** A request over {@link DecisionThreads#MAX_INLINE_BYTES} is always handed over. */
  @Test
  void handsALargeRequestOver() throws Exception {
    onEventLoop();
    String caller = Thread.currentThread().getName();
    AtomicInteger size = new AtomicInteger(DecisionThreads.MAX_INLINE_BYTES);
    RateLimitServiceGrpc.RateLimitServiceBlockingStub stub = serve(taking(0), r -> size.get());

    assertThat(decider(stub)).isEqualTo(caller);
    size.incrementAndGet();
    assertThat(decider(stub)).startsWith("rls-grpc-decide-");
  }

  /** Without {@code onEventLoop}, every call is handed over, however much time there is. */
  @Test
  void withoutOnEventLoopEveryCallIsHandedOver() throws Exception {
    threads.close();
    threads = new DecisionThreads(false, now::get);
    RateLimitServiceGrpc.RateLimitServiceBlockingStub stub = serve(taking(0));

    assertThat(decider(stub)).startsWith("rls-grpc-decide-");
    assertThat(decider(stub)).startsWith("rls-grpc-decide-");
  }

  @Test
  void onceClosedACallIsRefusedUnavailableAndItsRequestReleased() throws Exception {
    RateLimitServiceGrpc.RateLimitServiceBlockingStub stub =
        serve(
            (request, answer) -> {
              throw new AssertionError("not decided once closed");
            });
    threads.close();

    assertThatThrownBy(() -> stub.shouldRateLimit(request("late")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).contains("stopping");
            });
    assertThat(released).extracting(RateLimitRequest::getDomain).containsExactly("late");
  }
}
