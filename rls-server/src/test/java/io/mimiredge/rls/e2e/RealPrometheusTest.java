package io.mimiredge.rls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.rls.testing.TestRls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end with real Prometheus 2.42 (Debian's {@code prometheus}): a sending Prometheus scrapes
 * itself every second and remote-writes through the RLS for two tenants, named by basic-auth user
 * (Debian's build drops custom remote_write headers); the RLS forwards to a receiving Prometheus
 * standing in for the distributor. Everything binds 127.0.0.1 on free ports with temp data dirs.
 * Without the binary the test skips, except in CI ({@code CI=true}) where it fails.
 */
class RealPrometheusTest {

  private static Path dir;
  private static final List<Process> processes = new ArrayList<>();
  private static TestRls rls;
  private static int receiverPort;
  private static int senderPort;

  @BeforeAll
  static void start() throws Exception {
    Path binary = Prometheus.binaryOrSkip();
    dir = Files.createTempDirectory("rls-e2e");
    receiverPort = Prometheus.freePort();
    senderPort = Prometheus.freePort();

    // (a) the distributor stand-in
    Path receiverConfig = Files.writeString(dir.resolve("receiver.yml"), "global: {}\n");
    processes.add(
        Prometheus.start(
            binary,
            dir,
            "receiver",
            receiverConfig,
            receiverPort,
            "--web.enable-remote-write-receiver"));
    Prometheus.awaitReady(receiverPort, RealPrometheusTest::logs);

    // (b) the RLS, forwarding to it
    rls =
        TestRls.builder()
            .dir(dir)
            .overrides(
                """
                overrides:
                  tenant-generous:
                    ingestion_rate: 1000000
                    ingestion_burst_size: 10000000
                  tenant-tight:
                    ingestion_rate: 1
                    ingestion_burst_size: 20
                  tenant-relabeled:
                    ingestion_rate: 1
                    ingestion_burst_size: 20
                    metric_relabel_configs:
                      - {source_labels: [__name__], regex: up, action: keep}
                """)
            .upstream("http://127.0.0.1:%d/api/v1/write".formatted(receiverPort))
            .settings("tenantFrom: basicAuthUser")
            .start();
    int rlsPort = rls.port();

    // (c) the sender: scrapes itself, writes for both tenants through the RLS
    String push = "http://127.0.0.1:" + rlsPort + "/api/v1/push";
    Path senderConfig =
        Files.writeString(
            dir.resolve("sender.yml"),
            """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: self
                static_configs:
                  - targets: ['127.0.0.1:%d']
            remote_write:
              - url: %s
                name: generous
                basic_auth: {username: tenant-generous, password: unused}
                queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s}
              - url: %s
                name: tight
                basic_auth: {username: tenant-tight, password: unused}
                queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s}
              - url: %s
                name: relabeled
                basic_auth: {username: tenant-relabeled, password: unused}
                queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s}
                metadata_config: {send: false}
            """
                .formatted(senderPort, push, push, push));
    processes.add(Prometheus.start(binary, dir, "sender", senderConfig, senderPort));
    Prometheus.awaitReady(senderPort, RealPrometheusTest::logs);
  }

  @AfterAll
  static void stop() throws Exception {
    Prometheus.stopAll(processes);
    if (rls != null) {
      rls.close();
    }
    Prometheus.deleteRecursively(dir);
  }

  @Test
  void tightTenantIsRefusedAndGenerousTenantsSeriesArrive() throws Exception {
    // The tight tenant: 429s, seen by the RLS and by the sender.
    double rlsDenied =
        await(
            "the RLS to deny tenant-tight",
            () ->
                rlsMetric(
                    "rls_tenant_decisions_total\\{decision=\"deny\",tenant=\"tenant-tight\"\\}"));
    double senderFailed =
        await(
            "the sender to count failed or retried samples for the tight queue",
            () ->
                query(
                        "sum(prometheus_remote_storage_samples_failed_total{remote_name=\"tight\"})"
                            + " + sum(prometheus_remote_storage_samples_retried_total{remote_name=\"tight\"})",
                        senderPort)
                    .orElse(0.0));
    // The generous tenant: admitted, forwarded, stored by the receiver.
    double rlsAllowed =
        await(
            "the RLS to admit tenant-generous",
            () ->
                rlsMetric(
                    "rls_tenant_decisions_total\\{decision=\"allow\",tenant=\"tenant-generous\"\\}"));
    double arrived =
        await(
            "the sender's self-scraped series to arrive at the receiver",
            () -> query("count(up{job=\"self\"})", receiverPort).orElse(0.0));
    double forwarded =
        rlsMetric("rls_upstream_requests_total\\{code=\"204\",outcome=\"response\"\\}");
    double tightSent =
        query("sum(prometheus_remote_storage_samples_total{remote_name=\"tight\"})", senderPort)
            .orElse(0.0);

    System.out.printf(
        "real Prometheus e2e: RLS denied %.0f tenant-tight requests, sender counted %.0f"
            + " failed+retried samples for tight (of %.0f sent); RLS admitted %.0f"
            + " tenant-generous requests, %.0f forwarded with 204; receiver has %.0f up{job=self}"
            + " series%n",
        rlsDenied, senderFailed, tightSent, rlsAllowed, forwarded, arrived);
    assertThat(rlsDenied).isPositive();
    assertThat(senderFailed).isPositive();
    assertThat(rlsAllowed).isPositive();
    assertThat(arrived).isPositive();
  }

  /**
   * The tight tenant's limits with Mimir's relabeling keeping only {@code up}: Mimir would count
   * one sample a scrape, within 1/s, and so does the edge, though every push carries the sender's
   * whole scrape.
   */
  @Test
  void aTenantWhoseRulesKeepOneSeriesIsCountedForThatSeriesOnly() throws Exception {
    double allowed =
        Prometheus.await(
            "the RLS to admit tenant-relabeled 5 times",
            () -> {
              double a =
                  rlsMetric(
                      "rls_tenant_decisions_total\\{decision=\"allow\",tenant=\"tenant-relabeled\"\\}");
              return a >= 5 ? a : 0;
            },
            RealPrometheusTest::logs);
    double sent =
        query("sum(prometheus_remote_storage_samples_total{remote_name=\"relabeled\"})", senderPort)
            .orElse(0.0);
    double denied =
        rlsMetric("rls_tenant_decisions_total\\{decision=\"deny\",tenant=\"tenant-relabeled\"\\}");
    System.out.printf(
        "real Prometheus e2e, relabeling: %.0f tenant-relabeled pushes admitted, %.0f denied, of"
            + " %.0f samples sent%n",
        allowed, denied, sent);
    assertThat(sent).as("the pushes carry far more than 1 sample/s").isGreaterThan(100);
    assertThat(denied).isZero();
  }

  private static double rlsMetric(String seriesRegex) {
    return Prometheus.metric("http://127.0.0.1:" + rls.port() + "/metrics", seriesRegex);
  }

  private static Optional<Double> query(String promql, int port) {
    return Prometheus.query(promql, port);
  }

  private static double await(String what, DoubleSupplier value) throws InterruptedException {
    return Prometheus.await(what, value, RealPrometheusTest::logs);
  }

  private static String logs() {
    StringBuilder b = new StringBuilder();
    if (rls != null) {
      b.append("\n--- RLS metrics ---\n");
      Prometheus.get("http://127.0.0.1:" + rls.port() + "/metrics")
          .ifPresent(
              m ->
                  m.lines()
                      .filter(l -> l.startsWith("rls_") && !l.contains("_bucket"))
                      .forEach(l -> b.append(l).append('\n')));
    }
    return b.append(Prometheus.logTails(dir, "receiver", "sender")).toString();
  }
}
