package io.mimiredge.rls.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.rls.relabel.RelabelAction;
import io.mimiredge.rls.relabel.SeriesRelabeling;
import io.mimiredge.rls.remotewrite.ValidationLimits;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import io.mimiredge.testsupport.StubUpstream;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The OpenTelemetry Java SDK (its OTLP/HTTP exporter, protobuf, gzip on and off) as the real
 * sender: what it sends for gauges, sums, histograms and exponential histograms, cumulative and
 * delta, is counted by the scanner exactly as {@link OtlpReference} (the generated classes and a
 * separate reading of Mimir's translation) counts it.
 *
 * <p>With {@code -Dotlp.capture=<dir>}, each body is also written there with its headers, as {@code
 * testdata/otlp/} holds them.
 */
class OpenTelemetrySdkTest {
  StubUpstream server;

  @BeforeEach
  void start() {
    server = StubUpstream.start("otlp", 200);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** One collection of every instrument the SDK has, sent once. */
  private void send(String compression, boolean delta) {
    var exporter =
        OtlpHttpMetricExporter.builder()
            .setEndpoint(server.url() + "/otlp/v1/metrics")
            .setCompression(compression)
            .addHeader("X-Scope-OrgID", "otel-tenant")
            .setAggregationTemporalitySelector(
                delta
                    ? AggregationTemporalitySelector.deltaPreferred()
                    : AggregationTemporalitySelector.alwaysCumulative())
            .build();
    SdkMeterProvider provider =
        SdkMeterProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                AttributeKey.stringKey("service.name"), "checkout",
                                AttributeKey.stringKey("service.namespace"), "shop",
                                AttributeKey.stringKey("service.instance.id"), "pod-7",
                                AttributeKey.stringKey("host.name"), "node-1"))))
            .registerMetricReader(
                PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build())
            .registerView(
                InstrumentSelector.builder().setName("rpc.size").build(),
                View.builder()
                    .setAggregation(Aggregation.base2ExponentialBucketHistogram())
                    .build())
            .build();
    Meter meter = provider.get("io.mimiredge.test");
    AttributeKey<String> route = AttributeKey.stringKey("http.route");
    AttributeKey<Long> code = AttributeKey.longKey("http.response.status_code");
    var requests = meter.counterBuilder("http.server.requests").setUnit("{request}").build();
    var inflight = meter.upDownCounterBuilder("http.server.active_requests").build();
    var temperature = meter.gaugeBuilder("room.temperature").setUnit("Cel").build();
    var duration = meter.histogramBuilder("http.server.request.duration").setUnit("s").build();
    var size = meter.histogramBuilder("rpc.size").setUnit("By").ofLongs().build();
    for (int i = 0; i < 20; i++) {
      Attributes a = Attributes.of(route, "/r" + (i % 4), code, 200L + (i % 3) * 100);
      requests.add(i + 1, a);
      inflight.add(i % 2 == 0 ? 1 : -1, a);
      duration.record(0.001 * (i * i + 1), a);
      size.record(100L * (i + 1), Attributes.of(route, "/r" + (i % 2)));
    }
    temperature.set(21.5, Attributes.of(AttributeKey.stringKey("room"), "a"));
    temperature.set(19.0, Attributes.of(AttributeKey.stringKey("room"), "b"));
    assertThat(provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess())
        .as("the SDK's export")
        .isTrue();
    // the reader's shutdown exports once more: shut the exporter first, so it sends once
    exporter.shutdown().join(10, TimeUnit.SECONDS);
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "compression {0}, delta {1}")
  @CsvSource({"none, false", "gzip, false", "gzip, true"})
  void whatTheSdkSendsIsCountedAsMimirsTranslation(String compression, boolean delta)
      throws Exception {
    send(compression, delta);
    assertThat(server.received()).isNotEmpty();
    StubUpstream.Received r = server.received().get(0);
    assertThat(r.path()).isEqualTo("/otlp/v1/metrics");
    assertThat(r.header("Content-type")).isEqualTo("application/x-protobuf");
    String encoding = r.header("Content-encoding");
    assertThat(encoding).isEqualTo(compression.equals("gzip") ? "gzip" : null);
    byte[] plain =
        encoding == null
            ? r.body()
            : new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes();
    ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(plain);
    OtlpReference ref = OtlpReference.of(request);

    WriteRequestStats s = scan(r, ValidationLimits.MIMIR_DEFAULTS);
    OtlpScannerTest.assertMatches(s, ref);
    // the tenant's relabeling rules over the translated series: buckets dropped by their le, a
    // label dropped (series that then look alike still count apart), the instance dropped
    SeriesRelabeling rules =
        new SeriesRelabeling(
            List.of(
                OtlpScannerTest.rule(RelabelAction.DROP, "0|2500|\\+Inf", "le"),
                OtlpScannerTest.rule(RelabelAction.LABELDROP, "http_route")),
            List.of("instance"));
    WriteRequestStats relabeled = scan(r, ValidationLimits.builder().relabeling(rules).build());
    OtlpScannerTest.assertMatches(
        relabeled,
        new OtlpReference(false, false).relabel(rules, "otel-tenant").translate(request));
    if (!delta) {
      // three buckets of each of 12 points of the classic histogram
      assertThat(relabeled.removedSeries()).isEqualTo(3 * 12);
      assertThat(relabeled.maxLabelsPerSeries()).isLessThan(s.maxLabelsPerSeries());
    }
    if (delta) {
      // the delta counter and histograms are skipped; the up-down counter stays cumulative
      assertThat(ref.rejectedMetrics).isEqualTo(3);
      // 12 (route, code) pairs of the up-down counter, 2 rooms, target_info
      assertThat(s.validSamples()).isEqualTo(12 + 2 + 1);
    } else {
      // 12 (route, code) pairs per instrument: 12 + 12 + 12 × (3 + 16 buckets) + 2 + 2 + 1
      assertThat(s.series()).isGreaterThan(200);
      assertThat(ref.rejectedMetrics).isZero();
      assertThat(s.histograms()).isEqualTo(2); // rpc.size: one point per route
    }
    capture(r, compression + (delta ? "-delta" : ""));
  }

  /** What the SDK sent, scanned for the tenant {@code otel-tenant} with these limits, now. */
  private static WriteRequestStats scan(StubUpstream.Received r, ValidationLimits limits)
      throws Exception {
    return new OtlpScanner(1 << 24)
        .scan(
            r.body(),
            0,
            r.body().length,
            r.header("Content-type"),
            r.header("Content-encoding"),
            limits,
            System.currentTimeMillis(),
            "otel-tenant");
  }

  private static void capture(StubUpstream.Received r, String name) throws IOException {
    String dir = System.getProperty("otlp.capture");
    if (dir == null) {
      return;
    }
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    headers.put("Content-Type", r.header("Content-type"));
    if (r.header("Content-encoding") != null) {
      headers.put("Content-Encoding", r.header("Content-encoding"));
    }
    headers.put("User-Agent", r.header("User-agent"));
    OtlpFixturesTest.write(Path.of(dir), "sdk-" + name, r.body(), headers);
  }
}
