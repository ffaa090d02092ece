package io.mimiredge.edgectl.live;

import static io.mimiredge.edgectl.live.LiveTrafficTest.promote;
import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.edgectl.support.LocalEdge;
import io.mimiredge.edgectl.support.Nginx;
import io.mimiredge.rls.testing.Rw2Fixtures;
import io.mimiredge.rls.testing.TestFixtures;
import io.mimiredge.rls.testing.TestRls;
import io.mimiredge.testsupport.Await;
import io.mimiredge.testsupport.StubUpstream;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two write protocols beside remote write 1.0 end to end: a real NGINX rendered by edgectl, the
 * real RLS (Dropwizard, its HTTP doors) behind it for the pass-through and the shadow door, and a
 * stub distributor behind the RLS. OTLP comes from the OpenTelemetry Java SDK (protobuf, gzip on
 * and off), remote write 2.0 from the captured 1.0 fixtures rebuilt as 2.0 requests. A tenant well
 * inside its limits and one far over them, in {@code mirror} (the RLS only watches) and {@code
 * full} (the RLS decides).
 */
class RealRlsTest {
  static final String OTLP = "/otlp/v1/metrics";
  static final String PUSH = "/api/v1/push";
  static final String RW2 = "application/x-protobuf;proto=io.prometheus.write.v2.Request";
  static final String ROOMY = "roomy";
  static final String TIGHT = "tight";

  private static Path dir;
  private static StubUpstream distributor;
  private static TestRls rls;
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void startRls() throws Exception {
    Nginx.binaryOrSkip();
    dir = Files.createTempDirectory("edgectl-real-rls");
    distributor = StubUpstream.start("distributor", 200);
    rls =
        TestRls.builder()
            .dir(dir)
            .overrides(TestRls.ROOMY_AND_TIGHT)
            .upstream(distributor.url())
            .start();
  }

  @AfterAll
  static void stopRls() throws IOException {
    if (rls != null) {
      rls.close();
    }
    if (distributor != null) {
      distributor.close();
    }
    if (dir != null) {
      Nginx.deletePrefix(dir);
    }
  }

