package io.mimiredge.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.mimiredge.helm.support.Charts;
import io.mimiredge.helm.support.Manifests;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every chart lints, and renders with each environment's values into valid Kubernetes objects. */
class ChartsTest {

  @ParameterizedTest
  @ValueSource(strings = {"rls", "envoy", "nginx", Charts.UMBRELLA})
  void lintsWithoutErrorsOrWarnings(String chart) {
    LintResult r = Charts.lint(chart);
    assertThat(r.isFailed()).as("%s", r.getMessages()).isFalse();
    assertThat(r.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rls", "envoy", "nginx"})
  void eachChartRendersOnItsOwnDefaults(String chart) {
    Manifests m = Manifests.load(Charts.render(chart, Map.of()));
    assertThat(m.all()).isNotEmpty();
    assertThat(m.all()).allSatisfy(ChartsTest::labelled);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "production"})
  void umbrellaRendersEveryEnvironment(String env) {
    Manifests m = Manifests.load(Charts.renderEnvironment(env));
    assertThat(m.all()).allSatisfy(ChartsTest::labelled);
    assertThat(m.all().stream().map(HasMetadata::getKind).distinct())
        .contains(
            "Deployment",
            "Service",
            "ConfigMap",
            "ServiceAccount",
            "Role",
            "RoleBinding",
            "PodDisruptionBudget",
            "NetworkPolicy",
            "ServiceMonitor",
            "PrometheusRule");
  }

  /** lint only warns when a {@code required} value is missing; template fails. Both are used. */
  @ParameterizedTest
  @ValueSource(strings = {"upstream.url", "tenantHeader"})
  void templateFailsWhenARequiredRlsValueIsMissing(String key) {
    assertThatThrownBy(() -> Charts.render("rls", Map.of(key, "")))
        .hasMessageContaining(key + " is required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"maxRequestBytes=0", "initialPhase=full", "antiAffinity=sometimes"})
  void nginxChartRefusesBadValues(String set) {
    String[] kv = set.split("=");
    assertThatThrownBy(() -> Charts.render("nginx", Map.of(kv[0], kv[1])))
        .isInstanceOf(IllegalStateException.class);
  }

  private static void labelled(HasMetadata h) {
    assertThat(h.getMetadata().getLabels())
        .as("%s/%s", h.getKind(), h.getMetadata().getName())
        .containsKeys("app.kubernetes.io/name", "app.kubernetes.io/instance", "helm.sh/chart");
  }
}
