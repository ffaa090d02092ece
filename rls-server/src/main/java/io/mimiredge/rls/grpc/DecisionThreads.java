package io.mimiredge.rls.grpc;

import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads the gRPC doors decide on, one hand-off per call.
 *
 * <p>The server runs its calls' events where the transport delivers them (grpc-java's direct
 * executor): a call's headers, the concurrency limit's refusal ({@code SheddingInterceptor}), the
 * reading and parsing of its message and its completion all happen on the Netty event loop that
 * read them, and none of them wakes another thread. Only an admitted call's decision crosses, once,
 * to one of these threads, which answers it; the answer goes back to the event loop to be written.
 * With grpc-java's default executor every event crossed on its own: the call's start, its message,
 * its half-close and its completion, each a wake-up of another thread (about 6 context switches per
 * {@code Check}, a fifth of the door's CPU; see benchmarks/README.md, "Overload"). A decision may
 * wait on Redis for up to its command timeout, which is why it never runs on an event loop.
 *
 * <p>A cached pool: a thread per decision in progress, idle ones kept a minute. How many decisions
 * are in progress is what the doors' concurrency limit bounds (with none configured, as many as
 * calls are admitted, like grpc-java's own executor). Thread-safe.
 */
final class DecisionThreads implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DecisionThreads.class);

  /** What a call's decision threw is answered with, as grpc-java answers a failing handler. */
  static final String APPLICATION_ERROR = "Application error processing RPC";

  private final ThreadPoolExecutor pool;

  DecisionThreads() {
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "rls-grpc-decide-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Calls of {@code method}, each run on one of these threads once the request is read; {@code
   * release} frees what a request holds when {@code method} never gets it (the doors stopping).
   * {@code method} must answer (or fail) its call, and frees its request itself.
   */
  <Q, R> ServerCallHandler<Q, R> unary(
      ServerCalls.UnaryMethod<Q, R> method, Consumer<? super Q> release) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(release, "release");
    return ServerCalls.asyncUnaryCall(
        (Q request, StreamObserver<R> observer) -> {
          try {
            pool.execute(() -> decide(method, request, observer));
          } catch (RejectedExecutionException e) {
            release.accept(request);
            observer.onError(
                Status.UNAVAILABLE
                    .withDescription("the gRPC doors are stopping")
                    .asRuntimeException());
          }
        });
  }

  private static <Q, R> void decide(
      ServerCalls.UnaryMethod<Q, R> method, Q request, StreamObserver<R> observer) {
    try {
      method.invoke(request, observer);
    } catch (RuntimeException | Error e) {
      // grpc-java's executor would have closed the call and logged; here the call would hang
      LOG.error("a gRPC decision failed", e);
      try {
        observer.onError(
            Status.UNKNOWN.withDescription(APPLICATION_ERROR).withCause(e).asRuntimeException());
      } catch (RuntimeException closed) {
        // already answered before it failed: nothing more to tell the client
      }
      if (e instanceof Error error) {
        throw error;
      }
    }
  }

  /** No new decisions; those in progress finish. */
  @Override
  public void close() {
    pool.shutdown();
  }
}
