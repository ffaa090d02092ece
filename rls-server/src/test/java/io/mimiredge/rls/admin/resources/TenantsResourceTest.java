package io.mimiredge.rls.admin.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.limits.LimitKey;
import io.mimiredge.rls.limits.Mode;
import io.mimiredge.rls.limits.TenantLimits;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DropwizardExtensionsSupport.class)
class TenantsResourceTest {
  private final AdminFixture f = new AdminFixture(AdminFixture.TOKEN);

  @SuppressWarnings("unused")
  private final ResourceExtension resources = f.resources;

  @BeforeEach
  void limits() throws Exception {
    f.loadOverrides(
        """
        overrides:
          from-file:
            ingestion_rate: 500
            ingestion_burst_size: 1000
            edge_enforcement:
              mode: shadow
          both:
            request_rate: 10
            metric_relabel_configs:
              - {source_labels: [__name__], regex: "debug_.*", action: drop}
              - {source_labels: [__name__], regex: "(?U)x+", action: drop}
        """);
    f.limits.setAdmin(
        "both",
        TenantLimits.MIMIR_DEFAULTS.toBuilder().ingestionRate(42).build(),
        EnumSet.of(LimitKey.INGESTION_RATE));
    f.limits.setAdmin(
        "admin-only",
        TenantLimits.MIMIR_DEFAULTS.toBuilder().mode(Mode.OFF).build(),
        EnumSet.of(LimitKey.MODE));
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("tenants").forEach(t -> ids.add(t.get("id").asText()));
    return ids;
  }

  @Test
  void listsTenantsFromOverridesAdminAndTraffic() {
    f.push("traffic-only", 100);
    JsonNode page = f.get("/api/tenants");
    assertThat(page.get("total").asInt()).isEqualTo(4);
    assertThat(ids(page)).containsExactly("admin-only", "both", "from-file", "traffic-only");

    JsonNode fromFile = page.get("tenants").get(2);
    assertThat(fromFile.get("mode").asText()).isEqualTo("shadow");
    assertThat(fromFile.get("ingestionRate").asDouble()).isEqualTo(500);
    assertThat(fromFile.get("ingestionBurstSize").asInt()).isEqualTo(1000);
    assertThat(fromFile.get("inOverrides").asBoolean()).isTrue();
    assertThat(fromFile.get("adminOverride").asBoolean()).isFalse();
    assertThat(fromFile.get("ingestionBucketFillPercent").asDouble()).isEqualTo(100.0);
    assertThat(fromFile.get("requestBucketFillPercent").isNull()).isTrue(); // no request limit

    JsonNode both = page.get("tenants").get(1);
    assertThat(both.get("ingestionRate").asDouble()).isEqualTo(42); // admin wins over the file
    assertThat(both.get("requestRate").asDouble()).isEqualTo(10);
    assertThat(both.get("adminOverride").asBoolean()).isTrue();

    JsonNode traffic = page.get("tenants").get(3);
    assertThat(traffic.get("inOverrides").asBoolean()).isFalse();
    assertThat(traffic.get("itemsPerSecond").asDouble()).isPositive();
    assertThat(traffic.get("lastSeen").asText()).isEqualTo("2025-01-31T12:00:00.000Z");
    // 100 of the 200,000-token default burst taken
    assertThat(traffic.get("ingestionBucketFillPercent").asDouble()).isEqualTo(99.95);
    assertThat(f.get("/api/tenants/admin-only").get("mode").asText()).isEqualTo("off");
  }

  @Test
  void pagesSortsAndSearches() {
    f.push("traffic-only", 100);
    f.push("from-file", 10);
    JsonNode page = f.get("/api/tenants?limit=2&offset=1");
    assertThat(page.get("total").asInt()).isEqualTo(4);
    assertThat(page.get("limit").asInt()).isEqualTo(2);
    assertThat(ids(page)).containsExactly("both", "from-file");

    assertThat(ids(f.get("/api/tenants?sort=-items&limit=2")))
        .containsExactly("traffic-only", "from-file");
    assertThat(ids(f.get("/api/tenants?sort=-id"))).first().isEqualTo("traffic-only");
    assertThat(ids(f.get("/api/tenants?q=FILE"))).containsExactly("from-file");
    assertThat(f.get("/api/tenants?offset=10").get("tenants")).isEmpty();
  }

  @Test
  void pagesFollowEveryChangeOfTheTenantSet() throws Exception {
    assertThat(ids(f.get("/api/tenants"))).containsExactly("admin-only", "both", "from-file");
    f.push("new-traffic", 10); // a tenant seen for the first time
    assertThat(ids(f.get("/api/tenants?limit=2&offset=2")))
        .containsExactly("from-file", "new-traffic");
    f.limits.setAdmin(
        "aa-admin",
        TenantLimits.MIMIR_DEFAULTS.toBuilder().mode(Mode.OFF).build(),
        EnumSet.of(LimitKey.MODE));
    assertThat(ids(f.get("/api/tenants?limit=1"))).containsExactly("aa-admin");
    f.loadOverrides(
        """
        overrides:
          zz-file:
            ingestion_rate: 5
        """); // the file reloaded: from-file and both leave it, zz-file joins
    assertThat(ids(f.get("/api/tenants?sort=-id")))
        .containsExactly("zz-file", "new-traffic", "both", "admin-only", "aa-admin");
    JsonNode both = f.get("/api/tenants?q=both").get("tenants").get(0);
    assertThat(both.get("inOverrides").asBoolean()).isFalse();
    assertThat(both.get("adminOverride").asBoolean()).isTrue();
    assertThat(f.get("/api/tenants?sort=-id&offset=3&limit=5").get("total").asInt()).isEqualTo(5);
    assertThat(ids(f.get("/api/tenants?sort=-id&offset=3&limit=5")))
        .containsExactly("admin-only", "aa-admin");
  }

