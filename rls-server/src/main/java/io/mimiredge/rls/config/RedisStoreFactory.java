package io.mimiredge.rls.config;

import com.codahale.metrics.health.HealthCheck;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import io.mimiredge.rls.enforce.BucketStore;
import io.mimiredge.rls.enforce.redis.FailoverBucketStore;
import io.mimiredge.rls.enforce.redis.RedisBucketStore;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.function.IntSupplier;

/**
 * The {@code redis:} section: exact mode, one token bucket per tenant for the whole fleet in Redis,
 * with this replica's local share as the fallback while Redis does not answer.
 *
 * <pre>
 * redis:
 *   uri: rediss://redis.edge:6380/0   # optional; else host / port / database / tls below
 *   host: 127.0.0.1
 *   port: 6379
 *   database: 0
 *   tls: false
 *   verifyPeer: true                   # with tls: check the server's certificate and name
 *   username: rls                      # optional (Redis 6 ACL user)
 *   password: ${REDIS_PASSWORD}        # optional
 *   commandTimeout: 300ms              # a slower answer counts as Redis down
 *   connectTimeout: 500ms
 *   probeInterval: 1s                  # how often Redis is pinged, to leave or return to it
 *   probesToReturn: 3                  # answered pings in a row before Redis is used again
 *                                      # (twice as many after each flap within a minute, up to 64)
 *   keyPrefix: "rls:"
 *   keepAfterFull: 60s                 # a bucket's key outlives the moment it is full again
 * </pre>
 *
 * <p>Wiring: the {@code Enforcer} in front of the store gets {@code replicas(1)} (the Redis bucket
 * is the fleet's; the rate must not be divided), and the store gets the live replica count for its
 * fallback (there it must be divided). See {@link FailoverBucketStore}.
 */
public class RedisStoreFactory {
  private String uri;
  @NotEmpty private String host = "127.0.0.1";

  @Min(1)
  @Max(65535)
  private int port = 6379;

  @Min(0)
  private int database = 0;

  private boolean tls = false;
  private boolean verifyPeer = true;
  private String username;
  private String password;
  @NotNull private Duration commandTimeout = Duration.milliseconds(300);
  @NotNull private Duration connectTimeout = Duration.milliseconds(500);
  @NotNull private Duration probeInterval = Duration.seconds(1);

  @Min(1)
  @Max(FailoverBucketStore.MAX_PROBES_TO_RETURN)
  private int probesToReturn = 3;

  @NotNull private String keyPrefix = "rls:";
  @NotNull private Duration keepAfterFull = Duration.seconds(60);

  /**
   * How the connection to Redis is protected, for health: {@code plaintext}, {@code tls} (the
   * server's certificate and name verified, Lettuce's default with {@code verifyPeer: true}) or
   * {@code tls-unverified} (encrypted, but any server is believed).
   */
  public String transportSecurity() {
    RedisURI u = buildUri();
    if (!u.isSsl()) {
      return "plaintext";
    }
    return u.getVerifyMode() == SslVerifyMode.NONE ? "tls-unverified" : "tls";
  }

  /** Lettuce's URI: {@code uri} when set (credentials below override its own), else the parts. */
  public RedisURI buildUri() {
    RedisURI u;
    if (uri != null && !uri.isBlank()) {
      u = RedisURI.create(uri);
    } else {
      u = RedisURI.builder().withHost(host).withPort(port).withDatabase(database).build();
      u.setSsl(tls);
    }
    if (u.isSsl()) {
      u.setVerifyPeer(verifyPeer ? SslVerifyMode.FULL : SslVerifyMode.NONE);
    }
    if (password != null && !password.isEmpty()) {
      if (username != null && !username.isEmpty()) {
        u.setUsername(username);
      }
      u.setPassword(password.toCharArray());
    }
    u.setTimeout(commandTimeout.toJavaDuration());
    return u;
  }

  /** The Redis store alone (no fallback); close it on shutdown. */
  public RedisBucketStore buildRedisStore() {
    return RedisBucketStore.builder()
        .uri(buildUri())
        .keyPrefix(keyPrefix)
        .commandTimeout(commandTimeout.toJavaDuration())
        .connectTimeout(connectTimeout.toJavaDuration())
        .keepAfterFull(keepAfterFull.toJavaDuration())
        .build();
  }

  /**
   * Redis with {@code local} as the fallback, fed with rates divided by {@code replicas}. Manage
   * the result (it probes Redis while started), and close the Redis store on shutdown: {@code
   * environment.lifecycle().manage(store)} stops the prober; {@link RedisBucketStore#close()} the
   * client.
   */
  public FailoverBucketStore build(
      RedisBucketStore redis,
      BucketStore local,
      IntSupplier replicas,
      FailoverBucketStore.Listener listener) {
    return FailoverBucketStore.builder()
        .shared(redis, redis::ping)
        .local(local)
        .replicas(replicas)
        .probeInterval(probeInterval.toJavaDuration())
        .probesToReturn(probesToReturn)
        .listener(listener)
        .build();
  }

