package io.mimiredge.rls.enforce;

import io.mimiredge.rls.ha.HaTracker;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Where the token buckets and the HA elections live, as the configuration chose: in this process
 * (each replica enforces its share of a tenant's rate), or shared by the fleet in Redis (exact, so
 * the rate is not divided) with this process's as the fallback while Redis is away.
 *
 * @param type {@code local} or {@code redis}, as health reports it
 * @param shared whether every replica sees the same buckets
 * @param buckets the buckets the enforcer takes tokens from
 * @param replicaShare how many replicas share each rate ({@code Enforcer.replicas}): the replica
 *     count for local buckets, 1 for the fleet's own bucket
 * @param ha the HA elections
 * @param reachable whether the store answers (cheap: read on every health report)
 * @param transport how the connection to a remote store is protected ({@code plaintext}, {@code
 *     tls}, {@code tls-unverified}); null for one in this JVM
 */
public record StateStore(
    String type,
    boolean shared,
    BucketStore buckets,
    IntSupplier replicaShare,
    HaTracker ha,
    BooleanSupplier reachable,
    String transport) {
  public StateStore {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(buckets, "buckets");
    Objects.requireNonNull(replicaShare, "replicaShare");
    Objects.requireNonNull(ha, "ha");
    Objects.requireNonNull(reachable, "reachable");
  }
}
