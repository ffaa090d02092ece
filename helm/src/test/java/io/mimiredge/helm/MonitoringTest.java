package io.mimiredge.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.mimiredge.helm.support.Charts;
import io.mimiredge.helm.support.Manifests;
import io.mimiredge.helm.support.PromQl;
import io.mimiredge.helm.support.RlsMetrics;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard and the alerts: valid, and every series they read is one the RLS exports. */
class MonitoringTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Series Prometheus itself makes for every scrape target. */
  static final Set<String> PROMETHEUS_SERIES = Set.of("up");

  /** Labels Prometheus attaches to every series of a target. */
  static final Set<String> TARGET_LABELS = Set.of("job", "instance", "namespace", "pod", "service");

  static Manifests production;
  static Map<String, Set<String>> exported;

  @BeforeAll
  static void setUp() {
    production = Manifests.load(Charts.renderEnvironment("production"));
    exported = RlsMetrics.scrape();
  }

  @Test
  void dashboardIsValidGrafanaJson() throws Exception {
    JsonNode d = dashboard();
    assertThat(d.path("uid").asText()).isNotBlank();
    assertThat(d.path("title").asText()).isNotBlank();
    assertThat(d.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
    assertThat(d.path("templating").path("list").isArray()).isTrue();
    JsonNode panels = d.path("panels");
    assertThat(panels.size()).isGreaterThan(5);
    Set<Integer> ids = new HashSet<>();
    for (JsonNode p : panels) {
      assertThat(ids.add(p.path("id").asInt())).as("unique panel id %s", p.path("id")).isTrue();
      assertThat(p.path("type").asText()).isIn("timeseries", "stat", "row", "table", "gauge");
      JsonNode g = p.path("gridPos");
      assertThat(g.path("w").asInt()).isBetween(1, 24);
      assertThat(g.path("x").asInt() + g.path("w").asInt()).isLessThanOrEqualTo(24);
      assertThat(g.path("h").asInt()).isPositive();
      for (JsonNode t : p.path("targets")) {
        assertThat(t.path("refId").asText()).isNotBlank();
        assertThat(t.path("expr").asText()).isNotBlank();
      }
    }
  }

  @Test
  void dashboardQueriesReadOnlySeriesTheRlsExports() throws Exception {
    Map<String, String> exprs = new LinkedHashMap<>();
    for (JsonNode p : dashboard().path("panels")) {
      for (JsonNode t : p.path("targets")) {
        exprs.put(
            p.path("title").asText() + "/" + t.path("refId").asText(), t.path("expr").asText());
      }
    }
    for (JsonNode v : dashboard().path("templating").path("list")) {
      if (v.path("query").has("query")) {
        // Grafana's label_values(selector, label): the selector is PromQL.
        String q = v.path("query").path("query").asText();
        exprs.put(
            "variable " + v.path("name").asText(),
            q.replaceAll("^label_values\\((.*),\\s*\\w+\\)$", "$1"));
      }
    }
    assertThat(exprs).hasSizeGreaterThan(10);
    exprs.forEach(MonitoringTest::assertExported);
  }

  @Test
  void alertRulesReadOnlySeriesTheRlsExports() {
    GenericKubernetesResource rule = production.generic("PrometheusRule", "rls");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> groups =
        (List<Map<String, Object>>)
            ((Map<String, Object>) rule.getAdditionalProperties().get("spec")).get("groups");
    Map<String, String> exprs = new LinkedHashMap<>();
    for (Map<String, Object> g : groups) {
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> rules = (List<Map<String, Object>>) g.get("rules");
      for (Map<String, Object> r : rules) {
        exprs.put((String) r.get("alert"), (String) r.get("expr"));
      }
    }
    assertThat(exprs.keySet())
        .containsExactlyInAnyOrder(
            "RlsHighDenyRate",
            "RlsParseErrors",
            "RlsLimitsStale",
            "RlsDown",
            "RlsAddedLatencyOverBudget");
    exprs.forEach(MonitoringTest::assertExported);
    // Every alert reads this release's job: the Service the ServiceMonitor scrapes.
    exprs.values().forEach(e -> assertThat(e).contains("job=\"rls\""));
  }

  @Test
  void serviceMonitorScrapesOneServiceOnTheHttpPort() {
    GenericKubernetesResource sm = production.generic("ServiceMonitor", "rls");
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) sm.getAdditionalProperties().get("spec");
    assertThat(spec.toString()).contains("port=http").contains("path=/metrics");
    // The selector's DoesNotExist on component picks the ClusterIP Service only.
    List<Service> selected =
        production.all(Service.class).stream()
            .filter(s -> "rls".equals(s.getMetadata().getLabels().get("app.kubernetes.io/name")))
            .filter(s -> !s.getMetadata().getLabels().containsKey("app.kubernetes.io/component"))
            .toList();
    assertThat(selected).extracting(s -> s.getMetadata().getName()).containsExactly("rls");
  }

  @Test
  void dashboardConfigMapIsLabelledForGrafanasSidecar() {
    ConfigMap cm = production.get(ConfigMap.class, "rls-dashboard");
    assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
  }

  static JsonNode dashboard() throws Exception {
    return JSON.readTree(production.configData("rls-dashboard", "mimir-edge-enforcement.json"));
  }

  static void assertExported(String where, String expr) {
    Map<String, Set<String>> used = PromQl.selectors(expr);
    assertThat(used).as("%s: no metric in %s", where, expr).isNotEmpty();
    used.forEach(
        (metric, labels) -> {
          if (PROMETHEUS_SERIES.contains(metric)) {
            return;
          }
          assertThat(exported)
              .as("%s reads %s, which the RLS does not export (%s)", where, metric, expr)
              .containsKey(metric);
          for (String label : labels) {
            if (!TARGET_LABELS.contains(label)) {
              assertThat(exported.get(metric))
                  .as("%s matches label %s on %s", where, label, metric)
                  .contains(label);
            }
          }
        });
  }
}
