package io.mimiredge.edgectl.live;

import static io.mimiredge.edgectl.live.LiveTrafficTest.promote;
import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.api.rollout.TenantSplit;
import io.mimiredge.edgectl.support.LocalEdge;
import io.mimiredge.testsupport.Await;
import io.mimiredge.testsupport.StubUpstream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OTLP, Mimir's other write path, through a real NGINX under edgectl: the OpenTelemetry Java SDK
 * (OTLP/HTTP, protobuf, gzip on and off) sends to {@code /otlp/v1/metrics}, and each phase routes
 * it as it routes remote write: direct to the distributor, mirrored to the RLS's OTLP shadow door,
 * split by tenant (the direct share still mirrored), or wholly through enforcement. No write path
 * goes around the phase.
 */
class OtlpRoutingTest {
  static final String OTLP = "/otlp/v1/metrics";

  /** One export from the SDK for {@code tenant}, which must succeed (a 2xx from NGINX). */
  static void export(LocalEdge edge, String tenant, boolean gzip) {
    assertThat(RealRlsTest.exportOtlp(edge, tenant, gzip).isSuccess())
        .as("the SDK's export for %s (a 2xx from NGINX)", tenant)
        .isTrue();
  }

  static String tenant(int t) {
    return String.format("otel-%03d", t);
  }

  static void sendAll(LocalEdge edge, int tenants) {
    for (int t = 0; t < tenants; t++) {
      export(edge, tenant(t), t % 2 == 0);
    }
  }

  static List<StubUpstream.Received> otlp(StubUpstream u, String path) {
    return u.received(path);
  }

  @Test
  void everyPhaseRoutesOtlpAsItRoutesRemoteWrite() throws Exception {
    try (LocalEdge edge = LocalEdge.start("otlp")) {
      // direct: to the distributor, untouched
      sendAll(edge, 4);
      assertThat(otlp(edge.distributor, OTLP))
          .hasSize(4)
          .allSatisfy(s -> assertThat(s.header("X-Edge-Phase")).isEqualTo("direct"));
      assertThat(edge.enforce.count()).isZero();

      // mirror: to the distributor, and a copy of each to the RLS's OTLP shadow door
      promote(edge, "mirror");
      sendAll(edge, 4);
      Await.await(
          "4 OTLP copies at the shadow door",
          () -> edge.rls.server().received("/shadow/otlp/v1/metrics").size() >= 4,
          Duration.ofSeconds(5));
      List<StubUpstream.Received> direct = otlp(edge.distributor, OTLP);
      List<StubUpstream.Received> copies = edge.rls.server().received("/shadow/otlp/v1/metrics");
      assertThat(direct).hasSize(4);
      assertThat(copies).hasSize(4);
      assertThat(copies.stream().map(StubUpstream.Received::tenant))
          .containsExactlyInAnyOrderElementsOf(
              direct.stream().map(StubUpstream.Received::tenant).toList());
      for (StubUpstream.Received c : copies) {
        StubUpstream.Received d =
            direct.stream().filter(x -> x.tenant().equals(c.tenant())).findFirst().orElseThrow();
        assertThat(c.body())
            .as("the mirrored body is the distributor's, byte for byte")
            .isEqualTo(d.body());
      }
      assertThat(edge.enforce.count()).isZero();

      // canary by tenant: each tenant wholly on the side edgectl's split puts it, and a copy of
      // each direct tenant's export (only theirs) at the OTLP shadow door
      promote(edge, "canary-50");
      int tenants = 24;
      sendAll(edge, tenants);
      for (int t = 0; t < tenants; t++) {
        String id = tenant(t);
        boolean enforced = TenantSplit.enforced(id, 50);
        assertThat(edge.enforce.received(OTLP).stream().anyMatch(s -> s.tenant().equals(id)))
            .as("%s enforced", id)
            .isEqualTo(enforced);
        assertThat(edge.distributor.received(OTLP).stream().anyMatch(s -> s.tenant().equals(id)))
            .as("%s direct", id)
            .isEqualTo(!enforced);
        assertThat(
                edge.rls.server().received("/shadow/otlp/v1/metrics").stream()
                    .filter(s -> s.tenant().equals(id))
                    .count())
            .as("%s copies at the shadow door", id)
            .isEqualTo(enforced ? 0 : 1);
      }

      // full: every OTLP push through enforcement, none straight to the distributor
      promote(edge, "full");
      sendAll(edge, 4);
      assertThat(otlp(edge.enforce, OTLP))
          .hasSize(4)
          .allSatisfy(s -> assertThat(s.header("X-Edge-Phase")).isEqualTo("full"));
      assertThat(edge.distributor.count()).isZero();
    }
  }
}