  /**
   * {@code rls_state_store_mode{store="redis|local"}} (1 for the store deciding now), {@code
   * rls_redis_fallbacks_total} and {@code rls_redis_probes_to_return}.
   */
  public static void registerMetrics(PrometheusRegistry registry, FailoverBucketStore store) {
    GaugeWithCallback.builder()
        .name("rls_state_store_mode")
        .help(
            "Which state store decides: redis (exact, fleet-wide) or local (this replica's share)")
        .labelNames("store")
        .callback(
            cb -> {
              boolean shared = store.mode() == FailoverBucketStore.Mode.SHARED;
              cb.call(shared ? 1 : 0, "redis");
              cb.call(shared ? 0 : 1, "local");
            })
        .register(registry);
    CounterWithCallback.builder()
        .name("rls_redis_fallbacks_total")
        .help("Times Redis stopped answering and this replica fell back to its local share")
        .callback(cb -> cb.call(store.status().fallbacks()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("rls_redis_probes_to_return")
        .help(
            "Pings Redis must answer in a row before it decides again after a fallback"
                + " (probesToReturn, doubled after each flap within a minute)")
        .callback(cb -> cb.call(store.status().probesToReturn()))
        .register(registry);
  }

  /**
   * A health check that pings Redis for real (switching the store if the answer changed): healthy
   * on Redis, unhealthy — degraded, still deciding — on the local share. Registered as {@code
   * redis} with Dropwizard's health checks (the admin port's {@code /healthcheck}); keep it out of
   * readiness and liveness probes: the RLS keeps serving without Redis.
   */
  public static HealthCheck healthCheck(FailoverBucketStore store) {
    return new HealthCheck() {
      @Override
      protected Result check() {
        boolean up = store.probeNow();
        FailoverBucketStore.Status s = store.status();
        if (!s.degraded()) {
          return Result.healthy("redis: exact fleet-wide buckets");
        }
        return up
            ? Result.unhealthy(
                "redis answering again (%d of %d pings in a row before it is used), enforcing the"
                    + " local share (rate ÷ %d) since %s",
                s.answeredInRow(), s.probesToReturn(), s.replicas(), s.since())
            : Result.unhealthy(
                "redis unreachable since %s, enforcing the local share (rate ÷ %d): %s",
                s.since(), s.replicas(), s.lastError());
      }
    };
  }

  @JsonProperty
  public int getProbesToReturn() {
    return probesToReturn;
  }

  @JsonProperty
  public void setProbesToReturn(int probesToReturn) {
    this.probesToReturn = probesToReturn;
  }

  @JsonProperty
  public String getUri() {
    return uri;
  }

  @JsonProperty
  public void setUri(String uri) {
    this.uri = uri;
  }

  @JsonProperty
  public String getHost() {
    return host;
  }

  @JsonProperty
  public void setHost(String host) {
    this.host = host;
  }

  @JsonProperty
  public int getPort() {
    return port;
  }

  @JsonProperty
  public void setPort(int port) {
    this.port = port;
  }

  @JsonProperty
  public int getDatabase() {
    return database;
  }

  @JsonProperty
  public void setDatabase(int database) {
    this.database = database;
  }

  @JsonProperty
  public boolean isTls() {
    return tls;
  }

  @JsonProperty
  public void setTls(boolean tls) {
    this.tls = tls;
  }

  @JsonProperty
  public boolean isVerifyPeer() {
    return verifyPeer;
  }

  @JsonProperty
  public void setVerifyPeer(boolean verifyPeer) {
    this.verifyPeer = verifyPeer;
  }

  @JsonProperty
  public String getUsername() {
    return username;
  }

  @JsonProperty
  public void setUsername(String username) {
    this.username = username;
  }

  @JsonProperty
  public String getPassword() {
    return password;
  }

  @JsonProperty
  public void setPassword(String password) {
    this.password = password;
  }

  @JsonProperty
  public Duration getCommandTimeout() {
    return commandTimeout;
  }

  @JsonProperty
  public void setCommandTimeout(Duration commandTimeout) {
    this.commandTimeout = commandTimeout;
  }

  @JsonProperty
  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  @JsonProperty
  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  @JsonProperty
  public Duration getProbeInterval() {
    return probeInterval;
  }

  @JsonProperty
  public void setProbeInterval(Duration probeInterval) {
    this.probeInterval = probeInterval;
  }

  @JsonProperty
  public String getKeyPrefix() {
    return keyPrefix;
  }

  @JsonProperty
  public void setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  @JsonProperty
  public Duration getKeepAfterFull() {
    return keepAfterFull;
  }

  @JsonProperty
  public void setKeepAfterFull(Duration keepAfterFull) {
    this.keepAfterFull = keepAfterFull;
  }
}
