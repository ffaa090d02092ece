package io.mimiredge.rls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mimiredge.rls.testing.TestRls;
import io.mimiredge.testsupport.StubUpstream;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.InternalTelemetryVersion;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HA pair of OpenTelemetry Java SDK senders, as an OTLP pipeline runs one: two replicas of the
 * same service with the same 100 gauges, told apart by the resource attributes {@code cluster: c1}
 * and {@code __replica__: r1|r2}, which the tenant promotes to labels ({@code
 * promote_otel_resource_attributes}), so that Mimir's HA tracker, run on the translated request,
 * keeps one replica. Each replica exports to two tenants with the same limits (a burst of 1100
 * items, no refill to speak of), one with {@code accept_ha_samples} and one without, through a real
 * RLS's {@code /otlp/v1/metrics}: the HA tenant is counted once per round and denied nothing; the
 * other, counted twice, runs over its burst. Then the elected replica stops and, after the 1 s
 * failover timeout, the other is elected and counted.
 */
class HaPairOpenTelemetryTest {
  private static final String HA = "otel-ha";
  private static final String PAIR = "otel-pair";
  private static final int GAUGES = 100;

  @TempDir Path dir;
  StubUpstream distributor;
  TestRls rls;
  final List<SdkMeterProvider> providers = new ArrayList<>();
  final List<MetricExporter> exporters = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    distributor = StubUpstream.start("distributor", 200);
    String limits =
        """
            ingestion_rate: 0.001
            ingestion_burst_size: 1100
            promote_otel_resource_attributes: cluster,__replica__
            ha_tracker_failover_timeout: 1s
        """;
    rls =
        TestRls.builder()
            .dir(dir)
            .quietRequests()
            .overrides(
                "overrides:\n  %s:\n%s    accept_ha_samples: true\n  %s:\n%s"
                    .formatted(HA, limits, PAIR, limits))
            .upstream(distributor.url())
            .start();
    for (String replica : List.of("r1", "r2")) {
      providers.add(replica(replica));
    }
  }

  @AfterEach
  void stop() {
    for (MetricExporter e : exporters) {
      e.shutdown().join(10, TimeUnit.SECONDS); // first, so the readers' shutdown sends nothing
    }
    for (SdkMeterProvider p : providers) {
      p.shutdown().join(10, TimeUnit.SECONDS);
    }
    rls.close();
    distributor.close();
  }

  /** One replica: 100 gauges, exported on demand to both tenants. */
  private SdkMeterProvider replica(String name) {
    var builder =
        SdkMeterProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                AttributeKey.stringKey("service.name"),
                                "checkout",
                                AttributeKey.stringKey("service.instance.id"),
                                "pod-" + name,
                                AttributeKey.stringKey("cluster"),
                                "c1",
                                AttributeKey.stringKey("__replica__"),
                                name))));
    for (String tenant : List.of(HA, PAIR)) {
      MetricExporter exporter =
          OtlpHttpMetricExporter.builder()
              .setEndpoint(rls.url() + "/otlp/v1/metrics")
              .addHeader("X-Scope-OrgID", tenant)
              .setRetryPolicy(null) // a 429 is counted once, not resent
              .setMeterProvider(MeterProvider.noop()) // its own metrics not in the next export
              .build();
      exporters.add(exporter);
      builder.registerMetricReader(
          PeriodicMetricReader.builder(exporter)
              .setInterval(Duration.ofHours(1))
              // the reader's own metrics (its collection time) would join the next export
              .setInternalTelemetryVersion(InternalTelemetryVersion.LEGACY)
              .build());
    }
    SdkMeterProvider provider = builder.build();
    Meter meter = provider.get("io.mimiredge.test.ha");
    for (int i = 0; i < GAUGES; i++) {
      meter.gaugeBuilder("queue.depth." + i).build().set(i);
    }
    return provider;
  }

  /** Both of the replica's exports (one per tenant), sent and answered (a 429 is a failure). */
  private void export(int replica) {
    assertThat(providers.get(replica).forceFlush().join(20, TimeUnit.SECONDS).isDone())
        .as("replica r%d's export", replica + 1)
        .isTrue();
  }

  @Test
  void countsOneReplicaOfAnOtlpHaPairAndFailsOverWhenItStops() throws Exception {
    export(0);
    export(1);
    // one export: 100 gauges and target_info, a metadata entry for each family
    double perExport = counted(HA);
    assertThat(perExport).as("items of one export" + logs()).isEqualTo(2 * GAUGES + 2);
    assertThat(counted(PAIR)).as("the pair tenant counts both").isEqualTo(2 * perExport);
    assertThat(elected()).isEqualTo("r1");

    for (int round = 0; round < 3; round++) {
      export(0);
      export(1);
    }
    // 4 rounds: the HA tenant counts 4 exports (808 items, inside its burst), the other 8 (1616)
    assertThat(counted(HA)).as("HA tenant" + logs()).isEqualTo(4 * perExport);
    assertThat(denied(HA)).as("HA tenant denials").isZero();
    assertThat(denied(PAIR)).as("pair tenant denials" + logs()).isPositive();
    assertThat(metric("rls_tenant_decisions_total\\{decision=\"allow\",tenant=\"" + HA + "\"\\}"))
        .as("every HA request admitted, the other replica's forwarded uncounted")
        .isEqualTo(8);
    assertThat(
            metric(
                "rls_decisions_total\\{decision=\"allow\",door=\"http_push\",reason=\"ha_deduped\"\\}"))
        .isEqualTo(4);
    // everything reached the distributor, deduplicated or not, but the pair tenant's denials
    assertThat(distributor.received())
        .hasSize(16 - (int) denied(PAIR))
        .allSatisfy(r -> assertThat(r.path()).isEqualTo("/otlp/v1/metrics"));

    // r1 stops; once it has been silent past the failover timeout, r2 is elected and counted
    Thread.sleep(1_500);
    double before = counted(HA);
    export(1);
    assertThat(elected()).as("after the failover" + logs()).isEqualTo("r2");
    assertThat(counted(HA)).isEqualTo(before + perExport);
  }

  private double counted(String tenant) {
    return metric("rls_tenant_items_total\\{decision=\"allow\",tenant=\"" + tenant + "\"\\}");
  }

  private double denied(String tenant) {
    return metric("rls_tenant_decisions_total\\{decision=\"deny\",tenant=\"" + tenant + "\"\\}");
  }

  private double metric(String seriesRegex) {
    return Prometheus.metric(rls.url() + "/metrics", seriesRegex);
  }

  /** The replica the RLS has elected for the HA tenant's cluster c1, or "". */
  private String elected() throws IOException {
    String body = Prometheus.get(rls.url() + "/api/tenants/" + HA).orElse("{}");
    for (JsonNode e : Prometheus.JSON.readTree(body).path("ha")) {
      if (e.path("cluster").asText().equals("c1")) {
        return e.path("replica").asText();
      }
    }
    return "";
  }

  private String logs() {
    StringBuilder b = new StringBuilder("\n");
    Prometheus.get(rls.url() + "/metrics")
        .ifPresent(
            m ->
                m.lines()
                    .filter(l -> l.startsWith("rls_decisions") || l.startsWith("rls_tenant"))
                    .forEach(l -> b.append(l).append('\n')));
    return b.append(Prometheus.get(rls.url() + "/api/tenants/" + HA).orElse("?")).toString();
  }
}
