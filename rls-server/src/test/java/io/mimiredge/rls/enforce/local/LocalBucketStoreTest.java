package io.mimiredge.rls.enforce.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.Bandwidth;
import io.mimiredge.rls.enforce.BucketSpec;
import io.mimiredge.rls.enforce.BucketStore;
import io.mimiredge.rls.enforce.BucketStoreContract;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalBucketStoreTest extends BucketStoreContract {

  @Override
  protected BucketStore newStore(LongSupplier clock) {
    return new LocalBucketStore(clock);
  }

  @Test
  void evictsOnlyFullBuckets() {
    LocalBucketStore local = (LocalBucketStore) store;
    BucketSpec spec = new BucketSpec(10, 1);
    local.tryConsume("a", spec, 10);
    local.tryConsume("b", spec, 0);
    assertThat(local.evictFull()).isEqualTo(1);
    assertThat(local.view("b")).isEmpty();
    assertThat(local.size()).isEqualTo(1);
    advance(Duration.ofSeconds(10));
    assertThat(local.evictFull()).isEqualTo(1);
    assertThat(local.size()).isZero();
    assertThat(local.tryConsume("a", spec, 10).consumed()).isTrue(); // back full, as if never seen
  }

  @ParameterizedTest(name = "{0}/s -> {1} tokens per {2} s")
  @CsvSource({
    "3333.3333333333335, 2800000, 840", // 10000/s over 3 replicas: exact
    "2500, 2100000, 840",
    "12755, 10714200, 840",
    "100000, 30000000, 300", // P shrinks to keep tokens × P within a long
    "1000000000, 3000000000, 3",
    "1, 840, 840"
  })
  void representsRatesAsWholeTokensPerPeriod(double rate, long tokens, long seconds) {
    Bandwidth b = LocalBucketStore.bandwidth(new BucketSpec(1, rate));
    assertThat(b.getRefillTokens()).isEqualTo(tokens);
    assertThat(b.getRefillPeriodNanos()).isEqualTo(seconds * 1_000_000_000L);
    assertThat(Math.multiplyHigh(b.getRefillTokens(), b.getRefillPeriodNanos())).isZero();
  }

  @Test
  void representsSlowRatesAsOneTokenPerInterval() {
    Bandwidth b = LocalBucketStore.bandwidth(new BucketSpec(1, 0.3));
    assertThat(b.getRefillTokens()).isEqualTo(1);
    assertThat(b.getRefillPeriodNanos()).isEqualTo(3_333_333_333L);
  }
}
