package io.mimiredge.edgectl.support;

import io.mimiredge.testsupport.StubUpstream;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stub RLS: the shadow door ({@code POST /shadow/api/v1/push}, 204, counted), {@code
 * /api/health}, an {@code /api/overview} whose numbers the test sets, {@code /api/tenants}, and
 * {@code PUT /api/rollout} recorded.
 */
public final class Rls implements AutoCloseable {
  private final StubUpstream server;
  private final AtomicReference<String> overview = new AtomicReference<>();
  private final CopyOnWriteArrayList<String> rollouts = new CopyOnWriteArrayList<>();
  private volatile int health = 200;
  private volatile String tenants = "[]";

  public Rls() {
    server = StubUpstream.start("rls-shadow", 204);
    server.route(
        "/api/health",
        s ->
            StubUpstream.Response.of(
                health, "application/json", "{\"healthy\":" + (health == 200) + "}"));
    server.route("/api/overview", s -> StubUpstream.Response.json(overview.get()));
    server.route("/api/tenants", s -> StubUpstream.Response.json(tenants));
    server.route(
        "/api/rollout",
        s -> {
          rollouts.add(new String(s.body(), java.nio.charset.StandardCharsets.UTF_8));
          return StubUpstream.Response.json("{}");
        });
    healthyTraffic();
  }

  public StubUpstream server() {
    return server;
  }

  public String url() {
    return server.url();
  }

  public String hostPort() {
    return server.hostPort();
  }

  public java.util.List<String> rollouts() {
    return rollouts;
  }

  public void health(int status) {
    this.health = status;
  }

  public void tenants(String json) {
    this.tenants = json;
  }

  /** Plenty of traffic, no errors, 2 ms p99, 1 % denied. */
  public void healthyTraffic() {
    overview(10_000, 0, 2.0, 100);
  }

  public void overview(long requests, long errors, double p99Ms, long denied) {
    String w =
        String.format(
            Locale.ROOT,
            "{\"requests\":%d,\"allowed\":%d,\"denied\":{\"ingestion_rate\":%d},\"shadowDenied\":0,"
                + "\"errors\":%d,\"latency\":{\"p50Ms\":0.5,\"p99Ms\":%s}}",
            requests,
            requests - denied,
            denied,
            errors,
            p99Ms);
    overview.set(
        "{\"mode\":\"shadow\",\"windows\":{\"1m\":" + w + ",\"5m\":" + w + ",\"1h\":" + w + "}}");
  }

  @Override
  public void close() {
    server.close();
  }
}
