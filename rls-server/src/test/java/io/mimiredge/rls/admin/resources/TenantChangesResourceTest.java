package io.mimiredge.rls.admin.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.mimiredge.rls.admin.AdminChange;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.limits.LimitKey;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.limits.Mode;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

class TenantChangesResourceTest {

  private static List<String> problems(JsonNode body) {
    List<String> out = new ArrayList<>();
    body.get("problems").forEach(p -> out.add(p.asText()));
    return out;
  }

  @Nested
  @ExtendWith(DropwizardExtensionsSupport.class)
  class WithAToken {
    private final AdminFixture f = new AdminFixture(AdminFixture.TOKEN);

    @SuppressWarnings("unused")
    private final ResourceExtension resources = f.resources;

    @Test
    void putLimitsChangesWhatTheEnforcerEnforces() {
      assertThat(f.push("t1", 1000).verdict()).isEqualTo(Verdict.ALLOW);
      try (Response r =
          f.authorized("/api/tenants/t1/limits")
              .put(Entity.json("{\"ingestion_rate\": 10, \"ingestion_burst_size\": 100}"))) {
        assertThat(r.getStatus()).isEqualTo(200);
        JsonNode d = r.readEntity(JsonNode.class);
        assertThat(d.at("/limits/ingestion_rate/value").asDouble()).isEqualTo(10);
        assertThat(d.at("/limits/ingestion_rate/source").asText()).isEqualTo("admin");
        assertThat(d.at("/limits/ingestion_burst_size/source").asText()).isEqualTo("admin");
        assertThat(d.at("/limits/request_rate/source").asText()).isEqualTo("default");
      }
      assertThat(f.limits.source("t1", LimitKey.INGESTION_RATE)).isEqualTo(LiveLimits.Source.ADMIN);

      var denied = f.push("t1", 1000);
      assertThat(denied.verdict()).isEqualTo(Verdict.DENY);
      assertThat(denied.reason()).isEqualTo(Reason.INGESTION_RATE);
      assertThat(f.push("t1", 50).verdict()).isEqualTo(Verdict.ALLOW);
      assertThat(f.push("other", 1000).verdict()).isEqualTo(Verdict.ALLOW); // only t1 changed

      AdminChange c = f.changes.get(0);
      assertThat(c.action()).isEqualTo("set_limits");
      assertThat(c.tenant()).isEqualTo("t1");
      assertThat(c.values())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("ingestion_rate", "10.0", "ingestion_burst_size", "100"));
      assertThat(c.who()).isNotBlank();
      assertThat(c.toString()).doesNotContain(AdminFixture.TOKEN);
    }

    @Test
    void relabelingRulesAndDropLabelsCanBeSetAsJson() {
      String body =
          """
          {"drop_labels": ["pod"],
           "metric_relabel_configs": [
             {"source_labels": ["__name__"], "regex": "debug_.*", "action": "drop"}]}
          """;
      try (Response r = f.authorized("/api/tenants/t1/limits").put(Entity.json(body))) {
        assertThat(r.getStatus()).isEqualTo(200);
        JsonNode d = r.readEntity(JsonNode.class);
        assertThat(d.at("/limits/drop_labels/value/0").asText()).isEqualTo("pod");
        assertThat(d.at("/limits/metric_relabel_configs/value/0").asText())
            .isEqualTo("drop [__name__] regex=debug_.*");
        assertThat(d.at("/limits/metric_relabel_configs/source").asText()).isEqualTo("admin");
      }
      var limits = f.enforcer.limitsFor("t1");
      assertThat(limits.dropLabels()).containsExactly("pod");
      assertThat(limits.validationLimits().relabeling().rules()).hasSize(1);
      // a rule Mimir would refuse is a 400 naming it, and nothing changes
      try (Response r =
          f.authorized("/api/tenants/t1/limits")
              .put(Entity.json("{\"metric_relabel_configs\": [{\"action\": \"shuffle\"}]}"))) {
        assertThat(r.getStatus()).isEqualTo(400);
        assertThat(r.readEntity(String.class))
            .contains("metric_relabel_configs: entry 1: unknown relabel action");
      }
      assertThat(f.enforcer.limitsFor("t1").metricRelabelConfigs()).hasSize(1);
    }

