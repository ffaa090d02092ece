package io.mimiredge.rls.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hand-off of a call's decision to {@link DecisionThreads}, on an in-process server. */
class DecisionThreadsTest {
  private final DecisionThreads threads = new DecisionThreads();
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
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                ServerServiceDefinition.builder(RateLimitServiceGrpc.getServiceDescriptor())
                    .addMethod(
                        RateLimitServiceGrpc.getShouldRateLimitMethod(),
                        threads.unary(method, released::add))
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
