package io.mimiredge.rls.ha;

import java.util.List;
import java.util.Objects;

/**
 * Mimir's HA tracker at the edge ({@code pkg/distributor/ha_tracker.go}): per tenant and cluster
 * one elected replica, whose requests are counted; another replica's requests are not (Mimir
 * answers them 202 and drops their samples). The first replica seen is elected; when the elected
 * one has not been seen for the failover timeout, the next replica seen takes over. A new cluster
 * beyond the tenant's limit is refused ({@code err-mimir-tenant-too-many-ha-clusters}). With {@code
 * ha_tracker_sample_failover_timeout} the new replica must also be sending samples that are that
 * much newer than the elected one's last-seen time ({@code updateKVStore}), so that a replica
 * sending old samples (a backlog) does not take over. A cluster not seen for {@link
 * #IDLE_CLUSTER_MILLIS} is forgotten and frees its place, as Mimir's cleanup does.
 *
 * <p>The edge's election can differ from Mimir's for a few seconds around a failover: Mimir fails
 * over in a background loop every {@code ha_tracker_update_timeout}, the edge on the first request
 * after the timeout. The edge forwards every replica's requests untouched either way; only what it
 * counts differs.
 *
 * <p>Implementations are thread-safe and their state is bounded.
 */
public interface HaTracker {
  /** Mimir marks a cluster's entry deleted once idle this long ({@code cleanupOldReplicas}). */
  long IDLE_CLUSTER_MILLIS = 30 * 60 * 1000L;

  /**
   * Judges a request of {@code replica} in {@code cluster} at {@code nowMillis} (wall clock, Unix
   * ms: elections shared between processes compare it).
   *
   * @param sampleTimeMillis the request's sample time for {@code
   *     ha_tracker_sample_failover_timeout}: its earliest sample (see {@link #sampleTime}); read
   *     only when that setting is on
   */
  Result check(
      String tenant,
      String cluster,
      String replica,
      Settings settings,
      long nowMillis,
      long sampleTimeMillis);

  /** {@link #check(String, String, String, Settings, long, long)} with the sample time now. */
  default Result check(
      String tenant, String cluster, String replica, Settings settings, long nowMillis) {
    return check(tenant, cluster, replica, settings, nowMillis, nowMillis);
  }

  /**
   * The sample time Mimir's HA dedupe gives the tracker ({@code ha_dedupe_per_request.go}, {@code
   * getEarliestSampleTimestamp}; per replica in {@code ha_dedupe_per_sample.go}): now, or the
   * earliest of the series' first samples and first histograms when that is earlier and {@code
   * ha_tracker_sample_failover_timeout} is on.
   *
   * @param earliestSampleMillis the earliest first sample, {@link Long#MAX_VALUE} when none
   */
  static long sampleTime(Settings settings, long nowMillis, long earliestSampleMillis) {
    return settings.failoverSampleTimeoutMillis() > 0
        ? Math.min(nowMillis, earliestSampleMillis)
        : nowMillis;
  }

  /**
   * Whether another replica may take over from the elected one, last seen at {@code lastSeen}
   * ({@code ha_tracker.go}, {@code updateKVStore}): the elected one silent for the failover timeout
   * and, with {@code ha_tracker_sample_failover_timeout}, the newcomer's sample time at least that
   * much after {@code lastSeen}.
   */
  static boolean mayFailOver(
      Settings settings, long lastSeen, long nowMillis, long sampleTimeMillis) {
    if (nowMillis - lastSeen < settings.failoverTimeoutMillis()) {
      return false;
    }
    long sampleTimeout = settings.failoverSampleTimeoutMillis();
    return sampleTimeout <= 0 || sampleTimeMillis - lastSeen >= sampleTimeout;
  }

  /** The tenant's clusters and their elected replicas, by cluster name; empty when none. */
  List<Election> elections(String tenant, long nowMillis);

  /**
   * The tenant's HA settings, with Mimir's names.
   *
   * @param failoverTimeoutMillis {@code ha_tracker_failover_timeout}
   * @param updateTimeoutMillis {@code ha_tracker_update_timeout}: how stale a shared store's view
   *     of the elected replica may get
   * @param maxClusters {@code ha_max_clusters}; 0 = no limit
   * @param failoverSampleTimeoutMillis {@code ha_tracker_sample_failover_timeout}; 0 = off
   */
  record Settings(
      long failoverTimeoutMillis,
      long updateTimeoutMillis,
      int maxClusters,
      long failoverSampleTimeoutMillis) {
    public Settings {
      if (failoverTimeoutMillis < 0
          || updateTimeoutMillis < 0
          || maxClusters < 0
          || failoverSampleTimeoutMillis < 0) {
        throw new IllegalArgumentException(
            "HA settings must be >= 0, got failover "
                + failoverTimeoutMillis
                + " ms, update "
                + updateTimeoutMillis
                + " ms, max clusters "
                + maxClusters
                + ", sample failover "
                + failoverSampleTimeoutMillis
                + " ms");
      }
    }

    /** Without {@code ha_tracker_sample_failover_timeout}. */
    public Settings(long failoverTimeoutMillis, long updateTimeoutMillis, int maxClusters) {
      this(failoverTimeoutMillis, updateTimeoutMillis, maxClusters, 0);
    }
  }

  /** What a request's replica is. */
  enum Verdict {
    /** The elected replica (or one just elected): its request is counted. */
    ELECTED,
    /** Another replica than the elected one: forwarded, not counted. */
    NOT_ELECTED,
    /** A new cluster over {@code ha_max_clusters}: refused with a 400. */
    TOO_MANY_CLUSTERS
  }

  /**
   * A judgement.
   *
   * @param verdict what the replica is
   * @param elected the elected replica (for {@link Verdict#NOT_ELECTED}); null otherwise
   */
  record Result(Verdict verdict, String elected) {
    public static final Result ELECTED = new Result(Verdict.ELECTED, null);
    public static final Result TOO_MANY_CLUSTERS = new Result(Verdict.TOO_MANY_CLUSTERS, null);

    public Result {
      Objects.requireNonNull(verdict, "verdict");
    }

    public static Result notElected(String elected) {
      return new Result(Verdict.NOT_ELECTED, Objects.requireNonNull(elected, "elected"));
    }
  }

  /**
   * One cluster's election, for the admin API.
   *
   * @param cluster the cluster label's value
   * @param replica the elected replica
   * @param lastSeenMillis when the elected replica was last seen (by this tracker's store)
   * @param electedAtMillis when it was elected
   */
  record Election(String cluster, String replica, long lastSeenMillis, long electedAtMillis) {}
}
