package io.mimiredge.rls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.mimiredge.rls.testing.Distributor;
import io.mimiredge.rls.testing.TestRls;
import io.mimiredge.testsupport.RedisServer;
import io.mimiredge.testsupport.StubUpstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An HA pair of real Prometheus 2.42 replicas, as Mimir tells people to run them: the same scrape
 * of 1000 gauges, {@code external_labels: {cluster: c1, __replica__: r1|r2}}, each writing for two
 * tenants with the same limits (1500 items/s, burst 3000), one with {@code accept_ha_samples} and
 * one without. Each replica writes through its own RLS; the two RLS share a real Redis, as a fleet
 * behind a load balancer does. Mimir's HA tracker would keep one replica (about 1005 samples/s,
 * inside the limit) and deny nothing; counting both (about 2010/s) is over it.
 *
 * <p>Then the elected replica is killed: the other one's writes must stay admitted throughout and,
 * after the 5 s failover timeout, be counted, with both RLS agreeing on the new election.
 */
class HaPairPrometheusTest {
  private static final String HA = "ha-tenant";
  private static final String PAIR = "pair-tenant";
  private static final int GAUGES = 1000;

  private static Path dir;
  private static final List<Process> senders = new ArrayList<>();
  private static final List<TestRls> rls = new ArrayList<>();
  private static RedisServer redis;
  private static StubUpstream upstream;
  private static HttpServer exporter;

