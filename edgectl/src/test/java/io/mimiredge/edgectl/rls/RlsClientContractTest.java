package io.mimiredge.edgectl.rls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mimiredge.api.admin.GateThresholds;
import io.mimiredge.api.admin.Overview;
import io.mimiredge.api.admin.RolloutEvent;
import io.mimiredge.api.admin.RolloutStatus;
import io.mimiredge.api.admin.RolloutView;
import io.mimiredge.api.admin.Window;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.edgectl.cli.Environment;
import io.mimiredge.edgectl.gate.Readings;
import io.mimiredge.edgectl.gate.RlsOverviewSource;
import io.mimiredge.edgectl.rollout.Sleeper;
import io.mimiredge.edgectl.support.Cli;
import io.mimiredge.rls.testing.TestRls;
import io.mimiredge.testsupport.StubUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract between edgectl and the RLS, against the real admin API (the RLS application on
 * Jetty, not a stub): what edgectl's {@code status} and {@code gates} read, and {@code PUT
 * /api/rollout} with and without the admin token. The stub RLS of the other edgectl tests writes
 * the same records ({@code io.mimiredge.api.admin}); this test keeps both honest.
 */
class RlsClientContractTest {
  private static final String TOKEN = "contract-admin-token-0123456789";
  private static final String ROOMY = "roomy";
  private static final String TIGHT = "tight";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static StubUpstream distributor;
  private static TestRls rls;

  @TempDir Path work;

  @BeforeAll
  static void startRls() throws Exception {
    distributor = StubUpstream.start("distributor", 200);
    rls =
        TestRls.builder()
            .overrides(TestRls.ROOMY_AND_TIGHT)
            .upstream(distributor.url())
            .adminToken(TOKEN)
            .start();
    // the mirror's copies: three of the roomy tenant admitted, two of the tight one shadow-denied
    for (String tenant : new String[] {ROOMY, TIGHT, ROOMY, TIGHT, ROOMY}) {
      assertThat(shadowPush(tenant)).isEqualTo(204);
    }
    // the shadow door decides (and records) before it answers: no waiting
  }

  @AfterAll
  static void stopRls() throws IOException {
    if (rls != null) {
      rls.close();
    }
    if (distributor != null) {
      distributor.close();
    }
  }

  private static String base() {
    return rls.url();
  }

  private static RlsClient client(String token) {
    return new RlsClient(base(), HTTP, Duration.ofSeconds(5), token);
  }

  private static int shadowPush(String tenant) throws Exception {
    return rls.push("/shadow/api/v1/push", tenant).statusCode();
  }

  @Test
  void readsTheOverviewTheRealRlsWrites() throws IOException {
    RlsClient c = client(null);
    assertThat(c.healthy()).isTrue();
    Overview o = c.overview();
    assertThat(o.windows()).containsOnlyKeys("1m", "5m", "1h");
    Window w = o.windows().get("5m");
    assertThat(w.seconds()).isEqualTo(300);
    assertThat(w.requests()).isEqualTo(5);
    assertThat(w.allowed()).isEqualTo(3);
    assertThat(w.shadowDenied()).isEqualTo(2);
    assertThat(w.shadowDeniedByReason()).containsEntry("ingestion_rate", 2L);
    assertThat(w.deniedTotal()).isZero();
    assertThat(w.errors()).isZero();
    assertThat(w.latency().p99Ms()).isNotNull().isPositive();
    assertThat(o.doors()).containsKey("shadow");
    assertThat(o.rollout().phase()).isEqualTo("direct");

    Readings r = new RlsOverviewSource(c).read(Duration.ofMinutes(5));
    assertThat(r.requests()).isEqualTo(5.0);
    assertThat(r.errorRate()).isEqualTo(0.0);
    assertThat(r.denyRate()).isEqualTo(0.4);
    assertThat(r.latencyP99Seconds()).isEqualTo(w.latency().p99Ms() / 1000.0);

    assertThat(c.tenants()).contains(ROOMY, TIGHT);
  }

