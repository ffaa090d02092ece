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
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the gRPC doors decide a call: on the Netty event loop that read it while that loop has time
 * to spare, else on threads of their own, one hand-off per call.
 *
 * <p>The server runs its calls' events where the transport delivers them (grpc-java's direct
 * executor): a call's headers, the concurrency limit's refusal ({@code SheddingInterceptor}), the
 * reading and parsing of its message and its completion all happen on the event loop that read
 * them, and none of them wakes another thread. With grpc-java's default executor every event
 * crossed on its own: the call's start, its message, its half-close and its completion, each a
 * wake-up of another thread (about 6 context switches per {@code Check}, a fifth of the door's CPU;
 * see benchmarks/README.md, "Overload").
 *
 * <p>An admitted call's decision then runs:
 *
 * <ul>
 *   <li><b>on the event loop itself</b>, when deciding there is allowed ({@code onEventLoop}: only
 *       when no decision can wait on Redis), the request is small (at most {@value
 *       #MAX_INLINE_BYTES} bytes as its door measures it: a snappy body decodes to at most about
 *       1.4 MB, a decision of a few milliseconds; a compressed OTLP body, which may inflate much
 *       further, or one from a tenant whose relabeling rules run regular expressions on every
 *       series, counts as too large), and the loop owes less than half a window of deciding: each
 *       {@value #WINDOW_MILLIS} ms window pays off half a window of the time it spent, so over time
 *       a loop decides at most about half of its time, and one long decision keeps it from deciding
 *       again until it is paid back. No thread is woken at all (about 11 % less CPU per {@code
 *       Check}, measured with {@code benchmarks/grpc-ab}). The other half of every loop's time is
 *       for reading: calls past what the RLS can decide are read, reach the concurrency limit and
 *       are shed, instead of waiting unseen in the socket;
 *   <li><b>else on one of these threads</b>, which answers it: a cached pool, a thread per decision
 *       in progress, idle ones kept a minute. How many decisions are in progress is what the doors'
 *       concurrency limit bounds (with none configured, as many as calls are admitted, like
 *       grpc-java's own executor).
 * </ul>
 *
 * Thread-safe; each event loop keeps its own budget.
 */
final class DecisionThreads implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DecisionThreads.class);

  /** What a call's decision threw is answered with, as grpc-java answers a failing handler. */
  static final String APPLICATION_ERROR = "Application error processing RPC";

  /** The window over which an event loop's own deciding is budgeted. */
  static final long WINDOW_MILLIS = 100;

  private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS);

  /** How much of each window an event loop may spend deciding calls itself: half. */
  private static final long BUDGET_NANOS = WINDOW_NANOS / 2;

  /** The largest request an event loop decides itself; larger ones are handed over. */
  static final int MAX_INLINE_BYTES = 64 * 1024;

  private final ThreadPoolExecutor pool;
  private final boolean onEventLoop;
  private final LongSupplier nanoClock;
  private final ThreadLocal<Budget> budgets;

  /** Every decision on these threads. */
  DecisionThreads() {
    this(false, System::nanoTime);
  }

  /**
   * @param onEventLoop whether a small request may be decided on the event loop that read it while
   *     the loop has time to spare (never when a decision may wait on Redis)
   * @param nanoClock monotonic nanoseconds, for the loops' budgets
   */
  DecisionThreads(boolean onEventLoop, LongSupplier nanoClock) {
    this.onEventLoop = onEventLoop;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.budgets = ThreadLocal.withInitial(() -> new Budget(nanoClock.getAsLong()));
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
   * Calls of {@code method}, each decided once the request is read, on the event loop that read it
   * or on one of these threads (see the class); {@code size} is a request's size in bytes, {@code
   * release} frees what a request holds when {@code method} never gets it (the doors stopping).
   * {@code method} must answer (or fail) its call, and frees its request itself.
   */
  <Q, R> ServerCallHandler<Q, R> unary(
      ServerCalls.UnaryMethod<Q, R> method,
      ToIntFunction<? super Q> size,
      Consumer<? super Q> release) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(size, "size");
    Objects.requireNonNull(release, "release");
    return ServerCalls.asyncUnaryCall(
        (Q request, StreamObserver<R> observer) -> {
          if (onEventLoop && size.applyAsInt(request) <= MAX_INLINE_BYTES) {
            Budget budget = budgets.get();
            long start = nanoClock.getAsLong();
            if (budget.admits(start)) {
              try {
                decide(method, request, observer);
              } finally {
                budget.spent(nanoClock.getAsLong() - start);
              }
              return;
            }
          }
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

  /**
   * One event loop's time spent deciding, owed against half of each window (only its own thread
   * touches it). Each window that passes pays off half a window of it: a decision that ran past its
   * window (a large body) keeps the loop from deciding again until the time is paid back.
   */
  private static final class Budget {
    private long windowStart;
    private long spent;

    Budget(long now) {
      windowStart = now;
    }

    /** Whether the loop may decide a call itself at {@code now}. */
    boolean admits(long now) {
      long windows = (now - windowStart) / WINDOW_NANOS;
      if (windows > 0) {
        windowStart += windows * WINDOW_NANOS;
        spent = Math.max(0, spent - windows * BUDGET_NANOS);
      }
      return spent < BUDGET_NANOS;
    }

    void spent(long nanos) {
      spent += nanos;
    }
  }

  /** No new decisions; those in progress finish. */
  @Override
  public void close() {
    pool.shutdown();
  }
}
