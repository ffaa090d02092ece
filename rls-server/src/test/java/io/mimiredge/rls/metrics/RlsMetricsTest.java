package io.mimiredge.rls.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.limits.Mode;
import io.mimiredge.rls.upstream.UpstreamResponse.Outcome;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The metrics the hot path feeds from its cached data points, read back as Prometheus scrapes. */
class RlsMetricsTest {
  private final PrometheusRegistry registry = new PrometheusRegistry();

  private String scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static Decision allowed(String tenant, long items) {
    return new Decision(
        Verdict.ALLOW, Reason.ALLOWED, 200, "", null, Mode.ENFORCE, items, null, tenant);
  }

  @Test
  void repeatedDecisionsAddUpOnTheirOwnSeries() throws IOException {
    RlsMetrics metrics = new RlsMetrics(registry, 10);
    for (int i = 0; i < 3; i++) {
      metrics.record(Door.HTTP_PUSH, allowed("a", 5), 1_000_000);
    }
    metrics.record(Door.SHADOW, allowed("a", 5), 1_000_000);
    metrics.record(Door.HTTP_PUSH, allowed("b", 7), 1_000_000);

    String s = scrape();
    assertThat(s)
        .contains("rls_tenant_decisions_total{decision=\"allow\",tenant=\"a\"} 4.0")
        .contains("rls_tenant_items_total{decision=\"allow\",tenant=\"a\"} 20.0")
        .contains("rls_tenant_items_total{decision=\"allow\",tenant=\"b\"} 7.0")
        .containsPattern(
            "rls_check_duration_seconds_count\\{door=\"" + Door.HTTP_PUSH.label() + "\"\\} 4")
        .containsPattern(
            "rls_check_duration_seconds_count\\{door=\"" + Door.SHADOW.label() + "\"\\} 1");
  }

  @Test
  void aTenantThatLosesItsLabelIsCountedAsOtherAfterwards() throws IOException {
    RlsMetrics metrics = new RlsMetrics(registry, 1);
    metrics.record(Door.HTTP_PUSH, allowed("small", 1), 1000); // the first tenant gets the label
    metrics.record(Door.HTTP_PUSH, allowed("big", 1000), 1000); // the label is taken: "other"
    metrics.rotateTenants(); // "big" wrote more: it gets the label, "small" loses it

    metrics.record(Door.HTTP_PUSH, allowed("small", 1), 1000);
    metrics.record(Door.HTTP_PUSH, allowed("big", 10), 1000);

    String s = scrape();
    assertThat(s)
        .doesNotContain("tenant=\"small\"")
        .contains("rls_tenant_decisions_total{decision=\"allow\",tenant=\"big\"} 1.0")
        .contains("rls_tenant_decisions_total{decision=\"allow\",tenant=\"other\"} 2.0");
  }

  @Test
  void aTenantThatGetsItsLabelBackIsCountedOnItsSeriesAgain() throws IOException {
    RlsMetrics metrics = new RlsMetrics(registry, 1);
    metrics.record(Door.HTTP_PUSH, allowed("a", 1), 1000); // "a" gets the label
    metrics.record(Door.HTTP_PUSH, allowed("b", 1000), 1000);
    metrics.rotateTenants(); // "b" takes it; "a"'s series is removed
    metrics.record(Door.HTTP_PUSH, allowed("a", 5000), 1000);
    metrics.rotateTenants(); // "a" takes it back
    metrics.record(Door.HTTP_PUSH, allowed("a", 1), 1000);
    metrics.record(Door.HTTP_PUSH, allowed("a", 1), 1000);

    assertThat(scrape())
        .contains("rls_tenant_decisions_total{decision=\"allow\",tenant=\"a\"} 2.0")
        .doesNotContain("tenant=\"b\"");
  }

  @Test
  void upstreamExchangesAreCountedByStatusAndOutcome() throws IOException {
    RlsMetrics metrics = new RlsMetrics(registry, 10);
    metrics.exchanged(Outcome.RESPONSE, 204, 1_000_000);
    metrics.exchanged(Outcome.RESPONSE, 204, 1_000_000);
    metrics.exchanged(Outcome.RESPONSE, 500, 1_000_000);
    metrics.exchanged(Outcome.TIMEOUT, 504, 1_000_000);
    metrics.exchanged(Outcome.ERROR, 99, 1_000_000); // outside 100-599: still counted

    assertThat(scrape())
        .contains("rls_upstream_requests_total{code=\"204\",outcome=\"response\"} 2.0")
        .contains("rls_upstream_requests_total{code=\"500\",outcome=\"response\"} 1.0")
        .contains("rls_upstream_requests_total{code=\"504\",outcome=\"timeout\"} 1.0")
        .contains("rls_upstream_requests_total{code=\"99\",outcome=\"error\"} 1.0");
  }
}
