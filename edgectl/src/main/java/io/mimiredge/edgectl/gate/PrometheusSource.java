package io.mimiredge.edgectl.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mimiredge.edgectl.config.Durations;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Readings from PromQL instant queries over Prometheus' HTTP API ({@code /api/v1/query}), on the
 * RLS' {@code rls_*} metrics. Each query may be overridden in {@code gates.queries}; {@code
 * $window} in a query is replaced by the gate window ({@code 5m}). An empty result or NaN is "no
 * data".
 */
public final class PrometheusSource implements GateSource {
  /** The default queries, one scalar each. */
  public static final Map<String, String> DEFAULT_QUERIES =
      Map.of(
          "requests",
          "sum(increase(rls_decisions_total[$window]))",
          "errorRate",
          "(sum(rate(rls_upstream_requests_total{code=~\"5..\"}[$window])) or vector(0))"
              + " / sum(rate(rls_decisions_total[$window]))",
          "latencyP99Seconds",
          "histogram_quantile(0.99, sum by (le) (rate(rls_check_duration_seconds_bucket[$window])))",
          "denyRate",
          "(sum(rate(rls_decisions_total{decision=~\"deny|shadow_deny\"}[$window])) or vector(0))"
              + " / sum(rate(rls_decisions_total[$window]))");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final HttpClient http;
  private final Duration timeout;
  private final Map<String, String> queries;

  public PrometheusSource(
      String baseUrl, HttpClient http, Duration timeout, Map<String, String> overrides) {
    this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.http = http;
    this.timeout = timeout;
    Map<String, String> q = new HashMap<>(DEFAULT_QUERIES);
    q.putAll(overrides);
    this.queries = Map.copyOf(q);
  }

  @Override
  public String name() {
    return "prometheus";
  }

  public String query(String name, Duration window) {
    return queries.get(name).replace("$window", Durations.format(window));
  }

  @Override
  public Readings read(Duration window) throws IOException {
    return new Readings(
        scalar(query("requests", window)),
        scalar(query("errorRate", window)),
        scalar(query("latencyP99Seconds", window)),
        scalar(query("denyRate", window)));
  }

  private Double scalar(String promql) throws IOException {
    URI uri =
        URI.create(
            base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    HttpResponse<String> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (r.statusCode() / 100 != 2) {
      throw new IOException(
          "Prometheus answered " + r.statusCode() + " to " + promql + ": " + r.body());
    }
    JsonNode data = JSON.readTree(r.body()).path("data");
    JsonNode result = data.path("result");
    JsonNode value;
    if ("scalar".equals(data.path("resultType").asText())) {
      value = result.path(1);
    } else if (result.isArray() && result.size() > 0) {
      value = result.get(0).path("value").path(1);
    } else {
      return null;
    }
    if (value.isMissingNode()) {
      return null;
    }
    try {
      double d = Double.parseDouble(value.asText());
      return Double.isNaN(d) || Double.isInfinite(d) ? null : d;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
