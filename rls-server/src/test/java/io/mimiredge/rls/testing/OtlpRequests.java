package io.mimiredge.rls.testing;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/** OTLP request bodies for the door tests, built with OpenTelemetry's generated classes. */
public final class OtlpRequests {
  private OtlpRequests() {}

  /**
   * One gauge named {@code name} of {@code points} points (attribute {@code i}) at {@link
   * TestFixtures#NOW_MILLIS}, no resource: {@code points} samples and 1 metadata entry.
   */
  public static byte[] gauge(String name, int points) {
    Gauge.Builder gauge = Gauge.newBuilder();
    for (int i = 0; i < points; i++) {
      gauge.addDataPoints(
          NumberDataPoint.newBuilder()
              .setTimeUnixNano(TestFixtures.NOW_MILLIS * 1_000_000L)
              .setAsDouble(i)
              .addAttributes(
                  KeyValue.newBuilder()
                      .setKey("i")
                      .setValue(AnyValue.newBuilder().setIntValue(i))));
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .addMetrics(Metric.newBuilder().setName(name).setGauge(gauge))))
        .build()
        .toByteArray();
  }

  /** {@code body} gzip-compressed, as the SDK's exporter sends it. */
  public static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
