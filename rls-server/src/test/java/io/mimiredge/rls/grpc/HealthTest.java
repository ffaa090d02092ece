package io.mimiredge.rls.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.mimiredge.testsupport.Await;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthTest {
  private final AtomicBoolean loaded = new AtomicBoolean(false);
  private InProcessDoors doors;

  @AfterEach
  void close() throws InterruptedException {
    if (doors != null) {
      doors.close();
    }
  }

  private ServingStatus status(String service) {
    return doors
        .health()
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  @Test
  void notServingUntilTheLimitsAreLoaded() {
    doors = new InProcessDoors("", b -> b.limitsLoaded(loaded::get));

    for (String service : GrpcServer.HEALTH_SERVICES) {
      assertThat(status(service)).as(service).isEqualTo(ServingStatus.NOT_SERVING);
    }
    assertThat(doors.server.serving()).isFalse();

    loaded.set(true);
    doors.server.refreshHealth();

    assertThat(status("")).isEqualTo(ServingStatus.SERVING);
    assertThat(status("envoy.service.auth.v3.Authorization")).isEqualTo(ServingStatus.SERVING);
    assertThat(status("envoy.service.ratelimit.v3.RateLimitService"))
        .isEqualTo(ServingStatus.SERVING);
    assertThat(doors.server.serving()).isTrue();
  }

  @Test
  void thePollerFollowsTheLimitsLoadedSupplier() throws InterruptedException {
    doors =
        new InProcessDoors(
            "", b -> b.limitsLoaded(loaded::get).healthPollInterval(Duration.ofMillis(10)));
    assertThat(status("")).isEqualTo(ServingStatus.NOT_SERVING);

    loaded.set(true);

    Await.await(
        "SERVING once the limits are loaded",
        () -> status("") == ServingStatus.SERVING,
        Duration.ofSeconds(5));
  }

  @Test
  void notServingOnceStopBegins() throws InterruptedException {
    loaded.set(true);
    doors = new InProcessDoors("", b -> b.limitsLoaded(loaded::get));
    BlockingQueue<ServingStatus> seen = new LinkedBlockingQueue<>();
    AtomicReference<Throwable> ended = new AtomicReference<>();
    HealthGrpc.newStub(doors.channel)
        .watch(
            HealthCheckRequest.getDefaultInstance(),
            new StreamObserver<>() {
              @Override
              public void onNext(HealthCheckResponse r) {
                seen.add(r.getStatus());
              }

              @Override
              public void onError(Throwable t) {
                ended.set(t);
              }

              @Override
              public void onCompleted() {}
            });
    assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);

    doors.server.stop();

    assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(doors.server.serving()).isFalse();
    assertThat(ended.get()).isNotNull(); // the watch was cut once the grace ran out
    assertThatThrownBy(() -> status(""))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    doors.server.refreshHealth(); // no way back after stop
    assertThat(doors.server.serving()).isFalse();
  }
}