    @Test
    void laterPutsMergeAndDeleteRestoresTheOverrides() throws Exception {
      f.loadOverrides("overrides: {t1: {ingestion_rate: 500}}");
      f.authorized("/api/tenants/t1/limits").put(Entity.json("{\"ingestion_rate\": 10}")).close();
      f.authorized("/api/tenants/t1/limits")
          .put(Entity.json("{\"edge_enforcement\": {\"validation\": \"deny\"}}"))
          .close();
      JsonNode d = f.get("/api/tenants/t1");
      assertThat(d.at("/limits/ingestion_rate/value").asDouble()).isEqualTo(10);
      assertThat(d.at("/limits/edge_enforcement.validation/value").asText()).isEqualTo("deny");
      assertThat(d.at("/limits/edge_enforcement.validation/source").asText()).isEqualTo("admin");

      try (Response r = f.authorized("/api/tenants/t1/limits").delete()) {
        assertThat(r.getStatus()).isEqualTo(200);
        JsonNode after = r.readEntity(JsonNode.class);
        assertThat(after.at("/limits/ingestion_rate/value").asDouble()).isEqualTo(500);
        assertThat(after.at("/limits/ingestion_rate/source").asText()).isEqualTo("overrides");
        assertThat(after.get("adminOverride").asBoolean()).isFalse();
      }
      assertThat(f.enforcer.limitsFor("t1").ingestionRate()).isEqualTo(500);
      assertThat(f.changes).extracting(AdminChange::action).endsWith("clear_limits");

      try (Response again = f.authorized("/api/tenants/t1/limits").delete()) {
        assertThat(again.getStatus()).isEqualTo(404);
      }
    }

    @Test
    void putModeSwitchesTheTenantsMode() {
      try (Response r =
          f.authorized("/api/tenants/t1/mode").put(Entity.json("{\"mode\": \"shadow\"}"))) {
        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(r.readEntity(JsonNode.class).get("mode").asText()).isEqualTo("shadow");
      }
      assertThat(f.enforcer.modeFor("t1")).isEqualTo(Mode.SHADOW);
      assertThat(f.enforcer.modeFor("t2")).isEqualTo(Mode.ENFORCE);
      assertThat(f.changes.get(0).values()).containsEntry("edge_enforcement.mode", "shadow");
    }

    @Test
    void badModesAre400() {
      for (String body :
          List.of(
              "{\"mode\": \"block\"}", "{\"mode\": true}", "{}", "{\"mode\":\"off\",\"x\":1}")) {
        try (Response r = f.authorized("/api/tenants/t1/mode").put(Entity.json(body))) {
          assertThat(r.getStatus()).as(body).isEqualTo(400);
        }
      }
      try (Response r =
          f.authorized("/api/tenants/t1/mode").put(Entity.json("{\"mode\": \"block\"}"))) {
        assertThat(problems(r.readEntity(JsonNode.class)))
            .containsExactly("mode: expected one of enforce, shadow, off, got \"block\"");
      }
      assertThat(f.limits.adminOverrides()).isEmpty();
    }

    @Test
    void badValuesAre400WithEveryProblemAndNothingApplied() {
      try (Response r =
          f.authorized("/api/tenants/t1/limits")
              .put(
                  Entity.json(
                      "{\"ingestion_rate\": -1, \"ingestion_burst_size\": \"ten\","
                          + " \"request_burst_size\": 1.5, \"max_label_name_length\": 10}"))) {
        assertThat(r.getStatus()).isEqualTo(400);
        JsonNode body = r.readEntity(JsonNode.class);
        assertThat(body.get("code").asInt()).isEqualTo(400);
        assertThat(body.get("message").asText()).contains("nothing was changed");
        assertThat(problems(body))
            .containsExactly(
                "ingestion_rate: expected a non-negative number, got -1",
                "ingestion_burst_size: expected a non-negative integer, got \"ten\"",
                "request_burst_size: expected a non-negative integer, got 1.5");
      }
      assertThat(f.limits.adminOverrides()).isEmpty();
      assertThat(f.changes).isEmpty();
    }

    @Test
    void unknownKeysMalformedAndEmptyBodiesAre400() {
      try (Response r =
          f.authorized("/api/tenants/t1/limits")
              .put(
                  Entity.json(
                      "{\"ingestion_rat\": 1, \"edge_enforcement\": {\"mod\": \"off\"}}"))) {
        assertThat(r.getStatus()).isEqualTo(400);
        assertThat(problems(r.readEntity(JsonNode.class)))
            .hasSize(2)
            .allSatisfy(p -> assertThat(p).contains("unknown key; expected one of ingestion_rate"));
      }
      for (String body :
          List.of(
              "",
              "not json",
              "[1, 2]",
              "{\"ingestion_rate\": 1} trailing",
              "{\"ingestion_rate\": 1, \"ingestion_rate\": 2}",
              "{\"ingestion_rate\": null}",
              "{\"ingestion_rate\": 1e999999999}",
              "{\"edge_enforcement\": \"shadow\"}")) {
        try (Response r = f.authorized("/api/tenants/t1/limits").put(Entity.json(body))) {
          assertThat(r.getStatus()).as(body).isEqualTo(400);
          assertThat(r.readEntity(JsonNode.class).get("message").asText()).as(body).isNotBlank();
        }
      }
      assertThat(f.limits.adminOverrides()).isEmpty();
    }

