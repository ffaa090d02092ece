package io.mimiredge.rls.enforce.local;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.local.LocalBucket;
import io.mimiredge.rls.enforce.BucketSpec;
import io.mimiredge.rls.enforce.BucketStore;
import io.mimiredge.rls.enforce.BucketView;
import io.mimiredge.rls.enforce.ConsumeResult;
import io.mimiredge.rls.enforce.internal.Bandwidths;
import io.mimiredge.rls.enforce.internal.Consumption;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@link BucketStore} in this process's memory: one lock-free bucket4j bucket per key. Thread-safe;
 * consuming never locks, only creating a bucket or changing its spec does (briefly, for that key's
 * hash bin).
 */
public final class LocalBucketStore implements BucketStore {
  private final ConcurrentHashMap<String, Entry> buckets = new ConcurrentHashMap<>();
  private final TimeMeter timeMeter;

  private record Entry(BucketSpec spec, LocalBucket bucket) {}

  /**
   * @param nanoClock monotonic nanoseconds, e.g. {@code System::nanoTime}; tests pass a fake
   */
  public LocalBucketStore(LongSupplier nanoClock) {
    Objects.requireNonNull(nanoClock, "nanoClock");
    this.timeMeter =
        new TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return nanoClock.getAsLong();
          }

          @Override
          public boolean isWallClockBased() {
            return false;
          }
        };
  }

  @Override
  public ConsumeResult tryConsume(String key, BucketSpec spec, long tokens) {
    if (tokens < 0) {
      throw new IllegalArgumentException("tokens must be >= 0, got " + tokens);
    }
    LocalBucket bucket = entry(key, spec).bucket();
    return Consumption.tryConsume(bucket, tokens, spec.capacity());
  }

  @Override
  public void refund(String key, BucketSpec spec, long tokens) {
    if (tokens < 0) {
      throw new IllegalArgumentException("tokens must be >= 0, got " + tokens);
    }
    if (tokens > 0 && buckets.containsKey(key)) {
      entry(key, spec).bucket().addTokens(tokens); // capped at capacity by bucket4j
    }
  }

  @Override
  public Optional<BucketView> view(String key) {
    Entry e = buckets.get(key);
    return e == null
        ? Optional.empty()
        : Optional.of(new BucketView(key, e.spec(), e.bucket().getAvailableTokens()));
  }

  /** Buckets held. */
  public int size() {
    return buckets.size();
  }

  /**
   * Forgets full buckets, which behave exactly like missing ones, so tenants that come and go do
   * not grow the map forever. Call it now and then (e.g. every minute). A request racing the
   * removal of its bucket may have its tokens forgotten; a bucket is only full after the tenant
   * stayed idle for a whole burst, so the effect is at most one request's worth.
   *
   * @return buckets removed
   */
  public int evictFull() {
    int removed = 0;
    for (var it = buckets.entrySet().iterator(); it.hasNext(); ) {
      Entry e = it.next().getValue();
      if (e.bucket().getAvailableTokens() >= e.spec().capacity()) {
        it.remove();
        removed++;
      }
    }
    return removed;
  }

  private Entry entry(String key, BucketSpec spec) {
    Objects.requireNonNull(spec, "spec");
    Entry e = buckets.get(key);
    if (e != null && e.spec().equals(spec)) {
      return e; // the hot path: no lock
    }
    return buckets.compute(
        key,
        (k, old) -> {
          if (old == null) {
            return new Entry(
                spec,
                Bucket.builder()
                    .withCustomTimePrecision(timeMeter)
                    .addLimit(bandwidth(spec))
                    .build());
          }
          if (old.spec().equals(spec)) {
            return old;
          }
          old.bucket()
              .replaceConfiguration(
                  BucketConfiguration.builder().addLimit(bandwidth(spec)).build(),
                  TokensInheritanceStrategy.AS_IS);
          return new Entry(spec, old.bucket());
        });
  }

  /** The bucket4j shape of a spec (see {@link Bandwidths#of}). */
  static Bandwidth bandwidth(BucketSpec spec) {
    return Bandwidths.of(spec);
  }
}
