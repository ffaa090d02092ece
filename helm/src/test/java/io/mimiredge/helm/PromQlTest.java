package io.mimiredge.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.helm.support.PromQl;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The metric-name extraction the monitoring checks rely on. */
class PromQlTest {
  @Test
  void findsMetricsAndTheirMatchedLabels() {
    var s =
        PromQl.selectors(
            "(sum(rate(rls_decisions_total{job=\"rls\",decision=~\"deny|shadow_deny\"}[5m]))"
                + " or vector(0)) / sum by (door) (rate(rls_decisions_total[$__rate_interval]))");
    assertThat(s).containsOnlyKeys("rls_decisions_total");
    assertThat(s.get("rls_decisions_total")).containsExactlyInAnyOrder("job", "decision");
  }

  @Test
  void findsBareMetricsBetweenFunctionsKeywordsAndNumbers() {
    var s =
        PromQl.selectors(
            "histogram_quantile(0.99, sum by (le) (rate(rls_check_duration_seconds_bucket[5m])))"
                + " > 0.010 and time() - max(rls_nope) > 600 or absent(up{job=\"rls\"})");
    assertThat(s)
        .containsOnlyKeys("rls_check_duration_seconds_bucket", "rls_nope", "up")
        .containsEntry("up", Set.of("job"));
  }
}
