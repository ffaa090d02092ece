package io.mimiredge.rls.overload;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Objects;
import java.util.Optional;

/**
 * The gRPC doors' concurrency limit: a call past the {@link DoorLimiter}'s limit is closed at once
 * with {@code UNAVAILABLE} (a transient condition: Envoy's ext_authz and ratelimit filters then
 * apply their {@code failure_mode_allow} / {@code failure_mode_deny}), before its message is
 * parsed. An admitted call holds its permit until it closes or is cancelled. Thread-safe.
 */
public final class SheddingInterceptor implements ServerInterceptor {
  private final DoorLimiter limiter;

  public SheddingInterceptor(DoorLimiter limiter) {
    this.limiter = Objects.requireNonNull(limiter, "limiter");
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Optional<DoorLimiter.Permit> acquired = limiter.tryAcquire();
    if (acquired.isEmpty()) {
      call.close(
          Status.UNAVAILABLE.withDescription(
              "the edge is overloaded: "
                  + limiter.door()
                  + " calls are at their limit ("
                  + limiter.limit()
                  + " at once); retry later"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    DoorLimiter.Permit permit = acquired.get();
    ServerCall<Q, R> releasing =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            if (status.isOk()) {
              permit.done();
            } else {
              permit.ignore();
            }
            super.close(status, trailers);
          }
        };
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(releasing, headers);
    } catch (RuntimeException e) {
      permit.ignore();
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        permit.ignore(); // the client went away: no close follows
        super.onCancel();
      }
    };
  }
}
