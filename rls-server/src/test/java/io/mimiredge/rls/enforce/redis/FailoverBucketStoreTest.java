package io.mimiredge.rls.enforce.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mimiredge.rls.enforce.BucketSpec;
import io.mimiredge.rls.enforce.BucketStore;
import io.mimiredge.rls.enforce.BucketView;
import io.mimiredge.rls.enforce.ConsumeResult;
import io.mimiredge.rls.enforce.StoreUnavailableException;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.enforce.redis.FailoverBucketStore.Mode;
import io.mimiredge.testsupport.Await;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailoverBucketStoreTest {
  private static final String KEY = "ingestion:t";

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final AtomicBoolean sharedDown = new AtomicBoolean();
  private final AtomicInteger replicas = new AtomicInteger(4);
  private final LocalBucketStore sharedBuckets = new LocalBucketStore(nanos::get);
  private final LocalBucketStore local = new LocalBucketStore(nanos::get);
  private final List<String> switches = new ArrayList<>();

  /** A shared store that answers like a real one, or throws like an unreachable one. */
  private final BucketStore shared =
      new BucketStore() {
        @Override
        public ConsumeResult tryConsume(String key, BucketSpec spec, long tokens) {
          check();
          return sharedBuckets.tryConsume(key, spec, tokens);
        }

        @Override
        public void refund(String key, BucketSpec spec, long tokens) {
          check();
          sharedBuckets.refund(key, spec, tokens);
        }

        @Override
        public Optional<BucketView> view(String key) {
          check();
          return sharedBuckets.view(key);
        }
      };

  private final FailoverBucketStore store =
      FailoverBucketStore.builder()
          .shared(shared, this::check)
          .local(local)
          .replicas(replicas::get)
          .clock(Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC))
          .listener((to, reason) -> switches.add(to.name()))
          .build();

  private void check() {
    if (sharedDown.get()) {
      throw new StoreUnavailableException("redis tryConsume: connection refused", null);
    }
  }

  @Test
  void usesTheSharedStoreWithTheFleetRate() {
    BucketSpec spec = new BucketSpec(100, 40);
    assertThat(store.tryConsume(KEY, spec, 100).consumed()).isTrue();
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(sharedBuckets.view(KEY).orElseThrow().availableTokens()).isEqualTo(40);
    assertThat(local.size()).isZero();
    assertThat(store.mode()).isEqualTo(Mode.SHARED);
  }

  @Test
  void fallsBackOnTheFailingRequestItselfWithTheReplicaShare() {
    sharedDown.set(true);
    BucketSpec spec = new BucketSpec(100, 40); // 40/s for the fleet, 10/s for each of 4 replicas
    ConsumeResult r = store.tryConsume(KEY, spec, 100);
    assertThat(r.consumed()).isTrue();
    assertThat(store.mode()).isEqualTo(Mode.LOCAL);
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(local.view(KEY).orElseThrow())
        .isEqualTo(new BucketView(KEY, new BucketSpec(100, 10), 10)); // burst not divided
    assertThat(store.status().degraded()).isTrue();
    assertThat(store.status().lastError()).contains("connection refused");
    assertThat(store.status().fallbacks()).isEqualTo(1);
    assertThat(switches).containsExactly("LOCAL");
  }

  @Test
  void theShareFollowsTheReplicaCount() {
    sharedDown.set(true);
    store.tryConsume(KEY, new BucketSpec(100, 40), 100);
    replicas.set(2);
    store.tryConsume(KEY, new BucketSpec(100, 40), 0);
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(store.view(KEY).orElseThrow().availableTokens()).isEqualTo(20);
  }

  @Test
  void staysLocalWithoutTouchingTheSharedStoreUntilTheProbeAnswers() {
    sharedDown.set(true);
    store.tryConsume(KEY, new BucketSpec(100, 40), 1);
    assertThat(store.probeNow()).isFalse();
    sharedDown.set(false);
    store.tryConsume(KEY, new BucketSpec(100, 40), 1);
    assertThat(sharedBuckets.size()).isZero(); // still local: only the probes bring it back
    assertThat(store.probeNow()).isTrue();
    assertThat(store.probeNow()).isTrue();
    assertThat(store.mode()).isEqualTo(Mode.LOCAL); // two answers in a row: not yet
    assertThat(store.status().answeredInRow()).isEqualTo(2);
    assertThat(store.probeNow()).isTrue();
    assertThat(store.mode()).isEqualTo(Mode.SHARED);
    store.tryConsume(KEY, new BucketSpec(100, 40), 1);
    assertThat(sharedBuckets.view(KEY).orElseThrow().availableTokens()).isEqualTo(99);
    assertThat(switches).containsExactly("LOCAL", "SHARED");
  }

  @Test
  void aProbeThatFailsStartsTheCountAgain() {
    sharedDown.set(true);
    assertThat(store.probeNow()).isFalse();
    sharedDown.set(false);
    store.probeNow();
    store.probeNow();
    sharedDown.set(true);
    assertThat(store.probeNow()).isFalse();
    sharedDown.set(false);
    store.probeNow();
    store.probeNow();
    assertThat(store.mode()).isEqualTo(Mode.LOCAL);
    store.probeNow();
    assertThat(store.mode()).isEqualTo(Mode.SHARED);
  }

  /**
   * A Redis that stalls on and off (the faults benchmark's {@code redis-slow}): each return costs
   * the requests of the next stall a command timeout each, so a store that fails again within a
   * minute of a return needs twice as many answers the next time; one that stays up a minute is
   * back to the configured count.
   */
  @Test
  void aStoreThatFlapsMustAnswerLongerEachTime() {
    MutableClock clock = new MutableClock();
    FailoverBucketStore flappy =
        FailoverBucketStore.builder().shared(shared, this::check).local(local).clock(clock).build();
    int[] needed = new int[5];
    for (int flap = 0; flap < needed.length; flap++) {
      sharedDown.set(true);
      assertThat(flappy.probeNow()).isFalse();
      sharedDown.set(false);
      int answers = 0;
      while (flappy.mode() == Mode.LOCAL) {
        flappy.probeNow();
        answers++;
        clock.advance(Duration.ofSeconds(1));
      }
      needed[flap] = answers;
      clock.advance(Duration.ofSeconds(10)); // down again 10 s after the return: a flap
    }
    assertThat(needed).containsExactly(3, 6, 12, 24, 48);

    clock.advance(FailoverBucketStore.FLAP_WINDOW); // up for a minute: no longer flapping
    sharedDown.set(true);
    flappy.probeNow();
    sharedDown.set(false);
    assertThat(flappy.status().probesToReturn()).isEqualTo(3);
  }

  @Test
  void probesToReturnIsChecked() {
    assertThatThrownBy(() -> FailoverBucketStore.builder().probesToReturn(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FailoverBucketStore.builder().probesToReturn(65))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A clock the test moves. */
  private static final class MutableClock extends java.time.Clock {
    private java.time.Instant now = java.time.Instant.parse("2026-12-07T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }

  @Test
  void theProbeTripsToLocalBetweenRequests() {
    sharedDown.set(true);
    assertThat(store.probeNow()).isFalse();
    assertThat(store.mode()).isEqualTo(Mode.LOCAL);
  }

  @Test
  void refundsAndViewsFollowTheActiveStore() {
    BucketSpec spec = new BucketSpec(100, 40);
    store.tryConsume(KEY, spec, 50);
    store.refund(KEY, spec, 20);
    assertThat(store.view(KEY).orElseThrow().availableTokens()).isEqualTo(70);
    sharedDown.set(true);
    store.refund(KEY, spec, 5); // nothing local to refund: no bucket, no error
    assertThat(store.view(KEY)).isEmpty();
  }

  @Test
  void theProberRunsWhileStarted() throws Exception {
    FailoverBucketStore probed =
        FailoverBucketStore.builder()
            .shared(shared, this::check)
            .local(local)
            .probeInterval(Duration.ofMillis(20))
            .build();
    probed.start();
    try {
      sharedDown.set(true);
      awaitMode(probed, Mode.LOCAL);
      sharedDown.set(false);
      awaitMode(probed, Mode.SHARED);
    } finally {
      probed.stop();
    }
  }

  private static void awaitMode(FailoverBucketStore s, Mode mode) {
    Await.await("the store in mode " + mode, () -> s.mode() == mode, Duration.ofSeconds(5));
  }
}
