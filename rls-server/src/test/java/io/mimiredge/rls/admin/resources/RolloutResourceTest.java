package io.mimiredge.rls.admin.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.rls.admin.AdminChange;
import io.mimiredge.rls.enforce.Verdict;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DropwizardExtensionsSupport.class)
class RolloutResourceTest {
  private final AdminFixture f = new AdminFixture(AdminFixture.TOKEN);

  @SuppressWarnings("unused")
  private final ResourceExtension resources = f.resources;

  private JsonNode put(String body) {
    try (Response r = f.authorized("/api/rollout").put(Entity.json(body))) {
      assertThat(r.getStatus()).as(body).isEqualTo(200);
      return r.readEntity(JsonNode.class);
    }
  }

  @Test
  void getShowsTheStartingRollout() {
    JsonNode r = f.get("/api/rollout");
    assertThat(r.get("phase").asText()).isEqualTo("direct");
    assertThat(r.get("percent").asInt()).isZero();
    assertThat(r.get("splitBy").asText()).isEqualTo("tenant");
    assertThat(r.get("fraction").asDouble()).isEqualTo(1.0);
    assertThat(r.get("updatedBy").asText()).isEqualTo("startup");
  }

  @Test
  void putAsEdgectlSendsIt() {
    f.time.advanceSeconds(30);
    JsonNode r = put("{\"phase\": \"mirror\", \"percent\": 0, \"splitBy\": \"tenant\"}");
    assertThat(r.get("phase").asText()).isEqualTo("mirror");
    assertThat(r.get("updatedAt").asText()).isEqualTo("2025-01-31T12:00:30.000Z");
    assertThat(f.get("/api/rollout").get("phase").asText()).isEqualTo("mirror");
    assertThat(f.rollout.get().phase()).isEqualTo(Phase.MIRROR);
    AdminChange c = f.changes.get(0);
    assertThat(c.action()).isEqualTo("set_rollout");
    assertThat(c.values()).containsEntry("phase", "mirror").containsEntry("percent", "0");
  }

