package io.mimiredge.rls.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.Zstd;
import com.google.protobuf.util.JsonFormat;
import io.mimiredge.rls.remotewrite.ValidationLimits;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import io.mimiredge.rls.testing.TestFixtures;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import org.junit.jupiter.api.Test;

/**
 * {@code testdata/otlp/}: what the OpenTelemetry SDK sent ({@link OpenTelemetrySdkTest} captures
 * it) and requests built with the generated classes for what the SDK cannot send (summaries,
 * OTLP/JSON, zstd, LZ4). {@code expected.jsonl} holds, per body, the counts {@link OtlpReference}
 * computed when it was captured; the scanner must find the same, and the reference must still
 * agree.
 *
 * <p>{@code -Dotlp.capture=testdata/otlp} (with {@code OpenTelemetrySdkTest}) rewrites the built
 * requests and {@code expected.jsonl}.
 */
class OtlpFixturesTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** When the fixtures were built: their points are near it (judged at it, none is too new). */
  static final long CAPTURED_NANOS = OtlpScannerTest.NOW_NANOS;

  static Path dir() {
    return TestFixtures.dir().resolveSibling("otlp"); // beside testdata/remote-write
  }

  /** Writes {@code name.bin} and {@code name.headers.json} (as testdata/remote-write has). */
  static void write(Path dir, String name, byte[] body, Map<String, String> headers)
      throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve(name + ".bin"), body);
    ObjectNode h = JSON.createObjectNode();
    h.put("method", "POST");
    h.put("path", "/otlp/v1/metrics");
    ObjectNode hs = h.putObject("headers");
    headers.forEach(hs::put);
    h.put("body_bytes", body.length);
    Files.writeString(
        dir.resolve(name + ".headers.json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(h) + "\n");
  }

  @Test
  void everyFixtureCountsAsRecordedAndAsTheReference() throws Exception {
    String capture = System.getProperty("otlp.capture");
    if (capture != null) {
      build(Path.of(capture));
    }
    List<Path> bodies = bodies();
    assertThat(bodies)
        .as("testdata/otlp holds the SDK's captures and the built ones")
        .hasSizeGreaterThanOrEqualTo(6);
    Map<String, JsonNode> expected = new LinkedHashMap<>();
    Path jsonl = dir().resolve("expected.jsonl");
    if (Files.exists(jsonl)) {
      for (String line : Files.readAllLines(jsonl)) {
        JsonNode n = JSON.readTree(line);
        expected.put(n.get("file").asText(), n);
      }
    }
    List<String> lines = new ArrayList<>();
    OtlpScanner scanner = new OtlpScanner(16 << 20);
    for (Path body : bodies) {
      String file = body.getFileName().toString();
      JsonNode headers = JSON.readTree(headersOf(body).toFile()).path("headers");
      String type = headers.path("Content-Type").asText();
      String encoding =
          headers.hasNonNull("Content-Encoding") ? headers.get("Content-Encoding").asText() : null;
      byte[] raw = Files.readAllBytes(body);
      ExportMetricsServiceRequest request = decode(raw, type, encoding);
      OtlpReference ref = OtlpReference.of(request);
      ObjectNode line = counts(file, raw.length, ref);
      lines.add(JSON.writeValueAsString(line));
      if (capture == null) {
        assertThat(expected).as("expected.jsonl has %s", file).containsKey(file);
        assertThat(JSON.writeValueAsString(line))
            .as("the reference on %s, against expected.jsonl", file)
            .isEqualTo(JSON.writeValueAsString(expected.get(file)));
      }
      // judged when it was sent: the SDK's points carry the time of the capture
      long judgedAt = firstPointMillis(request);
      WriteRequestStats s =
          scanner.scan(
              raw, 0, raw.length, type, encoding, ValidationLimits.MIMIR_DEFAULTS, judgedAt);
      assertThat(s.series()).as(file).isEqualTo(line.get("series").asLong());
      assertThat(s.floatSamples()).as(file).isEqualTo(line.get("float_samples").asLong());
      assertThat(s.histograms()).as(file).isEqualTo(line.get("histograms").asLong());
      assertThat(s.exemplars()).as(file).isEqualTo(line.get("exemplars").asLong());
      assertThat(s.metadata()).as(file).isEqualTo(line.get("metadata").asLong());
      assertThat(s.maxLabelsPerSeries())
          .as(file)
          .isEqualTo(line.get("max_labels_per_series").asInt());
      assertThat(s.validSamples()).as(file).isEqualTo(line.get("valid_samples").asLong());
    }
    if (capture != null) {
      Files.write(Path.of(capture).resolve("expected.jsonl"), lines);
    }
  }

  private static long firstPointMillis(ExportMetricsServiceRequest r) {
    return r.getResourceMetricsList().stream()
            .flatMap(rm -> rm.getScopeMetricsList().stream())
            .flatMap(sm -> sm.getMetricsList().stream())
            .flatMap(
                m ->
                    switch (m.getDataCase()) {
                      case GAUGE ->
                          m.getGauge().getDataPointsList().stream().map(p -> p.getTimeUnixNano());
                      case SUM ->
                          m.getSum().getDataPointsList().stream().map(p -> p.getTimeUnixNano());
                      case HISTOGRAM ->
                          m.getHistogram().getDataPointsList().stream()
                              .map(p -> p.getTimeUnixNano());
                      case EXPONENTIAL_HISTOGRAM ->
                          m.getExponentialHistogram().getDataPointsList().stream()
                              .map(p -> p.getTimeUnixNano());
                      case SUMMARY ->
                          m.getSummary().getDataPointsList().stream().map(p -> p.getTimeUnixNano());
                      default -> Stream.<Long>empty();
                    })
            .findFirst()
            .orElse(CAPTURED_NANOS)
        / 1_000_000L;
  }

  static ObjectNode counts(String file, long bytes, OtlpReference ref) {
    ObjectNode n = JSON.createObjectNode();
    n.put("file", file);
    n.put("compressed_bytes", bytes);
    n.put("series", ref.series);
    n.put("float_samples", ref.floatSamples);
    n.put("histograms", ref.histograms);
    n.put("exemplars", ref.exemplars);
    n.put("metadata", ref.metadata);
    n.put("max_labels_per_series", ref.maxLabels);
    n.put("valid_samples", ref.validSamples);
    n.put("rejected_metrics", ref.rejectedMetrics);
    return n;
  }

  /** The generated classes' reading of a body, decompressed with other libraries' streams. */
  static ExportMetricsServiceRequest decode(byte[] raw, String type, String encoding)
      throws IOException {
    byte[] plain;
    try (InputStream in =
        encoding == null
            ? new ByteArrayInputStream(raw)
            : switch (encoding) {
              case "gzip" -> new GZIPInputStream(new ByteArrayInputStream(raw));
              case "lz4" -> new LZ4FrameInputStream(new ByteArrayInputStream(raw));
              case "zstd" ->
                  new ByteArrayInputStream(
                      Zstd.decompress(raw, (int) Zstd.getFrameContentSize(raw)));
              default -> throw new IllegalArgumentException(encoding);
            }) {
      plain = in.readAllBytes();
    }
    if (type.equals("application/json")) {
      ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
      JsonFormat.parser().merge(new String(plain, StandardCharsets.UTF_8), b);
      return b.build();
    }
    return ExportMetricsServiceRequest.parseFrom(plain);
  }

  static List<Path> bodies() throws IOException {
    try (Stream<Path> files = Files.list(dir())) {
      return files.filter(p -> p.toString().endsWith(".bin")).sorted().toList();
    }
  }

  static Path headersOf(Path body) {
    String name = body.getFileName().toString();
    return body.resolveSibling(name.substring(0, name.length() - 4) + ".headers.json");
  }

  /** The built fixtures: what the SDK cannot send. */
  private static void build(Path dir) throws IOException {
    ExportMetricsServiceRequest every = OtlpScannerTest.everyType();
    write(
        dir,
        "built-every-type",
        every.toByteArray(),
        Map.of("Content-Type", "application/x-protobuf"));
    byte[] json = JsonFormat.printer().print(every).getBytes(StandardCharsets.UTF_8);
    write(
        dir,
        "built-every-type-json-zstd",
        OtlpScannerTest.compress(json, "zstd"),
        Map.of("Content-Type", "application/json", "Content-Encoding", "zstd"));
    write(
        dir,
        "built-every-type-lz4",
        OtlpScannerTest.compress(every.toByteArray(), "lz4"),
        Map.of("Content-Type", "application/x-protobuf", "Content-Encoding", "lz4"));
  }
}
