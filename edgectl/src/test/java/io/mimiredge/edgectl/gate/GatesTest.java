package io.mimiredge.edgectl.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.api.admin.RolloutPreview;
import io.mimiredge.edgectl.cli.Environment;
import io.mimiredge.edgectl.rollout.Sleeper;
import io.mimiredge.edgectl.support.Cli;
import io.mimiredge.edgectl.support.LocalEdge;
import io.mimiredge.edgectl.support.Rls;
import io.mimiredge.edgectl.support.Traffic;
import io.mimiredge.testsupport.StubUpstream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gates against stub RLS and Prometheus HTTP servers. */
class GatesTest {
  @TempDir Path dir;

  /** A config whose target state says {@code phase}; no NGINX is touched when gates block. */
  Path config(Rls rls, String prometheusUrl, String phase, String extraGates) throws IOException {
    Path state = Files.createDirectories(dir.resolve("state"));
    Files.writeString(
        state.resolve("state.json"),
        "{\"phase\":\""
            + phase
            + "\",\"splitBy\":\"tenant\",\"since\":\"2024-01-01T00:00:00Z\",\"by\":\"t\"}");
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, "# old\n");
    String yaml =
        "upstreams:\n"
            + "  distributor: [\"127.0.0.1:1\"]\n"
            + "  rlsPassThrough: [\"127.0.0.1:2\"]\n"
            + "  rlsShadow: [\""
            + (rls == null ? "127.0.0.1:3" : rls.hostPort())
            + "\"]\n"
            + (rls == null ? "" : "rls:\n  url: " + rls.url() + "\n")
            + (prometheusUrl == null ? "" : "prometheus:\n  url: " + prometheusUrl + "\n")
            + "gates:\n  minRequests: 100\n  maxDenyRate: 0.05\n"
            + extraGates
            + "target:\n  local:\n    config: "
            + conf
            + "\n    stateDir: "
            + state
            + "\n";
    Path f = dir.resolve("edgectl.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  static Environment env() {
    return new Environment(
        Map.of("EDGECTL_USER", "op"),
        Clock.systemUTC(),
        Sleeper.REAL,
        Environment::defaultHttp,
        () -> null);
  }

