package io.mimiredge.rls.admin.stats;

import io.mimiredge.rls.admin.stats.internal.LatencyBuckets;
import io.mimiredge.rls.admin.stats.internal.SlotRing;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.remotewrite.Protocol;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * In-memory traffic statistics for the admin API, fed by the doors as a {@link DecisionRecorder}:
 * per door and over all doors, decisions by verdict and reason, items, edge errors and decision
 * latency over sliding windows (up to 5 minutes at one-second resolution, up to an hour at
 * one-minute resolution); per tenant (at most {@code maxTenants}, the least recently seen evicted
 * first) request and item rates over about a minute, and what enforcement did or would have done
 * (denied, shadow-denied, by reason) over 5 minutes in 30-second slots and an hour in 5-minute
 * slots: what the rollout preview reads.
 *
 * <p>Thread-safe. Recording is lock-free (atomic counters in per-second slots on rings) and
 * allocates nothing, except the first time a tenant is seen and the first time it is refused for a
 * reason (that reason's rings).
 */
public final class TrafficStats implements DecisionRecorder {
  /** The windows the admin API shows. */
  public static final List<Duration> WINDOWS =
      List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1));

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
  private static final int FINE_SLOTS = 300; // 5 minutes of seconds
  private static final int COARSE_SLOTS = 61; // an hour of minutes, and the current one
  private static final Reason[] REASONS = Reason.values();
  private static final Verdict[] VERDICTS = Verdict.values();
  private static final int ITEMS = 0;
  private static final int ERRORS = 1;
  private static final int CELLS = 2; // then one counter per (verdict, reason)
  private static final int LATENCY = CELLS + VERDICTS.length * REASONS.length;
  private static final int WIDTH = LATENCY + LatencyBuckets.COUNT;

  // Tenants: 10-second slots for rates over a minute; what enforcement did or would have done in
  // 30-second slots up to 5 minutes and 5-minute slots up to an hour.
  private static final long TENANT_RATE_SLOT = TimeUnit.SECONDS.toNanos(10);
  private static final int TENANT_RATE_SLOTS = 6;
  private static final long TENANT_FINE_SLOT = TimeUnit.SECONDS.toNanos(30);
  private static final int TENANT_FINE_SLOTS = 10;
  private static final long TENANT_COARSE_SLOT = TimeUnit.MINUTES.toNanos(5);
  private static final int TENANT_COARSE_SLOTS = 12;
  // a tenant's window counters: requests and items, then denied and shadow-denied ones
  private static final int T_REQUESTS = 0;
  private static final int T_ITEMS = 1;
  private static final int T_DENIED = 2; // requests, then items at T_DENIED + 1
  private static final int T_SHADOW = 4; // requests, then items at T_SHADOW + 1
  private static final int T_WIDTH = 6;
  // a tenant's counters of one refusal reason: denied and shadow-denied requests and items
  private static final int R_WIDTH = 4;

  private final LongSupplier nanoTime;
  private final InstantSource clock;
  private final int maxTenants;
  private final Series all = new Series();
  private final Series[] byDoor = new Series[Door.values().length];
  private final Series[] byProtocol = new Series[Protocol.values().length];
  private final ConcurrentHashMap<String, TenantCounters> tenants = new ConcurrentHashMap<>();
  private final Object evictionLock = new Object();
  // bumped whenever a tenant starts or stops being tracked, so that views of the tenant set
  // (the admin API's sorted tenant index) rebuild only when it changed
  private final AtomicLong membership = new AtomicLong();

  private TrafficStats(Builder b) {
    this.nanoTime = b.nanoTime;
    this.clock = b.clock;
    this.maxTenants = b.maxTenants;
    for (int i = 0; i < byDoor.length; i++) {
      byDoor[i] = new Series();
    }
    for (int i = 0; i < byProtocol.length; i++) {
      byProtocol[i] = new Series();
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void record(Door door, Decision decision, long durationNanos) {
    long now = nanoTime.getAsLong();
    int cell = CELLS + decision.verdict().ordinal() * REASONS.length + decision.reason().ordinal();
    int latency = LATENCY + LatencyBuckets.index(durationNanos);
    long items = Math.max(0, decision.items());
    all.record(now, cell, items, latency);
    byDoor[door.ordinal()].record(now, cell, items, latency);
    if (decision.stats() != null) {
      byProtocol[decision.stats().protocol().ordinal()].record(now, cell, items, latency);
    }
    String tenant = decision.tenant();
    if (tenant != null) {
      tenant(tenant, now).record(now, decision.verdict(), decision.reason(), items);
    }
  }

  /**
   * Counts a request that failed at the edge after or instead of its decision: upstream unreachable
   * or timed out, an upstream 5xx, an internal error. Thread-safe, lock-free.
   */
  public void recordError(Door door) {
    long now = nanoTime.getAsLong();
    all.error(now);
    byDoor[door.ordinal()].error(now);
  }

  /**
   * Counts over the sliding window ending now: whole seconds up to 5 minutes, whole minutes up to
   * an hour.
   *
   * @param door one door, or null for all doors
   */
  public WindowCounts window(Door door, Duration window) {
    return (door == null ? all : byDoor[door.ordinal()]).window(nanoTime.getAsLong(), window);
  }

  /** Counts over the sliding window ending now of the requests scanned as {@code protocol}. */
  public WindowCounts protocolWindow(Protocol protocol, Duration window) {
    return byProtocol[protocol.ordinal()].window(nanoTime.getAsLong(), window);
  }

  /** Tenants tracked now. */
  public int trackedTenants() {
    return tenants.size();
  }

  /**
   * A number that changes whenever a tenant starts or stops being tracked (not when a tracked
   * tenant sends again): read it before {@link #trackedIds()} to know when that set is stale.
   */
  public long membershipVersion() {
    return membership.get();
  }

  /** The IDs of the tenants tracked now (a live, read-only view). */
  public Set<String> trackedIds() {
    return Collections.unmodifiableSet(tenants.keySet());
  }

  /** The most that are tracked. */
  public int maxTenants() {
    return maxTenants;
  }

  /** A tenant's recent traffic, if it is tracked. */
  public Optional<TenantTraffic> tenant(String tenant) {
    TenantCounters c = tenants.get(tenant);
    if (c == null) {
      return Optional.empty();
    }
    long now = nanoTime.getAsLong();
    return Optional.of(c.snapshot(tenant, now, clock.instant()));
  }

  /**
   * What enforcement did or would have done with {@code tenant}'s writes over {@code window} (1m,
   * 5m or 1h, at the granularity of its slots: 30 seconds up to 5 minutes, 5 minutes beyond), if it
   * is tracked.
   */
  public Optional<TenantWindow> tenantWindow(String tenant, Duration window) {
    TenantCounters c = tenants.get(tenant);
    return c == null
        ? Optional.empty()
        : Optional.of(c.window(tenant, nanoTime.getAsLong(), window));
  }

  /** {@link #tenantWindow} of every tracked tenant, in no particular order. */
  public List<TenantWindow> tenantWindows(Duration window) {
    long now = nanoTime.getAsLong();
    List<TenantWindow> out = new ArrayList<>(tenants.size());
    tenants.forEach((id, c) -> out.add(c.window(id, now, window)));
    return out;
  }

  /** Every tracked tenant's recent traffic, in no particular order. */
  public List<TenantTraffic> tenants() {
    long now = nanoTime.getAsLong();
    Instant wall = clock.instant();
    List<TenantTraffic> out = new ArrayList<>(tenants.size());
    tenants.forEach((id, c) -> out.add(c.snapshot(id, now, wall)));
    return out;
  }

  /** The {@code n} tenants sending the most items per second, most first. */
  public List<TenantTraffic> topTenants(int n) {
    return tenants().stream()
        .sorted(
            Comparator.comparingDouble(TenantTraffic::itemsPerSecond)
                .thenComparingDouble(TenantTraffic::requestsPerSecond)
                .reversed()
                .thenComparing(TenantTraffic::tenant))
        .limit(Math.max(0, n))
        .toList();
  }

  private TenantCounters tenant(String tenant, long now) {
    TenantCounters c = tenants.get(tenant);
    if (c == null) {
      c =
          tenants.computeIfAbsent(
              tenant,
              t -> {
                membership.incrementAndGet();
                return new TenantCounters(now);
              });
      if (tenants.size() > maxTenants) {
        evict();
      }
    }
    return c;
  }

  /**
   * Drops the least recently seen tenants down to 99 % of the bound, so that a stream of new
   * tenants sorts the map once per hundred newcomers, not once each.
   */
  private void evict() {
    synchronized (evictionLock) {
      int excess = tenants.size() - maxTenants;
      if (excess <= 0) {
        return;
      }
      int drop = excess + Math.max(0, maxTenants / 100);
      List<Map.Entry<String, Long>> seen = new ArrayList<>(tenants.size());
      tenants.forEach((id, c) -> seen.add(Map.entry(id, c.lastSeenNanos)));
      seen.sort(Map.Entry.comparingByValue());
      for (int i = 0; i < Math.min(drop, seen.size() - 1); i++) {
        tenants.remove(seen.get(i).getKey());
      }
      membership.incrementAndGet();
    }
  }

  /** One door's counters (or all doors'): fine and coarse rings with the same layout. */
  private static final class Series {
    private final SlotRing fine = new SlotRing(SECOND, FINE_SLOTS, WIDTH);
    private final SlotRing coarse = new SlotRing(MINUTE, COARSE_SLOTS, WIDTH);

    void record(long now, int cell, long items, int latency) {
      add(fine, fine.slotFor(now), cell, items, latency);
      add(coarse, coarse.slotFor(now), cell, items, latency);
    }

    private static void add(SlotRing ring, int base, int cell, long items, int latency) {
      ring.add(base, cell, 1);
      if (items > 0) {
        ring.add(base, ITEMS, items);
      }
      ring.add(base, latency, 1);
    }

    void error(long now) {
      fine.add(now, ERRORS, 1);
      coarse.add(now, ERRORS, 1);
    }

    WindowCounts window(long now, Duration window) {
      long[] c = new long[WIDTH];
      long nanos = window.toNanos();
      if (nanos > 0 && nanos <= FINE_SLOTS * SECOND && nanos % SECOND == 0) {
        fine.sumAll(now, (int) (nanos / SECOND), c);
      } else if (nanos > 0 && nanos <= (COARSE_SLOTS - 1) * MINUTE && nanos % MINUTE == 0) {
        coarse.sumAll(now, (int) (nanos / MINUTE), c);
      } else {
        throw new IllegalArgumentException(
            "window must be whole seconds up to 5m or whole minutes up to 1h, got " + window);
      }
      long requests = 0;
      long allowed = 0;
      Map<Reason, Long> denied = new EnumMap<>(Reason.class);
      Map<Reason, Long> shadow = new EnumMap<>(Reason.class);
      for (Verdict v : VERDICTS) {
        for (Reason r : REASONS) {
          long n = c[CELLS + v.ordinal() * REASONS.length + r.ordinal()];
          if (n == 0) {
            continue;
          }
          requests += n;
          switch (v) {
            case ALLOW -> allowed += n;
            case DENY -> denied.merge(r, n, Long::sum);
            case SHADOW_DENY -> shadow.merge(r, n, Long::sum);
          }
        }
      }
      long[] latency = new long[LatencyBuckets.COUNT];
      long latencyCount = 0;
      for (int i = 0; i < latency.length; i++) {
        latency[i] = c[LATENCY + i];
        latencyCount += latency[i];
      }
      return new WindowCounts(
          window,
          requests,
          allowed,
          denied,
          shadow,
          c[ITEMS],
          c[ERRORS],
          latencyCount,
          LatencyBuckets.quantile(latency, 0.50),
          LatencyBuckets.quantile(latency, 0.99));
    }
  }

  /**
   * One tenant's counters: rates over a minute, and what enforcement did (denied) or would have
   * done (shadow-denied) over 5 minutes and an hour; the same by refusal reason, on rings made the
   * first time the tenant is refused for that reason (most tenants never are).
   */
  private static final class TenantCounters {
    private final SlotRing rates = new SlotRing(TENANT_RATE_SLOT, TENANT_RATE_SLOTS + 1, 2);
    private final SlotRing fine = new SlotRing(TENANT_FINE_SLOT, TENANT_FINE_SLOTS + 1, T_WIDTH);
    private final SlotRing coarse =
        new SlotRing(TENANT_COARSE_SLOT, TENANT_COARSE_SLOTS + 1, T_WIDTH);
    // made at the tenant's first refusal: most tenants are never refused
    private volatile AtomicReferenceArray<SlotRing[]> byReason;
    private volatile long lastSeenNanos;

    TenantCounters(long now) {
      lastSeenNanos = now;
    }

    void record(long now, Verdict verdict, Reason reason, long items) {
      int base = rates.slotFor(now);
      rates.add(base, 0, 1);
      if (items > 0) {
        rates.add(base, 1, items);
      }
      add(fine, now, verdict, items, T_REQUESTS, T_DENIED, T_SHADOW);
      add(coarse, now, verdict, items, T_REQUESTS, T_DENIED, T_SHADOW);
      if (verdict != Verdict.ALLOW) {
        SlotRing[] r = reasonRings(reason);
        add(r[0], now, verdict, items, -1, 0, 2);
        add(r[1], now, verdict, items, -1, 0, 2);
      }
      if (now > lastSeenNanos) {
        lastSeenNanos = now; // a racing older value may win; off by microseconds at worst
      }
    }

    /**
     * Counts a decision on {@code ring}: requests at {@code all} (none when -1) and the verdict's.
     */
    private static void add(
        SlotRing ring, long now, Verdict verdict, long items, int all, int denied, int shadow) {
      int base = ring.slotFor(now);
      if (all >= 0) {
        ring.add(base, all, 1);
        if (items > 0) {
          ring.add(base, all + 1, items);
        }
      }
      if (verdict != Verdict.ALLOW) {
        int at = verdict == Verdict.DENY ? denied : shadow;
        ring.add(base, at, 1);
        if (items > 0) {
          ring.add(base, at + 1, items);
        }
      }
    }

    private SlotRing[] reasonRings(Reason reason) {
      AtomicReferenceArray<SlotRing[]> all = byReason;
      if (all == null) {
        synchronized (this) {
          if (byReason == null) {
            byReason = new AtomicReferenceArray<>(REASONS.length);
          }
          all = byReason;
        }
      }
      SlotRing[] r = all.get(reason.ordinal());
      if (r == null) {
        all.compareAndSet(
            reason.ordinal(),
            null,
            new SlotRing[] {
              new SlotRing(TENANT_FINE_SLOT, TENANT_FINE_SLOTS + 1, R_WIDTH),
              new SlotRing(TENANT_COARSE_SLOT, TENANT_COARSE_SLOTS + 1, R_WIDTH)
            });
        r = all.get(reason.ordinal());
      }
      return r;
    }

    TenantTraffic snapshot(String tenant, long now, Instant wallNow) {
      double span = rates.spanSeconds(now, TENANT_RATE_SLOTS);
      long seen = lastSeenNanos;
      return new TenantTraffic(
          tenant,
          rates.sum(now, TENANT_RATE_SLOTS, 0) / span,
          rates.sum(now, TENANT_RATE_SLOTS, 1) / span,
          fine.sum(now, TENANT_FINE_SLOTS, T_DENIED),
          fine.sum(now, TENANT_FINE_SLOTS, T_SHADOW),
          wallNow.minusNanos(Math.max(0, now - seen)));
    }

    TenantWindow window(String tenant, long now, Duration window) {
      long nanos = window.toNanos();
      int ring;
      int n;
      if (nanos > 0 && nanos <= TENANT_FINE_SLOTS * TENANT_FINE_SLOT) {
        ring = 0;
        n = (int) Math.max(1, Math.round((double) nanos / TENANT_FINE_SLOT));
      } else if (nanos > 0 && nanos <= TENANT_COARSE_SLOTS * TENANT_COARSE_SLOT) {
        ring = 1;
        n = (int) Math.max(1, Math.round((double) nanos / TENANT_COARSE_SLOT));
      } else {
        throw new IllegalArgumentException("a tenant's window must be up to 1h, got " + window);
      }
      SlotRing counts = ring == 0 ? fine : coarse;
      long[] c = new long[T_WIDTH];
      counts.sumAll(now, n, c);
      Map<Reason, TenantWindow.Refused> denied = new EnumMap<>(Reason.class);
      Map<Reason, TenantWindow.Refused> shadow = new EnumMap<>(Reason.class);
      AtomicReferenceArray<SlotRing[]> all = byReason;
      for (Reason r : all == null ? new Reason[0] : REASONS) {
        SlotRing[] rings = all.get(r.ordinal());
        if (rings == null) {
          continue;
        }
        long[] rc = new long[R_WIDTH];
        rings[ring].sumAll(now, n, rc);
        if (rc[0] > 0) {
          denied.put(r, new TenantWindow.Refused(rc[0], rc[1]));
        }
        if (rc[2] > 0) {
          shadow.put(r, new TenantWindow.Refused(rc[2], rc[3]));
        }
      }
      return new TenantWindow(
          tenant,
          window,
          counts.spanSeconds(now, n),
          c[T_REQUESTS],
          c[T_ITEMS],
          new TenantWindow.Refused(c[T_DENIED], c[T_DENIED + 1]),
          new TenantWindow.Refused(c[T_SHADOW], c[T_SHADOW + 1]),
          denied,
          shadow);
    }
  }

  /** Builds {@link TrafficStats}; checks each setting at once. Not thread-safe. */
  public static final class Builder {
    private LongSupplier nanoTime = System::nanoTime;
    private InstantSource clock = InstantSource.system();
    private int maxTenants = 10_000;

    private Builder() {}

    /** Monotonic nanoseconds for the windows (default {@code System::nanoTime}). */
    public Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /** Wall clock for the tenants' last-seen times (default the system clock). */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The most tenants tracked at once (default 10,000); the least recently seen go first. */
    public Builder maxTenants(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxTenants must be >= 1, got " + n);
      }
      this.maxTenants = n;
      return this;
    }

    public TrafficStats build() {
      return new TrafficStats(this);
    }
  }
}