  @Test
  void otlpAndRemoteWrite2AreDecidedByTheRealRlsBehindNginx() throws Exception {
    try (LocalEdge edge = LocalEdge.start("real-rls", "", "127.0.0.1:" + rls.port())) {
      // mirror: every write reaches the distributor; the RLS's shadow doors decide the copies
      promote(edge, "mirror");
      distributor.reset();
      for (String tenant : new String[] {ROOMY, TIGHT}) {
        assertThat(exportOtlp(edge, tenant, false).isSuccess()).as("OTLP of %s", tenant).isTrue();
        assertThat(exportOtlp(edge, tenant, true).isSuccess()).as("OTLP of %s", tenant).isTrue();
        assertThat(pushRw2(edge, tenant).statusCode()).as("RW2 of %s", tenant).isEqualTo(200);
      }
      // NGINX's own distributor upstream (the edge's stub) gets the writes themselves
      assertThat(edge.distributor.received(OTLP)).hasSize(4);
      assertThat(edge.distributor.received(PUSH)).hasSize(2);
      assertThat(distributor.count()).as("the RLS forwards no shadow copy").isZero();
      Await.await(
          "the tight tenant's copies refused in shadow",
          () -> scanned("otlp", "shadow_deny") >= 2 && scanned("rw2", "shadow_deny") >= 1,
          Duration.ofSeconds(10));
      // the tight tenant's copies, refused in shadow; the roomy tenant's admitted
      assertThat(scanned("otlp", "shadow_deny")).isEqualTo(2);
      assertThat(scanned("rw2", "shadow_deny")).isEqualTo(1);
      Await.await(
          "the roomy tenant's copies admitted",
          () -> scanned("otlp", "allow") >= 2 && scanned("rw2", "allow") >= 1,
          Duration.ofSeconds(10));
      assertThat(scanned("otlp", "allow")).isEqualTo(2);
      assertThat(scanned("rw2", "allow")).isEqualTo(1);

      // full: the RLS decides; what it admits it forwards to the distributor on the same path
      promote(edge, "full");
      distributor.reset();
      assertThat(edge.distributor.count()).isZero();
      assertThat(exportOtlp(edge, ROOMY, true).isSuccess()).isTrue();
      assertThat(exportOtlp(edge, ROOMY, false).isSuccess()).isTrue();
      HttpResponse<String> roomy = pushRw2(edge, ROOMY);
      assertThat(roomy.statusCode()).isEqualTo(200);
      assertThat(distributor.received(OTLP))
          .hasSize(2)
          .allSatisfy(s -> assertThat(s.tenant()).isEqualTo(ROOMY));
      assertThat(distributor.received(PUSH))
          .singleElement()
          .satisfies(s -> assertThat(s.body()).isEqualTo(Rw2Fixtures.body(TestFixtures.SMALL)));

      // the tight tenant: the SDK's export fails on the RLS's 429, nothing reaches the distributor
      CompletableResultCode tightExport = exportOtlp(edge, TIGHT, true);
      assertThat(tightExport.isSuccess()).isFalse();
      HttpResponse<String> tight = pushRw2(edge, TIGHT);
      assertThat(tight.statusCode()).isEqualTo(429);
      // Mimir's written counts on an ingestion-rate 429 of a 2.0 push: what was received,
      // through NGINX; Prometheus drops a 2.0 answer without them
      assertThat(tight.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written"))
          .hasValue("500");
      assertThat(tight.headers().firstValue("X-Prometheus-Remote-Write-Histograms-Written"))
          .hasValue("0");
      assertThat(tight.body()).contains("err-mimir-tenant-max-ingestion-rate");
      assertThat(distributor.received()).noneSatisfy(s -> assertThat(s.tenant()).isEqualTo(TIGHT));
      assertThat(edge.distributor.count()).as("nothing goes around the RLS in full").isZero();
      HttpResponse<byte[]> status = tightOtlp(edge);
      assertThat(status.statusCode()).isEqualTo(429);
      // a google.rpc.Status in the request's format, as Mimir's otel.go writes it
      assertThat(status.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
      assertThat(new String(status.body(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("err-mimir-tenant-max-ingestion-rate");
    }
  }

  /**
   * The tight tenant's OTLP answer as a client sees it through NGINX (the SDK's export only says it
   * failed): the SDK's own request captured in {@code testdata/otlp/sdk-gzip.bin}, resent by hand.
   */
  private static HttpResponse<byte[]> tightOtlp(LocalEdge edge) throws Exception {
    Path body = TestFixtures.dir().resolveSibling("otlp").resolve("sdk-gzip.bin");
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port + OTLP))
            .header("Content-Type", "application/x-protobuf")
            .header("Content-Encoding", "gzip")
            .header("X-Scope-OrgID", TIGHT)
            .POST(HttpRequest.BodyPublishers.ofFile(body))
            .build();
    return http.send(r, HttpResponse.BodyHandlers.ofByteArray());
  }

  /**
   * One export from the SDK for {@code tenant}: a counter, a gauge and a histogram, without
   * retries; the result says whether NGINX answered 2xx.
   */
  static CompletableResultCode exportOtlp(LocalEdge edge, String tenant, boolean gzip) {
    var exporter =
        OtlpHttpMetricExporter.builder()
            .setEndpoint("http://127.0.0.1:" + edge.port + OTLP)
            .setCompression(gzip ? "gzip" : "none")
            .addHeader("X-Scope-OrgID", tenant)
            .setRetryPolicy(null) // a 429 fails the export at once: no retries to count
            .build();
    SdkMeterProvider provider =
        SdkMeterProvider.builder()
            .registerMetricReader(
                PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
            .build();
    var meter = provider.get("edgectl-real-rls");
    Attributes a = Attributes.of(AttributeKey.stringKey("tenant"), tenant);
    meter.counterBuilder("writes").build().add(3, a);
    meter.gaugeBuilder("depth").build().set(1.5, a);
    meter.histogramBuilder("latency").setUnit("s").build().record(0.2, a);
    CompletableResultCode result = provider.forceFlush().join(20, TimeUnit.SECONDS);
    // the reader's shutdown exports once more: shut the exporter first, so each tenant sends once
    exporter.shutdown().join(10, TimeUnit.SECONDS);
    provider.shutdown().join(10, TimeUnit.SECONDS);
    return result;
  }

  /** The 500-series fixture as a remote write 2.0 push, as Prometheus 3 sends it. */
  static HttpResponse<String> pushRw2(LocalEdge edge, String tenant) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port + PUSH))
            .header("Content-Type", RW2)
            .header("Content-Encoding", "snappy")
            .header("X-Prometheus-Remote-Write-Version", "2.0.0")
            .header("X-Scope-OrgID", tenant)
            .POST(HttpRequest.BodyPublishers.ofByteArray(Rw2Fixtures.body(TestFixtures.SMALL)))
            .build();
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  /**
   * {@code rls_scanned_requests_total{protocol, decision}} from the real RLS's {@code /metrics}.
   */
  private static double scanned(String protocol, String decision) {
    return scanned(http, "http://127.0.0.1:" + rls.port(), protocol, decision);
  }

  /** {@code rls_scanned_requests_total{protocol, decision}} from {@code base + "/metrics"}. */
  static double scanned(HttpClient client, String base, String protocol, String decision) {
    try {
      HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/metrics")).build();
      String metrics = client.send(r, HttpResponse.BodyHandlers.ofString()).body();
      Matcher m =
          Pattern.compile(
                  "(?m)^rls_scanned_requests_total\\{(?=[^}]*decision=\""
                      + decision
                      + "\")(?=[^}]*protocol=\""
                      + protocol
                      + "\")[^}]*} (\\S+)$")
              .matcher(metrics);
      return m.find() ? Double.parseDouble(m.group(1)) : 0;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
