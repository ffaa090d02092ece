package io.mimiredge.rls.ha;

import java.util.List;
import java.util.Objects;

/**
 * Mimir's HA tracker at the edge ({@code pkg/distributor/ha_tracker.go}): per tenant and cluster
 * one elected replica, whose requests are counted; another replica's requests are not (Mimir
 * answers them 202 and drops their samples). The first replica seen is elected; when the elected
 * one has not been seen for the failover timeout, the next replica seen takes over. A new cluster
 * beyond the tenant's limit is refused ({@code err-mimir-tenant-too-many-ha-clusters}). A cluster
 * not seen for {@link #IDLE_CLUSTER_MILLIS} is forgotten and frees its place, as Mimir's cleanup
 * does.
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
   */
  Result check(String tenant, String cluster, String replica, Settings settings, long nowMillis);

  /** The tenant's clusters and their elected replicas, by cluster name; empty when none. */
  List<Election> elections(String tenant, long nowMillis);

  /**
   * The tenant's HA settings, with Mimir's names.
   *
   * @param failoverTimeoutMillis {@code ha_tracker_failover_timeout}
   * @param updateTimeoutMillis {@code ha_tracker_update_timeout}: how stale a shared store's view
   *     of the elected replica may get
   * @param maxClusters {@code ha_max_clusters}; 0 = no limit
   */
  record Settings(long failoverTimeoutMillis, long updateTimeoutMillis, int maxClusters) {
    public Settings {
      if (failoverTimeoutMillis < 0 || updateTimeoutMillis < 0 || maxClusters < 0) {
        throw new IllegalArgumentException(
            "HA settings must be >= 0, got failover "
                + failoverTimeoutMillis
                + " ms, update "
                + updateTimeoutMillis
                + " ms, max clusters "
                + maxClusters);
      }
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
