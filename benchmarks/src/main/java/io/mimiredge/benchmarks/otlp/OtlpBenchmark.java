package io.mimiredge.benchmarks.otlp;

import io.mimiredge.benchmarks.gate.PairedTimes;
import io.mimiredge.rls.otlp.OtlpScanner;
import io.mimiredge.rls.relabel.RelabelAction;
import io.mimiredge.rls.relabel.RelabelRule;
import io.mimiredge.rls.relabel.SeriesRelabeling;
import io.mimiredge.rls.remotewrite.RemoteWriteException;
import io.mimiredge.rls.remotewrite.ValidationLimits;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
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
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The OTLP door's cost, on requests shaped like the OpenTelemetry SDK's (one resource, sums,
 * gauges, explicit and exponential histograms, three attributes per point) of {@code request} data
 * points: the walk of the protobuf ({@code otlpScan}) against OpenTelemetry's generated classes'
 * parse of the same bytes ({@code otlpParseGenerated}), and gzip's decompression alone ({@code
 * otlpGunzip}) against decompression and walk ({@code otlpGunzipAndScan}). {@code -prof gc} gives
 * the walk's allocation per request.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar OtlpBenchmark -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class OtlpBenchmark {
  static final String PROTOBUF = "application/x-protobuf";

  /** When the points are judged: a second after they were made. */
  static final long NOW_NANOS = 1_795_460_000_000_000_000L;

  @Param({"2000"})
  public int request;

  private byte[][] plain;
  private byte[][] gzip;
  private int next;
  private OtlpScanner scanner;

  @Setup(Level.Trial)
  public void create() {
    scanner = new OtlpScanner(100 << 20);
    Random random = new Random(42);
    plain = new byte[8][];
    gzip = new byte[8][];
    for (int i = 0; i < plain.length; i++) {
      plain[i] = build(request, random).toByteArray();
      gzip[i] = gzip(plain[i]);
    }
  }

  /** A request of {@code points} data points: 40 % sums, 30 % gauges, 20 % histograms, 10 % exp. */
  static ExportMetricsServiceRequest build(int points, Random random) {
    ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
    int perMetric = 20;
    int made = 0;
    for (int m = 0; made < points; m++) {
      int kind = m % 10;
      Metric.Builder metric = Metric.newBuilder().setName("app.metric." + m).setUnit("s");
      metric.setDescription("what metric " + m + " measures");
      int n = Math.min(perMetric, points - made);
      if (kind < 4) {
        Sum.Builder sum =
            Sum.newBuilder()
                .setIsMonotonic(true)
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        for (int p = 0; p < n; p++) {
          sum.addDataPoints(number(p, random));
        }
        metric.setSum(sum);
      } else if (kind < 7) {
        Gauge.Builder gauge = Gauge.newBuilder();
        for (int p = 0; p < n; p++) {
          gauge.addDataPoints(number(p, random));
        }
        metric.setGauge(gauge);
      } else if (kind < 9) {
        Histogram.Builder h =
            Histogram.newBuilder()
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        for (int p = 0; p < n; p++) {
          HistogramDataPoint.Builder d =
              HistogramDataPoint.newBuilder()
                  .setTimeUnixNano(NOW_NANOS - 1_000_000_000L)
                  .setStartTimeUnixNano(NOW_NANOS - 600_000_000_000L)
                  .setCount(100)
                  .setSum(random.nextDouble() * 100)
                  .addAllAttributes(attributes(p));
          for (int b = 0; b < 10; b++) {
            d.addExplicitBounds(0.005 * (1 << b)).addBucketCounts(random.nextInt(20));
          }
          d.addBucketCounts(1);
          h.addDataPoints(d);
        }
        metric.setHistogram(h);
      } else {
        ExponentialHistogram.Builder e =
            ExponentialHistogram.newBuilder()
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        for (int p = 0; p < n; p++) {
          ExponentialHistogramDataPoint.Buckets.Builder pos =
              ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(3);
          for (int b = 0; b < 20; b++) {
            pos.addBucketCounts(random.nextInt(10));
          }
          e.addDataPoints(
              ExponentialHistogramDataPoint.newBuilder()
                  .setTimeUnixNano(NOW_NANOS - 1_000_000_000L)
                  .setCount(100)
                  .setSum(42)
                  .setScale(3)
                  .setPositive(pos)
                  .addAllAttributes(attributes(p)));
        }
        metric.setExponentialHistogram(e);
      }
      scope.addMetrics(metric);
      made += n;
    }
    Resource resource =
        Resource.newBuilder()
            .addAttributes(attr("service.name", "checkout"))
            .addAttributes(attr("service.namespace", "shop"))
            .addAttributes(attr("service.instance.id", "3f9c2a1e-7d1b-4c8e-9b0a-5e6f7a8b9c0d"))
            .addAttributes(attr("host.name", "node-17.eu-west-1.compute.internal"))
            .addAttributes(attr("telemetry.sdk.language", "java"))
            .addAttributes(attr("telemetry.sdk.name", "opentelemetry"))
            .addAttributes(attr("telemetry.sdk.version", "1.68.0"))
            .build();
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder().setResource(resource).addScopeMetrics(scope))
        .build();
  }

  private static NumberDataPoint number(int p, Random random) {
    return NumberDataPoint.newBuilder()
        .setTimeUnixNano(NOW_NANOS - 1_000_000_000L)
        .setStartTimeUnixNano(NOW_NANOS - 600_000_000_000L)
        .setAsDouble(random.nextDouble() * 1000)
        .addAllAttributes(attributes(p))
        .build();
  }

  private static java.util.List<KeyValue> attributes(int p) {
    return java.util.List.of(
        attr("http.route", "/api/v1/items/" + (p % 7)),
        attr("http.request.method", p % 2 == 0 ? "GET" : "POST"),
        KeyValue.newBuilder()
            .setKey("http.response.status_code")
            .setValue(AnyValue.newBuilder().setIntValue(200 + p % 3))
            .build());
  }

  private static KeyValue attr(String k, String v) {
    return KeyValue.newBuilder()
        .setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v))
        .build();
  }

  static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private int advance() {
    int i = next;
    next = next + 1 == plain.length ? 0 : next + 1;
    return i;
  }

  /** The walk of a plain protobuf body: what the edge adds to a request. */
  @Benchmark
  public WriteRequestStats otlpScan() throws RemoteWriteException {
    return walk(plain[advance()]);
  }

  /**
   * The walk for a tenant with {@code metric_relabel_configs}: every translated series built as
   * labels (strings) and run through the rules. Compare with {@link #otlpScan}.
   */
  @Benchmark
  public WriteRequestStats otlpScanRelabeled() throws RemoteWriteException {
    byte[] body = plain[advance()];
    return scanner.scan(
        body, 0, body.length, PROTOBUF, null, RELABELED, NOW_NANOS / 1_000_000, "tenant-a");
  }

  private static final ValidationLimits RELABELED =
      ValidationLimits.builder()
          .relabeling(
              new SeriesRelabeling(
                  List.of(
                      RelabelRule.builder()
                          .sourceLabels(List.of("le"))
                          .regex("0\\.005|\\+Inf")
                          .action(RelabelAction.DROP)
                          .build(),
                      RelabelRule.builder()
                          .action(RelabelAction.LABELDROP)
                          .regex("instance")
                          .build()),
                  List.of("job")))
          .build();

  /** OpenTelemetry's generated classes on the same bytes: every point an object. */
  @Benchmark
  public ExportMetricsServiceRequest otlpParseGenerated() throws IOException {
    return ExportMetricsServiceRequest.parseFrom(plain[advance()]);
  }

  /**
   * otlp_parse_vs_scan taken in one run ({@link PairedTimes}): one body walked and parsed by the
   * generated classes, each timed, interleaved. The gate divides the two times.
   */
  @Benchmark
  public ExportMetricsServiceRequest pairedParseVsScan(PairedTimes times, Blackhole sink)
      throws IOException, RemoteWriteException {
    byte[] body = plain[advance()];
    long t0 = System.nanoTime();
    sink.consume(walk(body));
    long t1 = System.nanoTime();
    sink.consume(ExportMetricsServiceRequest.parseFrom(body));
    long t2 = System.nanoTime();
    ExportMetricsServiceRequest parsed = ExportMetricsServiceRequest.parseFrom(body);
    long t3 = System.nanoTime();
    sink.consume(walk(body));
    long t4 = System.nanoTime();
    times.add((t2 - t1) + (t3 - t2), (t1 - t0) + (t4 - t3));
    return parsed;
  }

  private WriteRequestStats walk(byte[] body) throws RemoteWriteException {
    return scanner.scan(
        body,
        0,
        body.length,
        PROTOBUF,
        null,
        ValidationLimits.MIMIR_DEFAULTS,
        NOW_NANOS / 1_000_000);
  }

  /** gzip's decompression alone, into the scanner's reused buffer. */
  @Benchmark
  public int otlpGunzip() throws RemoteWriteException {
    byte[] body = gzip[advance()];
    return scanner.decode(body, 0, body.length, "gzip");
  }

  /** Decompression and walk: the OTLP door's whole scan of a gzip body. */
  @Benchmark
  public WriteRequestStats otlpGunzipAndScan() throws RemoteWriteException {
    byte[] body = gzip[advance()];
    return scanner.scan(
        body,
        0,
        body.length,
        PROTOBUF,
        "gzip",
        ValidationLimits.MIMIR_DEFAULTS,
        NOW_NANOS / 1_000_000);
  }
}