  @Test
  void aRequestSplitCanaryScalesTheEnforcedRates() throws Exception {
    f.loadOverrides("overrides: {t1: {ingestion_rate: 1000, ingestion_burst_size: 100}}");
    JsonNode r =
        put(
            "{\"phase\": \"canary\", \"percent\": 25, \"splitBy\": \"request\", \"by\": \"alice\"}");
    assertThat(r.get("fraction").asDouble()).isEqualTo(0.25);
    assertThat(r.get("updatedBy").asText()).startsWith("alice from ");
    assertThat(f.push("t1", 10).verdict()).isEqualTo(Verdict.ALLOW);
    // the bucket refills at 1000 × 0.25 per second
    assertThat(f.get("/api/tenants/t1").at("/buckets/ingestion/ratePerSecond").asDouble())
        .isEqualTo(250.0);

    put("{\"phase\": \"canary\", \"percent\": 25, \"splitBy\": \"tenant\"}");
    assertThat(f.push("t1", 10).verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(f.get("/api/tenants/t1").at("/buckets/ingestion/ratePerSecond").asDouble())
        .isEqualTo(1000.0);
    assertThat(f.get("/api/overview").at("/rollout/phase").asText()).isEqualTo("canary");
  }

  @Test
  void percentDefaultsForPhasesThatImplyIt() {
    assertThat(put("{\"phase\": \"full\"}").get("percent").asInt()).isEqualTo(100);
    assertThat(put("{\"phase\": \"DIRECT\"}").get("percent").asInt()).isZero();
    assertThat(put("{\"phase\": \"canary\", \"percent\": 10}").get("splitBy").asText())
        .isEqualTo("tenant");
  }

  @Test
  void badCombinationsAre400AndChangeNothing() {
    for (String body :
        List.of(
            "{\"phase\": \"canary\"}",
            "{\"phase\": \"canary\", \"percent\": 0}",
            "{\"phase\": \"canary\", \"percent\": 101}",
            "{\"phase\": \"canary\", \"percent\": 12.5}",
            "{\"phase\": \"canary\", \"percent\": \"25\"}",
            "{\"phase\": \"direct\", \"percent\": 10}",
            "{\"phase\": \"full\", \"percent\": 50}",
            "{\"phase\": \"sideways\"}",
            "{\"percent\": 10}",
            "{\"phase\": \"canary\", \"percent\": 10, \"splitBy\": \"header\"}",
            "{\"phase\": \"full\", \"extra\": 1}",
            "[]",
            "not json",
            "")) {
      try (Response r = f.authorized("/api/rollout").put(Entity.json(body))) {
        assertThat(r.getStatus()).as(body).isEqualTo(400);
        assertThat(r.readEntity(JsonNode.class).get("message").asText()).as(body).isNotBlank();
      }
    }
    assertThat(f.rollout.get().phase()).isEqualTo(Phase.DIRECT);
    assertThat(f.changes).isEmpty();
  }

  @Test
  void putNeedsTheToken() {
    try (Response r = f.request("/api/rollout").put(Entity.json("{\"phase\": \"full\"}"))) {
      assertThat(r.getStatus()).isEqualTo(401);
    }
    assertThat(f.rollout.get().phase()).isEqualTo(Phase.DIRECT);
  }

  @Test
  void previewsTheNextRungByDefaultAndSaysWhatIsWrongWithAQuery() {
    // a tenant over its limit in the mirror: its copies refused in shadow
    f.api
        .recorder()
        .record(
            io.mimiredge.rls.enforce.Door.SHADOW,
            io.mimiredge.rls.admin.Decisions.shadowDeny(
                "t-over", io.mimiredge.rls.enforce.Reason.INGESTION_RATE, 500),
            1_000);
    put("{\"phase\": \"mirror\"}");
    JsonNode p = f.get("/api/rollout/preview");
    assertThat(p.get("from").asText()).isEqualTo("mirror");
    assertThat(p.get("to").asText()).isEqualTo("canary-10"); // the default ladder's next rung
    assertThat(p.get("window").asText()).isEqualTo("5m");
    JsonNode full = f.get("/api/rollout/preview?to=full&window=1h");
    assertThat(full.get("to").asText()).isEqualTo("full");
    assertThat(full.get("tenantsDenied").asInt()).isEqualTo(1);
    assertThat(full.at("/tenants/0/id").asText()).isEqualTo("t-over");
    assertThat(full.at("/tenants/0/reasons/0/reason").asText()).isEqualTo("ingestion_rate");

    for (String bad : List.of("?window=2m", "?to=sideways", "?to=direct", "?to=canary%200")) {
      try (Response r = f.request("/api/rollout/preview" + bad).get()) {
        assertThat(r.getStatus()).as(bad).isEqualTo(400);
        assertThat(r.readEntity(JsonNode.class).get("message").asText()).as(bad).isNotBlank();
      }
    }
    put("{\"phase\": \"full\"}");
    try (Response r = f.request("/api/rollout/preview").get()) {
      assertThat(r.getStatus()).isEqualTo(400);
      assertThat(r.readEntity(JsonNode.class).get("message").asText())
          .contains("the top of the ladder");
    }
  }

  @Test
  void keepsTheTransitionsEdgectlSendsAndItsGatesForTheRolloutPage() {
    put("{\"phase\": \"mirror\"}"); // no event: recorded as a plain set
    put(
        "{\"phase\": \"mirror\", \"event\": {\"at\": \"2026-01-01T00:00:00Z\", \"who\": \"ops\","
            + " \"action\": \"promote\", \"from\": \"mirror\", \"to\": \"canary-10\","
            + " \"result\": \"blocked\", \"message\": \"error-rate@rls=1%\"},"
            + " \"gates\": {\"window\": \"5m\", \"minRequests\": 100, \"maxErrorRate\": 0.001,"
            + " \"maxAddedLatencyP99Ms\": 10, \"maxDenyRate\": 0.05}}");
    JsonNode status = f.get("/api/rollout/status");
    assertThat(status.at("/rollout/phase").asText()).isEqualTo("mirror");
    assertThat(status.at("/history/0/action").asText()).isEqualTo("promote");
    assertThat(status.at("/history/0/result").asText()).isEqualTo("blocked");
    assertThat(status.at("/history/0/message").asText()).isEqualTo("error-rate@rls=1%");
    assertThat(status.at("/history/1/action").asText()).isEqualTo("set");
    assertThat(status.at("/history/1/from").asText()).isEqualTo("direct");
    assertThat(status.at("/history/1/to").asText()).isEqualTo("mirror");
    assertThat(status.at("/gates/maxDenyRate").asDouble()).isEqualTo(0.05);
    assertThat(status.at("/gates/maxNewlyDeniedTenants").isNull()).isTrue();
    assertThat(status.get("trafficEnforcedShare").isNull()).isTrue(); // no requests yet
    put("{\"phase\": \"canary\", \"percent\": 25, \"splitBy\": \"request\"}");
    // a request split copies nothing to the shadow door: the share is the split's
    assertThat(f.get("/api/rollout/status").get("trafficEnforcedShare").asDouble()).isEqualTo(0.25);

    for (int i = 0; i < 60; i++) {
      put("{\"phase\": \"mirror\"}");
    }
    assertThat(f.get("/api/rollout/status").get("history")).hasSize(50);

    for (String bad :
        List.of(
            "{\"phase\": \"mirror\", \"event\": [1]}",
            "{\"phase\": \"mirror\", \"event\": {\"who\": 3}}",
            "{\"phase\": \"mirror\", \"event\": {\"when\": \"x\"}}",
            "{\"phase\": \"mirror\", \"gates\": {\"window\": \"5m\"}}")) {
      try (Response r = f.authorized("/api/rollout").put(Entity.json(bad))) {
        assertThat(r.getStatus()).as(bad).isEqualTo(400);
      }
    }
  }
}
