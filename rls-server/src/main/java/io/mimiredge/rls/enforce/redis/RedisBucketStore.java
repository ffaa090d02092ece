package io.mimiredge.rls.enforce.redis;

import static io.mimiredge.rls.internal.Checks.positive;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.mimiredge.rls.enforce.BucketSpec;
import io.mimiredge.rls.enforce.BucketStore;
import io.mimiredge.rls.enforce.BucketView;
import io.mimiredge.rls.enforce.ConsumeResult;
import io.mimiredge.rls.enforce.StoreUnavailableException;
import io.mimiredge.rls.enforce.internal.Bandwidths;
import io.mimiredge.rls.enforce.internal.Consumption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@link BucketStore} in Redis through bucket4j's Lettuce integration (compare-and-swap buckets):
 * every RLS replica pointed at the same Redis shares one bucket per key, so a tenant's rate holds
 * for the whole fleet. The rate a caller passes is therefore the fleet's rate, not a replica's
 * share.
 *
 * <p><b>Time.</b> bucket4j's CAS buckets compute refills on the client, with the clock given here
 * (in production the wall clock of each RLS pod, {@link TimeMeter#SYSTEM_MILLISECONDS}); Redis only
 * stores state. Pods' clocks must agree (NTP): a pod whose clock runs δ ahead can grant up to
 * {@code rate × δ} tokens early, once, and a pod that runs behind refills nothing until it catches
 * up.
 *
 * <p><b>Keys</b> are {@code prefix + key}. Each write sets a TTL of the time the bucket needs to
 * refill completely plus {@code keepAfterFull} ({@link
 * ExpirationAfterWriteStrategy#basedOnTimeForRefillingBucketUpToMax}), so an idle tenant's keys
 * vanish and come back full, exactly like a missing bucket.
 *
 * <p><b>Specs</b> are stored with the bucket (bucket4j keeps the configuration with the state).
 * When a call brings a spec this process has not applied to a key yet, it replaces the stored
 * configuration first, keeping the tokens (one extra round trip per key and limits change).
 *
 * <p><b>Failures</b>: every Redis error or timeout surfaces as {@link StoreUnavailableException};
 * {@link FailoverBucketStore} turns those into a local fallback. The connection is opened lazily
 * and reopened by {@link #ping()}, so the store can be built while Redis is down.
 *
 * <p>Thread-safe.
 */
public final class RedisBucketStore implements BucketStore, AutoCloseable {
  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final RedisClient client;
  private final String prefix;
  private final Duration commandTimeout;
  private final Duration keepAfterFull;
  private final TimeMeter clock;
  private final ConcurrentHashMap<String, Entry> applied = new ConcurrentHashMap<>();
  private final Object connectLock = new Object();
  private volatile Connected connected;
  private volatile boolean closed;

  private record Connected(
      StatefulRedisConnection<String, byte[]> connection, ProxyManager<String> buckets) {}

  /** The spec this process last applied to a key, with its bucket proxy. */
  private record Entry(BucketSpec spec, BucketProxy consuming) {}

  private RedisBucketStore(Builder b) {
    this.prefix = b.keyPrefix;
    this.commandTimeout = b.commandTimeout;
    this.keepAfterFull = b.keepAfterFull;
    this.clock = b.clock;
    this.client = RedisClient.create(b.uri);
    client.setOptions(
        ClientOptions.builder()
            // FailoverBucketStore's probe reconnects; a closed connection must fail fast, not
            // queue commands until they time out.
            .autoReconnect(false)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(b.commandTimeout))
            .socketOptions(SocketOptions.builder().connectTimeout(b.connectTimeout).build())
            .build());
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public ConsumeResult tryConsume(String key, BucketSpec spec, long tokens) {
    if (tokens < 0) {
      throw new IllegalArgumentException("tokens must be >= 0, got " + tokens);
    }
    Objects.requireNonNull(spec, "spec");
    try {
      BucketProxy bucket = entry(key, spec).consuming();
      return Consumption.tryConsume(bucket, tokens, spec.capacity());
    } catch (RuntimeException e) {
      throw unavailable("tryConsume " + key, e);
    }
  }

  @Override
  public void refund(String key, BucketSpec spec, long tokens) {
    if (tokens < 0) {
      throw new IllegalArgumentException("tokens must be >= 0, got " + tokens);
    }
    Objects.requireNonNull(spec, "spec");
    if (tokens == 0) {
      return;
    }
    try {
      // Refunds are rare (a request refused by its second bucket): check, then add. A bucket
      // that expires in between comes back full, which is what the refund would give anyway.
      if (connection().buckets().getProxyConfiguration(prefix + key).isPresent()) {
        entry(key, spec).consuming().addTokens(tokens); // capped at capacity by bucket4j
      }
    } catch (RuntimeException e) {
      throw unavailable("refund " + key, e);
    }
  }

  @Override
  public Optional<BucketView> view(String key) {
    try {
      ProxyManager<String> buckets = connection().buckets();
      Optional<BucketConfiguration> stored = buckets.getProxyConfiguration(prefix + key);
      if (stored.isEmpty()) {
        return Optional.empty();
      }
      Entry known = applied.get(key);
      BucketSpec spec = Bandwidths.specOf(stored.get(), known == null ? null : known.spec());
      if (spec == null) {
        return Optional.empty(); // not one of ours
      }
      // Read-only in effect: the command writes back the same state, refill applied. A bucket
      // expiring in between is recreated full, which is what a missing bucket means anyway.
      long available = buckets.builder().build(prefix + key, stored::get).getAvailableTokens();
      return Optional.of(new BucketView(key, spec, available));
    } catch (RuntimeException e) {
      throw unavailable("view " + key, e);
    }
  }

  /**
   * Checks that Redis answers (PING within the command timeout), reconnecting first when the
   * connection is closed or was never opened.
   *
   * @throws StoreUnavailableException when it does not
   */
  public void ping() {
    try {
      Connected c = connected;
      if (c != null && !c.connection().isOpen()) {
        reset(c);
      }
      connection().connection().sync().ping();
    } catch (RuntimeException e) {
      throw unavailable("ping", e);
    }
  }

  /**
   * Runs a Lua script on this store's connection, for other state kept beside the buckets (the HA
   * elections): {@code KEYS} are prefixed like the buckets' keys, {@code ARGV} sent as UTF-8.
   *
   * @return the script's reply: a list of byte arrays and longs
   * @throws StoreUnavailableException when Redis does not answer in time or fails
   */
  public List<Object> eval(String script, List<String> keys, List<String> args) {
    Objects.requireNonNull(script, "script");
    String[] k = keys.stream().map(key -> prefix + key).toArray(String[]::new);
    byte[][] v = args.stream().map(a -> a.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    try {
      return connection().connection().sync().eval(script, ScriptOutputType.MULTI, k, v);
    } catch (RuntimeException e) {
      throw unavailable("eval", e);
    }
  }

  /** The Redis key of a store key. */
  public String redisKey(String key) {
    return prefix + key;
  }

  @Override
  public void close() {
    closed = true;
    synchronized (connectLock) {
      Connected c = connected;
      connected = null;
      if (c != null) {
        c.connection().close();
      }
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  private Entry entry(String key, BucketSpec spec) {
    Entry e = applied.get(key);
    if (e != null && e.spec().equals(spec)) {
      return e; // the hot path: spec already applied by this process
    }
    Entry fresh = proxies(key, spec);
    // Another replica, or this one before a restart, may have stored another spec: replace it,
    // keeping the tokens (capped at the new capacity). On a missing bucket this creates it full.
    fresh
        .consuming()
        .replaceConfiguration(Bandwidths.configuration(spec), TokensInheritanceStrategy.AS_IS);
    applied.put(key, fresh);
    return fresh;
  }

  private Entry proxies(String key, BucketSpec spec) {
    ProxyManager<String> buckets = connection().buckets();
    BucketConfiguration config = Bandwidths.configuration(spec);
    String redisKey = prefix + key;
    return new Entry(spec, buckets.builder().build(redisKey, () -> config));
  }

  private Connected connection() {
    Connected c = connected;
    if (c != null) {
      return c;
    }
    synchronized (connectLock) {
      if (closed) {
        throw new IllegalStateException("store closed");
      }
      if (connected == null) {
        StatefulRedisConnection<String, byte[]> connection = client.connect(CODEC);
        connection.setTimeout(commandTimeout);
        var builder =
            Bucket4jLettuce.casBasedBuilder(connection.async())
                .expirationAfterWrite(
                    ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        keepAfterFull))
                .requestTimeout(commandTimeout);
        if (clock != null) {
          builder.clientClock(clock);
        }
        connected = new Connected(connection, builder.build());
        applied.clear(); // proxies belong to the old connection
      }
      return connected;
    }
  }

  private void reset(Connected stale) {
    synchronized (connectLock) {
      if (connected == stale) {
        connected = null;
        applied.clear();
        stale.connection().closeAsync();
      }
    }
  }

  private static StoreUnavailableException unavailable(String what, RuntimeException e) {
    if (e instanceof StoreUnavailableException u) {
      return u;
    }
    if (e instanceof IllegalArgumentException || e instanceof NullPointerException) {
      throw e; // a bug, not an outage
    }
    return new StoreUnavailableException("redis " + what + ": " + e, e);
  }

  /** Builds a {@link RedisBucketStore}; checks each setting at once. Not thread-safe. */
  public static final class Builder {
    private RedisURI uri;
    private String keyPrefix = "rls:";
    private Duration commandTimeout = Duration.ofMillis(300);
    private Duration connectTimeout = Duration.ofMillis(500);
    private Duration keepAfterFull = Duration.ofSeconds(60);
    private TimeMeter clock;

    private Builder() {}

    /** Where Redis is, with database, TLS and credentials (Lettuce's {@link RedisURI}). */
    public Builder uri(RedisURI uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      return this;
    }

    /** Prepended to every key, so several deployments can share one Redis (default "rls:"). */
    public Builder keyPrefix(String prefix) {
      this.keyPrefix = Objects.requireNonNull(prefix, "keyPrefix");
      return this;
    }

    /** How long one Redis command may take before the store reports itself unavailable. */
    public Builder commandTimeout(Duration d) {
      this.commandTimeout = positive(d, "commandTimeout");
      return this;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = positive(d, "connectTimeout");
      return this;
    }

    /** How long a bucket's key outlives the moment it would be full again (default 60 s). */
    public Builder keepAfterFull(Duration d) {
      Objects.requireNonNull(d, "keepAfterFull");
      if (d.isNegative()) {
        throw new IllegalArgumentException("keepAfterFull must be >= 0, got " + d);
      }
      this.keepAfterFull = d;
      return this;
    }

    /**
     * The clock bucket4j computes refills with; unset: this host's wall clock in milliseconds. A
     * test's fake clock (nanoseconds) is fine as long as every store sharing the Redis reads it.
     */
    public Builder clock(LongSupplier epochNanos) {
      Objects.requireNonNull(epochNanos, "clock");
      this.clock =
          new TimeMeter() {
            @Override
            public long currentTimeNanos() {
              return epochNanos.getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
              return true; // bucket4j demands it for distributed buckets; the caller vouches
            }
          };
      return this;
    }

    public RedisBucketStore build() {
      if (uri == null) {
        throw new IllegalStateException("uri is required, e.g. redis://127.0.0.1:6379/0");
      }
      return new RedisBucketStore(this);
    }
  }
}
