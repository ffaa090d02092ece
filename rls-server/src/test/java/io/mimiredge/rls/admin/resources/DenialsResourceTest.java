package io.mimiredge.rls.admin.resources;

import static io.mimiredge.rls.admin.Decisions.allow;
import static io.mimiredge.rls.admin.Decisions.deny;
import static io.mimiredge.rls.admin.Decisions.shadowDeny;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Reason;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DropwizardExtensionsSupport.class)
class DenialsResourceTest {
  private final AdminFixture f = new AdminFixture(AdminFixture.TOKEN, 5);

  @SuppressWarnings("unused")
  private final ResourceExtension resources = f.resources;

  private static List<Long> items(JsonNode page) {
    List<Long> out = new ArrayList<>();
    page.get("denials").forEach(d -> out.add(d.get("items").asLong()));
    return out;
  }

  private void record() {
    // t = 12:00:00: a, b; t = 12:00:10: a, shadow c; allowed ones are not kept
    f.api.recorder().record(Door.HTTP_PUSH, deny("a", Reason.INGESTION_RATE, 1, "m1"), 1);
    f.api.recorder().record(Door.HTTP_PUSH, allow("a", 100), 1);
    f.api.recorder().record(Door.EXT_AUTHZ, deny("b", Reason.REQUEST_RATE, 2, "m2"), 1);
    f.time.advanceSeconds(10);
    f.api.recorder().record(Door.HTTP_PUSH, deny("a", Reason.INGESTION_RATE, 3, "m3"), 1);
    f.api.recorder().record(Door.SHADOW, shadowDeny("c", Reason.INGESTION_RATE, 4), 1);
  }

  @Test
  void listsNewestFirstWithCountsNeverBodies() {
    record();
    JsonNode page = f.get("/api/denials");
    assertThat(page.get("capacity").asInt()).isEqualTo(5);
    assertThat(page.get("recorded").asLong()).isEqualTo(4);
    assertThat(page.get("count").asInt()).isEqualTo(4);
    assertThat(items(page)).containsExactly(4L, 3L, 2L, 1L);
    JsonNode first = page.get("denials").get(1);
    assertThat(first.get("time").asText()).isEqualTo("2025-01-31T12:00:10.000Z");
    assertThat(first.get("tenant").asText()).isEqualTo("a");
    assertThat(first.get("door").asText()).isEqualTo("http_push");
    assertThat(first.get("reason").asText()).isEqualTo("ingestion_rate");
    assertThat(first.get("status").asInt()).isEqualTo(429);
    assertThat(first.get("verdict").asText()).isEqualTo("deny");
    assertThat(first.get("retryAfterSeconds").asLong()).isEqualTo(3);
    assertThat(first.get("message").asText()).isEqualTo("m3");
    assertThat(page.at("/denials/0/verdict").asText()).isEqualTo("shadow_deny");
  }

  @Test
  void filtersByTenantSinceAndLimit() {
    record();
    assertThat(items(f.get("/api/denials?tenant=a"))).containsExactly(3L, 1L);
    assertThat(items(f.get("/api/denials?since=2025-01-31T12:00:05Z"))).containsExactly(4L, 3L);
    assertThat(items(f.get("/api/denials?since=2025-01-31T13:00:05%2B01:00")))
        .containsExactly(4L, 3L);
    long epoch = java.time.Instant.parse("2025-01-31T12:00:10Z").getEpochSecond();
    assertThat(items(f.get("/api/denials?since=" + epoch))).containsExactly(4L, 3L);
    assertThat(items(f.get("/api/denials?since=" + (epoch - 10) + ".5"))).containsExactly(4L, 3L);
    assertThat(items(f.get("/api/denials?limit=1"))).containsExactly(4L);
    assertThat(items(f.get("/api/denials?tenant=a&since=" + epoch + "&limit=5")))
        .containsExactly(3L);
  }

  @Test
  void theBufferIsBounded() {
    for (int i = 0; i < 12; i++) {
      f.api.recorder().record(Door.HTTP_PUSH, deny("a", Reason.INGESTION_RATE, i, "m"), 1);
    }
    JsonNode page = f.get("/api/denials");
    assertThat(page.get("recorded").asLong()).isEqualTo(12);
    assertThat(items(page)).containsExactly(11L, 10L, 9L, 8L, 7L);
  }

  @Test
  void badParametersAre400WithAMessage() {
    for (String q :
        List.of(
            "since=yesterday",
            "since=2025-13-01T00:00:00Z",
            "limit=0",
            "limit=6",
            "limit=x",
            "tenant=a%7Cb",
            "tenant=bad%20id")) {
      try (Response r = f.request("/api/denials?" + q).get()) {
        assertThat(r.getStatus()).as(q).isEqualTo(400);
        assertThat(r.readEntity(JsonNode.class).get("message").asText()).as(q).isNotBlank();
      }
    }
  }
}