  @Test
  void badListParametersAre400WithAMessage() {
    for (String q : List.of("limit=0", "limit=abc", "limit=10001", "offset=-1", "sort=bogus")) {
      try (Response r = f.request("/api/tenants?" + q).get()) {
        assertThat(r.getStatus()).as(q).isEqualTo(400);
        assertThat(r.readEntity(JsonNode.class).get("message").asText()).as(q).isNotBlank();
      }
    }
  }

  @Test
  void detailShowsEveryLimitWithItsSource() {
    JsonNode both = f.get("/api/tenants/both");
    JsonNode limits = both.get("limits");
    assertThat(limits.size()).isEqualTo(LimitKey.values().length);
    assertThat(limits.at("/ingestion_rate/value").asDouble()).isEqualTo(42);
    assertThat(limits.at("/ingestion_rate/source").asText()).isEqualTo("admin");
    assertThat(limits.at("/request_rate/value").asDouble()).isEqualTo(10);
    assertThat(limits.at("/request_rate/source").asText()).isEqualTo("overrides");
    assertThat(limits.at("/ingestion_burst_size/value").asInt()).isEqualTo(200_000);
    assertThat(limits.at("/ingestion_burst_size/source").asText()).isEqualTo("default");
    assertThat(limits.at("/edge_enforcement.mode/value").asText()).isEqualTo("enforce");
    assertThat(limits.at("/edge_enforcement.validation/value").asText()).isEqualTo("forward");
    assertThat(both.get("inOverrides").asBoolean()).isTrue();
    assertThat(both.get("adminOverride").asBoolean()).isTrue();
    assertThat(both.get("notMirrored")).hasSize(1);
    assertThat(both.at("/notMirrored/0").asText()).isEqualTo("metric_relabel_configs");
    assertThat(f.get("/api/tenants/from-file").get("notMirrored")).isEmpty();

    JsonNode fromFile = f.get("/api/tenants/from-file");
    assertThat(fromFile.get("mode").asText()).isEqualTo("shadow");
    assertThat(fromFile.at("/limits/edge_enforcement.mode/source").asText()).isEqualTo("overrides");
  }

  @Test
  void detailShowsRatesBucketFillAndDenials() {
    // from-file: burst 1000 in shadow mode; 800 fit, the next 800 would not
    assertThat(f.push("from-file", 800).verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(f.push("from-file", 800).verdict()).isEqualTo(Verdict.SHADOW_DENY);
    JsonNode d = f.get("/api/tenants/from-file");
    assertThat(d.at("/buckets/ingestion/held").asBoolean()).isTrue();
    assertThat(d.at("/buckets/ingestion/capacity").asLong()).isEqualTo(1000);
    assertThat(d.at("/buckets/ingestion/available").asLong()).isEqualTo(200);
    assertThat(d.at("/buckets/ingestion/fillPercent").asDouble()).isEqualTo(20.0);
    assertThat(d.at("/buckets/request/held").asBoolean()).isFalse();
    assertThat(d.at("/traffic/shadowDenied5m").asLong()).isEqualTo(1);
    assertThat(d.at("/traffic/requestsPerSecond").asDouble()).isPositive();
    assertThat(d.get("recentDenials")).hasSize(1);
    assertThat(d.at("/recentDenials/0/verdict").asText()).isEqualTo("shadow_deny");
    assertThat(d.at("/recentDenials/0/reason").asText()).isEqualTo("ingestion_rate");
    assertThat(d.at("/recentDenials/0/status").asInt()).isEqualTo(429);
  }

  @Test
  void unknownButValidTenantShowsWhatItWouldGet() {
    JsonNode d = f.get("/api/tenants/never-seen");
    assertThat(d.get("inOverrides").asBoolean()).isFalse();
    assertThat(d.at("/limits/ingestion_rate/source").asText()).isEqualTo("default");
    assertThat(d.at("/traffic/lastSeen").isNull()).isTrue();
    assertThat(d.at("/buckets/ingestion/fillPercent").asDouble()).isEqualTo(100.0);
  }

  @Test
  void invalidTenantIdsInThePathAre400() {
    for (String id : List.of("bad%20id", "a%7Cb", "a%7Ca", "x".repeat(151), "%C3%A9")) {
      try (Response r = f.request("/api/tenants/" + id).get()) {
        assertThat(r.getStatus()).as(id).isEqualTo(400);
        assertThat(r.readEntity(JsonNode.class).get("message").asText())
            .as(id)
            .startsWith("invalid tenant ID in path");
      }
    }
  }
}