  @BeforeAll
  static void start() throws Exception {
    Path binary = Prometheus.binaryOrSkip();
    redis = RedisServer.startOrSkip();
    dir = Files.createTempDirectory("rls-ha-e2e");
    upstream = Distributor.start(Duration.ZERO);
    exporter = gauges(GAUGES);

    String overrides =
        """
        overrides:
          %s:
            ingestion_rate: 1500
            ingestion_burst_size: 3000
            accept_ha_samples: true
            ha_tracker_failover_timeout: 5s
            ha_tracker_update_timeout: 1s
          %s:
            ingestion_rate: 1500
            ingestion_burst_size: 3000
        """
            .formatted(HA, PAIR);
    for (String name : List.of("rls-a", "rls-b")) {
      rls.add(
          TestRls.builder()
              .dir(dir)
              .name(name)
              .quietRequests()
              .overrides(overrides)
              .upstream(upstream.url() + "/api/v1/push")
              .settings(
                  """
                  tenantFrom: basicAuthUser
                  redis:
                    uri: %s
                    keyPrefix: "ha-e2e:"
                  """
                      .formatted(redis.uri()))
              .start());
    }
    // r1 writes through the first RLS, r2 through the second.
    for (int r = 1; r <= 2; r++) {
      int port = Prometheus.freePort();
      String push = "http://127.0.0.1:" + rls.get(r - 1).port() + "/api/v1/push";
      Path config =
          Files.writeString(
              dir.resolve("r" + r + ".yml"),
              """
              global:
                scrape_interval: 1s
                external_labels: {cluster: c1, __replica__: r%d}
              scrape_configs:
                - job_name: gauges
                  static_configs:
                    - targets: ['127.0.0.1:%d']
              remote_write:
                - url: %s
                  name: ha
                  basic_auth: {username: %s, password: unused}
                  queue_config: {batch_send_deadline: 1s, max_samples_per_send: 1200, min_backoff: 100ms, max_backoff: 1s}
                - url: %s
                  name: pair
                  basic_auth: {username: %s, password: unused}
                  queue_config: {batch_send_deadline: 1s, max_samples_per_send: 1200, min_backoff: 100ms, max_backoff: 1s}
              """
                  .formatted(r, exporter.getAddress().getPort(), push, HA, push, PAIR));
      senders.add(Prometheus.start(binary, dir, "r" + r, config, port));
      Prometheus.awaitReady(port, HaPairPrometheusTest::logs);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    Prometheus.stopAll(senders);
    for (TestRls app : rls) {
      app.close();
    }
    if (exporter != null) {
      exporter.stop(0);
    }
    if (upstream != null) {
      upstream.close();
    }
    if (redis != null) {
      redis.close();
    }
    Prometheus.deleteRecursively(dir);
  }

  @Test
  void countsOneReplicaOfTheHaPairAndFailsOverWhenItStops() throws Exception {
    // The pair counted twice goes over its limit; the HA tenant is deduplicated.
    Prometheus.await(
        "the RLS to deny the tenant that counts both replicas",
        () -> fleet("rls_tenant_decisions_total\\{decision=\"deny\",tenant=\"" + PAIR + "\"\\}"),
        HaPairPrometheusTest::logs);
    double deduped =
        Prometheus.await(
            "the RLS to see the replica that is not elected",
            () -> fleet(haDeduped()),
            HaPairPrometheusTest::logs);
    // give the HA tenant as long again as the pair took to run over its limit
    Thread.sleep(5_000);
    String elected = electedOn(0);
    assertThat(elected)
        .as("an election, seen by both RLS")
        .isIn("r1", "r2")
        .isEqualTo(electedOn(1));
    assertThat(fleet(haDenied())).as("HA tenant denials" + logs()).isZero();
    double countedBefore = fleet(haCounted());
    System.out.printf(
        "HA pair: %.0f pair-tenant denials; ha-tenant: %.0f requests deduplicated, %.0f items"
            + " counted, 0 denials, %s elected%n",
        fleet("rls_tenant_decisions_total\\{decision=\"deny\",tenant=\"" + PAIR + "\"\\}"),
        deduped,
        countedBefore,
        elected);

    // Stop the elected replica: after the failover timeout the survivor is elected and counted.
    int stopped = elected.equals("r1") ? 0 : 1;
    String survivor = elected.equals("r1") ? "r2" : "r1";
    senders.get(stopped).destroyForcibly().waitFor();
    double dedupedAtStop = fleet(haDeduped());
    Prometheus.await(
        "both RLS to elect " + survivor,
        () -> survivor.equals(electedOn(0)) && survivor.equals(electedOn(1)) ? 1 : 0,
        HaPairPrometheusTest::logs);
    double countedAtFailover = fleet(haCounted());
    Prometheus.await(
        "the survivor's writes to be counted",
        () -> fleet(haCounted()) - countedAtFailover,
        HaPairPrometheusTest::logs);
    double dedupedAfter = fleet(haDeduped());
    Thread.sleep(3_000);
    assertThat(fleet(haDeduped()))
        .as("nothing deduplicated once the survivor is elected")
        .isEqualTo(dedupedAfter);
    assertThat(dedupedAfter).isGreaterThanOrEqualTo(dedupedAtStop);
    assertThat(fleet(haDenied())).as("HA tenant denials after the failover" + logs()).isZero();
  }

  private static String haDeduped() {
    return "rls_decisions_total\\{decision=\"allow\",door=\"http_push\",reason=\"ha_deduped\"\\}";
  }

  private static String haDenied() {
    return "rls_tenant_decisions_total\\{decision=\"deny\",tenant=\"" + HA + "\"\\}";
  }

  /** Admitted and counted: the HA tenant's items. */
  private static String haCounted() {
    return "rls_tenant_items_total\\{decision=\"allow\",tenant=\"" + HA + "\"\\}";
  }

  /** A series summed over both RLS. */
  private static double fleet(String seriesRegex) {
    double sum = 0;
    for (TestRls app : rls) {
      sum += Prometheus.metric("http://127.0.0.1:" + app.port() + "/metrics", seriesRegex);
    }
    return sum;
  }

  /** The replica the i-th RLS says is elected for the HA tenant's cluster c1, or "". */
  private static String electedOn(int i) {
    return Prometheus.get("http://127.0.0.1:" + rls.get(i).port() + "/api/tenants/" + HA)
        .map(
            body -> {
              try {
                for (JsonNode e : Prometheus.JSON.readTree(body).path("ha")) {
                  if (e.path("cluster").asText().equals("c1")) {
                    return e.path("replica").asText();
                  }
                }
                return "";
              } catch (IOException e) {
                return "";
              }
            })
        .orElse("");
  }

  /** An exporter of {@code n} gauges on 127.0.0.1. */
  private static HttpServer gauges(int n) throws IOException {
    StringBuilder text = new StringBuilder("# TYPE edge_ha_gauge gauge\n");
    for (int i = 0; i < n; i++) {
      text.append("edge_ha_gauge{i=\"").append(i).append("\"} ").append(i).append('\n');
    }
    byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.createContext(
        "/metrics",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    s.start();
    return s;
  }

  private static String logs() {
    StringBuilder b = new StringBuilder();
    for (TestRls app : rls) {
      b.append("\n--- RLS :").append(app.port()).append(" metrics ---\n");
      Prometheus.get("http://127.0.0.1:" + app.port() + "/metrics")
          .ifPresent(
              m ->
                  m.lines()
                      .filter(
                          l ->
                              (l.startsWith("rls_decisions") || l.startsWith("rls_tenant"))
                                  && !l.startsWith("#"))
                      .forEach(l -> b.append(l).append('\n')));
      b.append("tenant: ")
          .append(
              Prometheus.get("http://127.0.0.1:" + app.port() + "/api/tenants/" + HA).orElse("?"))
          .append('\n');
    }
    return b.append(Prometheus.logTails(dir, "r1", "r2")).toString();
  }
}
