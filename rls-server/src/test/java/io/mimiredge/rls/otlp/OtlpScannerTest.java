package io.mimiredge.rls.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import io.mimiredge.rls.relabel.RelabelAction;
import io.mimiredge.rls.relabel.RelabelRule;
import io.mimiredge.rls.relabel.SeriesRelabeling;
import io.mimiredge.rls.remotewrite.RemoteWriteException;
import io.mimiredge.rls.remotewrite.ValidationLimits;
import io.mimiredge.rls.remotewrite.Violation;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OTLP scanner against {@link OtlpReference} (OpenTelemetry's generated classes and a separate
 * reading of Mimir's translation), for each rule of the translation, each format and encoding, and
 * every refusal of {@code pkg/distributor/otel.go}.
 */
public class OtlpScannerTest {
  static final long NOW_NANOS = 1_764_600_000_000_000_000L; // 2025-12-01
  static final long NOW = NOW_NANOS / 1_000_000;
  static final String PB = "application/x-protobuf";
  static final String JSON = "application/json";

  final OtlpScanner scanner = new OtlpScanner(1 << 20);

  // ---- builders ----

  static KeyValue attr(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  static KeyValue attr(String k, long v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
  }

  static Resource resource(KeyValue... attrs) {
    return Resource.newBuilder().addAllAttributes(Arrays.asList(attrs)).build();
  }

  static NumberDataPoint number(long t, double v, KeyValue... attrs) {
    return NumberDataPoint.newBuilder()
        .setTimeUnixNano(t)
        .setAsDouble(v)
        .addAllAttributes(Arrays.asList(attrs))
        .build();
  }

  static Exemplar exemplar(long t, double v) {
    return Exemplar.newBuilder()
        .setTimeUnixNano(t)
        .setAsDouble(v)
        .setTraceId(ByteString.copyFrom(new byte[16]))
        .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
        .build();
  }

  static Metric gauge(String name, NumberDataPoint... points) {
    return Metric.newBuilder()
        .setName(name)
        .setGauge(Gauge.newBuilder().addAllDataPoints(Arrays.asList(points)))
        .build();
  }

  static Metric sum(String name, AggregationTemporality t, NumberDataPoint... points) {
    return Metric.newBuilder()
        .setName(name)
        .setSum(
            Sum.newBuilder()
                .setAggregationTemporality(t)
                .setIsMonotonic(true)
                .addAllDataPoints(Arrays.asList(points)))
        .build();
  }

  static HistogramDataPoint histogramPoint(long t, boolean withSum, int bounds) {
    HistogramDataPoint.Builder p = HistogramDataPoint.newBuilder().setTimeUnixNano(t).setCount(3);
    if (withSum) {
      p.setSum(4.5);
    }
    for (int i = 0; i < bounds; i++) {
      p.addExplicitBounds(i + 0.5);
      p.addBucketCounts(1);
    }
    p.addBucketCounts(0);
    return p.build();
  }

  static Metric histogram(String name, AggregationTemporality t, HistogramDataPoint... points) {
    return Metric.newBuilder()
        .setName(name)
        .setHistogram(
            Histogram.newBuilder()
                .setAggregationTemporality(t)
                .addAllDataPoints(Arrays.asList(points)))
        .build();
  }

  static Metric exponential(String name, int scale, long t) {
    return Metric.newBuilder()
        .setName(name)
        .setExponentialHistogram(
            ExponentialHistogram.newBuilder()
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(
                    ExponentialHistogramDataPoint.newBuilder()
                        .setTimeUnixNano(t)
                        .setScale(scale)
                        .setCount(2)
                        .setPositive(
                            ExponentialHistogramDataPoint.Buckets.newBuilder()
                                .addBucketCounts(1)
                                .addBucketCounts(1))))
        .build();
  }

  static Metric summary(String name, long t, int quantiles) {
    SummaryDataPoint.Builder p = SummaryDataPoint.newBuilder().setTimeUnixNano(t).setCount(1);
    for (int i = 0; i < quantiles; i++) {
      p.addQuantileValues(
          SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(i / 10.0).setValue(i));
    }
    return Metric.newBuilder()
        .setName(name)
        .setSummary(Summary.newBuilder().addDataPoints(p))
        .build();
  }

  static ExportMetricsServiceRequest request(Resource r, Metric... metrics) {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(r)
                .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(Arrays.asList(metrics))))
        .build();
  }

  static final Resource SERVICE =
      resource(
          attr("service.name", "checkout"),
          attr("service.instance.id", "pod-1"),
          attr("host.name", "node-7"));

  /** Every type once: what the SDK sends for one collection. */
  public static ExportMetricsServiceRequest everyType() {
    long t = NOW_NANOS;
    return request(
        SERVICE,
        gauge("queue.depth", number(t, 3, attr("queue", "a")), number(t, 4, attr("queue", "b"))),
        sum(
            "http.requests",
            AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
            number(t, 10, attr("code", 200)).toBuilder().addExemplars(exemplar(t, 1)).build()),
        histogram(
            "http.duration",
            AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
            histogramPoint(t, true, 3),
            histogramPoint(t, false, 5).toBuilder().addAttributes(attr("route", "/x")).build()),
        exponential("rpc.size", 2, t),
        summary("gc.pause", t, 3));
  }

  WriteRequestStats scan(byte[] body, String type, String encoding, ValidationLimits limits)
      throws RemoteWriteException {
    return scanner.scan(body, 0, body.length, type, encoding, limits, NOW);
  }

  WriteRequestStats scan(ExportMetricsServiceRequest r) throws RemoteWriteException {
    return scan(r.toByteArray(), PB, null, ValidationLimits.MIMIR_DEFAULTS);
  }

  static void assertMatches(WriteRequestStats s, OtlpReference ref) {
    assertThat(s.series()).as("series %s", ref.seriesSamples).isEqualTo(ref.series);
    assertThat(s.floatSamples()).as("float samples").isEqualTo(ref.floatSamples);
    assertThat(s.histograms()).as("histograms").isEqualTo(ref.histograms);
    assertThat(s.exemplars()).as("exemplars").isEqualTo(ref.exemplars);
    assertThat(s.metadata()).as("metadata").isEqualTo(ref.metadata);
    assertThat(s.validSamples()).as("valid samples").isEqualTo(ref.validSamples);
    assertThat(s.duplicateSamples()).as("repeated samples").isEqualTo(ref.duplicateSamples);
    assertThat(s.maxLabelsPerSeries()).as("labels").isEqualTo(ref.maxLabels);
    assertThat(s.violations(Violation.OTLP_PARSE_ERROR)).isEqualTo(ref.rejectedMetrics);
  }

  // ---- the translation's counts ----

  @Test
  void everyTypeCountsAsMimirsTranslation() throws Exception {
    ExportMetricsServiceRequest r = everyType();
    WriteRequestStats s = scan(r);
    OtlpReference ref = OtlpReference.of(r);
    assertMatches(s, ref);
    // gauge 2 + sum 1 + histograms (1+1+4) + (1+6) + summary 2+3 + target_info 1
    assertThat(s.floatSamples()).isEqualTo(2 + 1 + 6 + 7 + 5 + 1);
    assertThat(s.histograms()).isEqualTo(1);
    // one entry per family (5) and target_info; exemplars cleared (limit 0)
    assertThat(s.metadata()).isEqualTo(6);
    assertThat(s.items()).isEqualTo(22 + 1 + 6);
    assertThat(s.exemplarsCleared()).isEqualTo(1);
    assertThat(s.protocol().label()).isEqualTo("otlp");
  }

  /**
   * {@code drop_labels} on the translated series ({@code prePushRelabelMiddleware}): the names go
   * from every series, the translator's own ({@code le}, {@code quantile}, {@code job}, {@code
   * __name__}) as well as the attributes', then validation; a series left with no label is removed.
   */
  @Test
  void dropLabelsRemovesTheNamesFromEveryTranslatedSeries() throws Exception {
    ExportMetricsServiceRequest r = everyType();
    WriteRequestStats none =
        scan(
            r.toByteArray(),
            PB,
            null,
            ValidationLimits.builder().maxLabelNamesPerSeries(3).build());
    for (List<String> drops :
        List.of(
            List.of("le", "quantile"),
            List.of("job", "instance", "host_name"),
            List.of("__name__"),
            List.of("nothing_by_that_name"))) {
      ValidationLimits limits =
          ValidationLimits.builder()
              .relabeling(new SeriesRelabeling(List.of(), drops))
              .maxLabelNamesPerSeries(3)
              .build();
      WriteRequestStats s = scan(r.toByteArray(), PB, null, limits);
      OtlpReference ref = new OtlpReference(false, false).drop(drops.toArray(String[]::new));
      ref.translate(r);
      // the reference validates with Mimir's default label limit (30): compare at 30 too
      WriteRequestStats at30 =
          scan(
              r.toByteArray(),
              PB,
              null,
              ValidationLimits.builder()
                  .relabeling(new SeriesRelabeling(List.of(), drops))
                  .build());
      assertMatches(at30, ref);
      assertThat(at30.invalidSeries()).as("%s", drops).isEqualTo(ref.invalidSeries);
      if (drops.contains("__name__")) {
        assertThat(at30.violations(Violation.MISSING_METRIC_NAME)).isEqualTo(ref.invalidSeries);
      }
      if (drops.contains("job") || drops.contains("le")) {
        // fewer labels: fewer series over a limit of 3
        assertThat(s.invalidSeries()).as("%s at 3 labels", drops).isLessThan(none.invalidSeries());
      }
    }
    // a series whose every label is dropped is not counted, nor invalid
    ExportMetricsServiceRequest bare =
        request(resource(attr("service.name", "s")), gauge("g", number(NOW_NANOS, 1)));
    WriteRequestStats gone =
        scan(
            bare.toByteArray(),
            PB,
            null,
            ValidationLimits.builder()
                .relabeling(new SeriesRelabeling(List.of(), List.of("job", "__name__")))
                .build());
    assertThat(gone.items()).isEqualTo(1); // the family's metadata only
    assertThat(gone.invalidSeries()).isZero();
    // a name is matched by its bytes, not only by its hash: "Aa" and "BB" hash alike
    ExportMetricsServiceRequest bb =
        request(SERVICE, gauge("g", number(NOW_NANOS, 1, attr("BB", "1"))));
    WriteRequestStats kept =
        scan(
            bb.toByteArray(),
            PB,
            null,
            ValidationLimits.builder()
                .relabeling(new SeriesRelabeling(List.of(), List.of("Aa")))
                .build());
    assertThat(kept.maxLabelsPerSeries()).isEqualTo(scan(bb).maxLabelsPerSeries());
    // every label of the point's series and of target_info dropped: both removed, their
    // families' metadata still counted (the translator made it)
    ExportMetricsServiceRequest all =
        request(
            resource(attr("service.name", "s"), attr("service.instance.id", "i"), attr("env", "e")),
            gauge("g", number(NOW_NANOS, 1)));
    WriteRequestStats none2 =
        scan(
            all.toByteArray(),
            PB,
            null,
            ValidationLimits.builder()
                .relabeling(
                    new SeriesRelabeling(List.of(), List.of("__name__", "job", "instance", "env")))
                .build());
    assertThat(none2.removedSeries()).isEqualTo(2);
    assertThat(none2.validSamples()).isZero();
    assertThat(none2.items()).isEqualTo(2); // g's and target_info's metadata
    // with relabeling rules, drop_labels still applies after them
    SeriesRelabeling rulesAndDrop =
        new SeriesRelabeling(
            List.of(RelabelRule.builder().action(RelabelAction.LABELDROP).regex("x").build()),
            List.of("__name__"));
    WriteRequestStats withRules =
        scan(
            r.toByteArray(), PB, null, ValidationLimits.builder().relabeling(rulesAndDrop).build());
    assertMatches(
        withRules, new OtlpReference(false, false).relabel(rulesAndDrop, "").translate(r));
    assertThat(withRules.violations(Violation.MISSING_METRIC_NAME)).isEqualTo(withRules.series());
  }

  // ---- metric_relabel_configs over the translated series ----

  static RelabelRule rule(RelabelAction action, String regex, String... sourceLabels) {
    return RelabelRule.builder()
        .action(action)
        .regex(regex)
        .sourceLabels(List.of(sourceLabels))
        .build();
  }

  /**
   * A request whose labels every rule below can reach: attributes that collide once sanitized, int,
   * bool, double, bytes, array and map values, a promoted resource attribute, bucket bounds and
   * quantiles that Go spells unlike Java.
   */
  static ExportMetricsServiceRequest relabelable() {
    long t = NOW_NANOS;
    HistogramDataPoint buckets =
        HistogramDataPoint.newBuilder()
            .setTimeUnixNano(t)
            .setCount(4)
            .setSum(2)
            .addAllExplicitBounds(List.of(0.005, 0.5, 1.0, 1e21))
            .addAllBucketCounts(List.of(1L, 1L, 1L, 1L, 0L))
            .addAttributes(attr("route", "/x"))
            .build();
    AnyValue array =
        AnyValue.newBuilder()
            .setArrayValue(
                io.opentelemetry.proto.common.v1.ArrayValue.newBuilder()
                    .addValues(AnyValue.newBuilder().setStringValue("a<b"))
                    .addValues(AnyValue.newBuilder().setIntValue(7)))
            .build();
    return request(
        resource(
            attr("service.name", "checkout"),
            attr("service.namespace", "shop"),
            attr("service.instance.id", "pod-1"),
            attr("k8s.cluster.name", "eu-1"),
            attr("host.name", "node-7")),
        gauge(
            "queue.depth",
            number(t, 3, attr("queue", "a"), attr("a.b", "1"), attr("a_b", "2")),
            number(
                t,
                4,
                attr("queue", "b"),
                KeyValue.newBuilder()
                    .setKey("ratio")
                    .setValue(AnyValue.newBuilder().setDoubleValue(1e-7))
                    .build(),
                KeyValue.newBuilder().setKey("tags").setValue(array).build(),
                KeyValue.newBuilder()
                    .setKey("on")
                    .setValue(AnyValue.newBuilder().setBoolValue(true))
                    .build())),
        sum(
            "http.requests",
            AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
            number(t, 10, attr("code", 200)).toBuilder().addExemplars(exemplar(t, 1)).build()),
        histogram(
            "http.duration", AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, buckets),
        exponential("rpc.size", 2, t),
        summary("gc.pause", t, 4));
  }

  /** Rule sets that each change what is counted, as Mimir's relabeling tests use them. */
  static List<SeriesRelabeling> ruleSets() {
    RelabelRule replaceJob =
        RelabelRule.builder()
            .action(RelabelAction.REPLACE)
            .sourceLabels(List.of("job", "queue"))
            .regex("shop/(.*);(.+)")
            .targetLabel("owner")
            .replacement("${1}-$2")
            .build();
    RelabelRule badName =
        RelabelRule.builder()
            .action(RelabelAction.REPLACE)
            .sourceLabels(List.of("__name__"))
            .regex("gc_pause")
            .targetLabel("__name__")
            .replacement("1gc")
            .build();
    RelabelRule tenantLabel =
        RelabelRule.builder()
            .action(RelabelAction.REPLACE)
            .sourceLabels(List.of("__meta_tenant_id"))
            .regex("(.*)")
            .targetLabel("tenant")
            .replacement("$1")
            .build();
    return List.of(
        // drop whole families by name (TestDistributor_Push_Relabel)
        new SeriesRelabeling(
            List.of(rule(RelabelAction.DROP, "queue_depth|gc_pause.*", "__name__")), List.of()),
        // buckets and quantiles by their Go spellings
        new SeriesRelabeling(
            List.of(
                rule(RelabelAction.DROP, "0\\.005|1000000000000000000000|\\+Inf", "le"),
                rule(RelabelAction.DROP, "0\\.3", "quantile")),
            List.of()),
        // keep only what a double, an array and a bool attribute spell (others have none: kept)
        new SeriesRelabeling(
            List.of(rule(RelabelAction.DROP, "1e-7;\\[\"a<b\",7\\];true", "ratio", "tags", "on")),
            List.of()),
        // the colliding attributes' joined value, the promoted and identity labels
        new SeriesRelabeling(
            List.of(
                rule(RelabelAction.DROP, "1;2", "a_b"),
                rule(RelabelAction.KEEP, "eu-1", "k8s_cluster_name")),
            List.of("host_name")),
        // labels written and removed; target_info's labels too
        new SeriesRelabeling(
            List.of(replaceJob, rule(RelabelAction.LABELDROP, "instance|route"), tenantLabel),
            List.of("job")),
        // every label but le and quantile dropped: most series left with none, the rest nameless
        new SeriesRelabeling(
            List.of(badName, rule(RelabelAction.LABELKEEP, "le|quantile")), List.of()),
        // a metric name made invalid (the four quantile series)
        new SeriesRelabeling(List.of(badName), List.of()));
  }

  // per rule set: gauges and gc_pause; 3 buckets and 1 quantile; the point with those values;
  // the point whose a.b and a_b join as "1;2"; none; all but buckets and quantiles; none
  private static final long[] REMOVED = {8, 4, 1, 1, 0, 9, 0};
  private static final long[] INVALID = {0, 0, 0, 0, 0, 9, 4};

  @Test
  void relabelingRulesRunOnEveryTranslatedSeries() throws Exception {
    ExportMetricsServiceRequest r = relabelable();
    byte[] json = JsonFormat.printer().print(r).getBytes(StandardCharsets.UTF_8);
    byte[] pb = r.toByteArray();
    WriteRequestStats plain = scan(r, promoting(SeriesRelabeling.NONE));
    int i = 0;
    for (SeriesRelabeling rules : ruleSets()) {
      ValidationLimits limits = promoting(rules);
      WriteRequestStats s = scanner.scan(pb, 0, pb.length, PB, null, limits, NOW, "tenant-7");
      OtlpReference ref =
          new OtlpReference(false, false)
              .promote("k8s.cluster.name")
              .relabel(rules, "tenant-7")
              .translate(r);
      assertMatches(s, ref);
      WriteRequestStats js =
          scanner.scan(json, 0, json.length, JSON, null, limits, NOW, "tenant-7");
      assertThat(js.items()).as("rule set %d over OTLP/JSON", i).isEqualTo(s.items());
      assertThat(js.validSamples()).isEqualTo(s.validSamples());
      assertThat(js.removedSeries()).isEqualTo(s.removedSeries());
      assertThat(js.invalidSeries()).isEqualTo(s.invalidSeries());
      assertThat(s).as("rule set %d changes something", i).isNotEqualTo(plain);
      // worked by hand: 18 series (gauge 2, sum 1, histogram 2 + 5 buckets, exponential 1,
      // summary 2 + 4 quantiles, target_info 1)
      assertThat(s.removedSeries()).as("rule set %d removed", i).isEqualTo(REMOVED[i]);
      assertThat(s.invalidSeries()).as("rule set %d invalid", i).isEqualTo(INVALID[i]);
      if (i == 6) {
        assertThat(s.violations(Violation.METRIC_NAME_INVALID)).isEqualTo(4);
      }
      i++;
    }
  }

  /** {@code body} with the ASCII {@code placeholder} replaced by as many bytes of invalid UTF-8. */
  static byte[] notUtf8(byte[] body, String placeholder) {
    byte[] p = placeholder.getBytes(StandardCharsets.US_ASCII);
    byte[] out = body.clone();
    outer:
    for (int i = 0; i + p.length <= out.length; i++) {
      for (int j = 0; j < p.length; j++) {
        if (out[i + j] != p[j]) {
          continue outer;
        }
      }
      out[i + 1] = (byte) 0xff; // a byte that starts no sequence
      out[i + 2] = (byte) 0xc3; // a sequence cut short
      return out;
    }
    throw new AssertionError(placeholder + " not in the body");
  }

  @Test
  void aValueThatIsNotUtf8MakesItsSeriesInvalidAsValidateLabelsDoes() throws Exception {
    // pdata reads strings unchecked; validateLabels refuses a value that is not valid UTF-8
    long t = NOW_NANOS;
    ExportMetricsServiceRequest r =
        request(
            resource(attr("service.name", "svc"), attr("host.name", "HOSTHOST")),
            gauge("g", number(t, 1, attr("a", "POINTPNT")), number(t, 2, attr("a", "ok"))));
    byte[] point = notUtf8(r.toByteArray(), "POINTPNT");
    WriteRequestStats s = scan(point, PB, null, ValidationLimits.MIMIR_DEFAULTS);
    assertThat(s.violations(Violation.LABEL_VALUE_INVALID)).isEqualTo(1);
    assertThat(s.validSamples()).isEqualTo(2); // the other point and target_info
    byte[] both = notUtf8(point, "HOSTHOST");
    WriteRequestStats s2 = scan(both, PB, null, ValidationLimits.MIMIR_DEFAULTS);
    assertThat(s2.violations(Violation.LABEL_VALUE_INVALID)).isEqualTo(2); // and target_info
    // promoted, the resource's value is on every point's series
    ValidationLimits promote =
        ValidationLimits.builder().promoteOtelResourceAttributes(List.of("host.name")).build();
    assertThat(scan(both, PB, null, promote).violations(Violation.LABEL_VALUE_INVALID))
        .isEqualTo(3);
    // in job, the same
    byte[] job =
        notUtf8(
            request(
                    resource(attr("service.name", "JOBJOBJO"), attr("host.name", "h")),
                    gauge("g", number(t, 1)))
                .toByteArray(),
            "JOBJOBJO");
    assertThat(scan(job, PB, null, ValidationLimits.MIMIR_DEFAULTS).validSamples()).isZero();
    // relabeled: a rule that drops the label leaves the series valid; one that keeps it does not
    SeriesRelabeling dropA =
        new SeriesRelabeling(List.of(rule(RelabelAction.LABELDROP, "a")), List.of());
    WriteRequestStats dropped =
        scan(both, PB, null, ValidationLimits.builder().relabeling(dropA).build());
    assertThat(dropped.violations(Violation.LABEL_VALUE_INVALID)).isEqualTo(1); // target_info
    assertThat(dropped.validSamples()).isEqualTo(2);
    SeriesRelabeling keepAll =
        new SeriesRelabeling(List.of(rule(RelabelAction.LABELDROP, "nothing")), List.of());
    WriteRequestStats kept =
        scan(both, PB, null, ValidationLimits.builder().relabeling(keepAll).build());
    assertThat(kept.violations(Violation.LABEL_VALUE_INVALID)).isEqualTo(2);
  }

  @Test
  void underAShortValueLimitEachLeAndQuantileIsMeasuredAsGoSpellsIt() throws Exception {
    // max_label_value_length 20: "0.30000000000000004" (19 bytes) passes, 1e21 spelled in full
    // (22 bytes) does not; quantiles 0, 0.1, 0.2 are short (no longer taken as 24 bytes)
    long t = NOW_NANOS;
    HistogramDataPoint p =
        HistogramDataPoint.newBuilder()
            .setTimeUnixNano(t)
            .setCount(3)
            .addAllExplicitBounds(List.of(0.1 + 0.2, 1e21))
            .addAllBucketCounts(List.of(1L, 1L, 1L))
            .build();
    ExportMetricsServiceRequest r =
        request(
            resource(attr("service.name", "s")),
            histogram("h", AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, p),
            summary("q", t, 3));
    ValidationLimits shortValues = ValidationLimits.builder().maxLabelValueLength(20).build();
    for (byte[] body :
        List.of(r.toByteArray(), JsonFormat.printer().print(r).getBytes(StandardCharsets.UTF_8))) {
      String type = body[0] == '{' ? JSON : PB;
      WriteRequestStats s = scan(body, type, null, shortValues);
      // h_count and 3 buckets, q_sum, q_count and 3 quantiles (no target_info): one too long
      assertThat(s.series()).as(type).isEqualTo(9);
      assertThat(s.violations(Violation.LABEL_VALUE_TOO_LONG)).as(type).isEqualTo(1);
      assertThat(s.validSamples()).as(type).isEqualTo(8);
    }
    // under the default limit nothing is read, nothing is too long
    assertThat(scan(r).validSamples()).isEqualTo(9);
    // truncated instead of refused: no series is invalid
    WriteRequestStats truncated =
        scan(
            r,
            ValidationLimits.builder()
                .maxLabelValueLength(20)
                .labelValueStrategy(io.mimiredge.rls.remotewrite.LabelValueStrategy.TRUNCATE)
                .build());
    assertThat(truncated.validSamples()).isEqualTo(9);
  }

  @Test
  void doubleArrayAndMapValuesAreMeasuredAsPdataSpellsThem() throws Exception {
    long t = NOW_NANOS;
    AnyValue.Builder list =
        AnyValue.newBuilder()
            .setArrayValue(io.opentelemetry.proto.common.v1.ArrayValue.getDefaultInstance());
    io.opentelemetry.proto.common.v1.ArrayValue.Builder big =
        io.opentelemetry.proto.common.v1.ArrayValue.newBuilder();
    for (int i = 0; i < 500; i++) {
      big.addValues(AnyValue.newBuilder().setIntValue(1000 + i)); // "1000," ...: 5 bytes each
    }
    ExportMetricsServiceRequest r =
        request(
            resource(attr("service.name", "s")),
            gauge(
                "g",
                number(
                    t,
                    1,
                    KeyValue.newBuilder()
                        .setKey("ratio")
                        .setValue(AnyValue.newBuilder().setDoubleValue(0.1 + 0.2))
                        .build()),
                number(t, 2, KeyValue.newBuilder().setKey("empty").setValue(list).build()),
                number(
                    t,
                    3,
                    KeyValue.newBuilder()
                        .setKey("big")
                        .setValue(AnyValue.newBuilder().setArrayValue(big))
                        .build())));
    // the array spells 2,501 bytes: over the default 2,048, as Mimir measures it
    WriteRequestStats s = scan(r);
    assertThat(s.violations(Violation.LABEL_VALUE_TOO_LONG)).isEqualTo(1);
    assertThat(s.maxLabelValueLength()).isEqualTo(2 + 500 * 5 - 1);
    // "0.30000000000000004" is 19 bytes, "[]" 2: under a limit of 18, the double's series too
    WriteRequestStats tight = scan(r, ValidationLimits.builder().maxLabelValueLength(18).build());
    assertThat(tight.violations(Violation.LABEL_VALUE_TOO_LONG)).isEqualTo(2);
    assertThat(tight.validSamples()).isEqualTo(1);
  }

  @Test
  void namesWithInvalidUtf8AreSanitizedAsGoRangesOverThem() throws Exception {
    // each byte of invalid UTF-8 is one rune (U+FFFD) for Go: one '_' each, nothing skipped
    ExportMetricsServiceRequest r =
        request(
            resource(attr("service.name", "s")),
            gauge("METRICNM", number(NOW_NANOS, 1, attr("KEYKEY", "v"))));
    byte[] body = notUtf8(notUtf8(r.toByteArray(), "METRICNM"), "KEYKEY");
    // the key is K\xff\xc3KEY: "K__KEY"; drop_labels removes it by that name
    WriteRequestStats plain = scan(body, PB, null, ValidationLimits.MIMIR_DEFAULTS);
    WriteRequestStats dropped =
        scan(
            body,
            PB,
            null,
            ValidationLimits.builder()
                .relabeling(new SeriesRelabeling(List.of(), List.of("K__KEY")))
                .build());
    assertThat(dropped.maxLabelsPerSeries()).isEqualTo(plain.maxLabelsPerSeries() - 1);
    // the metric is M\xff\xc3RICNM: runs "M" and "RICNM" joined, "M_RICNM"
    SeriesRelabeling keep =
        new SeriesRelabeling(List.of(rule(RelabelAction.KEEP, "M_RICNM", "__name__")), List.of());
    WriteRequestStats kept =
        scan(body, PB, null, ValidationLimits.builder().relabeling(keep).build());
    assertThat(kept.validSamples()).isEqualTo(1);
    assertThat(kept.removedSeries()).isZero();
  }

  @Test
  void underUtf8NamesANameThatIsNotUtf8IsInvalid() throws Exception {
    // names are kept as sent under the utf8 scheme, and validateLabels checks them
    ValidationLimits utf8 =
        ValidationLimits.builder()
            .nameValidation(io.mimiredge.rls.remotewrite.NameValidation.UTF8)
            .build();
    ExportMetricsServiceRequest r =
        request(
            resource(attr("service.name", "s"), attr("RESKEY", "v")),
            gauge("g", number(NOW_NANOS, 1, attr("KEYKEY", "v")), number(NOW_NANOS, 2)),
            gauge("METRICNM", number(NOW_NANOS, 3)));
    byte[] key = notUtf8(r.toByteArray(), "KEYKEY");
    WriteRequestStats s = scan(key, PB, null, utf8);
    assertThat(s.violations(Violation.LABEL_INVALID)).isEqualTo(1);
    assertThat(s.validSamples()).isEqualTo(3); // the other g point, METRICNM, target_info
    byte[] metric = notUtf8(key, "METRICNM");
    assertThat(scan(metric, PB, null, utf8).violations(Violation.METRIC_NAME_INVALID)).isEqualTo(1);
    byte[] resourceKey = notUtf8(r.toByteArray(), "RESKEY"); // a target_info label
    assertThat(scan(resourceKey, PB, null, utf8).violations(Violation.LABEL_INVALID)).isEqualTo(1);
    // under the legacy scheme the same bytes are sanitized away: all valid
    assertThat(scan(metric, PB, null, ValidationLimits.MIMIR_DEFAULTS).invalidSeries()).isZero();
  }

  @Test
  void withRulesAndUtf8NamesAKeyThatIsNotUtf8IsAnInvalidLabelName() throws Exception {
    ExportMetricsServiceRequest r =
        request(
            resource(attr("service.name", "s")),
            gauge("g", number(NOW_NANOS, 1, attr("KEYKEY", "v"))));
    byte[] body = notUtf8(r.toByteArray(), "KEYKEY");
    SeriesRelabeling noop =
        new SeriesRelabeling(List.of(rule(RelabelAction.DROP, "nothing", "x")), List.of());
    WriteRequestStats s =
        scan(
            body,
            PB,
            null,
            ValidationLimits.builder()
                .nameValidation(io.mimiredge.rls.remotewrite.NameValidation.UTF8)
                .relabeling(noop)
                .build());
    assertThat(s.violations(Violation.LABEL_INVALID)).isEqualTo(1);
    // a rule that drops the label leaves the series valid
    SeriesRelabeling drop =
        new SeriesRelabeling(List.of(rule(RelabelAction.LABELDROP, "K.*")), List.of());
    WriteRequestStats t =
        scan(
            body,
            PB,
            null,
            ValidationLimits.builder()
                .nameValidation(io.mimiredge.rls.remotewrite.NameValidation.UTF8)
                .relabeling(drop)
                .build());
    assertThat(t.validSamples()).isEqualTo(1);
  }

  @Test
  void aJsonBoundThatIsNoNumberRefusesTheBodyForEveryTenant() {
    String json =
        "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"h\",\"histogram\":"
            + "{\"aggregationTemporality\":2,\"dataPoints\":[{\"timeUnixNano\":\""
            + NOW_NANOS
            + "\",\"bucketCounts\":[\"1\",\"1\"],\"explicitBounds\":[{}]}]}}]}]}]}";
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> scan(body, JSON, null, ValidationLimits.MIMIR_DEFAULTS))
        .isInstanceOf(RemoteWriteException.class)
        .hasMessageContaining("malformed OTLP/JSON");
  }

  @Test
  void rulesSeeTheLabelsInGoOrderSoTheLastMappedOneWins() throws Exception {
    // labelmap maps both to "x"; over Mimir's sorted labels b_x comes last and wins
    ExportMetricsServiceRequest r =
        request(
            SERVICE,
            gauge("g", number(NOW_NANOS, 1, attr("b_x", "from-b"), attr("a_x", "from-a"))));
    SeriesRelabeling rules =
        new SeriesRelabeling(
            List.of(
                RelabelRule.builder()
                    .action(RelabelAction.LABELMAP)
                    .regex("[ab]_(x)")
                    .replacement("$1")
                    .build(),
                rule(RelabelAction.KEEP, "from-b|", "x")), // target_info has no x: kept
            List.of());
    WriteRequestStats s = scan(r, ValidationLimits.builder().relabeling(rules).build());
    assertThat(s.removedSeries()).isZero();
    assertThat(s.validSamples()).isEqualTo(2);
  }

  @Test
  void anInfoSeriesIsJudgedByItsOwnLimitOnlyPastTheGeneralOne() throws Exception {
    // validateLabels: over max_label_names_per_series, an _info series gets its own limit
    ValidationLimits limits =
        ValidationLimits.builder().maxLabelNamesPerSeries(6).maxLabelNamesPerInfoSeries(4).build();
    List<KeyValue> five = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      five.add(attr("k" + i, "v"));
    }
    // 5 attributes + __name__ = 6 labels: within the general limit though over the info one
    ExportMetricsServiceRequest within =
        request(
            resource(), gauge("build_info", number(NOW_NANOS, 1, five.toArray(new KeyValue[0]))));
    WriteRequestStats s = scan(within, limits);
    assertThat(s.invalidSeries()).isZero();
    five.add(attr("k5", "v"));
    ExportMetricsServiceRequest over =
        request(
            resource(), gauge("build_info", number(NOW_NANOS, 1, five.toArray(new KeyValue[0]))));
    WriteRequestStats t = scan(over, limits);
    assertThat(t.violations(Violation.MAX_LABEL_NAMES_PER_INFO_SERIES)).isEqualTo(1);
    // the same with a rule that changes nothing: the relabeling path judges alike
    SeriesRelabeling noop =
        new SeriesRelabeling(List.of(rule(RelabelAction.DROP, "nothing", "k0")), List.of());
    ValidationLimits withRules =
        ValidationLimits.builder()
            .maxLabelNamesPerSeries(6)
            .maxLabelNamesPerInfoSeries(4)
            .relabeling(noop)
            .build();
    assertThat(scan(within, withRules).invalidSeries()).isZero();
    assertThat(scan(over, withRules).violations(Violation.MAX_LABEL_NAMES_PER_INFO_SERIES))
        .isEqualTo(1);
  }

  @Test
  void rulesSeeTheTenantAndWriteLabelsThatValidationJudges() throws Exception {
    ExportMetricsServiceRequest r = relabelable();
    byte[] pb = r.toByteArray();
    // __meta_tenant_id is the tenant's id while the rules run, and gone after
    SeriesRelabeling onlyTenant7 =
        new SeriesRelabeling(
            List.of(rule(RelabelAction.KEEP, "tenant-7", "__meta_tenant_id")), List.of());
    ValidationLimits limits = promoting(onlyTenant7);
    WriteRequestStats mine = scanner.scan(pb, 0, pb.length, PB, null, limits, NOW, "tenant-7");
    WriteRequestStats other = scanner.scan(pb, 0, pb.length, PB, null, limits, NOW, "tenant-8");
    WriteRequestStats none = scan(r, promoting(SeriesRelabeling.NONE));
    assertThat(mine.validSamples()).isEqualTo(none.validSamples());
    assertThat(mine.maxLabelsPerSeries()).isEqualTo(none.maxLabelsPerSeries());
    assertThat(other.validSamples()).isZero();
    assertThat(other.removedSeries()).isEqualTo(none.series());
    assertThat(other.items()).isEqualTo(none.metadata()); // the families' metadata only
    // a value a rule writes is judged by the tenant's limits: too long, every series invalid
    SeriesRelabeling longValue =
        new SeriesRelabeling(
            List.of(
                RelabelRule.builder()
                    .action(RelabelAction.REPLACE)
                    .targetLabel("padding")
                    .replacement("x".repeat(40))
                    .build()),
            List.of());
    WriteRequestStats tooLong =
        scanner.scan(
            pb,
            0,
            pb.length,
            PB,
            null,
            ValidationLimits.builder().maxLabelValueLength(39).relabeling(longValue).build(),
            NOW,
            "t");
    assertThat(tooLong.validSamples()).isZero();
    assertThat(tooLong.violations(Violation.LABEL_VALUE_TOO_LONG)).isEqualTo(none.series());
  }

  private static ValidationLimits promoting(SeriesRelabeling rules) {
    return ValidationLimits.builder()
        .promoteOtelResourceAttributes(List.of("k8s.cluster.name"))
        .relabeling(rules)
        .build();
  }

  @Test
  void exemplarsCountWhenTheTenantKeepsThem() throws Exception {
    ExportMetricsServiceRequest r = everyType();
    WriteRequestStats s =
        scan(
            r.toByteArray(),
            PB,
            null,
            ValidationLimits.builder().maxGlobalExemplarsPerUser(10).build());
    assertThat(s.validExemplars()).isEqualTo(1);
    assertThat(s.items()).isEqualTo(22 + 1 + 1 + 6);
  }

  /**
   * distributor.go prePushValidationMiddleware: the exemplars' lower bound (5 minutes before the
   * earliest sample) is taken over every series validation sees, an invalid one too.
   */
  @Test
  void anInvalidSeriesSampleLowersTheExemplarsBoundAsInMimir() throws Exception {
    long minute = 60_000_000_000L;
    NumberDataPoint withOldExemplar =
        number(NOW_NANOS, 10).toBuilder().addExemplars(exemplar(NOW_NANOS - 7 * minute, 1)).build();
    ValidationLimits limits =
        ValidationLimits.builder().maxGlobalExemplarsPerUser(10).maxLabelValueLength(20).build();
    ExportMetricsServiceRequest alone =
        request(
            SERVICE,
            sum("s", AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, withOldExemplar));
    assertThat(scan(alone, limits).validExemplars()).as("7 minutes before the earliest").isZero();
    // a resource with no attribute besides service.name: no target_info, whose samples would
    // reach back to the earliest point too
    ExportMetricsServiceRequest withOld =
        request(
            resource(attr("service.name", "checkout")),
            sum("s", AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, withOldExemplar),
            // invalid (a value over 20 bytes), and 8 minutes old: the bound moves to 13 minutes
            gauge("g", number(NOW_NANOS - 8 * minute, 1, attr("x", "y".repeat(30)))));
    WriteRequestStats s = scan(withOld, limits);
    assertThat(s.series()).as("s and g").isEqualTo(2);
    assertThat(s.violations(Violation.LABEL_VALUE_TOO_LONG)).isEqualTo(1);
    assertThat(s.validExemplars()).isEqualTo(1);
  }

  @Test
  void nativeHistogramsWithCustomBucketsCountOnePerPoint() throws Exception {
    ExportMetricsServiceRequest r = everyType();
    WriteRequestStats s =
        scan(r.toByteArray(), PB, null, ValidationLimits.builder().otel(true, false).build());
    assertMatches(s, OtlpReference.of(r, true, false));
    assertThat(s.histograms()).isEqualTo(1 + 2);
  }

  @Test
  void deltaIsSkippedUnlessNativeDeltaIngestion() throws Exception {
    long t = NOW_NANOS;
    ExportMetricsServiceRequest r =
        request(
            SERVICE,
            sum("a", AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, number(t, 1)),
            sum("b", AggregationTemporality.AGGREGATION_TEMPORALITY_UNSPECIFIED, number(t, 1)),
            gauge("c", number(t, 1)));
    WriteRequestStats s = scan(r);
    assertMatches(s, OtlpReference.of(r));
    assertThat(s.violations(Violation.OTLP_PARSE_ERROR)).isEqualTo(2);
    assertThat(s.validSamples()).isEqualTo(1 + 1); // c and target_info
    assertThat(s.firstViolation()).isEqualTo(Violation.OTLP_PARSE_ERROR);
    WriteRequestStats withDelta =
        scan(r.toByteArray(), PB, null, ValidationLimits.builder().otel(false, true).build());
    assertMatches(withDelta, OtlpReference.of(r, false, true));
    assertThat(withDelta.validSamples()).isEqualTo(3); // unspecified is always refused
  }

  @Test
  void targetInfoRepeatsEveryTwoAndAHalfMinutesOverTheResourcesSpan() throws Exception {
    long t = NOW_NANOS - 600_000_000_000L; // 10 minutes before
    ExportMetricsServiceRequest r =
        request(SERVICE, gauge("g", number(t, 1), number(NOW_NANOS, 2, attr("x", "y"))));
    WriteRequestStats s = scan(r);
    assertMatches(s, OtlpReference.of(r));
    assertThat(s.floatSamples()).isEqualTo(2 + 5); // 0, 2.5, 5, 7.5 min, then the latest
  }

  @Test
  void noTargetInfoWithOnlyIdentifyingAttributesOrWithoutJobAndInstance() throws Exception {
    long t = NOW_NANOS;
    for (Resource res :
        new Resource[] {
          resource(attr("service.name", "a"), attr("service.instance.id", "b")),
          resource(attr("host.name", "x")),
          resource()
        }) {
      ExportMetricsServiceRequest r = request(res, gauge("g", number(t, 1)));
      WriteRequestStats s = scan(r);
      assertMatches(s, OtlpReference.of(r));
      assertThat(s.floatSamples()).as("%s", res).isEqualTo(1);
    }
  }

  @Test
  void collidingAttributeKeysAreOneLabelAndTheCountIncludesJobInstanceAndName() throws Exception {
    NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setTimeUnixNano(NOW_NANOS);
    p.addAttributes(attr("a.b", "1"))
        .addAttributes(attr("a_b", "2"))
        .addAttributes(attr("1x", "3"));
    p.addAttributes(attr("_y", "4")).addAttributes(attr("empty", ""));
    ExportMetricsServiceRequest r = request(SERVICE, gauge("g", p.build()));
    WriteRequestStats s = scan(r);
    assertMatches(s, OtlpReference.of(r));
    // a_b, key_1x, key_y, job, instance, __name__ (target_info has host_name, job, instance, name)
    assertThat(s.maxLabelsPerSeries()).isEqualTo(6);
  }

  @Test
  void aSeriesOverTheLabelLimitIsInvalid() throws Exception {
    NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setTimeUnixNano(NOW_NANOS);
    for (int i = 0; i < 28; i++) {
      p.addAttributes(attr("k" + i, "v"));
    }
    // 28 + job + instance + __name__ = 31 > 30; a histogram's _bucket series one more
    ExportMetricsServiceRequest r =
        request(SERVICE, gauge("g", p.build()), gauge("h", number(NOW_NANOS, 1)));
    WriteRequestStats s = scan(r);
    assertMatches(s, OtlpReference.of(r));
    assertThat(s.violations(Violation.MAX_LABEL_NAMES_PER_SERIES)).isEqualTo(1);
    assertThat(s.validSamples()).isEqualTo(2); // h and target_info
  }

  /**
   * validate.go judges a series by its own metric name: a classic histogram's {@code _sum}, {@code
   * _count} and {@code _bucket} series are not {@code _info} series whatever the metric is called,
   * and their suffixes count towards the value length of {@code __name__}.
   */
  @Test
  void aSuffixedSeriesIsJudgedByItsOwnName() throws Exception {
    List<KeyValue> attrs = new ArrayList<>();
    for (int i = 0; i < 28; i++) {
      attrs.add(attr("k" + i, "v"));
    }
    // 28 + job + instance + __name__ = 31: over 30, within the _info limit (80) only for a series
    // whose own name ends in _info
    ExportMetricsServiceRequest info =
        request(
            SERVICE,
            gauge(
                "build_info",
                NumberDataPoint.newBuilder()
                    .setTimeUnixNano(NOW_NANOS)
                    .addAllAttributes(attrs)
                    .build()),
            histogram(
                "latency_info",
                AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                histogramPoint(NOW_NANOS, true, 1).toBuilder().addAllAttributes(attrs).build()));
    WriteRequestStats s = scan(info);
    assertMatches(s, OtlpReference.of(info));
    // build_info and target_info valid; latency_info's _sum, _count and 2 buckets not
    assertThat(s.violations(Violation.MAX_LABEL_NAMES_PER_SERIES)).isEqualTo(4);
    // a name within max_label_value_length (2048) only without the suffix: _sum (4) fits,
    // _count (6) and _bucket (7) do not; a summary's quantile series have no suffix
    String name = "m".repeat(2043);
    ExportMetricsServiceRequest longName =
        request(
            SERVICE,
            histogram(
                name,
                AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE,
                histogramPoint(NOW_NANOS, true, 1)),
            summary(name.substring(1) + "s", NOW_NANOS, 2));
    WriteRequestStats l = scan(longName);
    assertMatches(l, OtlpReference.of(longName));
    // the histogram's _count and 2 buckets, the summary's _count
    assertThat(l.violations(Violation.LABEL_VALUE_TOO_LONG)).isEqualTo(1 + 2 + 1);
  }

  @Test
  void samplesTooFarInTheFutureAreInvalid() throws Exception {
    long future = NOW_NANOS + 3_600_000_000_000L;
    ExportMetricsServiceRequest r =
        request(resource(), gauge("g", number(future, 1), number(NOW_NANOS, 1, attr("a", "b"))));
    WriteRequestStats s = scan(r);
    assertThat(s.violations(Violation.TOO_FAR_IN_FUTURE)).isEqualTo(1);
    assertThat(s.validSamples()).isEqualTo(1);
  }

  @Test
  void metadataIsOnePerFamilyUnlessItsHelpChanges() throws Exception {
    long t = NOW_NANOS;
    Metric a = gauge("same.name", number(t, 1));
    Metric b = gauge("same_name", number(t, 2, attr("x", "y"))); // the same family once translated
    Metric c = a.toBuilder().setDescription("other help").build();
    Metric empty =
        Metric.newBuilder().setName("empty").setGauge(Gauge.getDefaultInstance()).build();
    ExportMetricsServiceRequest r = request(resource(), a, b, c, empty, a);
    WriteRequestStats s = scan(r);
    assertMatches(s, OtlpReference.of(r));
    assertThat(s.metadata()).isEqualTo(3); // a, c (help changed), a again (changed back)
  }

  @Test
  void aMetricWithoutDataOrWithANameThatTranslatesToNothingIsSkipped() throws Exception {
    ExportMetricsServiceRequest r =
        request(
            resource(),
            Metric.newBuilder().setName("nodata").build(),
            gauge("...", number(NOW_NANOS, 1)),
            gauge("ok", number(NOW_NANOS, 1)));
    WriteRequestStats s = scan(r);
    assertMatches(s, OtlpReference.of(r));
    assertThat(s.violations(Violation.OTLP_PARSE_ERROR)).isEqualTo(2);
    assertThat(s.items()).isEqualTo(1 + 1);
  }

  @Test
  void anExponentialScaleBelowMinusFourFailsTheMetric() throws Exception {
    ExportMetricsServiceRequest r =
        request(resource(), exponential("e", -5, NOW_NANOS), exponential("f", 12, NOW_NANOS));
    WriteRequestStats s = scan(r);
    assertMatches(s, OtlpReference.of(r));
    assertThat(s.histograms()).isEqualTo(1); // f: scale 12 is downscaled, not refused
  }

  @Test
  void keysAreTranslatedAsLabelNamerDoesPrefixesIncluded() throws Exception {
    // "." is "key_" (valid), "_y" is "key_y" and collides with a real "key_y"; "__" and ".."
    // translate to underscores only: the metric fails from that point on
    NumberDataPoint ok =
        number(NOW_NANOS, 1, attr(".", "a"), attr("_y", "b"), attr("key_y", "c"), attr("z", "d"));
    NumberDataPoint bad = number(NOW_NANOS, 2, attr("..", "e"));
    NumberDataPoint emptyButBad = number(NOW_NANOS, 3, attr("__", ""));
    ExportMetricsServiceRequest r =
        request(resource(), gauge("g", ok), gauge("h", bad, ok), gauge("k", emptyButBad));
    WriteRequestStats s = scan(r);
    assertMatches(s, OtlpReference.of(r));
    assertThat(s.maxLabelsPerSeries()).isEqualTo(3 + 1); // key_, key_y, z and __name__
    assertThat(s.validSamples()).isEqualTo(1);
    assertThat(s.violations(Violation.OTLP_PARSE_ERROR)).isEqualTo(2);
  }

  /**
   * MimirAppender.appendFloatOrHistogram: a point whose labels the appender has seen joins that
   * series, and validation keeps one sample per timestamp: two scopes sending the same metric with
   * the same attributes at the same millisecond are one sample, at another millisecond two.
   */
  @Test
  void pointsWithTheSameLabelsAndMillisecondAreOneSampleAsMimirMergesThem() throws Exception {
    NumberDataPoint p = number(NOW_NANOS, 1, attr("a", "1"));
    NumberDataPoint sameMilli = number(NOW_NANOS + 999_999, 2, attr("a", "1"));
    NumberDataPoint later = number(NOW_NANOS + 1_000_000, 3, attr("a", "1"));
    NumberDataPoint other = number(NOW_NANOS, 4, attr("a", "2"));
    HistogramDataPoint h = histogramPoint(NOW_NANOS, true, 3);
    ExportMetricsServiceRequest r =
        request(
            resource(),
            gauge("g", p, other),
            gauge("g", sameMilli, later), // as a second scope would send it
            sum("g", AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, p),
            histogram("h", AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, h, h),
            exponential("g", 2, NOW_NANOS)); // a histogram: apart from g's floats
    WriteRequestStats s = scan(r);
    assertMatches(s, OtlpReference.of(r));
    // g: a=1 at two milliseconds, a=2 once; h's _sum and _count once, its 4 buckets twice (their
    // le values are not read, so a repeat is not told apart); g's histogram
    assertThat(s.validSamples()).isEqualTo(3 + (2 + 2 * 4) + 1);
    assertThat(s.duplicateSamples()).isEqualTo(2 + 2);
  }

  /**
   * A label's value is the attribute's AsString: an int 5 and a string "5" are the same label, as
   * are a bool true and a string "true", so two such points at one millisecond are one sample
   * (MimirAppender merges them); -12 and "-12", 0 and "0" too, and an int 5 and a string "05" not.
   */
  @Test
  void anIntOrBoolAttributeIsTheSameLabelAsItsStringForm() throws Exception {
    NumberDataPoint[] points = {
      number(NOW_NANOS, 1, attr("code", 5)),
      number(NOW_NANOS, 2, attr("code", "5")),
      number(NOW_NANOS, 3, attr("code", "05")),
      number(NOW_NANOS, 4, attr("code", -12)),
      number(NOW_NANOS, 5, attr("code", "-12")),
      number(NOW_NANOS, 6, attr("code", 0)),
      number(NOW_NANOS, 7, attr("code", "0")),
      number(NOW_NANOS, 8, attr("code", Long.MIN_VALUE)),
      number(NOW_NANOS, 9, attr("code", Long.toString(Long.MIN_VALUE))),
      number(NOW_NANOS, 10, boolAttr("ok", true)),
      number(NOW_NANOS, 11, attr("ok", "true")),
      number(NOW_NANOS, 12, boolAttr("ok", false)),
      number(NOW_NANOS, 13, attr("ok", "false"))
    };
    ExportMetricsServiceRequest r = request(resource(), gauge("g", points));
    WriteRequestStats s = scan(r);
    assertMatches(s, OtlpReference.of(r));
    assertThat(s.validSamples()).isEqualTo(13 - 6);
    assertThat(s.duplicateSamples()).isEqualTo(6);
  }

  private static KeyValue boolAttr(String k, boolean v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setBoolValue(v)).build();
  }

  /**
   * Distinct label sets are distinct series, however alike their hashes could be made: names that
   * differ in a bit, values swapped between them (a sum of per-label hashes must not cancel).
   */
  @Test
  void distinctLabelSetsAtOneMillisecondAreAllCounted() throws Exception {
    List<NumberDataPoint> points = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      for (int j = 0; j < 60; j++) {
        if (i != j) {
          String a = String.format("node-%03d", i);
          String b = String.format("node-%03d", j);
          points.add(number(NOW_NANOS, 1, attr("src", a), attr("dst", b)));
          points.add(number(NOW_NANOS, 1, attr("peer1", a), attr("peer2", b)));
        }
      }
    }
    ExportMetricsServiceRequest r =
        request(resource(), gauge("flows", points.toArray(NumberDataPoint[]::new)));
    WriteRequestStats s = scan(r);
    assertMatches(s, OtlpReference.of(r));
    assertThat(s.validSamples()).isEqualTo(2 * 60 * 59);
    assertThat(s.duplicateSamples()).isZero();
  }

  @Test
  void anExemplarWithoutAValueFailsTheMetricAsTheTranslatorDoes() throws Exception {
    Exemplar valueless = exemplar(NOW_NANOS, 1).toBuilder().clearAsDouble().build();
    NumberDataPoint withBad = number(NOW_NANOS, 1).toBuilder().addExemplars(valueless).build();
    HistogramDataPoint histogramWithBad =
        histogramPoint(NOW_NANOS, true, 3).toBuilder().addExemplars(valueless).build();
    ExportMetricsServiceRequest r =
        request(
            resource(),
            sum("s", AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, withBad),
            histogram(
                "h", AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, histogramWithBad),
            gauge("g", withBad)); // a gauge's exemplars are dropped, never converted
    WriteRequestStats s = scan(r);
    assertMatches(s, OtlpReference.of(r));
    assertThat(s.validSamples()).isEqualTo(2 + 1); // h's _sum and _count, g
    assertThat(s.violations(Violation.OTLP_PARSE_ERROR)).isEqualTo(2);
  }

  @Test
  void aRepeatedDataFieldKeepsOnlyTheLastAsPdataDoes() throws Exception {
    // Metric{name, gauge{p1}} then, in the same message, gauge{p2, p3}: protobuf-java merges the
    // two gauges (3 points), pdata's UnmarshalProto replaces the first (2 points)
    Metric first = gauge("g", number(NOW_NANOS, 1, attr("a", "1")));
    Metric second =
        Metric.newBuilder()
            .setGauge(
                Gauge.newBuilder()
                    .addDataPoints(number(NOW_NANOS, 2, attr("a", "2")))
                    .addDataPoints(number(NOW_NANOS, 3, attr("a", "3"))))
            .build();
    ByteArrayOutputStream metric = new ByteArrayOutputStream();
    metric.write(first.toByteArray());
    metric.write(second.toByteArray());
    // protobuf-java merges them
    assertThat(Metric.parseFrom(metric.toByteArray()).getGauge().getDataPointsCount()).isEqualTo(3);
    // request { resource_metrics { scope_metrics { metrics: those bytes } } }
    byte[] raw = lengthDelimited(1, lengthDelimited(2, lengthDelimited(2, metric.toByteArray())));
    WriteRequestStats s = scan(raw, PB, null, ValidationLimits.MIMIR_DEFAULTS);
    assertThat(s.validSamples()).isEqualTo(2);
    assertThat(s.metadata()).isEqualTo(1);
  }

  /**
   * The walk reads a {@code KeyValue} of exactly a key and a string value with one-byte lengths at
   * once; every other shape goes through the general walk. Each shape here counts as protobuf (and
   * pdata: a oneof's last member wins, fields in any order) reads it.
   */
  @Test
  void attributesOfEveryWireShapeCountAsTheirDecodedValues() throws Exception {
    byte[] key = "k".getBytes(StandardCharsets.UTF_8);
    byte[][] shapes = {
      keyValue(
          string(1, key), lengthDelimited(2, string(1, bytes(125)))), // the short form, longest
      keyValue(string(1, key), lengthDelimited(2, string(1, bytes(126)))), // AnyValue of 2 bytes
      keyValue(string(1, bytes(126)), lengthDelimited(2, string(1, bytes(3)))), // KeyValue of 2
      keyValue(string(1, bytes(127)), lengthDelimited(2, string(1, bytes(3)))), // a 2-byte key
      keyValue(lengthDelimited(2, string(1, bytes(3))), string(1, key)), // value before key
      keyValue(
          string(1, key), lengthDelimited(2, concat(string(1, bytes(2)), string(1, bytes(9))))),
      keyValue(
          string(1, key), lengthDelimited(2, concat(string(1, bytes(9)), string(1, bytes(2))))),
      keyValue(string(1, key), lengthDelimited(2, string(1, bytes(4))), string(9, bytes(1))),
      keyValue(string(1, key), lengthDelimited(2, string(1, bytes(4))), string(1, bytes(12))),
      keyValue(
          string(1, key),
          lengthDelimited(2, string(1, bytes(4))),
          lengthDelimited(2, string(1, bytes(9)))), // the AnyValues merged: the last string
      keyValue(string(1, key), lengthDelimited(2, concat(string(1, bytes(4)), new byte[] {16, 7}))),
    };
    for (byte[] kv : shapes) {
      // NumberDataPoint{time_unix_nano (3), as_double (4), attributes (7)} in a gauge named g
      ByteArrayOutputStream point = new ByteArrayOutputStream();
      var o = com.google.protobuf.CodedOutputStream.newInstance(point);
      o.writeFixed64(3, NOW_NANOS);
      o.writeDouble(4, 1);
      o.writeByteArray(7, kv);
      o.flush();
      byte[] metric =
          concat(
              string(1, "g".getBytes(StandardCharsets.UTF_8)),
              lengthDelimited(5, lengthDelimited(1, point.toByteArray())));
      byte[] raw = lengthDelimited(1, lengthDelimited(2, lengthDelimited(2, metric)));
      ExportMetricsServiceRequest decoded = ExportMetricsServiceRequest.parseFrom(raw);
      WriteRequestStats s = scan(raw, PB, null, ValidationLimits.MIMIR_DEFAULTS);
      assertMatches(s, OtlpReference.of(decoded));
      KeyValue a =
          decoded
              .getResourceMetrics(0)
              .getScopeMetrics(0)
              .getMetrics(0)
              .getGauge()
              .getDataPoints(0)
              .getAttributes(0);
      AnyValue v = a.getValue();
      int valueLength = v.hasStringValue() ? v.getStringValue().length() : v.getBoolValue() ? 4 : 5;
      assertThat(s.maxLabelValueLength()).as("the value of %s", a).isEqualTo(valueLength);
      assertThat(s.maxLabelNameLength()).isEqualTo(Math.max(8, a.getKey().length()));
    }
  }

  static byte[] keyValue(byte[]... fields) {
    return concat(fields);
  }

  static byte[] string(int field, byte[] value) throws IOException {
    return lengthDelimited(field, value);
  }

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 'v');
    return b;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] lengthDelimited(int field, byte[] inner) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    var o = com.google.protobuf.CodedOutputStream.newInstance(out);
    o.writeByteArray(field, inner);
    o.flush();
    return out.toByteArray();
  }

  @Test
  void metadataComparesUnitsAsTheyAreTranslated() throws Exception {
    long t = NOW_NANOS;
    Metric none = gauge("g", number(t, 1));
    Metric one = none.toBuilder().setUnit("1").build();
    Metric annotation = none.toBuilder().setUnit("{req}").build();
    Metric ms = none.toBuilder().setName("h").setUnit("ms").build();
    Metric millis = ms.toBuilder().setUnit("milliseconds").build();
    Metric perSecond = ms.toBuilder().setUnit("By/s").build();
    ExportMetricsServiceRequest r =
        request(resource(), none, one, annotation, none, ms, millis, ms, perSecond);
    WriteRequestStats s = scan(r);
    assertMatches(s, OtlpReference.of(r));
    assertThat(s.metadata()).isEqualTo(1 + 1 + 1); // g; h in ms; h in bytes_per_second
    assertThat(OtlpReference.unit("By/s")).isEqualTo("bytes_per_second");
    assertThat(OtlpReference.unit("{packet}/s")).isEqualTo("per_second");
  }

  @Test
  void targetInfoIsOnePerIdentityAndAJobNeedsOnlyAPresentName() throws Exception {
    long t = NOW_NANOS;
    ExportMetricsServiceRequest two =
        ExportMetricsServiceRequest.newBuilder()
            .addAllResourceMetrics(
                request(
                        resource(attr("service.instance.id", "aaaa"), attr("host.name", "h")),
                        gauge("g", number(t, 1)))
                    .getResourceMetricsList())
            .addAllResourceMetrics(
                request(
                        resource(attr("service.instance.id", "bbbb"), attr("host.name", "h")),
                        gauge("g", number(t, 1)))
                    .getResourceMetricsList())
            .build();
    WriteRequestStats s = scan(two);
    assertMatches(s, OtlpReference.of(two));
    assertThat(s.floatSamples()).isEqualTo(2 + 2); // g twice, target_info per instance
    ExportMetricsServiceRequest nsOnly =
        request(
            resource(
                attr("service.namespace", "ns"), attr("service.name", ""), attr("host.name", "h")),
            gauge("g", number(t, 1)));
    WriteRequestStats n = scan(nsOnly);
    assertMatches(n, OtlpReference.of(nsOnly));
    assertThat(n.floatSamples()).as("job=\"ns/\" makes a target_info").isEqualTo(2);
  }

  @Test
  void pointsWithoutARecordedValueStillCount() throws Exception {
    NumberDataPoint stale = number(NOW_NANOS, 0).toBuilder().setFlags(1).build();
    ExportMetricsServiceRequest r = request(resource(), gauge("g", stale));
    assertThat(scan(r).validSamples()).isEqualTo(1);
  }

  @Test
  void anEmptyRequestCountsNothing() throws Exception {
    WriteRequestStats s = scan(new byte[0], PB, null, ValidationLimits.MIMIR_DEFAULTS);
    assertThat(s.items()).isZero();
    assertThat(s.series()).isZero();
  }

  // ---- formats and encodings ----

  // ---- HA dedupe (ha_dedupe_per_request.go) and promoted resource attributes ----

  static final ValidationLimits HA =
      ValidationLimits.builder().ha(true, "cluster", "__replica__").build();

  static ValidationLimits haPromoting(String... keys) {
    return ValidationLimits.builder()
        .ha(true, "cluster", "__replica__")
        .promoteOtelResourceAttributes(List.of(keys))
        .build();
  }

  WriteRequestStats scan(ExportMetricsServiceRequest r, ValidationLimits limits)
      throws RemoteWriteException {
    return scan(r.toByteArray(), PB, null, limits);
  }

  static void assertHa(WriteRequestStats s, OtlpReference ref) {
    assertMatches(s, ref);
    assertThat(s.haCluster()).as("cluster").isEqualTo(ref.haCluster);
    assertThat(s.haReplica()).as("replica").isEqualTo(ref.haReplica);
    assertThat(s.invalidSeries())
        .as("invalid series")
        .isEqualTo(ref.invalidSeries + ref.rejectedMetrics);
  }

  /** 27 attributes of its own: with job, instance and __name__, 30 labels; 31 with the replica. */
  static NumberDataPoint wide(long t, KeyValue... more) {
    NumberDataPoint.Builder p = NumberDataPoint.newBuilder().setTimeUnixNano(t).setAsDouble(1);
    for (int i = 0; i < 27; i++) {
      p.addAttributes(attr("k" + i, "v"));
    }
    return p.addAllAttributes(Arrays.asList(more)).build();
  }

  @Test
  void theFirstSeriesHaLabelsMakeAnHaRequestAndTheReplicaLeavesEverySeries() throws Exception {
    KeyValue cluster = attr("cluster", "c1");
    KeyValue replica = attr("__replica__", "r1");
    ExportMetricsServiceRequest r =
        request(
            SERVICE,
            gauge("up", number(NOW_NANOS, 1, cluster, replica)),
            gauge("wide", wide(NOW_NANOS, cluster, replica))); // 32 labels, 31 without replica
    WriteRequestStats s = scan(r, HA);
    assertHa(s, new OtlpReference(false, false).ha("cluster", "__replica__").translate(r));
    assertThat(s.haCluster()).isEqualTo("c1");
    assertThat(s.haReplica()).isEqualTo("r1");
    assertThat(s.violations(Violation.MAX_LABEL_NAMES_PER_SERIES)).isEqualTo(1);
    assertThat(s.maxLabelsPerSeries()).isEqualTo(31);

    // without the cluster label the wide series keeps its replica: 32 labels... and no HA
    ExportMetricsServiceRequest noCluster =
        request(SERVICE, gauge("wide", wide(NOW_NANOS, replica)));
    WriteRequestStats n = scan(noCluster, HA);
    assertHa(n, new OtlpReference(false, false).ha("cluster", "__replica__").translate(noCluster));
    assertThat(n.ha()).isFalse();
    assertThat(n.maxLabelsPerSeries()).isEqualTo(31);

    // a tenant without accept_ha_samples: the same request is not an HA one
    WriteRequestStats off = scan(r);
    assertThat(off.ha()).isFalse();
    assertThat(off.maxLabelsPerSeries()).isEqualTo(32);
  }

  @Test
  void onlyTheFirstSeriesDecidesEvenWhenLaterOnesCarryTheLabels() throws Exception {
    ExportMetricsServiceRequest r =
        request(
            SERVICE,
            gauge("first", number(NOW_NANOS, 1, attr("cluster", "c1"))),
            gauge("later", number(NOW_NANOS, 1, attr("cluster", "c1"), attr("__replica__", "r1"))));
    WriteRequestStats s = scan(r, HA);
    assertHa(s, new OtlpReference(false, false).ha("cluster", "__replica__").translate(r));
    assertThat(s.ha()).isFalse();

    // a metric the translator skips makes no series: the first series is the next metric's
    ExportMetricsServiceRequest skipped =
        request(
            SERVICE,
            sum(
                "delta",
                AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA,
                number(NOW_NANOS, 1, attr("cluster", "other"), attr("__replica__", "x"))),
            gauge("kept", number(NOW_NANOS, 1, attr("cluster", "c1"), attr("__replica__", "r2"))));
    WriteRequestStats k = scan(skipped, HA);
    assertHa(k, new OtlpReference(false, false).ha("cluster", "__replica__").translate(skipped));
    assertThat(k.haReplica()).isEqualTo("r2");
  }

  @Test
  void haLabelsFromPromotedResourceAttributesAndAPointAttributeWinsOverThem() throws Exception {
    Resource replica1 =
        resource(
            attr("service.name", "checkout"),
            attr("service.instance.id", "pod-1"),
            attr("cluster", "c1"),
            attr("__replica__", "r1"),
            attr("region", "eu"));
    ValidationLimits limits = haPromoting("cluster", "__replica__", "region");
    ExportMetricsServiceRequest r =
        request(
            replica1,
            gauge("up", number(NOW_NANOS, 1)),
            gauge("wide", wide(NOW_NANOS))); // 30 + cluster + region = 32, the replica removed
    WriteRequestStats s = scan(r, limits);
    OtlpReference ref =
        new OtlpReference(false, false)
            .promote("cluster", "__replica__", "region")
            .ha("cluster", "__replica__")
            .translate(r);
    assertHa(s, ref);
    assertThat(s.haCluster()).isEqualTo("c1");
    assertThat(s.haReplica()).isEqualTo("r1");
    assertThat(s.maxLabelsPerSeries()).isEqualTo(32);
    assertThat(s.violations(Violation.MAX_LABEL_NAMES_PER_SERIES)).isEqualTo(1);

    // the point's own cluster attribute is the label: the promoted one is not set over it
    ExportMetricsServiceRequest own =
        request(replica1, gauge("up", number(NOW_NANOS, 1, attr("cluster", "mine"))));
    WriteRequestStats o = scan(own, limits);
    assertHa(
        o,
        new OtlpReference(false, false)
            .promote("cluster", "__replica__", "region")
            .ha("cluster", "__replica__")
            .translate(own));
    assertThat(o.haCluster()).isEqualTo("mine");

    // not promoted, resource attributes are only target_info's labels, which comes last
    WriteRequestStats notPromoted = scan(r, HA);
    assertThat(notPromoted.ha()).isFalse();
  }

  @Test
  void targetInfoIsTheFirstSeriesWhenNoPointMakesOne() throws Exception {
    Resource res =
        resource(
            attr("service.name", "checkout"), attr("cluster", "c1"), attr("__replica__", "r1"));
    ExportMetricsServiceRequest r =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .setResource(res)
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder()
                            .addMetrics(
                                sum(
                                    "delta",
                                    AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA,
                                    number(NOW_NANOS, 1)))))
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .setResource(SERVICE)
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder().addMetrics(gauge("g", number(NOW_NANOS, 1)))))
            .build();
    WriteRequestStats s = scan(r, HA);
    assertHa(s, new OtlpReference(false, false).ha("cluster", "__replica__").translate(r));
    assertThat(s.haCluster()).isEqualTo("c1");
    assertThat(s.haReplica()).isEqualTo("r1");
  }

  @Test
  void haValuesAreLabelValuesCollidingKeysJoinedAndTooLongAReplicaIsNoHa() throws Exception {
    // an int attribute is its decimal form; "__replica__" and "..replica.." both become
    // __replica__, joined in key order
    ExportMetricsServiceRequest r =
        request(
            SERVICE,
            gauge(
                "up",
                number(
                    NOW_NANOS,
                    1,
                    attr("cluster", "a"),
                    attr("__replica__", 2),
                    attr("..replica..", "b"))));
    WriteRequestStats s = scan(r, HA);
    assertHa(s, new OtlpReference(false, false).ha("cluster", "__replica__").translate(r));
    assertThat(s.haCluster()).isEqualTo("a");
    assertThat(s.haReplica()).isEqualTo("b;2");
    assertThat(s.maxLabelsPerSeries()).isEqualTo(4); // cluster, job, instance, __name__

    // a replica over max_label_value_length: checkSample accepts the request as it is
    ValidationLimits shortValues =
        ValidationLimits.builder()
            .ha(true, "cluster", "__replica__")
            .maxLabelValueLength(3)
            .build();
    ExportMetricsServiceRequest longReplica =
        request(
            SERVICE,
            gauge("up", number(NOW_NANOS, 1, attr("cluster", "c"), attr("__replica__", "long"))));
    WriteRequestStats l = scan(longReplica, shortValues);
    assertThat(l.ha()).isFalse();
  }

  @Test
  void theJsonFormatFindsTheSameHaLabels() throws Exception {
    ExportMetricsServiceRequest r =
        request(
            resource(attr("service.name", "s"), attr("__replica__", "r9")),
            gauge("up", number(NOW_NANOS, 1, attr("cluster", "c1"))));
    ValidationLimits limits = haPromoting("__replica__");
    WriteRequestStats pb = scan(r, limits);
    byte[] json = JsonFormat.printer().print(r).getBytes(StandardCharsets.UTF_8);
    WriteRequestStats js = scan(json, JSON, null, limits);
    assertThat(pb.haCluster()).isEqualTo("c1");
    assertThat(pb.haReplica()).isEqualTo("r9");
    assertThat(js.haCluster()).isEqualTo("c1");
    assertThat(js.haReplica()).isEqualTo("r9");
    assertThat(js.maxLabelsPerSeries()).isEqualTo(pb.maxLabelsPerSeries());
  }

  @Test
  void promotedAttributesAreLabelsOfEveryPointSeriesTheLastSetWinningAndEmptyRemoving()
      throws Exception {
    Resource res =
        resource(
            attr("service.name", "checkout"),
            attr("team", "a"),
            attr("team", "b"), // Set again: replaces
            attr("zone", "z1"),
            attr("zone", ""), // an empty value removes it
            attr("k8s.pod.name", "p"));
    ExportMetricsServiceRequest r =
        request(res, gauge("g", number(NOW_NANOS, 1)), gauge("wide", wide(NOW_NANOS)));
    ValidationLimits limits =
        ValidationLimits.builder()
            .promoteOtelResourceAttributes(List.of("team", "zone", "k8s.pod.name"))
            .build();
    WriteRequestStats s = scan(r, limits);
    assertMatches(
        s, new OtlpReference(false, false).promote("team", "zone", "k8s.pod.name").translate(r));
    // wide: 27 + job + __name__ + team + k8s_pod_name = 31
    assertThat(s.maxLabelsPerSeries()).isEqualTo(31);
    assertThat(s.violations(Violation.MAX_LABEL_NAMES_PER_SERIES)).isEqualTo(1);
  }

  @Test
  void perSampleDedupeGroupsEveryTranslatedSeriesByItsOwnHaLabels() throws Exception {
    Resource res =
        resource(
            attr("service.name", "checkout"), attr("cluster", "c1"), attr("__replica__", "r1"));
    ExportMetricsServiceRequest r =
        request(
            res,
            gauge("a", number(NOW_NANOS, 1)), // promoted: c1/r1
            gauge("b", number(NOW_NANOS, 1, attr("__replica__", "r2"))), // the point's wins
            gauge("c", number(NOW_NANOS, 1, attr("cluster", ""), attr("__replica__", ""))),
            summary("d", NOW_NANOS, 2)); // c1/r1: _sum, _count, 2 quantiles
    ValidationLimits limits =
        ValidationLimits.builder()
            .ha(true, "cluster", "__replica__")
            .haPerSampleDedupe(true)
            .promoteOtelResourceAttributes(List.of("cluster", "__replica__"))
            .build();
    WriteRequestStats s = scan(r, limits);
    assertThat(s.ha()).isFalse();
    // c's empty point attributes are dropped, so the promoted ones apply: c1/r1 too;
    // target_info (last) carries the resource's cluster and replica: c1/r1
    assertThat(s.haGroups())
        .containsExactly(
            new WriteRequestStats.HaGroup("c1", "r1", 7, 7, new long[0], NOW, null, 0, 0, NOW),
            new WriteRequestStats.HaGroup("c1", "r2", 1, 1, new long[0], NOW, null, 0, 0, NOW));
    assertThat(s.validSamples()).isEqualTo(8);
  }

  @Test
  void keepingIdentifyingAttributesMakesThemTargetInfoLabelsBesideJobAndInstance()
      throws Exception {
    Resource res =
        resource(
            attr("service.name", "checkout"),
            attr("service.namespace", "shop"),
            attr("service.instance.id", "pod-1"),
            attr("host.name", "node-7"));
    ExportMetricsServiceRequest r = request(res, gauge("g", number(NOW_NANOS, 1)));
    ValidationLimits keep =
        ValidationLimits.builder().otelKeepIdentifyingResourceAttributes(true).build();
    WriteRequestStats s = scan(r, keep);
    assertMatches(s, new OtlpReference(false, false).keepIdentifying().translate(r));
    // target_info: host_name, service_name, service_namespace, service_instance_id, job,
    // instance, __name__
    assertThat(s.maxLabelsPerSeries()).isEqualTo(7);
    assertThat(scan(r).maxLabelsPerSeries()).isEqualTo(4);
    // still no target_info for a resource of identifying attributes only
    ExportMetricsServiceRequest only =
        request(
            resource(attr("service.name", "checkout"), attr("service.instance.id", "pod-1")),
            gauge("g", number(NOW_NANOS, 1)));
    assertThat(scan(only, keep).series()).isEqualTo(1);
  }

  @Test
  void aPromotedKeyThatTranslatesToNothingSkipsItsResource() throws Exception {
    ExportMetricsServiceRequest r =
        ExportMetricsServiceRequest.newBuilder()
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .setResource(resource(attr("service.name", "a"), attr("__", "x")))
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder().addMetrics(gauge("g", number(NOW_NANOS, 1)))))
            .addResourceMetrics(
                ResourceMetrics.newBuilder()
                    .setResource(SERVICE)
                    .addScopeMetrics(
                        ScopeMetrics.newBuilder().addMetrics(gauge("h", number(NOW_NANOS, 1)))))
            .build();
    ValidationLimits limits =
        ValidationLimits.builder().promoteOtelResourceAttributes(List.of("__")).build();
    WriteRequestStats s = scan(r, limits);
    assertMatches(s, new OtlpReference(false, false).promote("__").translate(r));
    assertThat(s.violations(Violation.OTLP_PARSE_ERROR)).isEqualTo(1);
    assertThat(s.validSamples()).isEqualTo(2); // h and the second resource's target_info
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "gzip", "zstd", "lz4"})
  void everyEncodingOfBothFormatsCountsTheSame(String encoding) throws Exception {
    ExportMetricsServiceRequest r = everyType();
    WriteRequestStats expected = scan(r);
    byte[] json = JsonFormat.printer().print(r).getBytes(StandardCharsets.UTF_8);
    for (var body : new Object[][] {{r.toByteArray(), PB}, {json, JSON}}) {
      byte[] plain = (byte[]) body[0];
      byte[] sent = compress(plain, encoding);
      WriteRequestStats s =
          scan(
              sent,
              (String) body[1],
              encoding.isEmpty() ? null : encoding,
              ValidationLimits.MIMIR_DEFAULTS);
      assertThat(s.items()).as("%s %s", body[1], encoding).isEqualTo(expected.items());
      assertThat(s.series()).isEqualTo(expected.series());
      assertThat(s.maxLabelsPerSeries()).isEqualTo(expected.maxLabelsPerSeries());
      assertThat(s.compressedBytes()).isEqualTo(sent.length);
      assertThat(s.uncompressedBytes()).isEqualTo(plain.length);
    }
  }

  @Test
  void jsonInSnakeCaseWithNumbersForIntegersCountsTheSame() throws Exception {
    String json =
        "{\"resource_metrics\":[{\"scope_metrics\":[{\"metrics\":[{\"sum\":{\"data_points\":"
            + "[{\"as_int\":3,\"time_unix_nano\":"
            + NOW_NANOS
            + "}],\"aggregation_temporality\":2,"
            + "\"is_monotonic\":true},\"name\":\"x\"}]}],\"resource\":{\"attributes\":["
            + "{\"key\":\"service.name\",\"value\":{\"string_value\":\"s\"}},"
            + "{\"key\":\"k\",\"value\":{\"int_value\":\"7\"}}]}}]}";
    WriteRequestStats s =
        scan(json.getBytes(StandardCharsets.UTF_8), JSON, null, ValidationLimits.MIMIR_DEFAULTS);
    assertThat(s.validSamples()).isEqualTo(2); // x and target_info
    assertThat(s.metadata()).isEqualTo(2);
  }

  // ---- refusals ----

  @Test
  void contentTypeAndEncodingAreRefusedAsMimirDoes() {
    byte[] body = everyType().toByteArray();
    for (String type :
        new String[] {
          null, "application/json; charset=utf-8", "text/plain", "application/X-Protobuf"
        }) {
      assertThatThrownBy(() -> scan(body, type, null, ValidationLimits.MIMIR_DEFAULTS))
          .isInstanceOfSatisfying(
              RemoteWriteException.class,
              e -> assertThat(e.kind()).isEqualTo(RemoteWriteException.Kind.UNSUPPORTED_MEDIA_TYPE))
          .hasMessageStartingWith("unsupported content type: ");
    }
    for (String enc : new String[] {"snappy", "GZIP", "deflate", "identity"}) {
      assertThatThrownBy(() -> scan(body, PB, enc, ValidationLimits.MIMIR_DEFAULTS))
          .isInstanceOfSatisfying(
              RemoteWriteException.class,
              e -> assertThat(e.kind()).isEqualTo(RemoteWriteException.Kind.UNSUPPORTED_MEDIA_TYPE))
          .hasMessage(
              "unsupported compression: "
                  + enc
                  + ". Only \"gzip\", \"lz4\", \"zstd\", or no compression supported");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "zstd", "lz4"})
  void aDecompressionBombIsRefusedAtTheLimit(String encoding) throws Exception {
    OtlpScanner small = new OtlpScanner(64 * 1024);
    byte[] bomb = compress(new byte[8 << 20], encoding); // 8 MiB of zeros
    assertThat(bomb.length).isLessThan(64 * 1024);
    assertThatThrownBy(
            () ->
                small.scan(
                    bomb, 0, bomb.length, PB, encoding, ValidationLimits.MIMIR_DEFAULTS, NOW))
        .isInstanceOfSatisfying(
            RemoteWriteException.class,
            e -> assertThat(e.kind()).isEqualTo(RemoteWriteException.Kind.DECODED_TOO_LARGE));
    byte[] fits = compress(new byte[64 * 1024], encoding); // exactly the limit: read, then walked
    assertThatThrownBy(
            () ->
                small.scan(
                    fits, 0, fits.length, PB, encoding, ValidationLimits.MIMIR_DEFAULTS, NOW))
        .isInstanceOfSatisfying(
            RemoteWriteException.class,
            e ->
                assertThat(e.kind()).isEqualTo(RemoteWriteException.Kind.BAD_BODY)); // zeros: tag 0
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "zstd", "lz4"})
  void aCorruptOrTruncatedCompressedBodyIsABadBody(String encoding) throws Exception {
    byte[] ok = compress(everyType().toByteArray(), encoding);
    byte[] cut = Arrays.copyOf(ok, ok.length / 2);
    byte[] flipped = ok.clone();
    flipped[flipped.length / 2] ^= 0x55;
    // a flipped byte is caught for sure only by gzip's CRC-32 (the zstd and LZ4 frames these
    // encoders write carry no checksum)
    byte[] garbage = "not compressed".getBytes(StandardCharsets.UTF_8);
    byte[][] bodies =
        encoding.equals("gzip")
            ? new byte[][] {cut, flipped, garbage}
            : new byte[][] {cut, garbage};
    for (byte[] body : bodies) {
      assertThatThrownBy(() -> scan(body, PB, encoding, ValidationLimits.MIMIR_DEFAULTS))
          .isInstanceOfSatisfying(
              RemoteWriteException.class,
              e -> assertThat(e.kind()).isEqualTo(RemoteWriteException.Kind.BAD_BODY));
    }
  }

  @Test
  void aTruncatedProtobufOrBrokenJsonIsABadBody() {
    byte[] pb = everyType().toByteArray();
    byte[] cut = Arrays.copyOf(pb, pb.length - 3);
    assertThatThrownBy(() -> scan(cut, PB, null, ValidationLimits.MIMIR_DEFAULTS))
        .isInstanceOf(RemoteWriteException.class)
        .hasMessageContaining("malformed ExportMetricsServiceRequest");
    for (String json : new String[] {"{", "[]", "{\"resourceMetrics\":[{]}", "{} {}"}) {
      assertThatThrownBy(
              () ->
                  scan(
                      json.getBytes(StandardCharsets.UTF_8),
                      JSON,
                      null,
                      ValidationLimits.MIMIR_DEFAULTS))
          .as(json)
          .isInstanceOf(RemoteWriteException.class)
          .hasMessageContaining("malformed OTLP/JSON");
    }
  }

  static byte[] compress(byte[] b, String encoding) throws IOException {
    switch (encoding) {
      case "gzip" -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
          z.write(b);
        }
        return out.toByteArray();
      }
      case "zstd" -> {
        return Zstd.compress(b);
      }
      case "lz4" -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LZ4FrameOutputStream z = new LZ4FrameOutputStream(out)) {
          z.write(b);
        }
        return out.toByteArray();
      }
      default -> {
        return b;
      }
    }
  }
}
