package io.mimiredge.rls;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.mimiredge.rls.testing.Distributor;
import io.mimiredge.rls.testing.Rw2Fixtures;
import io.mimiredge.rls.testing.TestFixtures;
import io.mimiredge.rls.testing.TestRls;
import io.mimiredge.testsupport.Await;
import io.mimiredge.testsupport.StubUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real application on random 127.0.0.1 ports, a temp overrides file and a stub upstream. */
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RlsApplicationTest {
  private static final byte[] BODY = TestFixtures.body(TestFixtures.SMALL); // 500 samples
  private static final String OVERRIDES =
      """
      overrides:
        generous:
          ingestion_rate: 1000000
          ingestion_burst_size: 10000000
        tight:
          ingestion_rate: 1
          ingestion_burst_size: 600
        switch:
          ingestion_rate: 0
          ingestion_burst_size: 0
      """;

  private static final int GRPC_PORT = freePort();
  private static final String ADMIN_TOKEN = "app-test-admin-token-0123456789";
  private static final StubUpstream UPSTREAM = Distributor.start(Duration.ofSeconds(3));
  private static final TestRls.Builder RLS =
      TestRls.builder()
          .dir(tempDir())
          .overrides(OVERRIDES)
          .limitsSettings("reloadInterval: 200ms")
          .adminToken(ADMIN_TOKEN)
          .grpc("{bindHost: 127.0.0.1, port: %d}".formatted(GRPC_PORT))
          .settings("enforcement:\n  maxRequestBytes: 64KiB")
          .upstream(UPSTREAM.url())
          .upstreamSettings("connectTimeout: 500ms\ntimeout: 1s\nhealthCacheFor: 0s");
  private static final Path CONFIG = RLS.write();
  private static final Path LIMITS = RLS.overridesFile();

  static final DropwizardAppExtension<RlsConfiguration> APP =
      new DropwizardAppExtension<>(RlsApplication.class, CONFIG.toString());

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterAll
  static void stopUpstream() {
    UPSTREAM.close();
  }

  private static int freePort() {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("rls-app-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path write(Path file, String content) {
    try {
      return Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + APP.getLocalPort() + path;
  }

  private static HttpResponse<String> push(String path, String tenant, byte[] body) {
    return push(path, tenant, body, "application/x-protobuf");
  }

  private static HttpResponse<String> push(
      String path, String tenant, byte[] body, String contentType) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(path)))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Encoding", "snappy")
            .header("Content-Type", contentType)
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (tenant != null) {
      b.header("X-Scope-OrgID", tenant);
    }
    return send(b.build());
  }

  private static HttpResponse<String> get(String path) {
    return send(
        HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).build());
  }

  private static HttpResponse<String> send(HttpRequest r) {
    try {
      return CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    Await.await(what, condition, Duration.ofSeconds(10));
  }

  @Test
  @Order(1)
  void healthIsOkWithLimitsLoadedAndUpstreamReachable() {
    HttpResponse<String> r = get("/api/health");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("\"status\":\"ok\"", "\"loaded\":true", "\"reachable\":true", LIMITS.toString());
  }

  @Test
  @Order(2)
  void forwardsAnAdmittedPushByteIdenticalWithTheTenantHeader() {
    int before = UPSTREAM.received().size();

    HttpResponse<String> r = push("/api/v1/push", "generous", BODY);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Upstream")).hasValue("distributor");
    assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
    assertThat(UPSTREAM.received()).hasSize(before + 1);
    StubUpstream.Received got = UPSTREAM.received().get(before);
    assertThat(got.path()).isEqualTo("/api/v1/push");
    assertThat(got.body()).isEqualTo(BODY);
    assertThat(got.header("X-Scope-OrgID")).isEqualTo("generous");
    assertThat(got.header("Content-Encoding")).isEqualTo("snappy");
    assertThat(got.header("X-Request-Id")).isEqualTo(r.headers().firstValue("X-Request-Id").get());
  }

  @Test
  @Order(3)
  void tightTenantIsDeniedWith429AndRetryAfter() {
    HttpResponse<String> first = push("/api/v1/push", "tight", BODY);
    HttpResponse<String> second = push("/api/v1/push", "tight", BODY);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(second.headers().firstValue("Retry-After")).isPresent();
    assertThat(second.headers().firstValue("X-Edge-Enforcement-Reason")).hasValue("ingestion_rate");
    assertThat(second.body()).contains("ingestion rate limit");
  }

  @Test
  @Order(4)
  void badBodyIs400AndMissingTenantIs401() {
    assertThat(
            push("/api/v1/push", "generous", "junk".getBytes(StandardCharsets.UTF_8)).statusCode())
        .isEqualTo(400);
    assertThat(push("/api/v1/push", null, BODY).statusCode()).isEqualTo(401);
  }

  @Test
  @Order(5)
  void oversizeIsRefusedWithoutReadingTheBodyWithMimirsStatusOfEachProtocol() throws IOException {
    // pkg/distributor/push.go makes a remote write too large to parse a 400; otel.go answers 413
    assertThat(statusOfAnUnsentBody("/api/v1/push")).isEqualTo("HTTP/1.1 400");
    assertThat(statusOfAnUnsentBody("/otlp/v1/metrics")).isEqualTo("HTTP/1.1 413");
  }

  /** Declares 100 MiB and sends none of it: the answer must come anyway. */
  private static String statusOfAnUnsentBody(String path) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), APP.getLocalPort())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\nX-Scope-OrgID: generous\r\n"
                  + "Content-Type: application/x-protobuf\r\nContent-Length: 104857600\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] head = new byte[12];
      int n = in.readNBytes(head, 0, head.length);
      return new String(head, 0, n, StandardCharsets.US_ASCII);
    }
  }

  @Test
  @Order(6)
  void shadowDoorAnswers204AndNeverForwards() {
    int before = UPSTREAM.received().size();

    assertThat(push("/shadow/api/v1/push", "generous", BODY).statusCode()).isEqualTo(204);
    assertThat(push("/shadow/api/v1/push", "tight", BODY).statusCode()).isEqualTo(204);
    assertThat(push("/shadow/api/v1/push", null, BODY).statusCode()).isEqualTo(204);
    assertThat(push("/shadow/api/v1/push", "generous", new byte[] {1, 2, 3}).statusCode())
        .isEqualTo(204);

    assertThat(UPSTREAM.received()).hasSize(before);
    assertThat(get("/metrics").body())
        .contains(
            "rls_decisions_total{decision=\"shadow_deny\",door=\"shadow\",reason=\"bad_body\"}");
  }

  @Test
  @Order(7)
  void slowUpstreamIs504() {
    HttpResponse<String> r = push("/api/v1/push", Distributor.SLOW_TENANT, BODY);

    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.body()).contains("did not answer within");
  }

  @Test
  @Order(8)
  void hotReloadAppliesAChangedFileAndKeepsTheLastGoodOnABrokenOne() throws Exception {
    assertThat(push("/api/v1/push", "switch", BODY).statusCode()).isEqualTo(429);

    write(LIMITS, OVERRIDES.replace("ingestion_burst_size: 0\n", "ingestion_burst_size: 100000\n"));
    await("the new limits", () -> push("/api/v1/push", "switch", BODY).statusCode() == 200);

    write(LIMITS, OVERRIDES + "  broken:\n    ingestion_rate: lots\n");
    await("health degraded", () -> get("/api/health").statusCode() == 503);

    assertThat(get("/api/health").body())
        .contains("\"status\":\"degraded\"", "overrides.broken.ingestion_rate (line 12)");
    assertThat(get("/metrics").body()).contains("rls_limits_reload_total{result=\"error\"} 1.0");
    assertThat(push("/api/v1/push", "switch", BODY).statusCode()).isEqualTo(200); // last good
    assertThat(get("/api/health/ready").statusCode()).as("still deciding: ready").isEqualTo(200);

    write(LIMITS, OVERRIDES);
    await("health ok again", () -> get("/api/health").statusCode() == 200);
  }

  @Test
  @Order(9)
  void metricsHaveEveryName() {
    HttpResponse<String> r = get("/metrics");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains(
            "rls_decisions_total{",
            "rls_check_duration_seconds_bucket{door=\"http_push\"",
            "rls_items_total{decision=\"allow\",kind=\"float_samples\"}",
            "rls_scanned_requests_total{decision=\"allow\",protocol=\"rw1\"}",
            "rls_body_bytes_bucket",
            "rls_parse_errors_total{door=\"http_push\"} 1.0",
            "rls_limits_reload_total{result=\"success\"}",
            "rls_limits_last_success_timestamp_seconds ",
            "rls_upstream_requests_total{code=\"200\",outcome=\"response\"}",
            "rls_upstream_requests_total{code=\"504\",outcome=\"timeout\"} 1.0",
            "rls_upstream_duration_seconds_bucket",
            "rls_tenant_decisions_total{decision=\"deny\",tenant=\"tight\"}",
            "rls_shed_total{cause=\"forwards\",door=\"forwards\"} 0.0",
            "rls_shed_total{cause=\"concurrency\",door=\"grpc\"} 0.0",
            "rls_concurrency_limit{door=\"forwards\"} 512.0",
            "rls_concurrency_limit{door=\"push\"}",
            "rls_in_flight{door=\"shadow\"}",
            "jvm_memory_used_bytes",
            "io_dropwizard_jetty_MutableServletContextHandler_requests",
            "org_eclipse_jetty_util_thread_QueuedThreadPool_dw_utilization");
  }

  @Test
  @Order(11)
  void overviewCountsWhatTheDoorsDecidedAndTheEdgesOwnFailures() throws IOException {
    HttpResponse<String> r = get("/api/overview");

    assertThat(r.statusCode()).isEqualTo(200);
    var minute = JSON.readTree(r.body()).get("windows").get("1m");
    assertThat(minute.get("requests").asLong()).isGreaterThanOrEqualTo(5);
    assertThat(minute.get("denied").get("ingestion_rate").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(minute.get("errors").asLong())
        .as("the 504 of the slow upstream")
        .isGreaterThanOrEqualTo(1);
    assertThat(minute.get("latency").get("p99Ms").asDouble()).isPositive();
    // each door's concurrency limit (adaptive, from 128) and the forwards' bound
    var load = JSON.readTree(r.body()).get("overload");
    assertThat(load.fieldNames())
        .toIterable()
        .containsExactly("push", "shadow", "grpc", "forwards");
    assertThat(load.get("push").get("limit").asInt()).isBetween(64, 512);
    assertThat(load.get("forwards").get("limit").asInt()).isEqualTo(512);
    assertThat(load.get("forwards").get("shed").asLong()).isZero();
  }

  @Test
  @Order(12)
  void aLimitChangedThroughTheAdminApiIsEnforcedByThePushDoor() throws IOException {
    String tight = "{\"ingestion_burst_size\": 100}";
    HttpRequest.Builder put =
        HttpRequest.newBuilder(URI.create(url("/api/tenants/generous/limits")))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(tight));
    assertThat(send(put.build()).statusCode()).as("no token").isEqualTo(401);
    HttpRequest wrong =
        HttpRequest.newBuilder(URI.create(url("/api/tenants/generous/limits")))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer not-the-admin-token-at-all")
            .PUT(HttpRequest.BodyPublishers.ofString(tight))
            .build();
    assertThat(send(wrong).statusCode()).as("wrong token").isEqualTo(401);
    // counted, and neither token logged nor exported
    assertThat(get("/metrics").body())
        .contains("rls_admin_auth_failures_total 2.0")
        .doesNotContain("not-the-admin-token-at-all");

    HttpResponse<String> changed =
        send(put.header("Authorization", "Bearer " + ADMIN_TOKEN).build());
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(
            JSON.readTree(changed.body())
                .get("limits")
                .get("ingestion_burst_size")
                .get("source")
                .asText())
        .isEqualTo("admin");

    HttpResponse<String> denied = push("/api/v1/push", "generous", BODY);
    assertThat(denied.statusCode()).isEqualTo(429);
    assertThat(denied.body()).contains("burst size limit, set to 100");

    HttpRequest delete =
        HttpRequest.newBuilder(URI.create(url("/api/tenants/generous/limits")))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .DELETE()
            .build();
    assertThat(send(delete).statusCode()).isEqualTo(200);
    assertThat(push("/api/v1/push", "generous", BODY).statusCode()).isEqualTo(200);
  }

  /**
   * Remote write 2.0 through the whole application: counted as its 1.0 capture, forwarded with its
   * Content-Type, the distributor's Written headers relayed; the edge's own 429 carries them too.
   */
  @Test
  @Order(17)
  void remoteWrite2IsCountedForwardedAndAnsweredWithTheWrittenHeaders() {
    byte[] v2 = Rw2Fixtures.body(TestFixtures.SMALL);
    String type = "application/x-protobuf;proto=io.prometheus.write.v2.Request";
    int before = UPSTREAM.received().size();

    HttpResponse<String> ok = push("/api/v1/push", "generous", v2, type);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written"))
        .hasValue("500");
    assertThat(UPSTREAM.received()).hasSize(before + 1);
    assertThat(UPSTREAM.received().get(before).header("Content-Type")).isEqualTo(type);

    push("/api/v1/push", "tight", v2, type); // takes the burst
    HttpResponse<String> denied = push("/api/v1/push", "tight", v2, type);
    assertThat(denied.statusCode()).isEqualTo(429);
    assertThat(denied.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written"))
        .hasValue("500");
    assertThat(get("/metrics").body())
        .contains("rls_scanned_requests_total{decision=\"deny\",protocol=\"rw2\"}");
  }

  @Test
  @Order(13)
  void theRolloutEdgectlSetsIsReadBack() throws IOException {
    HttpRequest put =
        HttpRequest.newBuilder(URI.create(url("/api/rollout")))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .PUT(
                HttpRequest.BodyPublishers.ofString(
                    "{\"phase\":\"canary\",\"percent\":25,\"splitBy\":\"request\"}"))
            .build();
    assertThat(send(put).statusCode()).isEqualTo(200);

    var rollout = JSON.readTree(get("/api/rollout").body());
    assertThat(rollout.get("phase").asText()).isEqualTo("canary");
    assertThat(rollout.get("percent").asInt()).isEqualTo(25);
    assertThat(rollout.get("fraction").asDouble()).isEqualTo(0.25);
  }

  @Test
  @Order(14)
  void envoysGrpcDoorsServeOnTheConfiguredPort() {
    io.grpc.ManagedChannel channel =
        io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", GRPC_PORT).usePlaintext().build();
    try {
      var health =
          io.grpc.health.v1.HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(5, java.util.concurrent.TimeUnit.SECONDS)
              .check(io.grpc.health.v1.HealthCheckRequest.getDefaultInstance());
      assertThat(health.getStatus())
          .isEqualTo(io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    } finally {
      channel.shutdownNow();
    }
    assertThat(get("/api/health").body()).contains("\"grpc\"");
  }

  @Test
  @Order(16)
  void healthReportsTheLocalStateStore() throws IOException {
    var store = JSON.readTree(get("/api/health").body()).get("stateStore");

    assertThat(store.get("type").asText()).isEqualTo("local");
    assertThat(store.get("shared").asBoolean()).isFalse();
    assertThat(store.get("reachable").asBoolean()).isTrue();
  }

  @Test
  @Order(15)
  void rootRedirectsToTheAdminUiWhichLoadsWithItsAssets() {
    Assumptions.assumeTrue(
        RlsApplicationTest.class.getResource("/ui/index.html") != null,
        "the admin UI is not built (mvn -Dui.skip)");
    HttpResponse<String> root = get("/");
    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.headers().firstValue("Location")).hasValueSatisfying(l -> l.endsWith("/ui/"));

    HttpResponse<String> index = get("/ui/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(index.body()).contains("<div id=\"root\">");
    Matcher script = Pattern.compile("src=\"(/ui/assets/[^\"]+\\.js)\"").matcher(index.body());
    assertThat(script.find()).as("a script in %s", index.body()).isTrue();

    HttpResponse<String> js = get(script.group(1));
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
    assertThat(js.headers().firstValue("Cache-Control"))
        .hasValueSatisfying(c -> assertThat(c).contains("immutable"));
    assertThat(js.body()).contains("/api/overview");

    // the app's own routes are the app; a missing file is not
    assertThat(get("/ui/tenants/some.tenant").body()).isEqualTo(index.body());
    assertThat(get("/ui/assets/missing.js").statusCode()).isEqualTo(404);
    // Jersey still owns the rest of the port
    assertThat(get("/api/overview").statusCode()).isEqualTo(200);
  }

  @Test
  @Order(20)
  void upstreamDownIs502AndHealthSaysSo() {
    UPSTREAM.close();

    HttpResponse<String> r = push("/api/v1/push", "generous", BODY);

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("unreachable");
    assertThat(get("/metrics").body())
        .contains("rls_upstream_requests_total{code=\"502\",outcome=\"connect_error\"} 1.0");
    HttpResponse<String> health = get("/api/health");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.body()).contains("\"reachable\":false");
    // Degraded, not down: the replica still decides, so it stays ready (a distributor outage must
    // not take every RLS replica out of service).
    assertThat(get("/api/health/ready").statusCode()).isEqualTo(200);
  }
}
