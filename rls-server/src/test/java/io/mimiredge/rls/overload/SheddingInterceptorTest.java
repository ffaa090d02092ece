package io.mimiredge.rls.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.netflix.concurrency.limits.limit.FixedLimit;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The interceptor on a real (in-process) gRPC server, with a method that waits for the test. */
class SheddingInterceptorTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch entered = new CountDownLatch(1);
  private Server server;
  private ManagedChannel channel;

  @AfterEach
  void stop() {
    release.countDown();
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void aCallPastTheLimitIsUnavailableAtOnceAndTheHeldOneCompletes() throws Exception {
    DoorLimiter limiter =
        new DoorLimiter(
            "grpc",
            "concurrency",
            FixedLimit.of(1),
            System::nanoTime,
            DoorLimiter.ShedListener.NONE);
    HealthGrpc.HealthImplBase slow =
        new HealthGrpc.HealthImplBase() {
          @Override
          public void check(
              HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
            entered.countDown();
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            response.onNext(
                HealthCheckResponse.newBuilder()
                    .setStatus(HealthCheckResponse.ServingStatus.SERVING)
                    .build());
            response.onCompleted();
          }
        };
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .addService(ServerInterceptors.intercept(slow, new SheddingInterceptor(limiter)))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
    var held = HealthGrpc.newFutureStub(channel).check(HealthCheckRequest.getDefaultInstance());
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(limiter.inFlight()).isEqualTo(1);

    var blocking = HealthGrpc.newBlockingStub(channel);
    assertThatThrownBy(() -> blocking.check(HealthCheckRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(
            e -> {
              Status s = ((StatusRuntimeException) e).getStatus();
              assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(s.getDescription()).contains("overloaded").contains("limit (1");
            });
    assertThat(limiter.shed()).isEqualTo(1);

    release.countDown();
    assertThat(held.get(10, TimeUnit.SECONDS).getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    // The permit went back with the call's close: the next call is admitted.
    assertThat(blocking.check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(limiter.inFlight()).isZero();
    assertThat(limiter.shed()).isEqualTo(1);
  }
}
