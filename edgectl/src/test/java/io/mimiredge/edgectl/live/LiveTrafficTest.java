package io.mimiredge.edgectl.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mimiredge.api.rollout.TenantSplit;
import io.mimiredge.edgectl.support.Cli;
import io.mimiredge.edgectl.support.LocalEdge;
import io.mimiredge.edgectl.support.Traffic;
import io.mimiredge.testsupport.Await;
import io.mimiredge.testsupport.StubUpstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Remote writes through a real NGINX, each phase applied by {@code edgectl promote}, counted per
 * tenant at stub upstreams.
 */
class LiveTrafficTest {
  static final int TENANTS = 1000;
  static final String PUSH = "/api/v1/push";
  static final String OTLP = "/otlp/v1/metrics";

  @Test
  void directSendsEverythingToTheDistributor() {
    try (LocalEdge edge = LocalEdge.start("direct")) {
      Cli.Run validate = edge.edgectl("validate");
      assertThat(validate.code()).as(validate.toString()).isZero();
      assertThat(validate.out()).contains("full         ok (nginx -t)");
      send(edge, 50, 4, "direct");
      assertThat(edge.distributor.count()).isEqualTo(200);
      assertThat(edge.enforce.count()).isZero();
      assertThat(edge.rls.server().count()).isZero();
    }
  }

  /**
   * A client that sends the tenant header twice: NGINX passes both on, in order, as Mimir would
   * have received them directly (it takes the first), in the direct phase and through enforcement.
   */
  @ParameterizedTest
  @ValueSource(strings = {"direct", "full"})
  void aTenantHeaderSentTwiceReachesTheUpstreamAsSent(String phase) {
    try (LocalEdge edge = LocalEdge.start(phase)) {
      if (phase.equals("full")) {
        promote(edge, phase);
      }
      Traffic.Result r =
          Traffic.pushWithHeaders(
              edge.port,
              "X-Scope-OrgID: team-a\r\nX-Scope-OrgID: team-b",
              "twice",
              "x".getBytes(StandardCharsets.UTF_8));
      assertThat(r.status()).isEqualTo(200);
      StubUpstream upstream = phase.equals("direct") ? edge.distributor : edge.enforce;
      StubUpstream.Received received = upstream.received().get(0);
      assertThat(
              received.headers().entrySet().stream()
                  .filter(e -> e.getKey().equalsIgnoreCase("X-Scope-OrgID"))
                  .flatMap(e -> e.getValue().stream())
                  .toList())
          .containsExactly("team-a", "team-b");
    }
  }

  /** A header line of 100 KiB passes NGINX as it would reach Mimir directly (Go reads 1 MiB). */
  @Test
  void aHeaderLineOfAHundredKibibytesPassesToTheDistributor() {
    try (LocalEdge edge = LocalEdge.start("direct")) {
      String big = "t".repeat(100 * 1024);
      Traffic.Result r =
          Traffic.pushWithHeaders(
              edge.port,
              "X-Scope-OrgID: team-a\r\nX-Big: " + big,
              "big",
              "x".getBytes(StandardCharsets.UTF_8));
      assertThat(r.status()).isEqualTo(200);
      assertThat(edge.distributor.received().get(0).header("X-Big")).isEqualTo(big);
    }
  }

  @Test
  void mirrorSendsEachRequestToTheDistributorExactlyOnceAndACopyToTheShadow() throws Exception {
    try (LocalEdge edge = LocalEdge.start("mirror")) {
      promote(edge, "mirror");
      int sent = send(edge, 40, 5, "mirror");
      Await.await(
          "every copy at the shadow door",
          () -> edge.rls.server().count() >= sent,
          Duration.ofSeconds(5));
      List<StubUpstream.Received> atDistributor = edge.distributor.received();
      assertThat(atDistributor).hasSize(sent);
      assertThat(atDistributor.stream().map(s -> s.header("X-Seq")).collect(Collectors.toSet()))
          .as("no request reached the distributor twice")
          .hasSize(sent);
      List<StubUpstream.Received> copies = edge.rls.server().received();
      assertThat(copies).hasSize(sent);
      for (StubUpstream.Received c : copies) {
        assertThat(c.path()).isEqualTo("/shadow/api/v1/push");
        assertThat(c.method()).isEqualTo("POST");
        assertThat(c.tenant()).isNotBlank();
        assertThat(new String(c.body(), StandardCharsets.UTF_8))
            .isEqualTo(body(c.tenant(), c.header("X-Seq")));
      }
      assertThat(copies.stream().map(s -> s.header("X-Seq")).collect(Collectors.toSet()))
          .hasSize(sent);
      assertThat(edge.enforce.count()).isZero();
      Thread.sleep(300); // nothing arrives late at the distributor either
      assertThat(edge.distributor.count()).isEqualTo(sent);
    }
  }

