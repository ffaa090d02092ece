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
    int n = 0;
    for (int r = 0; r < perTenant; r++) {
      for (int t = 0; t < tenants; t++) {
        String seq = r + "-" + t;
        Traffic.Result res =
            Traffic.push(
                edge.port, tenant(t), seq, body(tenant(t), seq).getBytes(StandardCharsets.UTF_8));
        assertThat(res.status()).as("request %s", seq).isEqualTo(200);
        assertThat(res.phase()).isEqualTo(phase);
        n++;
      }
    }
    return n;
  }

  static String tenant(int t) {
    return String.format("tenant-%04d", t);
  }

  static String body(String tenant, String seq) {
    return "write " + tenant + " " + seq;
  }
}
