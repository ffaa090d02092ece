package io.mimiredge.rls.ha.local;

import io.mimiredge.rls.ha.HaTracker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link HaTracker} in this process's memory: each RLS replica elects from the traffic it sees. The
 * elected replica's last-seen time is updated on each of its requests, so a failover happens on the
 * first request of another replica once the elected one has been silent for the failover timeout.
 *
 * <p>Bounded: at most {@code ha_max_clusters} clusters per tenant (Mimir's own limit), idle
 * clusters forgotten by {@link #evictIdle}, and at most {@code maxClusters} clusters in all. Past
 * that bound a new cluster is not tracked: its requests are counted as if they were not HA ones,
 * which can over-count but never drops a request, and {@link #untracked()} says how often.
 *
 * <p>Thread-safe: one lock per tenant, held for a map lookup and a few field writes.
 */
public final class LocalHaTracker implements HaTracker {
  private final ConcurrentHashMap<String, Clusters> tenants = new ConcurrentHashMap<>();
  private final AtomicInteger tracked = new AtomicInteger();
  private final int maxClusters;
  private final AtomicLong untracked = new AtomicLong();

  /**
   * @param maxClusters clusters tracked over all tenants, &gt;= 1
   */
  public LocalHaTracker(int maxClusters) {
    if (maxClusters < 1) {
      throw new IllegalArgumentException("maxClusters must be >= 1, got " + maxClusters);
    }
    this.maxClusters = maxClusters;
  }

  /** One tenant's clusters; guarded by itself. */
  private static final class Clusters {
    final Map<String, Entry> byName = new HashMap<>(4);
  }

  private static final class Entry {
    String replica;
    long lastSeen;
    long electedAt;

    Entry(String replica, long now) {
      this.replica = replica;
      this.lastSeen = now;
      this.electedAt = now;
    }
  }

  @Override
  public Result check(
      String tenant,
      String cluster,
      String replica,
      Settings settings,
      long nowMillis,
      long sampleTimeMillis) {
    while (true) {
      Clusters c = tenants.computeIfAbsent(tenant, t -> new Clusters());
      synchronized (c) {
        if (tenants.get(tenant) == c) { // not evicted while this thread waited for it
          return check(c, cluster, replica, settings, nowMillis, sampleTimeMillis);
        }
      }
    }
  }

  /** {@link #check} with the tenant's lock held. */
  private Result check(
      Clusters c,
      String cluster,
      String replica,
      Settings settings,
      long nowMillis,
      long sampleTimeMillis) {
    {
      Entry e = c.byName.get(cluster);
      if (e != null && nowMillis - e.lastSeen >= IDLE_CLUSTER_MILLIS) {
        c.byName.remove(cluster); // forgotten, as Mimir's cleanup marks it deleted
        tracked.decrementAndGet();
        e = null;
      }
      if (e == null) {
        // checkReplica: a cluster not known yet; refused when the tenant has its limit of them.
        if (settings.maxClusters() > 0 && live(c, nowMillis) >= settings.maxClusters()) {
          return Result.TOO_MANY_CLUSTERS;
        }
        if (tracked.incrementAndGet() > maxClusters) {
          tracked.decrementAndGet();
          untracked.incrementAndGet();
          return Result.ELECTED;
        }
        c.byName.put(cluster, new Entry(replica, nowMillis));
        return Result.ELECTED;
      }
      if (e.replica.equals(replica)) {
        e.lastSeen = Math.max(e.lastSeen, nowMillis);
        return Result.ELECTED;
      }
      if (HaTracker.mayFailOver(settings, e.lastSeen, nowMillis, sampleTimeMillis)) {
        e.replica = replica; // failover: the silent replica loses the election
        e.lastSeen = nowMillis;
        e.electedAt = nowMillis;
        return Result.ELECTED;
      }
      return Result.notElected(e.replica);
    }
  }

  /** Clusters of the tenant that are not idle; called with the tenant's lock held. */
  private static int live(Clusters c, long now) {
    int n = 0;
    for (Entry e : c.byName.values()) {
      if (now - e.lastSeen < IDLE_CLUSTER_MILLIS) {
        n++;
      }
    }
    return n;
  }

  @Override
  public List<Election> elections(String tenant, long nowMillis) {
    Clusters c = tenants.get(tenant);
    if (c == null) {
      return List.of();
    }
    List<Election> out = new ArrayList<>();
    synchronized (c) {
      c.byName.forEach(
          (cluster, e) -> {
            if (nowMillis - e.lastSeen < IDLE_CLUSTER_MILLIS) {
              out.add(new Election(cluster, e.replica, e.lastSeen, e.electedAt));
            }
          });
    }
    out.sort(Comparator.comparing(Election::cluster));
    return out;
  }

  /** Forgets the clusters idle for {@link #IDLE_CLUSTER_MILLIS}, and tenants left without any. */
  public void evictIdle(long nowMillis) {
    for (Iterator<Map.Entry<String, Clusters>> it = tenants.entrySet().iterator(); it.hasNext(); ) {
      Clusters c = it.next().getValue();
      synchronized (c) {
        int before = c.byName.size();
        c.byName.values().removeIf(e -> nowMillis - e.lastSeen >= IDLE_CLUSTER_MILLIS);
        tracked.addAndGet(c.byName.size() - before);
        if (c.byName.isEmpty()) {
          it.remove(); // a racing check recreates it: at worst one new election
        }
      }
    }
  }

  /** Clusters tracked now, over all tenants. */
  public int trackedClusters() {
    return tracked.get();
  }

  /** New clusters not tracked because {@code maxClusters} were (counted as non-HA requests). */
  public long untracked() {
    return untracked.get();
  }
}