  @ParameterizedTest(name = "canary {0} by tenant")
  @ValueSource(ints = {10, 25, 50})
  void canaryByTenantEnforcesTheShareOfTenantsEachTenantWhollyOneSide(int percent) {
    try (LocalEdge edge = LocalEdge.start("canary" + percent)) {
      promote(edge, "canary-" + percent);
      send(edge, TENANTS, 2, "canary-" + percent);
      Map<String, Integer> enforced = edge.enforce.perTenant();
      Map<String, Integer> direct = edge.distributor.perTenant();
      Set<String> both = new HashSet<>(enforced.keySet());
      both.retainAll(direct.keySet());
      assertThat(both).as("tenants split across both sides").isEmpty();
      assertThat(enforced.size() + direct.size()).isEqualTo(TENANTS);
      double share = (double) enforced.size() / TENANTS;
      assertThat(share).isCloseTo(percent / 100.0, within(0.05));
      List<String> ids = new ArrayList<>();
      for (int t = 0; t < TENANTS; t++) {
        ids.add(tenant(t));
      }
      edge.rls.tenants(ids);
      Cli.Run status = edge.edgectl("status", "--json");
      assertThat(status.out())
          .contains("\"tenantsEnforced\" : " + enforced.size() + ",")
          .contains("\"nginxReports\" : \"canary-" + percent + "\"");
      // edgectl's own split_clients computation (used by `status`) agrees with NGINX per tenant
      for (int t = 0; t < TENANTS; t++) {
        String tenant = tenant(t);
        assertThat(enforced.containsKey(tenant))
            .as("tenant %s enforced", tenant)
            .isEqualTo(TenantSplit.enforced(tenant, percent));
      }
    }
  }

