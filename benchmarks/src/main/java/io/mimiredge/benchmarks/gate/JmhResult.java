package io.mimiredge.benchmarks.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One entry of JMH's JSON result file ({@code -rf json}): a benchmark method in one mode with one
 * set of parameters. Immutable.
 *
 * @param benchmark fully qualified method name, e.g. {@code ...RemoteWriteBenchmark.decodeAndScan}
 * @param mode JMH's short mode name: {@code avgt}, {@code sample}, {@code thrpt}, {@code ss}
 * @param params the {@code @Param} values
 * @param score the primary score (for {@code avgt} and {@code sample}: mean time per operation)
 * @param scoreError half-width of the 99.9 % confidence interval, NaN when JMH gave none
 * @param scoreUnit unit of score, e.g. {@code us/op}
 * @param percentiles the primary metric's percentiles by JMH's key ({@code "99.0"}), in scoreUnit
 * @param secondary secondary metrics (e.g. {@code gc.alloc.rate.norm}) by name
 */
public record JmhResult(
    String benchmark,
    String mode,
    Map<String, String> params,
    double score,
    double scoreError,
    String scoreUnit,
    Map<String, Double> percentiles,
    Map<String, Metric> secondary) {

  /** A secondary metric's score and unit. */
  public record Metric(double score, String unit) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The method name alone, e.g. {@code decodeAndScan}. */
  public String method() {
    return benchmark.substring(benchmark.lastIndexOf('.') + 1);
  }

  /** The class and method, e.g. {@code RemoteWriteBenchmark.decodeAndScan}. */
  public String shortName() {
    int method = benchmark.lastIndexOf('.');
    return benchmark.substring(benchmark.lastIndexOf('.', method - 1) + 1);
  }

  /** The score converted to milliseconds per operation; only for time-per-operation units. */
  public double scoreMillis() {
    return toMillis(score, scoreUnit);
  }

  /**
   * The median measurement iteration in milliseconds per operation (JMH's {@code "50.0"} percentile
   * of an {@code avgt} result), or the score when JMH gave none. Less swayed than the mean by an
   * iteration that shared the cores with someone else's build.
   */
  public double medianMillis() {
    return percentileMillis("50.0").orElse(scoreMillis());
  }

  /** A percentile (JMH key such as {@code "99.0"}) in milliseconds, if this run sampled them. */
  public OptionalDouble percentileMillis(String key) {
    Double value = percentiles.get(key);
    return value == null ? OptionalDouble.empty() : OptionalDouble.of(toMillis(value, scoreUnit));
  }

  /** {@code gc.alloc.rate.norm} (bytes per operation), if the run had {@code -prof gc}. */
  public OptionalDouble allocBytesPerOp() {
    Metric norm = secondary.get("gc.alloc.rate.norm");
    return norm == null ? OptionalDouble.empty() : OptionalDouble.of(norm.score());
  }

  /** A secondary metric's score by name (e.g. {@code rls.alloc.norm}), if the run has it. */
  public OptionalDouble secondary(String name) {
    Metric m = secondary.get(name);
    return m == null ? OptionalDouble.empty() : OptionalDouble.of(m.score());
  }

  static double toMillis(double value, String unit) {
    return switch (unit) {
      case "ns/op" -> value / 1e6;
      case "us/op" -> value / 1e3;
      case "ms/op" -> value;
      case "s/op" -> value * 1e3;
      default -> throw new IllegalArgumentException("not a time per operation: " + unit);
    };
  }

  /** Reads every entry of one JMH JSON result file. */
  public static List<JmhResult> read(Path file) throws IOException {
    JsonNode root = JSON.readTree(file.toFile());
    if (root == null || !root.isArray()) {
      throw new IOException(file + " is not a JMH JSON result file (expected a JSON array)");
    }
    List<JmhResult> results = new ArrayList<>();
    for (JsonNode entry : root) {
      results.add(parse(entry));
    }
    return results;
  }

  private static JmhResult parse(JsonNode entry) {
    Map<String, String> params = new LinkedHashMap<>();
    entry
        .path("params")
        .fields()
        .forEachRemaining(p -> params.put(p.getKey(), p.getValue().asText()));
    JsonNode primary = entry.path("primaryMetric");
    Map<String, Double> percentiles = new LinkedHashMap<>();
    primary
        .path("scorePercentiles")
        .fields()
        .forEachRemaining(p -> percentiles.put(p.getKey(), p.getValue().asDouble()));
    Map<String, Metric> secondary = new LinkedHashMap<>();
    entry
        .path("secondaryMetrics")
        .fields()
        .forEachRemaining(
            m ->
                secondary.put(
                    m.getKey(),
                    new Metric(
                        number(m.getValue().path("score")),
                        m.getValue().path("scoreUnit").asText())));
    return new JmhResult(
        entry.path("benchmark").asText(),
        entry.path("mode").asText(),
        Collections.unmodifiableMap(params),
        number(primary.path("score")),
        number(primary.path("scoreError")),
        primary.path("scoreUnit").asText(),
        Collections.unmodifiableMap(percentiles),
        Collections.unmodifiableMap(secondary));
  }

  /** JMH writes "NaN" as a string when it has no value. */
  private static double number(JsonNode node) {
    return node.isNumber() ? node.asDouble() : Double.NaN;
  }
}
