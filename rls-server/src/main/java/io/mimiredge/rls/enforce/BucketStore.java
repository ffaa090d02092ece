package io.mimiredge.rls.enforce;

import java.util.Optional;

/**
 * Token buckets by key, with golang.org/x/time/rate {@code AllowN} semantics (what Mimir uses).
 * Implementations are thread-safe and keep no lock across keys.
 *
 * <ul>
 *   <li>A bucket that does not exist yet starts full. A full bucket and a missing one are the same
 *       thing, so a store may forget full buckets.
 *   <li>Refill is continuous at {@link BucketSpec#ratePerSecond()}, up to the capacity.
 *   <li>{@link #tryConsume} is all-or-nothing: a request that does not fit takes nothing.
 *   <li>When a call brings a spec different from the bucket's, the bucket adopts it and keeps its
 *       tokens, capped at the new capacity (limits changed at runtime do not reset anyone).
 * </ul>
 *
 * Keys are opaque to the store; the {@code Enforcer} decides them.
 */
public interface BucketStore {

  /**
   * Takes {@code tokens} (&gt;= 0) from the bucket if they are all there.
   *
   * @throws IllegalArgumentException if {@code tokens} is negative
   */
  ConsumeResult tryConsume(String key, BucketSpec spec, long tokens);

  /**
   * Gives back tokens taken by an earlier {@link #tryConsume} whose request was refused after all,
   * capped at the capacity. Does nothing for a bucket the store does not hold.
   */
  void refund(String key, BucketSpec spec, long tokens);

  /** The bucket's current fill without changing it, or empty when the store holds none. */
  Optional<BucketView> view(String key);
}
