package io.mimiredge.edgectl.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mimiredge.api.admin.Latency;
import io.mimiredge.api.admin.Overview;
import io.mimiredge.api.admin.RolloutPreview;
import io.mimiredge.api.admin.RolloutView;
import io.mimiredge.api.admin.TenantPage;
import io.mimiredge.api.admin.TenantRow;
import io.mimiredge.api.admin.TrackedTenants;
import io.mimiredge.api.admin.Window;
import io.mimiredge.testsupport.StubUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stub RLS: the shadow door ({@code POST /shadow/api/v1/push}, 204, counted), {@code
 * /api/health}, an {@code /api/overview} whose numbers the test sets, {@code /api/tenants}, and
 * {@code PUT /api/rollout} recorded. Its JSON is written from the admin API's own records ({@code
 * io.mimiredge.api.admin}); {@code RlsClientContractTest} runs edgectl against the real RLS.
 */
public final class Rls implements AutoCloseable {
  private final StubUpstream server;
  private final AtomicReference<String> overview = new AtomicReference<>();
  private final CopyOnWriteArrayList<String> rollouts = new CopyOnWriteArrayList<>();
  private volatile int health = 200;
  private static final ObjectMapper JSON = new ObjectMapper();
  private volatile RolloutPreview preview =
      new RolloutPreview("mirror", "canary-10", "tenant", "5m", 300, 0, 0, false, List.of());
  private volatile String tenants = json(new TenantPage(0, 0, null, "id", List.of()));

  public Rls() {
    server = StubUpstream.start("rls-shadow", 204);
    server.route(
        "/api/health",
        s ->
            StubUpstream.Response.of(
                health, "application/json", "{\"healthy\":" + (health == 200) + "}"));
    server.route("/api/overview", s -> StubUpstream.Response.json(overview.get()));
    server.route("/api/tenants", s -> StubUpstream.Response.json(tenants));
    server.route("/api/rollout/preview", s -> StubUpstream.Response.json(json(preview)));
    server.route(
        "/api/rollout",
        s -> {
          String body = new String(s.body(), StandardCharsets.UTF_8);
          rollouts.add(body);
          return StubUpstream.Response.json(echo(body));
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

  /** What {@code /api/rollout/preview} answers, whatever it is asked. */
  public void preview(RolloutPreview preview) {
    this.preview = preview;
  }

  /** {@code /api/tenants} lists these tenants (one page, all of them). */
  public void tenants(List<String> ids) {
    List<TenantRow> rows =
        ids.stream()
            .map(
                id ->
                    new TenantRow(
                        id, "enforce", 10_000, 20_000, 0, 0, 0, 0, null, 100, null, 0, 0, null,
                        false, false))
            .toList();
    this.tenants = json(new TenantPage(rows.size(), 0, null, "id", rows));
  }

  /** Plenty of traffic, no errors, 2 ms p99, 1 % denied. */
  public void healthyTraffic() {
    overview(10_000, 0, 2.0, 100);
  }

  public void overview(long requests, long errors, double p99Ms, long denied) {
    overview.set(overviewJson(requests, errors, p99Ms, denied, "1m", "5m", "1h"));
  }

  /**
   * An {@code /api/overview} as the RLS writes it: the same numbers in each named window, {@code
   * denied} for ingestion_rate.
   */
  public static String overviewJson(
      long requests, long errors, double p99Ms, long denied, String... windows) {
    Map<String, Window> w = new LinkedHashMap<>();
    for (String name : windows) {
      w.put(
          name,
          new Window(
              60,
              requests,
              requests - denied,
              denied == 0 ? Map.of() : Map.of("ingestion_rate", denied),
              denied,
              0,
              Map.of(),
              requests * 10,
              errors,
              new Latency(0.5, p99Ms, requests)));
    }
    return json(
        new Overview(
            "2026-01-01T00:00:00.000Z",
            "shadow",
            new RolloutView("mirror", 0, "tenant", 1.0, "2026-01-01T00:00:00.000Z", "test"),
            w,
            Map.of(),
            Map.of(),
            new TrackedTenants(0, 10_000),
            List.of(),
            null));
  }

  /** What the RLS answers a {@code PUT /api/rollout}: the setting it now holds. */
  private static String echo(String put) {
    try {
      JsonNode n = JSON.readTree(put);
      return json(
          new RolloutView(
              n.path("phase").asText(),
              n.path("percent").asInt(),
              n.path("splitBy").asText("tenant"),
              1.0,
              "2026-01-01T00:00:00.000Z",
              "edgectl"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