  @Test
  void canaryByRequestEnforcesTheShareOfRequests() {
    try (LocalEdge edge = LocalEdge.start("byrequest", "splitBy: request\n")) {
      // before anything is applied, status says the split the config will apply
      assertThat(edge.edgectl("status", "--json").out()).contains("\"splitBy\" : \"request\"");
      promote(edge, "canary-25");
      int sent = send(edge, 20, 100, "canary-25");
      double share = (double) edge.enforce.count() / sent;
      assertThat(edge.enforce.count() + edge.distributor.count()).isEqualTo(sent);
      assertThat(share).isCloseTo(0.25, within(0.04));
      assertThat(edge.rls.rollouts())
          .last()
          .asString()
          .contains("\"splitBy\":\"request\"")
          .contains("\"percent\":25");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {PUSH, OTLP})
  void canaryByTenantMirrorsExactlyTheDirectTenantsWritesToTheShadowDoor(String path) {
    try (LocalEdge edge = LocalEdge.start("canarymirror")) {
      promote(edge, "canary-50");
      int tenants = 60;
      int sent = send(edge, path, tenants, 3, "canary-50");
      Map<String, Integer> enforced = perTenant(edge.enforce.received(path));
      Map<String, Integer> direct = perTenant(edge.distributor.received(path));
      assertThat(enforced).as("tenants enforced").isNotEmpty();
      assertThat(direct).as("tenants direct").isNotEmpty();
      assertThat(enforced.keySet())
          .as("tenants split across both sides")
          .doesNotContainAnyElementsOf(direct.keySet());
      assertThat(enforced.size() + direct.size()).isEqualTo(tenants);
      List<StubUpstream.Received> copies = awaitCopies(edge, path);
      assertThat(perTenant(copies))
          .as("shadow copies per tenant: each direct tenant's writes, no enforced tenant's")
          .isEqualTo(direct);
      assertCopiesAreExactlyTheDirectWrites(edge, path, copies, sent);
    }
  }

  /**
   * A request split copies nothing: the shadow door decides on the buckets that enforce the
   * tenant's other requests. Each write is answered only once NGINX has closed its connection,
   * after any mirror subrequest, so a copy would be in by now.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {PUSH, OTLP})
  void canaryByRequestSendsNoCopyToTheShadowDoor(String path) {
    try (LocalEdge edge = LocalEdge.start("requestmirror", "splitBy: request\n")) {
      promote(edge, "canary-50");
      int sent = send(edge, path, 20, 10, "canary-50");
      assertThat(edge.enforce.received(path)).as("requests enforced").isNotEmpty();
      assertThat(edge.distributor.received(path)).as("requests direct").isNotEmpty();
      assertThat(edge.enforce.count() + edge.distributor.count()).isEqualTo(sent);
      assertThat(edge.rls.server().received()).as("copies at the shadow door").isEmpty();
    }
  }

  /**
   * A shadow door that is down (connection refused) costs no write: each is answered 200 and
   * delivered exactly once, to the distributor or through enforcement.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mirror", "canary-50"})
  void aShadowDoorThatIsDownFailsNoWrite(String phase) {
    try (LocalEdge edge = LocalEdge.start("shadowdown")) {
      promote(edge, phase);
      edge.rls.close(); // the shadow door is gone; edgectl is not asked for anything any more
      int sent = send(edge, PUSH, 40, 2, phase); // every one answered 200
      Map<String, Integer> delivered = new HashMap<>();
      for (StubUpstream u : List.of(edge.distributor, edge.enforce)) {
        for (StubUpstream.Received r : u.received(PUSH)) {
          delivered.merge(r.header("X-Seq"), 1, Integer::sum);
        }
      }
      assertThat(delivered).hasSize(sent).allSatisfy((seq, n) -> assertThat(n).isOne());
      if (phase.equals("mirror")) {
        assertThat(edge.distributor.received(PUSH)).hasSize(sent);
      } else {
        assertThat(edge.enforce.received(PUSH)).isNotEmpty();
        assertThat(edge.distributor.received(PUSH)).isNotEmpty();
      }
    }
  }

  @Test
  void canaryByTenantSplitsOnTheBasicAuthUserWhenThatIsTheTenant() throws Exception {
    try (LocalEdge edge =
        LocalEdge.start("basicauth", "", null, "", "  tenantFrom: basicAuthUser\n")) {
      promote(edge, "mirror");
      promote(edge, "canary-50");
      assertThat(java.nio.file.Files.readString(edge.nginxConf))
          .contains("split_clients \"${remote_user}\"")
          .contains("tenant=\"$remote_user\"");
      int enforced = 0;
      for (int t = 0; t < 200; t++) {
        String user = tenant(t);
        String first = null;
        for (int r = 0; r < 2; r++) {
          Traffic.Result res =
              Traffic.pushAs(
                  edge.port, user, r + "-" + t, body(user, "b").getBytes(StandardCharsets.UTF_8));
          assertThat(res.status()).isEqualTo(200);
          first = first == null ? res.route() : first;
          assertThat(res.route()).as("%s wholly one side", user).isEqualTo(first);
        }
        // the split the RLS' preview and edgectl's status compute, on the same user name
        assertThat("enforce".equals(first)).as(user).isEqualTo(TenantSplit.enforced(user, 50));
        enforced += "enforce".equals(first) ? 1 : 0;
      }
      assertThat(enforced).isBetween(70, 130);
    }
  }

  @Test
  void fullSendsEverythingThroughEnforcement() {
    try (LocalEdge edge = LocalEdge.start("full")) {
      promote(edge, "full");
      int sent = send(edge, 50, 4, "full");
      assertThat(edge.enforce.count()).isEqualTo(sent);
      assertThat(edge.distributor.count()).isZero();
      assertThat(edge.enforce.received())
          .allSatisfy(s -> assertThat(s.tenant()).startsWith("tenant-"));
    }
  }

  static void promote(LocalEdge edge, String phase) {
    Cli.Run r = edge.edgectl("promote", "--to", phase);
    assertThat(r.code()).as(r.toString()).isZero();
    edge.nginx().awaitWorkers(1);
    edge.resetCounts();
  }

  /** Sends {@code perTenant} writes for each of {@code tenants} tenants; every one must be 200. */
  static int send(LocalEdge edge, int tenants, int perTenant, String phase) {
    return send(edge, PUSH, tenants, perTenant, phase);
  }

  /** As {@link #send(LocalEdge, int, int, String)}, on the write path {@code path}. */
  static int send(LocalEdge edge, String path, int tenants, int perTenant, String phase) {
    int n = 0;
    for (int r = 0; r < perTenant; r++) {
      for (int t = 0; t < tenants; t++) {
        String seq = r + "-" + t;
        Traffic.Result res =
            Traffic.post(
                edge.port,
                path,
                tenant(t),
                seq,
                body(tenant(t), seq).getBytes(StandardCharsets.UTF_8));
        assertThat(res.status()).as("request %s", seq).isEqualTo(200);
        assertThat(res.phase()).isEqualTo(phase);
        n++;
      }
    }
    return n;
  }

  /**
   * The copies at the shadow door of {@code path}. Each write is sent on its own connection, which
   * NGINX closes only once the request's mirror subrequest has ended, so every copy is in when the
   * last write is answered; the wait only guards against a slow stub.
   */
  static List<StubUpstream.Received> awaitCopies(LocalEdge edge, String path) {
    int direct = edge.distributor.received(path).size();
    Await.await(
        "a copy of each direct write at the shadow door",
        () -> edge.rls.server().received("/shadow" + path).size() >= direct,
        Duration.ofSeconds(5));
    return edge.rls.server().received("/shadow" + path);
  }

  /**
   * The copies are exactly the writes routed to the distributor (none of those routed through
   * enforcement), each with its body and with the X-Request-ID the routed write had: the mirror's
   * subrequest sees the request's own {@code $request_id}, so the split it is checked against is
   * the one that routed the request.
   */
  static void assertCopiesAreExactlyTheDirectWrites(
      LocalEdge edge, String path, List<StubUpstream.Received> copies, int sent) {
    Map<String, String> direct = requestIds(edge.distributor.received(path));
    Map<String, String> enforced = requestIds(edge.enforce.received(path));
    assertThat(direct.size() + enforced.size()).as("every write routed once").isEqualTo(sent);
    assertThat(enforced.keySet()).doesNotContainAnyElementsOf(direct.keySet());
    assertThat(requestIds(copies))
        .as("the copies by X-Seq, with their X-Request-ID: the direct writes'")
        .hasSize(copies.size())
        .isEqualTo(direct);
    for (StubUpstream.Received c : copies) {
      assertThat(c.method()).isEqualTo("POST");
      assertThat(new String(c.body(), StandardCharsets.UTF_8))
          .isEqualTo(body(c.tenant(), c.header("X-Seq")));
    }
  }

  /** X-Seq to X-Request-ID of each request (a seq seen twice would shrink the map). */
  static Map<String, String> requestIds(List<StubUpstream.Received> received) {
    Map<String, String> ids = new HashMap<>();
    for (StubUpstream.Received r : received) {
      ids.put(r.header("X-Seq"), r.header("X-Request-ID"));
    }
    return ids;
  }

  static Map<String, Integer> perTenant(List<StubUpstream.Received> received) {
    Map<String, Integer> m = new HashMap<>();
    received.forEach(r -> m.merge(r.tenant(), 1, Integer::sum));
    return m;
  }

  static String tenant(int t) {
    return String.format("tenant-%04d", t);
  }

  static String body(String tenant, String seq) {
    return "write " + tenant + " " + seq;
  }
}
