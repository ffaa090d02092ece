package io.mimiredge.rls.enforce.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mimiredge.rls.enforce.BucketSpec;
import io.mimiredge.rls.enforce.BucketStore;
import io.mimiredge.rls.enforce.BucketStoreContract;
import io.mimiredge.rls.enforce.StoreUnavailableException;
import io.mimiredge.testsupport.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared contract against a real Redis, with the contract's fake clock as bucket4j's clock. */
class RedisBucketStoreTest extends BucketStoreContract {
  private static RedisServer redis;
  private static RedisClient inspector;
  private static StatefulRedisConnection<String, String> raw;

  private final List<RedisBucketStore> opened = new ArrayList<>();
  // Each test gets its own keys, so tests never see each other's buckets.
  private final String prefix = "test-" + UUID.randomUUID() + ":";

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.startOrSkip();
    inspector = RedisClient.create(redis.uri());
    raw = inspector.connect();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (raw != null) {
      raw.close();
      inspector.shutdown();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void closeStores() {
    opened.forEach(RedisBucketStore::close);
  }

  @Override
  protected BucketStore newStore(LongSupplier clock) {
    return open(clock, redis.uri());
  }

  private RedisBucketStore open(LongSupplier clock, String uri) {
    RedisBucketStore s =
        RedisBucketStore.builder()
            .uri(RedisURI.create(uri))
            .keyPrefix(prefix)
            .clock(clock)
            .keepAfterFull(Duration.ofSeconds(30))
            .build();
    opened.add(s);
    return s;
  }

  @Test
  void replicasSharingRedisShareOneBucket() {
    RedisBucketStore other = open(nanos::get, redis.uri());
    BucketSpec spec = new BucketSpec(10, 1);
    assertThat(store.tryConsume("ingestion:t", spec, 6).consumed()).isTrue();
    assertThat(other.tryConsume("ingestion:t", spec, 5).consumed()).isFalse();
    assertThat(other.tryConsume("ingestion:t", spec, 4).remainingTokens()).isZero();
    assertThat(store.view("ingestion:t").orElseThrow().availableTokens()).isZero();
  }

  @Test
  void aSpecChangedByAnotherReplicaIsAdoptedWithTheTokens() {
    RedisBucketStore other = open(nanos::get, redis.uri());
    store.tryConsume("ingestion:t", new BucketSpec(100, 1), 30);
    other.tryConsume("ingestion:t", new BucketSpec(50, 1), 0);
    assertThat(store.tryConsume("ingestion:t", new BucketSpec(100, 1), 0).remainingTokens())
        .isEqualTo(50); // capped at 50 by the other replica, kept when 100 comes back
  }

  @Test
  void keysCarryAnExpiryOfTheRefillTimePlusTheGrace() {
    BucketSpec spec = new BucketSpec(100, 10); // empty → full in 10 s
    store.tryConsume("ingestion:t", spec, 100);
    long ttl = raw.sync().pttl(prefix + "ingestion:t");
    assertThat(ttl).isBetween(35_000L, 40_000L); // 10 s to refill + 30 s kept after
    assertThat(raw.sync().keys(prefix + "*")).containsExactly(prefix + "ingestion:t");
  }

  @Test
  void anUnreachableRedisIsUnavailableNotABug() {
    RedisBucketStore nowhere =
        RedisBucketStore.builder()
            .uri(RedisURI.create("redis://127.0.0.1:1/0"))
            .commandTimeout(Duration.ofMillis(200))
            .connectTimeout(Duration.ofMillis(200))
            .build();
    opened.add(nowhere);
    assertThatThrownBy(() -> nowhere.tryConsume("k", new BucketSpec(1, 1), 1))
        .isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(nowhere::ping).isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(() -> nowhere.tryConsume("k", new BucketSpec(1, 1), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
