package io.mimiredge.rls.enforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link BucketStore} must have, run against each implementation (extend it and
 * implement {@link #newStore}). Time comes from a fake nanosecond clock the tests move.
 */
public abstract class BucketStoreContract {
  private static final String KEY = "ingestion:tenant-a";

  /** Fake monotonic clock; starts at an arbitrary non-zero time. */
  protected final AtomicLong nanos = new AtomicLong(1_234_567_890_123L);

  protected BucketStore store;

  /** A fresh, empty store reading time from {@code clock}. */
  protected abstract BucketStore newStore(LongSupplier clock);

  @BeforeEach
  void createStore() {
    store = newStore(nanos::get);
  }

  protected void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  private long available(String key) {
    return store.view(key).orElseThrow().availableTokens();
  }

  @Test
  void newBucketStartsFull() {
    ConsumeResult r = store.tryConsume(KEY, new BucketSpec(10, 1), 10);
    assertThat(r).isEqualTo(new ConsumeResult(true, 0, 0));
  }

  @Test
  void deniedRequestConsumesNothing() {
    BucketSpec spec = new BucketSpec(10, 1);
    assertThat(store.tryConsume(KEY, spec, 8).remainingTokens()).isEqualTo(2);
    ConsumeResult denied = store.tryConsume(KEY, spec, 3);
    assertThat(denied.consumed()).isFalse();
    assertThat(denied.remainingTokens()).isEqualTo(2);
    assertThat(store.tryConsume(KEY, spec, 2).consumed()).isTrue();
  }

  @Test
  void moreThanCapacityNeverFitsAndConsumesNothing() {
    BucketSpec spec = new BucketSpec(10, 1000);
    ConsumeResult r = store.tryConsume(KEY, spec, 11);
    assertThat(r.consumed()).isFalse();
    assertThat(r.canEverFit()).isFalse();
    assertThat(r.nanosToWait()).isEqualTo(Long.MAX_VALUE);
    assertThat(store.tryConsume(KEY, spec, 10).consumed()).isTrue();
  }

  @Test
  void zeroTokensAlwaysFit() {
    BucketSpec spec = new BucketSpec(5, 1);
    store.tryConsume(KEY, spec, 5);
    assertThat(store.tryConsume(KEY, spec, 0)).isEqualTo(new ConsumeResult(true, 0, 0));
  }

  @Test
  void refusesNegativeTokens() {
    assertThatThrownBy(() -> store.tryConsume(KEY, new BucketSpec(5, 1), -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.refund(KEY, new BucketSpec(5, 1), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refillsContinuouslyUpToCapacity() {
    BucketSpec spec = new BucketSpec(10, 10);
    store.tryConsume(KEY, spec, 10);
    advance(Duration.ofMillis(250));
    assertThat(available(KEY)).isEqualTo(2); // 2.5 tokens: whole ones count
    advance(Duration.ofMillis(50));
    assertThat(store.tryConsume(KEY, spec, 3).consumed()).isTrue();
    advance(Duration.ofHours(1));
    assertThat(available(KEY)).isEqualTo(10);
  }

  @Test
  void reportsTheWaitUntilTheRequestFits() {
    BucketSpec spec = new BucketSpec(100, 10);
    store.tryConsume(KEY, spec, 100);
    ConsumeResult r = store.tryConsume(KEY, spec, 3);
    assertThat(r.consumed()).isFalse();
    assertThat((double) r.nanosToWait()).isCloseTo(300e6, within(1e6));
    advance(Duration.ofNanos(r.nanosToWait() - 1_000_000));
    assertThat(store.tryConsume(KEY, spec, 3).consumed()).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(store.tryConsume(KEY, spec, 3).consumed()).isTrue();
  }

  @Test
  void fractionalRatesAreExactForThirds() {
    BucketSpec spec = new BucketSpec(100_000_000, 10_000.0 / 3); // 10000/s over 3 replicas
    store.tryConsume(KEY, spec, 100_000_000);
    advance(Duration.ofSeconds(3));
    assertThat(available(KEY)).isEqualTo(10_000);
    advance(Duration.ofSeconds(2997));
    assertThat(available(KEY)).isEqualTo(10_000_000);
  }

  @Test
  void fractionalRatesStayWithinATokenOverLongRuns() {
    double rate = 1234.5678;
    BucketSpec spec = new BucketSpec(Integer.MAX_VALUE, rate);
    store.tryConsume(KEY, spec, Integer.MAX_VALUE);
    advance(Duration.ofSeconds(10_000));
    assertThat((double) available(KEY)).isCloseTo(rate * 10_000, within(1.0));
  }

  @Test
  void slowRatesRefillOneTokenAtATime() {
    BucketSpec spec = new BucketSpec(1, 0.01); // one token every 100 s
    store.tryConsume(KEY, spec, 1);
    advance(Duration.ofSeconds(99));
    assertThat(store.tryConsume(KEY, spec, 1).consumed()).isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(store.tryConsume(KEY, spec, 1).consumed()).isTrue();
  }

  @Test
  void fastRatesWork() {
    BucketSpec spec = new BucketSpec(2_000_000_000, BucketSpec.MAX_RATE);
    store.tryConsume(KEY, spec, 2_000_000_000);
    advance(Duration.ofMillis(1500));
    assertThat(available(KEY)).isEqualTo(1_500_000_000);
  }

  @Test
  void newSpecKeepsTokensCappedAtTheNewCapacity() {
    store.tryConsume(KEY, new BucketSpec(100, 1), 60);
    assertThat(store.tryConsume(KEY, new BucketSpec(200, 1), 0).remainingTokens()).isEqualTo(40);
    assertThat(store.tryConsume(KEY, new BucketSpec(20, 1), 0).remainingTokens()).isEqualTo(20);
    assertThat(store.view(KEY).orElseThrow().spec()).isEqualTo(new BucketSpec(20, 1));
  }

  @Test
  void newSpecRefillsAtTheNewRate() {
    store.tryConsume(KEY, new BucketSpec(1000, 1), 1000);
    BucketSpec faster = new BucketSpec(1000, 100);
    store.tryConsume(KEY, faster, 0);
    advance(Duration.ofSeconds(2));
    assertThat(store.tryConsume(KEY, faster, 200).consumed()).isTrue();
  }

  @Test
  void refundGivesTokensBackUpToCapacity() {
    BucketSpec spec = new BucketSpec(10, 1);
    store.tryConsume(KEY, spec, 7);
    store.refund(KEY, spec, 5);
    assertThat(available(KEY)).isEqualTo(8);
    store.refund(KEY, spec, 5);
    assertThat(available(KEY)).isEqualTo(10);
  }

  @Test
  void refundOfAnUnknownBucketDoesNothing() {
    store.refund("request:nobody", new BucketSpec(10, 1), 3);
    assertThat(store.view("request:nobody")).isEmpty();
  }

  @Test
  void viewIsReadOnly() {
    assertThat(store.view(KEY)).isEmpty();
    BucketSpec spec = new BucketSpec(10, 1);
    store.tryConsume(KEY, spec, 4);
    assertThat(store.view(KEY)).contains(new BucketView(KEY, spec, 6));
    assertThat(store.view(KEY)).contains(new BucketView(KEY, spec, 6));
    assertThat(store.tryConsume(KEY, spec, 6).consumed()).isTrue();
  }

  @Test
  void keysAreIndependent() {
    BucketSpec spec = new BucketSpec(5, 1);
    store.tryConsume("ingestion:a", spec, 5);
    assertThat(store.tryConsume("ingestion:b", spec, 5).consumed()).isTrue();
    assertThat(store.tryConsume("ingestion:a", spec, 1).consumed()).isFalse();
  }

  @Test
  void concurrentConsumersNeverTakeMoreThanTheBucketHolds() throws Exception {
    BucketSpec spec = new BucketSpec(1000, 1); // frozen clock: no refill during the test
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Long>> taken = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      taken.add(
          pool.submit(
              () -> {
                start.await();
                long n = 0;
                for (int i = 0; i < 500; i++) {
                  if (store.tryConsume(KEY, spec, 1).consumed()) {
                    n++;
                  }
                }
                return n;
              }));
    }
    start.countDown();
    long total = 0;
    for (Future<Long> f : taken) {
      total += f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(total).isEqualTo(1000);
  }
}
