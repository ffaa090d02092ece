package io.mimiredge.rls.remotewrite;

/** The write protocol of a push, as metrics, decisions and {@code inspect} name it. */
public enum Protocol {
  /** Prometheus remote write 1.0: a snappy block holding a {@code prometheus.WriteRequest}. */
  RW1("rw1"),
  /**
   * Prometheus remote write 2.0: a snappy block holding an {@code io.prometheus.write.v2.Request}.
   */
  RW2("rw2"),
  /**
   * OpenTelemetry's OTLP/HTTP: an {@code ExportMetricsServiceRequest} in protobuf or JSON, plain,
   * gzip, zstd or LZ4, on {@code /otlp/v1/metrics}.
   */
  OTLP("otlp");

  private final String label;

  Protocol(String label) {
    this.label = label;
  }

  /** The label value: {@code rw1}, {@code rw2}, {@code otlp}. */
  public String label() {
    return label;
  }
}