  @Test
  void gatesPrintEachGateReadingThresholdAndVerdict() throws IOException {
    try (Rls rls = new Rls()) {
      Path c = config(rls, null, "mirror", "");
      Cli.Run r = Cli.run(env(), "-c", c.toString(), "gates");
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out())
          .contains("requests", "10000", ">= 100 in 5m", "PASS")
          .contains("error-rate", "0.000%", "< 0.100%")
          .contains("added-latency-p99", "2.00ms", "< 10ms")
          .contains("deny-rate", "1.000%", "<= 5.00%")
          .contains("all gates pass");
      Cli.Run json = Cli.run(env(), "-c", c.toString(), "gates", "--json");
      assertThat(json.out())
          .contains("\"passed\" : true")
          .contains("\"gate\" : \"added-latency-p99\"");
    }
  }

  @Test
  void aFailingGateBlocksPromoteWithExit3AndChangesNothing() throws IOException {
    try (Rls rls = new Rls()) {
      rls.overview(10_000, 50, 2.0, 0); // 0.5 % errors
      Path c = config(rls, null, "mirror", "");
      Cli.Run r = Cli.run(env(), "-c", c.toString(), "promote");
      assertThat(r.code()).as(r.toString()).isEqualTo(3);
      assertThat(r.err()).contains("gates on mirror failed").contains("error-rate@rls=0.500%");
      assertThat(Files.readString(dir.resolve("nginx.conf"))).isEqualTo("# old\n");
      assertThat(Files.readString(dir.resolve("state/history.jsonl")))
          .contains("\"result\":\"blocked\"")
          .contains("\"to\":\"canary-10\"");
      rls.overview(10_000, 0, 25.0, 0);
      assertThat(Cli.run(env(), "-c", c.toString(), "promote").err())
          .contains("added-latency-p99@rls=25.00ms");
      rls.overview(10_000, 0, 1.0, 2_000);
      assertThat(Cli.run(env(), "-c", c.toString(), "promote").err())
          .contains("deny-rate@rls=20.000%");
    }
  }

  @Test
  void aBlockedPromotionTellsTheRlsWhatNginxRunsEvenWhenTheHistoryCannotBeWritten()
      throws IOException {
    try (Rls rls = new Rls()) {
      rls.overview(10_000, 50, 2.0, 0); // 0.5 % errors: blocked
      // the config now asks for a request split; the target runs canary 25 by tenant
      Path c = config(rls, null, "canary-25", "splitBy: request\n");
      Files.createDirectories(dir.resolve("state/history.jsonl")); // the history cannot be written
      Cli.Run r = Cli.run(env(), "-c", c.toString(), "promote");
      assertThat(r.code()).as(r.toString()).isNotZero();
      assertThat(r.err()).contains("cannot write history");
      assertThat(rls.rollouts())
          .last()
          .asString()
          .contains("\"phase\":\"canary\"", "\"percent\":25", "\"splitBy\":\"tenant\"")
          .contains("\"result\":\"blocked\"");
    }
  }

  @Test
  void noTrafficIsNotAPass() throws IOException {
    try (Rls rls = new Rls()) {
      rls.overview(0, 0, 0.0, 0);
      Path c = config(rls, null, "canary-25", "");
      Cli.Run r = Cli.run(env(), "-c", c.toString(), "gates");
      assertThat(r.code()).isEqualTo(3);
      assertThat(r.out()).contains("requests", "0", "FAIL").contains("error-rate", "no data");
      assertThat(Cli.run(env(), "-c", c.toString(), "promote").code()).isEqualTo(3);
    }
  }

  @Test
  void anUnreachableSourceFailsItsGates() throws IOException {
    Path c = config(null, "http://127.0.0.1:1", "mirror", "");
    Cli.Run r = Cli.run(env(), "-c", c.toString(), "gates");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out()).contains("prometheus", "unreachable");
  }

  @Test
  void directToMirrorNeedsOnlyTheShadowEndpointHealthy() throws IOException {
    try (Rls rls = new Rls()) {
      rls.overview(0, 0, 0, 0); // no traffic yet: irrelevant on direct
      rls.health(503);
      Path c = config(rls, null, "direct", "");
      Cli.Run r = Cli.run(env(), "-c", c.toString(), "promote");
      assertThat(r.code()).as(r.toString()).isEqualTo(3);
      assertThat(r.err()).contains("shadow-health");
      Cli.Run g = Cli.run(env(), "-c", c.toString(), "gates");
      assertThat(g.out()).contains("shadow-health", "unhealthy", "shadow-upstream", "accepting");
    }
  }

  @Test
  void prometheusGatesUseTheDefaultRlsQueries() throws IOException {
    List<String> queries = new CopyOnWriteArrayList<>();
    {
      try (PromStub p = new PromStub(queries)) {
        Path c = config(null, p.url(), "canary-10", "");
        Cli.Run r = Cli.run(env(), "-c", c.toString(), "gates");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(queries)
            .anyMatch(q -> q.equals("sum(increase(rls_decisions_total[5m]))"))
            .anyMatch(
                q ->
                    q.contains("histogram_quantile(0.99")
                        && q.contains("rls_check_duration_seconds_bucket[5m]"))
            .anyMatch(q -> q.contains("rls_upstream_requests_total{code=~\"5..\"}[5m]"))
            .anyMatch(q -> q.contains("decision=~\"deny|shadow_deny\""));
        assertThat(r.out()).contains("prometheus").contains("5000").contains("1.50ms");
      }
    }
  }

  @Test
  void watchRollsBackOneRungWhenAGateTurnsBad() throws Exception {
    try (LocalEdge edge = LocalEdge.start("watch")) {
      assertThat(edge.edgectl("promote", "--to", "mirror").code()).isZero();
      AtomicInteger checks = new AtomicInteger();
      // healthy for the promote check and the first watch check, then 2 % errors
      edge.rls
          .server()
          .route(
              "/api/overview",
              s -> {
                int n = checks.incrementAndGet();
                return StubUpstream.Response.json(n <= 2 ? healthy() : errors());
              });
      Cli.Run r = edge.edgectl("promote", "--watch", "3s");
      assertThat(r.code()).as(r.toString()).isEqualTo(3);
      assertThat(r.out()).contains("promoted mirror -> canary 10");
      assertThat(r.err()).contains("rolled back to mirror").contains("error-rate@rls=2.000%");
      edge.nginx().awaitWorkers(1);
      assertThat(Traffic.push(edge.port, "t", "1", new byte[] {1}).phase()).isEqualTo("mirror");
      assertThat(edge.edgectl("history").out()).contains("watch-rollback").contains("rolled-back");
      assertThat(edge.rls.rollouts()).last().asString().contains("\"phase\":\"mirror\"");
    }
  }

  @Test
  void watchKeepsThePromotionWhenGatesHold() throws Exception {
    try (LocalEdge edge = LocalEdge.start("watchok")) {
      assertThat(edge.edgectl("promote", "--to", "mirror").code()).isZero();
      Cli.Run r = edge.edgectl("promote", "--watch", "500ms");
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out()).contains("gates held on canary 10");
      edge.nginx().awaitWorkers(1);
      assertThat(Traffic.push(edge.port, "t", "1", new byte[] {1}).phase()).isEqualTo("canary-10");
    }
  }

  private static RolloutPreview denying(int tenants) {
    List<RolloutPreview.Tenant> t = new java.util.ArrayList<>();
    for (int i = 0; i < tenants; i++) {
      t.add(
          new RolloutPreview.Tenant(
              "tenant-" + i,
              1,
              60,
              6000,
              30 - i,
              3000 - i,
              0.5,
              List.of(new RolloutPreview.Reason("ingestion_rate", 30 - i, 3000 - i))));
    }
    return new RolloutPreview("mirror", "canary-10", "tenant", "5m", 300, 20, tenants, false, t);
  }

  @Test
  void gatesShowWhoTheNextRungWouldStartDenyingTopTenAndAllInJson() throws IOException {
    try (Rls rls = new Rls()) {
      rls.preview(denying(12));
      Path c = config(rls, null, "mirror", "");
      Cli.Run r = Cli.run(env(), "-c", c.toString(), "gates");
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out())
          .contains("who canary-10 would start denying (mirror -> canary-10")
          .contains("12 of 20 tenants it reaches")
          .contains("tenant-0", "30.0", "3000.0", "50.0%", "ingestion_rate")
          .contains("tenant-9")
          .doesNotContain("tenant-10 ")
          .contains("... and 2 more (--json for all)");
      Cli.Run json = Cli.run(env(), "-c", c.toString(), "gates", "--json");
      assertThat(json.out()).contains("\"tenantsDenied\" : 12").contains("\"id\" : \"tenant-11\"");
    }
  }

  @Test
  void maxNewlyDeniedTenantsBlocksAPromotionThatWouldDenyMoreWithExit3() throws IOException {
    try (Rls rls = new Rls()) {
      rls.preview(denying(3));
      Path c = config(rls, null, "mirror", "  maxNewlyDeniedTenants: 2\n");
      Cli.Run r = Cli.run(env(), "-c", c.toString(), "promote");
      assertThat(r.code()).as(r.toString()).isEqualTo(3);
      assertThat(r.err())
          .contains("newly-denied-tenants@rls=3 of 20 at canary-10 (needs <= 2 tenants)");
      assertThat(Files.readString(dir.resolve("nginx.conf"))).isEqualTo("# old\n");
      rls.preview(denying(2));
      Cli.Run gates = Cli.run(env(), "-c", c.toString(), "gates");
      assertThat(gates.out()).contains("newly-denied-tenants", "2 of 20 at canary-10", "PASS");
    }
  }

  @Test
  void aDryRunShowsTheDiffThenWhoThePromotionWouldStartDenying() throws IOException {
    try (Rls rls = new Rls()) {
      rls.preview(denying(1));
      Path c = config(rls, null, "mirror", "");
      Cli.Run r = Cli.run(env(), "-c", c.toString(), "promote", "--dry-run");
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out())
          .contains("dry run: would promote mirror -> canary 10")
          .contains("who canary-10 would start denying")
          .contains("tenant-0");
      assertThat(r.out().indexOf("who canary-10")).isGreaterThan(r.out().indexOf("dry run"));
      assertThat(Files.readString(dir.resolve("nginx.conf"))).isEqualTo("# old\n");
    }
  }

  static String healthy() {
    return overview(10_000, 0);
  }

  static String errors() {
    return overview(10_000, 200);
  }

  static String overview(long requests, long errors) {
    return Rls.overviewJson(requests, errors, 1.0, 0, "5m");
  }

  static String vector(String v) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1700000000.0,\""
        + v
        + "\"]}]}}";
  }

  /** A Prometheus stub that answers by query text. */
  static final class PromStub implements AutoCloseable {
    private final com.sun.net.httpserver.HttpServer server;

    PromStub(List<String> queries) throws IOException {
      server =
          com.sun.net.httpserver.HttpServer.create(
              new java.net.InetSocketAddress("127.0.0.1", 0), 10);
      server.createContext(
          "/api/v1/query",
          ex -> {
            String q =
                URLDecoder.decode(
                    ex.getRequestURI().getRawQuery().substring("query=".length()),
                    StandardCharsets.UTF_8);
            queries.add(q);
            String v =
                q.startsWith("sum(increase")
                    ? "5000"
                    : q.startsWith("histogram_quantile") ? "0.0015" : "0.0001";
            byte[] b = vector(v).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
          });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
