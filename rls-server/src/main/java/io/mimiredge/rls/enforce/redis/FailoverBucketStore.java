package io.mimiredge.rls.enforce.redis;

import static io.mimiredge.rls.internal.Checks.atLeastOneMilli;

import io.mimiredge.rls.enforce.BucketSpec;
import io.mimiredge.rls.enforce.BucketStore;
import io.mimiredge.rls.enforce.BucketView;
import io.mimiredge.rls.enforce.ConsumeResult;
import io.mimiredge.rls.enforce.StoreUnavailableException;
import io.mimiredge.rls.internal.Lifecycle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exact mode with a safety net: a shared (Redis) {@link BucketStore} while it answers, this
 * replica's local share when it does not. Never fails a decision because the shared store is gone.
 *
 * <p><b>Rates.</b> The {@code Enforcer} in front of this store is built with {@code replicas(1)}:
 * the shared bucket is the whole fleet's, so the configured rate must reach it undivided. When this
 * store falls back to its local store, it divides the rate by the live replica count itself, so
 * each replica enforces {@code rate ÷ replicas} (burst undivided) — Mimir's global strategy, the
 * same as the default replica-share mode. Dividing here rather than in the {@code Enforcer} keeps
 * the spec and the store it goes to consistent even for a request racing a switch.
 *
 * <p><b>Switching.</b> The first shared-store error or timeout (the Redis command timeout, a few
 * hundred ms) trips the store to local for that very request and all that follow; a probe (every
 * {@code probeInterval}, default 1 s) pings the shared store while {@link #start started}, trips to
 * local when it stops answering between requests, and switches back once it has answered {@code
 * probesToReturn} probes in a row (default 3). A shared store that fails again within {@link
 * #FLAP_WINDOW} of a return (a Redis that stalls on and off) needs twice as many answered probes
 * the next time, up to {@link #MAX_PROBES_TO_RETURN}: every return costs the requests of the next
 * stall a command timeout each, so a flapping store is left alone longer and longer; one that stays
 * up for the window is back to the configured count. Buckets do not move between stores: after a
 * switch a tenant starts from the other store's state (a local bucket starts full), so a switch can
 * admit up to one extra burst per replica.
 *
 * <p>Thread-safe; the request path reads one volatile field.
 */
public final class FailoverBucketStore implements BucketStore, Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(FailoverBucketStore.class);

  /** Which store decides. */
  public enum Mode {
    SHARED,
    LOCAL
  }

  /** Told about switches, e.g. to count them in metrics. Called on the switching thread. */
  public interface Listener {
    void switched(Mode to, String reason);

    Listener NONE = (to, reason) -> {};
  }

  /**
   * What this store does now.
   *
   * @param mode the store deciding
   * @param since when it took over (the store's start for the first mode)
   * @param lastError why the shared store was last left, null if it never was
   * @param fallbacks how many times it fell back to local
   * @param replicas the replica count the local share divides by now
   * @param answeredInRow on the local share: the probes the shared store has answered in a row
   * @param probesToReturn on the local share: how many it must answer in a row to be used again
   */
  public record Status(
      Mode mode,
      Instant since,
      String lastError,
      long fallbacks,
      int replicas,
      int answeredInRow,
      int probesToReturn) {
    public boolean degraded() {
      return mode == Mode.LOCAL;
    }
  }

  /** Checks the shared store; throws when it does not answer. */
  @FunctionalInterface
  public interface Probe {
    void ping();
  }

  /** A fallback this soon after a return counts as a flap. */
  public static final Duration FLAP_WINDOW = Duration.ofMinutes(1);

  /** The most answered probes in a row a flapping store must give before it is used again. */
  public static final int MAX_PROBES_TO_RETURN = 64;

  private final BucketStore shared;
  private final Probe probe;
  private final BucketStore local;
  private final IntSupplier replicas;
  private final Duration probeInterval;
  private final Clock clock;
  private final Listener listener;
  private final Object switchLock = new Object();
  private volatile Mode mode = Mode.SHARED;
  private volatile Instant since;
  private volatile String lastError;
  private volatile long fallbacks;
  private final int probesToReturn;
  // Guarded by switchLock.
  private int needed;
  private int answeredInRow;
  private Instant returnedAt;
  private ScheduledExecutorService prober;

  private FailoverBucketStore(Builder b) {
    this.shared = b.shared;
    this.probe = b.probe;
    this.local = b.local;
    this.replicas = b.replicas;
    this.probeInterval = b.probeInterval;
    this.clock = b.clock;
    this.listener = b.listener;
    this.since = clock.instant();
    this.probesToReturn = b.probesToReturn;
    this.needed = b.probesToReturn;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public ConsumeResult tryConsume(String key, BucketSpec spec, long tokens) {
    if (mode == Mode.SHARED) {
      try {
        return shared.tryConsume(key, spec, tokens);
      } catch (StoreUnavailableException e) {
        toLocal(e.getMessage());
      }
    }
    return local.tryConsume(key, share(spec), tokens);
  }

  @Override
  public void refund(String key, BucketSpec spec, long tokens) {
    if (mode == Mode.SHARED) {
      try {
        shared.refund(key, spec, tokens);
        return;
      } catch (StoreUnavailableException e) {
        toLocal(e.getMessage());
      }
    }
    local.refund(key, share(spec), tokens);
  }

  @Override
  public Optional<BucketView> view(String key) {
    if (mode == Mode.SHARED) {
      try {
        return shared.view(key);
      } catch (StoreUnavailableException e) {
        toLocal(e.getMessage());
      }
    }
    return local.view(key);
  }

  public Mode mode() {
    return mode;
  }

  /**
   * Tells this store that the shared store failed for another user of it (the HA elections share
   * its Redis): it switches to local at once, as its own failure would, until the probe answers.
   */
  public void sharedFailed(String reason) {
    toLocal(Objects.requireNonNull(reason, "reason"));
  }

  public Status status() {
    synchronized (switchLock) {
      return new Status(
          mode,
          since,
          lastError,
          fallbacks,
          Math.max(1, replicas.getAsInt()),
          answeredInRow,
          needed);
    }
  }

  /**
   * Pings the shared store once and switches accordingly (to local at once when it does not answer;
   * back to it after enough answers in a row): what the prober does every interval, and what a
   * health check calls to exercise the store for real.
   *
   * @return whether the shared store answered
   */
  public boolean probeNow() {
    try {
      probe.ping();
    } catch (RuntimeException e) {
      toLocal(e.getMessage());
      return false;
    }
    answered();
    return true;
  }

  /** Starts the prober. */
  @Override
  public void start() {
    synchronized (switchLock) {
      if (prober != null) {
        return;
      }
      prober =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "rls-store-probe");
                t.setDaemon(true);
                return t;
              });
    }
    long ms = probeInterval.toMillis();
    prober.scheduleWithFixedDelay(this::probeQuietly, 0, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    ScheduledExecutorService p;
    synchronized (switchLock) {
      p = prober;
      prober = null;
    }
    if (p != null) {
      p.shutdownNow();
    }
  }

  private void probeQuietly() {
    try {
      probeNow();
    } catch (RuntimeException e) {
      LOG.warn("state store probe failed", e); // keep probing whatever happens
    }
  }

  private BucketSpec share(BucketSpec spec) {
    int n = Math.max(1, replicas.getAsInt());
    return n == 1 ? spec : spec.withRatePerSecond(spec.ratePerSecond() / n);
  }

  private void toLocal(String reason) {
    synchronized (switchLock) {
      lastError = reason;
      answeredInRow = 0;
      if (mode == Mode.LOCAL) {
        return;
      }
      mode = Mode.LOCAL;
      Instant now = clock.instant();
      boolean flap = returnedAt != null && now.isBefore(returnedAt.plus(FLAP_WINDOW));
      needed = flap ? Math.min(MAX_PROBES_TO_RETURN, needed * 2) : probesToReturn;
      since = now;
      fallbacks++;
    }
    LOG.warn(
        "shared state store unavailable, enforcing this replica's share locally (rate ÷ {}): {}",
        Math.max(1, replicas.getAsInt()),
        reason);
    listener.switched(Mode.LOCAL, reason);
  }

  /** The shared store answered a probe: back to it when that makes enough in a row. */
  private void answered() {
    synchronized (switchLock) {
      if (mode == Mode.SHARED || ++answeredInRow < needed) {
        return;
      }
      answeredInRow = 0;
      mode = Mode.SHARED;
      since = clock.instant();
      returnedAt = since;
    }
    LOG.info("shared state store is back; enforcing through it again");
    listener.switched(Mode.SHARED, "probes answered");
  }

  /** Builds a {@link FailoverBucketStore}; checks each setting at once. Not thread-safe. */
  public static final class Builder {
    private BucketStore shared;
    private Probe probe;
    private BucketStore local;
    private IntSupplier replicas = () -> 1;
    private Duration probeInterval = Duration.ofSeconds(1);
    private Clock clock = Clock.systemUTC();
    private Listener listener = Listener.NONE;
    private int probesToReturn = 3;

    private Builder() {}

    /** The shared store, and how to check it answers (e.g. {@link RedisBucketStore#ping}). */
    public Builder shared(BucketStore store, Probe probe) {
      this.shared = Objects.requireNonNull(store, "shared");
      this.probe = Objects.requireNonNull(probe, "probe");
      return this;
    }

    /** The fallback, fed with rates divided by {@link #replicas}. */
    public Builder local(BucketStore store) {
      this.local = Objects.requireNonNull(store, "local");
      return this;
    }

    /** The live RLS replica count the local share divides by; values below 1 count as 1. */
    public Builder replicas(IntSupplier source) {
      this.replicas = Objects.requireNonNull(source, "replicas");
      return this;
    }

    public Builder probeInterval(Duration d) {
      this.probeInterval = atLeastOneMilli(d, "probeInterval");
      return this;
    }

    /**
     * How many probes in a row the shared store must answer before it is used again after a
     * fallback (doubled for a store that flaps, see the class comment); 1 returns at the first.
     */
    public Builder probesToReturn(int n) {
      if (n < 1 || n > MAX_PROBES_TO_RETURN) {
        throw new IllegalArgumentException(
            "probesToReturn must be 1.." + MAX_PROBES_TO_RETURN + ", got " + n);
      }
      this.probesToReturn = n;
      return this;
    }

    /** For the {@link Status#since} timestamps. */
    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    public Builder listener(Listener l) {
      this.listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    public FailoverBucketStore build() {
      if (shared == null) {
        throw new IllegalStateException("shared store is required");
      }
      if (local == null) {
        throw new IllegalStateException("local store is required");
      }
      return new FailoverBucketStore(this);
    }
  }
}
