package io.mimiredge.benchmarks.grpc;

import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.mimiredge.benchmarks.load.LoadGen;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Envoy's ext_authz {@code Check} as a {@link LoadGen.Sender}: request {@code i} to target {@code
 * t} is the pre-encoded {@code requests[i mod n]} on {@code channels[t][i mod m]} (several kept
 * alive connections per target, as Envoy spreads its calls). A denial counts as an error {@code
 * denied}, a gRPC failure by its status code ({@code UNAVAILABLE}: shed).
 */
final class CheckSender implements LoadGen.Sender {
  private final List<List<ManagedChannel>> channels;
  private final List<byte[]> requests;

  CheckSender(List<List<ManagedChannel>> channels, List<byte[]> requests) {
    this.channels = List.copyOf(channels);
    this.requests = List.copyOf(requests);
  }

  @Override
  public void send(int target, long i, java.util.function.Consumer<String> done) {
    List<ManagedChannel> mine = channels.get(target);
    ClientCalls.asyncUnaryCall(
        mine.get((int) (i % mine.size()))
            .newCall(
                GrpcCheckState.CHECK_BYTES,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)),
        requests.get((int) (i % requests.size())),
        new StreamObserver<CheckResponse>() {
          @Override
          public void onNext(CheckResponse r) {
            done.accept(r.hasDeniedResponse() ? "denied" : null);
          }

          @Override
          public void onError(Throwable t) {
            done.accept(io.grpc.Status.fromThrowable(t).getCode().toString());
          }

          @Override
          public void onCompleted() {}
        });
  }
}