  @Test
  void gatesAndStatusReadTheRealRls() throws IOException {
    Path state = Files.createDirectories(work.resolve("state"));
    Files.writeString(
        state.resolve("state.json"),
        "{\"phase\":\"canary-50\",\"splitBy\":\"tenant\",\"since\":\"2024-01-01T00:00:00Z\","
            + "\"by\":\"t\"}");
    Path nginxConf = Files.writeString(work.resolve("nginx.conf"), "# not applied\n");
    Path conf =
        Files.writeString(
            work.resolve("edgectl.yaml"),
            """
            upstreams:
              distributor: ["127.0.0.1:1"]
              rlsPassThrough: ["127.0.0.1:2"]
              rlsShadow: ["127.0.0.1:%d"]
            rls:
              url: %s
            gates:
              minRequests: 5
              maxDenyRate: 0.5
              # the first decisions of a cold JVM: this test is about the contract, not the speed
              maxAddedLatencyP99: 60s
            target:
              local:
                config: %s
                stateDir: %s
            """
                .formatted(rls.port(), base(), nginxConf, state));
    Environment env =
        new Environment(
            Map.of("EDGECTL_USER", "op"),
            Clock.systemUTC(),
            Sleeper.REAL,
            Environment::defaultHttp,
            () -> null);

    Cli.Run gates = Cli.run(env, "-c", conf.toString(), "gates");
    assertThat(gates.code()).as(gates.toString()).isZero();
    assertThat(gates.out())
        .contains("requests", "5", ">= 5 in 5m")
        .contains("error-rate", "0.000%")
        .contains("added-latency-p99", "< 1m")
        .contains("deny-rate", "40.000%", "<= 50.00%")
        .contains("all gates pass");

    Cli.Run status = Cli.run(env, "-c", conf.toString(), "status", "--json");
    assertThat(status.code()).as(status.toString()).isZero();
    assertThat(status.out())
        .contains("\"rlsMode\" : \"enforce\"")
        .contains("\"rlsRequests5m\" : 5")
        .contains("\"tenantsKnown\" : 2");
  }

  @Test
  void changingTheRolloutNeedsTheAdminToken() throws Exception {
    assertThatThrownBy(() -> client(null).putRollout(Phase.canary(25), SplitBy.REQUEST, null, null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("answered 401")
        .hasMessageContaining("EDGECTL_RLS_ADMIN_TOKEN");
    assertThatThrownBy(
            () ->
                client("not-the-token-0123456789")
                    .putRollout(Phase.FULL, SplitBy.TENANT, null, null))
        .hasMessageContaining("answered 401");
    assertThat(client(null).overview().rollout().phase()).isEqualTo("direct");

    try {
      RolloutEvent event =
          new RolloutEvent(
              "2026-01-01T00:00:00Z", "ops", "promote", "direct", "canary-25", "applied", null);
      GateThresholds gates = new GateThresholds("5m", 100, 0.001, 10, 0.05, 3);
      client(TOKEN).putRollout(Phase.canary(25), SplitBy.REQUEST, event, gates);
      RolloutStatus status =
          new ObjectMapper()
              .readValue(
                  HTTP.send(
                          HttpRequest.newBuilder(URI.create(base() + "/api/rollout/status"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body(),
                  RolloutStatus.class);
      assertThat(status.history().get(0)).isEqualTo(event);
      assertThat(status.gates()).isEqualTo(gates);
      assertThat(status.rollout().phase()).isEqualTo("canary");
      assertThat(status.tenantsEnforced()).isEqualTo(status.tenantsKnown()); // request split
      RolloutView r = client(null).overview().rollout();
      assertThat(r.phase()).isEqualTo("canary");
      assertThat(r.percent()).isEqualTo(25);
      assertThat(r.splitBy()).isEqualTo("request");
      assertThat(r.fraction()).isEqualTo(0.25);
      assertThat(r.updatedBy()).contains("127.0.0.1");
    } finally {
      client(TOKEN).putRollout(Phase.DIRECT, SplitBy.TENANT, null, null);
    }
    assertThat(client(null).overview().rollout().phase()).isEqualTo("direct");
  }
}
