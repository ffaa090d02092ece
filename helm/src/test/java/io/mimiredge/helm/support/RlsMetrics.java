package io.mimiredge.helm.support;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The series the RLS exports, with their label names, as read from its {@code /metrics}. */
public final class RlsMetrics {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+\\S+.*$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

  private RlsMetrics() {}

  /**
   * Interim, until the RLS service (HTTP app with {@code /metrics}) lands on main: the exposition
   * its metrics are specified to produce. Replaced by a scrape of the running app.
   */
  public static Map<String, Set<String>> scrape() {
    String exposition =
        String.join(
            "\n",
            "rls_decisions_total{door=\"http_push\",decision=\"allow\",reason=\"ok\"} 1",
            "rls_check_duration_seconds_bucket{door=\"http_push\",le=\"0.001\"} 1",
            "rls_check_duration_seconds_count{door=\"http_push\"} 1",
            "rls_check_duration_seconds_sum{door=\"http_push\"} 0.001",
            "rls_items_total{kind=\"float_samples\",decision=\"allow\"} 1",
            "rls_body_bytes_bucket{door=\"http_push\",le=\"1024\"} 1",
            "rls_body_bytes_count{door=\"http_push\"} 1",
            "rls_body_bytes_sum{door=\"http_push\"} 100",
            "rls_parse_errors_total{door=\"http_push\"} 0",
            "rls_limits_reload_total{result=\"success\"} 1",
            "rls_limits_reload_total{result=\"error\"} 0",
            "rls_limits_last_success_timestamp_seconds 1.7e9",
            "rls_upstream_requests_total{code=\"200\",outcome=\"response\"} 1",
            "rls_upstream_duration_seconds_bucket{outcome=\"response\",le=\"0.01\"} 1",
            "rls_upstream_duration_seconds_count{outcome=\"response\"} 1",
            "rls_upstream_duration_seconds_sum{outcome=\"response\"} 0.01");
    return parse(exposition);
  }

  /** Prometheus text format: metric name to the label names seen on it. */
  public static Map<String, Set<String>> parse(String exposition) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      Set<String> labels = out.computeIfAbsent(m.group(1), k -> new LinkedHashSet<>());
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.add(l.group(1));
        }
      }
    }
    return out;
  }
}
