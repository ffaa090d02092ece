package io.mimiredge.rls.overload;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * How many requests one door works on at once: a limit from Netflix's concurrency-limits ({@code
 * SimpleLimiter} over an adaptive {@code Gradient2Limit}, which follows the ratio of the no-load
 * latency to the current one, or a fixed limit). A request past it is refused at once and counted
 * as shed: nothing waits for a permit, so a burst past capacity costs a refusal, not a queue.
 * Thread-safe.
 */
public final class DoorLimiter {
  /** A request's hold on the door, released exactly once. */
  public interface Permit {
    /** The request was worked on: its time is a latency sample for the adaptive limit. */
    void done();

    /** The request ended early (refused, malformed): released, but no sample. */
    void ignore();
  }

  /** What is told of each refusal: the door and why ({@code concurrency}, {@code forwards}). */
  @FunctionalInterface
  public interface ShedListener {
    ShedListener NONE = (door, cause) -> {};

    void shed(String door, String cause);
  }

  private final String door;
  private final String cause;
  private final SimpleLimiter<Void> limiter;
  private final ShedListener listener;
  private final LongAdder shed = new LongAdder();

  /**
   * @param door the door's name in metrics, logs and the overview
   * @param cause what a refusal of this limiter is counted as
   * @param limit the algorithm (adaptive or fixed)
   * @param nanoClock the clock latencies are measured with
   */
  public DoorLimiter(
      String door, String cause, Limit limit, LongSupplier nanoClock, ShedListener listener) {
    this.door = Objects.requireNonNull(door, "door");
    this.cause = Objects.requireNonNull(cause, "cause");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.limiter =
        SimpleLimiter.newBuilder()
            .named(door)
            .limit(Objects.requireNonNull(limit, "limit"))
            .nanoClock(nanoClock)
            .build();
  }

  /** A permit, or empty (counted as shed) when the door is at its limit. */
  public Optional<Permit> tryAcquire() {
    Optional<Limiter.Listener> l = limiter.acquire(null);
    if (l.isEmpty()) {
      shed.increment();
      listener.shed(door, cause);
      return Optional.empty();
    }
    return Optional.of(new Once(l.get()));
  }

  public String door() {
    return door;
  }

  /** What a refusal of this limiter is counted as: {@code concurrency} or {@code forwards}. */
  public String cause() {
    return cause;
  }

  /** The limit now. */
  public int limit() {
    return limiter.getLimit();
  }

  /** Requests holding a permit now. */
  public int inFlight() {
    return limiter.getInflight();
  }

  /** Requests refused since the start. */
  public long shed() {
    return shed.sum();
  }

  private static final class Once implements Permit {
    private final Limiter.Listener listener;
    private final java.util.concurrent.atomic.AtomicBoolean released =
        new java.util.concurrent.atomic.AtomicBoolean();

    Once(Limiter.Listener listener) {
      this.listener = listener;
    }

    @Override
    public void done() {
      if (released.compareAndSet(false, true)) {
        listener.onSuccess();
      }
    }

    @Override
    public void ignore() {
      if (released.compareAndSet(false, true)) {
        listener.onIgnore();
      }
    }
  }
}
