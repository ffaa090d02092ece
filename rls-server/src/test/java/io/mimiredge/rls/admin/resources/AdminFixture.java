package io.mimiredge.rls.admin.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.mimiredge.rls.admin.AdminApi;
import io.mimiredge.rls.admin.AdminChange;
import io.mimiredge.rls.admin.FakeTime;
import io.mimiredge.rls.admin.rollout.LiveRollout;
import io.mimiredge.rls.config.RlsAdminFactory;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.limits.OverridesParser;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real admin API over real limits, buckets and enforcer, on a fake clock, served in memory by
 * Dropwizard's ResourceExtension.
 */
final class AdminFixture {
  static final String TOKEN = "0123456789abcdef-test-token";

  final FakeTime time = new FakeTime();
  final LiveLimits limits = new LiveLimits(TenantLimits.MIMIR_DEFAULTS);
  final LocalBucketStore buckets = new LocalBucketStore(time::nanos);
  final LiveRollout rollout = new LiveRollout(time);
  final Enforcer enforcer =
      Enforcer.builder()
          .overrides(limits)
          .buckets(buckets)
          .trafficFraction(rollout.fraction())
          .build();
  final List<AdminChange> changes = new CopyOnWriteArrayList<>();
  final AdminApi api;
  final ResourceExtension resources;

  AdminFixture(String token) {
    this(token, 1000);
  }

  AdminFixture(String token, int denialBufferSize) {
    RlsAdminFactory config = new RlsAdminFactory();
    config.setToken(token);
    config.setDenialBufferSize(denialBufferSize);
    api =
        AdminApi.builder()
            .config(config)
            .limits(limits)
            .enforcer(enforcer)
            .rollout(rollout)
            .clock(time)
            .nanoTime(time::nanos)
            .audit(changes::add)
            .build();
    ResourceExtension.Builder b = ResourceExtension.builder();
    api.components().forEach(b::addResource);
    resources = b.build();
  }

  /** Loads a limits file the way the reloader does. */
  void loadOverrides(String yaml) throws Exception {
    limits.sourceLoaded(OverridesParser.parse(yaml, TenantLimits.MIMIR_DEFAULTS), time.instant());
  }

  /** A push of {@code samples} valid float samples in 10 series, decided and recorded. */
  Decision push(String tenant, long samples) {
    Decision d =
        enforcer.decide(tenant, samples(samples), io.mimiredge.rls.testing.TestFixtures.NOW_MILLIS);
    api.recorder().record(Door.HTTP_PUSH, d, 200_000);
    return d;
  }

  static WriteRequestStats samples(long n) {
    return io.mimiredge.rls.testing.Stats.ofSamples(n);
  }

  /** A request to {@code path}, which may carry an already encoded query string. */
  Invocation.Builder request(String path) {
    int q = path.indexOf('?');
    WebTarget t = resources.target(q < 0 ? path : path.substring(0, q));
    if (q >= 0) {
      for (String pair : path.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        t = t.queryParam(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return t.request();
  }

  Invocation.Builder authorized(String path) {
    return request(path).header("Authorization", "Bearer " + TOKEN);
  }

  JsonNode get(String path) {
    try (Response r = request(path).get()) {
      if (r.getStatus() != 200) {
        throw new AssertionError(
            path + " answered " + r.getStatus() + ": " + r.readEntity(String.class));
      }
      return r.readEntity(JsonNode.class);
    }
  }

  static Entity<String> json(String body) {
    return Entity.json(body);
  }
}
