package io.mimiredge.rls.ha.redis;

import io.mimiredge.rls.enforce.StoreUnavailableException;
import io.mimiredge.rls.enforce.redis.FailoverBucketStore;
import io.mimiredge.rls.enforce.redis.RedisBucketStore;
import io.mimiredge.rls.ha.HaTracker;
import io.mimiredge.rls.ha.local.LocalHaTracker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link HaTracker} shared by every RLS replica through the Redis that holds the buckets: one key
 * per tenant and cluster ({@code ha:{tenant}/cluster}: replica, last seen, elected at), changed
 * only by a Lua script that compares and sets in one step, as Mimir's HA tracker does with its KV
 * store. Keys expire once a cluster has been idle for {@link #IDLE_CLUSTER_MILLIS}; a sorted set
 * per tenant counts its live clusters for {@code ha_max_clusters}.
 *
 * <p>Each replica keeps what Redis last said of a cluster and decides from it for up to {@code
 * ha_tracker_update_timeout}: the elected replica's requests refresh its last-seen time in Redis at
 * most once per update timeout (Mimir's heartbeat), and another replica's requests go to Redis only
 * once the failover timeout since that time has passed. Replicas can disagree for at most an update
 * timeout, as Mimir's distributors can.
 *
 * <p>While Redis is down (as the bucket store's probe sees it) the local tracker decides, from the
 * traffic this replica sees; a failed call trips the bucket store to local too.
 *
 * <p>Thread-safe; what it keeps is bounded like the local tracker's.
 */
public final class RedisHaTracker implements HaTracker {
  // KEYS: the cluster's hash, the tenant's live clusters. ARGV: replica, now, failover timeout,
  // max clusters, idle timeout, cluster, sample time, sample failover timeout (0 = off). Reply:
  // {verdict (1 elected, 0 not, 2 too many clusters), elected replica, its last seen, elected at}.
  // The failover test is HaTracker.mayFailOver's (ha_tracker.go, updateKVStore).
  static final String CHECK =
      """
      local key, clusters = KEYS[1], KEYS[2]
      local replica, cluster = ARGV[1], ARGV[6]
      local now, failover = tonumber(ARGV[2]), tonumber(ARGV[3])
      local max, idle = tonumber(ARGV[4]), tonumber(ARGV[5])
      local sample, sampleFailover = tonumber(ARGV[7]), tonumber(ARGV[8])
      local cur = redis.call('HMGET', key, 'replica', 'seen', 'elected')
      if cur[1] then
        local seen, elected = tonumber(cur[2]), tonumber(cur[3])
        if cur[1] == replica then
          if now > seen then
            redis.call('HSET', key, 'seen', now)
            seen = now
          end
        elseif now - seen < failover or (sampleFailover > 0 and sample - seen < sampleFailover) then
          return {0, cur[1], seen, elected}
        else
          redis.call('HSET', key, 'replica', replica, 'seen', now, 'elected', now)
          seen, elected = now, now
        end
        redis.call('PEXPIRE', key, idle)
        redis.call('ZADD', clusters, seen, cluster)
        redis.call('PEXPIRE', clusters, idle)
        return {1, replica, seen, elected}
      end
      redis.call('ZREMRANGEBYSCORE', clusters, '-inf', now - idle)
      if max > 0 and redis.call('ZCARD', clusters) >= max then
        return {2, '', 0, 0}
      end
      redis.call('HSET', key, 'replica', replica, 'seen', now, 'elected', now)
      redis.call('PEXPIRE', key, idle)
      redis.call('ZADD', clusters, now, cluster)
      redis.call('PEXPIRE', clusters, idle)
      return {1, replica, now, now}
      """;

  // KEYS: the tenant's live clusters; ARGV: the hash key prefix, now, idle timeout. Reply: a flat
  // list of cluster, replica, last seen, elected at (at most 1000 clusters).
  static final String LIST =
      """
      local clusters, prefix = KEYS[1], ARGV[1]
      local now, idle = tonumber(ARGV[2]), tonumber(ARGV[3])
      local out = {}
      local live = redis.call('ZRANGEBYSCORE', clusters, '(' .. (now - idle), '+inf', 'LIMIT', 0, 1000)
      for _, c in ipairs(live) do
        local v = redis.call('HMGET', prefix .. c, 'replica', 'seen', 'elected')
        if v[1] then
          table.insert(out, c)
          table.insert(out, v[1])
          table.insert(out, tonumber(v[2]))
          table.insert(out, tonumber(v[3]))
        end
      end
      return out
      """;

  private final RedisBucketStore redis;
  private final FailoverBucketStore buckets;
  private final LocalHaTracker local;
  private final int maxCached;
  private final ConcurrentHashMap<String, Seen> cache = new ConcurrentHashMap<>();

  /** What Redis last said of a cluster, and when this replica asked. */
  private record Seen(String replica, long lastSeen, long fetchedAt) {}

  /**
   * @param redis the connection the buckets use
   * @param buckets the bucket store whose probe says whether Redis is up
   * @param local decides while Redis is down
   * @param maxCached clusters whose election this replica remembers, &gt;= 1
   */
  public RedisHaTracker(
      RedisBucketStore redis, FailoverBucketStore buckets, LocalHaTracker local, int maxCached) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.buckets = Objects.requireNonNull(buckets, "buckets");
    this.local = Objects.requireNonNull(local, "local");
    if (maxCached < 1) {
      throw new IllegalArgumentException("maxCached must be >= 1, got " + maxCached);
    }
    this.maxCached = maxCached;
  }

  @Override
  public Result check(
      String tenant,
      String cluster,
      String replica,
      Settings settings,
      long nowMillis,
      long sampleTimeMillis) {
    if (buckets.mode() != FailoverBucketStore.Mode.SHARED) {
      return local.check(tenant, cluster, replica, settings, nowMillis, sampleTimeMillis);
    }
    String cacheKey = tenant + '\u0000' + cluster;
    Seen seen = cache.get(cacheKey);
    if (seen != null && nowMillis - seen.fetchedAt() < settings.updateTimeoutMillis()) {
      if (seen.replica().equals(replica)) {
        if (nowMillis - seen.lastSeen() < settings.updateTimeoutMillis()) {
          return Result.ELECTED; // its last-seen time in Redis is fresh enough
        }
      } else if (!HaTracker.mayFailOver(settings, seen.lastSeen(), nowMillis, sampleTimeMillis)) {
        // Redis's last-seen time is at least the one remembered: no failover there either
        return Result.notElected(seen.replica());
      }
    }
    List<Object> reply;
    try {
      reply =
          redis.eval(
              CHECK,
              List.of(clusterKey(tenant, cluster), clustersKey(tenant)),
              List.of(
                  replica,
                  Long.toString(nowMillis),
                  Long.toString(settings.failoverTimeoutMillis()),
                  Integer.toString(settings.maxClusters()),
                  Long.toString(IDLE_CLUSTER_MILLIS),
                  cluster,
                  Long.toString(sampleTimeMillis),
                  Long.toString(settings.failoverSampleTimeoutMillis())));
    } catch (StoreUnavailableException e) {
      buckets.sharedFailed(e.getMessage());
      return local.check(tenant, cluster, replica, settings, nowMillis, sampleTimeMillis);
    }
    long verdict = (Long) reply.get(0);
    if (verdict == 2) {
      return Result.TOO_MANY_CLUSTERS;
    }
    String elected = text(reply.get(1));
    long lastSeen = (Long) reply.get(2);
    if (seen != null || cache.size() < maxCached) {
      cache.put(cacheKey, new Seen(elected, lastSeen, nowMillis));
    }
    return verdict == 1 ? Result.ELECTED : Result.notElected(elected);
  }

  @Override
  public List<Election> elections(String tenant, long nowMillis) {
    if (buckets.mode() != FailoverBucketStore.Mode.SHARED) {
      return local.elections(tenant, nowMillis);
    }
    List<Object> reply;
    try {
      reply =
          redis.eval(
              LIST,
              List.of(clustersKey(tenant)),
              List.of(
                  redis.redisKey(clusterKey(tenant, "")),
                  Long.toString(nowMillis),
                  Long.toString(IDLE_CLUSTER_MILLIS)));
    } catch (StoreUnavailableException e) {
      buckets.sharedFailed(e.getMessage());
      return local.elections(tenant, nowMillis);
    }
    List<Election> out = new ArrayList<>();
    for (int i = 0; i + 3 < reply.size(); i += 4) {
      out.add(
          new Election(
              text(reply.get(i)),
              text(reply.get(i + 1)),
              (Long) reply.get(i + 2),
              (Long) reply.get(i + 3)));
    }
    return out;
  }

  /** Forgets what this replica remembers of clusters it has not asked about for a while. */
  public void evictIdle(long nowMillis) {
    for (Iterator<Map.Entry<String, Seen>> it = cache.entrySet().iterator(); it.hasNext(); ) {
      if (nowMillis - it.next().getValue().fetchedAt() >= IDLE_CLUSTER_MILLIS) {
        it.remove();
      }
    }
    local.evictIdle(nowMillis);
  }

  /** Clusters whose election this replica remembers. */
  public int cachedClusters() {
    return cache.size();
  }

  /** The Redis key (before the store's prefix) of a tenant's cluster. */
  static String clusterKey(String tenant, String cluster) {
    // {tenant}: one hash slot per tenant, so both keys of the script live on one Redis Cluster node
    return "ha:{" + tenant + "}/" + cluster;
  }

  static String clustersKey(String tenant) {
    return "ha-clusters:{" + tenant + "}";
  }

  private static String text(Object o) {
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
  }
}
