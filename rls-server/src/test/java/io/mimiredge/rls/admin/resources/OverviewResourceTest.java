package io.mimiredge.rls.admin.resources;

import static io.mimiredge.rls.admin.Decisions.allow;
import static io.mimiredge.rls.admin.Decisions.deny;
import static io.mimiredge.rls.admin.Decisions.shadowDeny;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Reason;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DropwizardExtensionsSupport.class)
class OverviewResourceTest {
  private final AdminFixture f = new AdminFixture(AdminFixture.TOKEN);

  @SuppressWarnings("unused")
  private final io.dropwizard.testing.junit5.ResourceExtension resources = f.resources;

  /** The fields edgectl's gates read (edgectl's rls.Overview), declared here independently. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record EdgectlOverview(String mode, Map<String, EdgectlWindow> windows) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record EdgectlWindow(
      Long requests,
      Long allowed,
      Map<String, Long> denied,
      Long shadowDenied,
      Long errors,
      EdgectlLatency latency) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record EdgectlLatency(Double p50Ms, Double p99Ms) {}

  @Test
  void countsOverEachWindowAcrossBoundaries() {
    f.api.recorder().record(Door.HTTP_PUSH, allow("a", 100), 200_000); // t = 0
    f.time.advanceSeconds(120); // t = 2 min
    f.api.recorder().record(Door.HTTP_PUSH, deny("a", Reason.INGESTION_RATE, 50, "m"), 200_000);
    f.api.recorder().record(Door.SHADOW, shadowDeny("b", Reason.REQUEST_RATE, 5), 200_000);
    f.time.advanceSeconds(30); // t = 2.5 min
    f.api.recorder().record(Door.EXT_AUTHZ, allow("b", 10), 200_000);
    f.api.traffic().recordError(Door.HTTP_PUSH);
    f.time.advanceSeconds(40); // t = 3 min 10 s: the two at 2 min are out of 1m

    JsonNode o = f.get("/api/overview");
    JsonNode m1 = o.at("/windows/1m");
    assertThat(m1.get("seconds").asLong()).isEqualTo(60);
    assertThat(m1.get("requests").asLong()).isEqualTo(1);
    assertThat(m1.get("allowed").asLong()).isEqualTo(1);
    assertThat(m1.get("deniedTotal").asLong()).isZero();
    assertThat(m1.get("errors").asLong()).isEqualTo(1);

    JsonNode m5 = o.at("/windows/5m");
    assertThat(m5.get("requests").asLong()).isEqualTo(4);
    assertThat(m5.get("allowed").asLong()).isEqualTo(2);
    assertThat(m5.get("denied").get("ingestion_rate").asLong()).isEqualTo(1);
    assertThat(m5.get("deniedTotal").asLong()).isEqualTo(1);
    assertThat(m5.get("shadowDenied").asLong()).isEqualTo(1);
    assertThat(m5.get("shadowDeniedByReason").get("request_rate").asLong()).isEqualTo(1);
    assertThat(m5.get("items").asLong()).isEqualTo(165);
    assertThat(m5.at("/latency/p50Ms").asDouble()).isCloseTo(0.2, within(0.2 * 0.07));
    assertThat(m5.at("/latency/p99Ms").asDouble()).isCloseTo(0.2, within(0.2 * 0.07));
    assertThat(m5.at("/latency/count").asLong()).isEqualTo(4);

    f.time.advanceSeconds(150); // t = 5 min 40 s: the first one is out of 5m, not of 1h
    JsonNode later = f.get("/api/overview");
    assertThat(later.at("/windows/5m/requests").asLong()).isEqualTo(3);
    assertThat(later.at("/windows/1h/requests").asLong()).isEqualTo(4);

    JsonNode push = later.at("/doors/http_push/1h");
    assertThat(push.get("requests").asLong()).isEqualTo(2);
    assertThat(push.get("errors").asLong()).isEqualTo(1);
    assertThat(later.at("/doors/shadow/1h/shadowDenied").asLong()).isEqualTo(1);
    assertThat(later.at("/doors/ratelimit/1h/requests").asLong()).isZero();
  }

  @Test
  void countsTheScannedRequestsByWriteProtocol() {
    var v1 = io.mimiredge.rls.remotewrite.WriteRequestStats.ofValidSamples(10, 100, 1, 7);
    var v2 =
        io.mimiredge.rls.testing.Stats.as(
            v1, io.mimiredge.rls.remotewrite.Protocol.RW2, v1.compressedBytes(), 100);
    f.api.recorder().record(Door.HTTP_PUSH, scanned(v1), 1);
    f.api.recorder().record(Door.HTTP_PUSH, scanned(v2), 1);
    f.api.recorder().record(Door.HTTP_PUSH, scanned(v2), 1);
    f.api.recorder().record(Door.HTTP_PUSH, allow("a", 3), 1); // not scanned: no protocol

    JsonNode o = f.get("/api/overview");
    assertThat(o.at("/protocols/rw1/5m/requests").asLong()).isEqualTo(1);
    assertThat(o.at("/protocols/rw2/5m/requests").asLong()).isEqualTo(2);
    assertThat(o.at("/protocols/rw2/5m/items").asLong()).isEqualTo(14);
    assertThat(o.at("/windows/5m/requests").asLong()).isEqualTo(4);
  }

  private static io.mimiredge.rls.enforce.Decision scanned(
      io.mimiredge.rls.remotewrite.WriteRequestStats s) {
    return new io.mimiredge.rls.enforce.Decision(
        io.mimiredge.rls.enforce.Verdict.ALLOW,
        Reason.ALLOWED,
        200,
        "",
        null,
        io.mimiredge.rls.limits.Mode.ENFORCE,
        s.items(),
        s,
        "a");
  }

  @Test
  void withoutTrafficLatencyIsNullNotNaN() {
    JsonNode o = f.get("/api/overview");
    assertThat(o.at("/windows/5m/requests").asLong()).isZero();
    assertThat(o.at("/windows/5m/latency/p99Ms").isNull()).isTrue();
  }

  @Test
  void showsModeRolloutAndBusiestTenants() {
    f.rollout.set(Phase.canary(25), SplitBy.REQUEST, "ops");
    f.api.recorder().record(Door.HTTP_PUSH, allow("busy", 1000), 1);
    f.api.recorder().record(Door.HTTP_PUSH, allow("quiet", 1), 1);
    JsonNode o = f.get("/api/overview");
    assertThat(o.get("mode").asText()).isEqualTo("enforce");
    assertThat(o.at("/rollout/phase").asText()).isEqualTo("canary");
    assertThat(o.at("/rollout/percent").asInt()).isEqualTo(25);
    assertThat(o.at("/rollout/splitBy").asText()).isEqualTo("request");
    assertThat(o.at("/rollout/fraction").asDouble()).isEqualTo(0.25);
    assertThat(o.at("/topTenants/0/id").asText()).isEqualTo("busy");
    assertThat(o.at("/tenants/tracked").asInt()).isEqualTo(2);
    assertThat(o.at("/tenants/max").asInt()).isEqualTo(10_000);
    assertThat(o.get("generatedAt").asText()).isEqualTo("2025-01-31T12:00:00.000Z");
  }

  @Test
  void readsAsEdgectlReadsIt() throws Exception {
    f.api.recorder().record(Door.HTTP_PUSH, allow("a", 10), 3_000_000);
    f.api.recorder().record(Door.HTTP_PUSH, deny("a", Reason.INGESTION_RATE, 10, "m"), 3_000_000);
    f.api.recorder().record(Door.SHADOW, shadowDeny("a", Reason.INGESTION_RATE, 10), 3_000_000);
    String body = f.request("/api/overview").get(String.class);
    EdgectlOverview o = new ObjectMapper().readValue(body, EdgectlOverview.class);
    assertThat(o.mode()).isEqualTo("enforce");
    assertThat(o.windows()).containsKeys("1m", "5m", "1h");
    EdgectlWindow w = o.windows().get("5m");
    assertThat(w.requests()).isEqualTo(3);
    assertThat(w.allowed()).isEqualTo(1);
    assertThat(w.denied()).containsExactlyEntriesOf(Map.of("ingestion_rate", 1L));
    assertThat(w.shadowDenied()).isEqualTo(1);
    assertThat(w.errors()).isZero();
    assertThat(w.latency().p99Ms()).isCloseTo(3.0, within(3.0 * 0.07));
  }
}
