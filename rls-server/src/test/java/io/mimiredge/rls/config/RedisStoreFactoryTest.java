package io.mimiredge.rls.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;
import io.mimiredge.rls.enforce.BucketStore;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.enforce.redis.FailoverBucketStore;
import io.mimiredge.rls.enforce.redis.RedisBucketStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RedisStoreFactoryTest {

  private static RedisStoreFactory read(String yaml) throws Exception {
    return Jackson.newObjectMapper(new YAMLFactory()).readValue(yaml, RedisStoreFactory.class);
  }

  @Test
  void bindsConnectionTlsAndAuth() throws Exception {
    RedisStoreFactory f =
        read(
            "host: redis.edge\nport: 6380\ndatabase: 2\ntls: true\nverifyPeer: false\n"
                + "username: rls\npassword: s3cret\ncommandTimeout: 250ms\n");
    assertThat(Validators.newValidator().validate(f)).isEmpty();
    RedisURI u = f.buildUri();
    assertThat(u.getHost()).isEqualTo("redis.edge");
    assertThat(u.getPort()).isEqualTo(6380);
    assertThat(u.getDatabase()).isEqualTo(2);
    assertThat(u.isSsl()).isTrue();
    assertThat(u.getVerifyMode()).isEqualTo(SslVerifyMode.NONE);
    assertThat(u.getUsername()).isEqualTo("rls");
    assertThat(new String(u.getPassword())).isEqualTo("s3cret");
    assertThat(u.getTimeout()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void aUriWinsOverTheParts() throws Exception {
    RedisURI u = read("uri: rediss://cache:7000/3\nhost: ignored\n").buildUri();
    assertThat(u.getHost()).isEqualTo("cache");
    assertThat(u.getPort()).isEqualTo(7000);
    assertThat(u.getDatabase()).isEqualTo(3);
    assertThat(u.isSsl()).isTrue();
    assertThat(u.getVerifyMode()).isEqualTo(SslVerifyMode.FULL);
  }

  @Test
  void healthSaysHowTheConnectionIsProtected() throws Exception {
    assertThat(read("host: cache\n").transportSecurity()).isEqualTo("plaintext");
    assertThat(read("host: cache\ntls: true\n").transportSecurity())
        .as("Lettuce verifies the peer by default")
        .isEqualTo("tls");
    assertThat(read("host: cache\ntls: true\nverifyPeer: false\n").transportSecurity())
        .isEqualTo("tls-unverified");
    assertThat(read("uri: rediss://cache:7000\n").transportSecurity()).isEqualTo("tls");
  }

  @Test
  void refusesNonsense() throws Exception {
    assertThat(Validators.newValidator().validate(read("port: 0\nhost: ''\n")))
        .extracting(v -> v.getPropertyPath().toString())
        .containsExactlyInAnyOrder("port", "host");
  }

  @Test
  void exposesTheStoreModeAndFallbacks() throws Exception {
    RedisStoreFactory f = read("port: 1\ncommandTimeout: 100ms\nconnectTimeout: 100ms\n");
    RedisBucketStore redis = f.buildRedisStore();
    try {
      BucketStore local = new LocalBucketStore(System::nanoTime);
      FailoverBucketStore store = f.build(redis, local, () -> 2, FailoverBucketStore.Listener.NONE);
      PrometheusRegistry registry = new PrometheusRegistry();
      RedisStoreFactory.registerMetrics(registry, store);
      assertThat(RedisStoreFactory.healthCheck(store).execute().isHealthy()).isFalse();
      var snapshots =
          registry.scrape().stream()
              .collect(Collectors.toMap(s -> s.getMetadata().getPrometheusName(), s -> s));
      assertThat(snapshots)
          .containsKeys(
              "rls_state_store_mode", "rls_redis_fallbacks", "rls_redis_probes_to_return");
      assertThat(value(snapshots.get("rls_redis_fallbacks"))).isEqualTo(1);
      assertThat(
              ((io.prometheus.metrics.model.snapshots.GaugeSnapshot)
                      snapshots.get("rls_redis_probes_to_return"))
                  .getDataPoints()
                  .get(0)
                  .getValue())
          .isEqualTo(3);
      assertThat(RedisStoreFactory.healthCheck(store).execute().getMessage())
          .contains("local share (rate ÷ 2)");
    } finally {
      redis.close();
    }
  }

  private static double value(MetricSnapshot s) {
    return ((io.prometheus.metrics.model.snapshots.CounterSnapshot) s)
        .getDataPoints()
        .get(0)
        .getValue();
  }
}
