package io.mimiredge.rls.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mimiredge.api.admin.Denials;
import io.mimiredge.api.admin.Overview;
import io.mimiredge.api.admin.Problem;
import io.mimiredge.api.admin.RolloutPreview;
import io.mimiredge.api.admin.RolloutStatus;
import io.mimiredge.api.admin.RolloutView;
import io.mimiredge.api.admin.TenantDetail;
import io.mimiredge.api.admin.TenantPage;
import io.mimiredge.rls.testing.TestRls;
import io.mimiredge.testsupport.StubUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Writes what the real RLS answers on each admin endpoint the UI reads to {@code
 * target/api-samples/}, after traffic that fills every part of them (allowed, denied, shadow-denied
 * pushes; a refused admin change). The UI's Vitest {@code contract.test.ts} checks its TypeScript
 * types in {@code src/api.ts} against these files, so a field renamed on either side fails a test,
 * not a page. Here each sample is also read back into its {@code io.mimiredge.api.admin} record and
 * written again unchanged: the JSON is the contract's, field for field.
 */
class ApiSamplesTest {
  static final Path SAMPLES = Path.of("target", "api-samples");
  private static final String TOKEN = "samples-admin-token-0123456789";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static StubUpstream distributor;
  private static TestRls rls;

  @BeforeAll
  static void startRlsWithTraffic() throws Exception {
    distributor = StubUpstream.start("distributor", 200);
    rls =
        TestRls.builder()
            .overrides(
                TestRls.ROOMY_AND_TIGHT + "    request_rate: 10\n    request_burst_size: 10\n")
            .upstream(distributor.url())
            .upstreamSettings("healthCacheFor: 0s")
            .adminToken(TOKEN)
            .start();
    assertThat(push("/api/v1/push", "roomy").statusCode()).isEqualTo(200);
    assertThat(push("/api/v1/push", "tight").statusCode()).isEqualTo(429);
    assertThat(push("/shadow/api/v1/push", "tight").statusCode()).isEqualTo(204);
    assertThat(push("/shadow/api/v1/push", "roomy").statusCode()).isEqualTo(204);
    Files.createDirectories(SAMPLES);
  }

  @AfterAll
  static void stop() throws IOException {
    if (rls != null) {
      rls.close();
    }
    if (distributor != null) {
      distributor.close();
    }
  }

  private static HttpResponse<String> push(String path, String tenant) throws Exception {
    return rls.push(path, tenant);
  }

  private static String base() {
    return rls.url();
  }

  /** GETs {@code path}, writes its JSON as {@code name}.json and returns it. */
  private static JsonNode sample(String name, HttpRequest.Builder request, int status)
      throws Exception {
    HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(name + ": " + r.body()).isEqualTo(status);
    JsonNode n = JSON.readTree(r.body());
    Files.writeString(SAMPLES.resolve(name + ".json"), JSON.writeValueAsString(n));
    return n;
  }

  private static JsonNode get(String name, String path) throws Exception {
    return sample(name, HttpRequest.newBuilder(URI.create(base() + path)), 200);
  }

  /** The sample, read into the contract's record and written again, is the same JSON. */
  private static void isTheRecordOf(JsonNode sample, Class<?> record) throws IOException {
    Object value = JSON.treeToValue(sample, record);
    // compared as text: the tree's number nodes differ in kind (int vs long) where values agree
    assertThat(JSON.writeValueAsString(value))
        .as(record.getSimpleName())
        .isEqualTo(JSON.writeValueAsString(sample));
  }

  @Test
  void overview() throws Exception {
    JsonNode o = get("overview", "/api/overview");
    isTheRecordOf(o, Overview.class);
    assertThat(o.at("/windows/5m/denied/ingestion_rate").asLong()).isEqualTo(1);
    assertThat(o.at("/windows/5m/shadowDenied").asLong()).isEqualTo(1);
    assertThat(o.path("overload").isObject()).as("the doors' limiters are wired").isTrue();
  }

  @Test
  void tenants() throws Exception {
    JsonNode page = get("tenants", "/api/tenants?limit=50&sort=-requests");
    isTheRecordOf(page, TenantPage.class);
    assertThat(page.get("total").asInt()).isEqualTo(2);
  }

  @Test
  void tenant() throws Exception {
    JsonNode t = get("tenant", "/api/tenants/tight");
    isTheRecordOf(t, TenantDetail.class);
    assertThat(t.at("/buckets/request/held").asBoolean()).isTrue();
    assertThat(t.get("recentDenials")).isNotEmpty();
  }

  @Test
  void denials() throws Exception {
    JsonNode d = get("denials", "/api/denials");
    isTheRecordOf(d, Denials.class);
    assertThat(d.get("count").asInt()).isEqualTo(2);
  }

  @Test
  void rollout() throws Exception {
    isTheRecordOf(get("rollout", "/api/rollout"), RolloutView.class);
  }

  @Test
  void rolloutPreview() throws Exception {
    JsonNode p = get("preview", "/api/rollout/preview?to=full");
    isTheRecordOf(p, RolloutPreview.class);
    assertThat(p.at("/tenants/0/id").asText()).isEqualTo("tight");
    assertThat(p.at("/tenants/0/reasons/0/reason").asText()).isEqualTo("ingestion_rate");
  }

  @Test
  void rolloutStatus() throws Exception {
    sample(
        "rollout-put",
        HttpRequest.newBuilder(URI.create(base() + "/api/rollout"))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .PUT(
                HttpRequest.BodyPublishers.ofString(
                    """
                    {"phase": "direct", "event": {"at": "2026-01-01T00:00:00Z", "who": "ops",
                     "action": "rollback", "from": "mirror", "to": "direct", "result": "applied"},
                     "gates": {"window": "5m", "minRequests": 100, "maxErrorRate": 0.001,
                     "maxAddedLatencyP99Ms": 10, "maxDenyRate": 0.05, "maxNewlyDeniedTenants": 3}}
                    """)),
        200);
    JsonNode s = get("rollout-status", "/api/rollout/status");
    isTheRecordOf(s, RolloutStatus.class);
    assertThat(s.at("/history/0/action").asText()).isEqualTo("rollback");
    assertThat(s.get("tenantsKnown").asInt()).isEqualTo(2);
  }

  @Test
  void health() throws Exception {
    JsonNode h = get("health", "/api/health");
    assertThat(h.get("status").asText()).isEqualTo("ok");
    assertThat(h.at("/stateStore/type").asText()).isEqualTo("local");
    assertThat(h.at("/grpc/serving").asBoolean()).isTrue();
  }

  @Test
  void problem() throws Exception {
    JsonNode p =
        sample(
            "problem",
            HttpRequest.newBuilder(URI.create(base() + "/api/tenants/tight/limits"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"ingestion_rate\": -1}")),
            400);
    isTheRecordOf(p, Problem.class);
    assertThat(p.get("problems")).isNotEmpty();
  }
}