    @Test
    void hugeNumbersAreOutOfRangeLikeInTheFile() {
      try (Response r =
          f.authorized("/api/tenants/t1/limits")
              .put(Entity.json("{\"ingestion_rate\": 1e400, \"ingestion_burst_size\": 1e12}"))) {
        assertThat(r.getStatus()).isEqualTo(400);
        assertThat(problems(r.readEntity(JsonNode.class)))
            .containsExactly(
                "ingestion_rate: expected a finite non-negative number, got 1"
                    + "0".repeat(63)
                    + "…",
                "ingestion_burst_size: expected a non-negative integer up to 2147483647, got"
                    + " 1000000000000");
      }
    }

    @Test
    void missingOrWrongTokenIs401() {
      try (Response r =
          f.request("/api/tenants/t1/limits").put(Entity.json("{\"ingestion_rate\": 1}"))) {
        assertThat(r.getStatus()).isEqualTo(401);
        assertThat(r.getHeaderString("WWW-Authenticate")).startsWith("Bearer");
        assertThat(r.readEntity(JsonNode.class).get("message").asText()).contains("missing");
      }
      for (String auth :
          List.of(
              "Bearer wrong",
              "Bearer " + AdminFixture.TOKEN + "x",
              "Basic " + AdminFixture.TOKEN)) {
        try (Response r =
            f.request("/api/tenants/t1/mode")
                .header("Authorization", auth)
                .put(Entity.json("{\"mode\": \"off\"}"))) {
          assertThat(r.getStatus()).as(auth).isEqualTo(401);
        }
      }
      try (Response r = f.request("/api/tenants/t1/limits").delete()) {
        assertThat(r.getStatus()).isEqualTo(401);
      }
      assertThat(f.limits.adminOverrides()).isEmpty();
      // reads need no token
      assertThat(f.request("/api/tenants/t1").get().getStatus()).isEqualTo(200);
    }

    @Test
    void tokenIsCheckedBeforeTheTenantOrTheBody() {
      try (Response r = f.request("/api/tenants/a%7Cb/limits").put(Entity.json("junk"))) {
        assertThat(r.getStatus()).isEqualTo(401);
      }
      try (Response r = f.authorized("/api/tenants/a%7Cb/limits").put(Entity.json("{}"))) {
        assertThat(r.getStatus()).isEqualTo(400);
        assertThat(r.readEntity(JsonNode.class).get("message").asText())
            .isEqualTo("invalid tenant ID in path: multiple org IDs present");
      }
    }

    @Test
    void bearerSchemeIsCaseInsensitive() {
      try (Response r =
          f.request("/api/tenants/t1/mode")
              .header("Authorization", "bearer " + AdminFixture.TOKEN)
              .put(Entity.json("{\"mode\": \"off\"}"))) {
        assertThat(r.getStatus()).isEqualTo(200);
      }
    }
  }

  @Nested
  @ExtendWith(DropwizardExtensionsSupport.class)
  class WithoutAToken {
    private final AdminFixture f = new AdminFixture(null);

    @SuppressWarnings("unused")
    private final ResourceExtension resources = f.resources;

    @Test
    void changesAreRefusedWith403SayingHowToConfigureOne() {
      try (Response r =
          f.request("/api/tenants/t1/limits")
              .header("Authorization", "Bearer anything-at-all")
              .put(Entity.json("{\"ingestion_rate\": 1}"))) {
        assertThat(r.getStatus()).isEqualTo(403);
        assertThat(r.readEntity(JsonNode.class).get("message").asText())
            .contains("no admin token is configured")
            .contains("admin.token");
      }
      try (Response r = f.request("/api/rollout").put(Entity.json("{\"phase\": \"full\"}"))) {
        assertThat(r.getStatus()).isEqualTo(403);
      }
      assertThat(f.limits.adminOverrides()).isEmpty();
      assertThat(f.request("/api/overview").get().getStatus()).isEqualTo(200);
    }
  }
}
