package io.mimiredge.edgectl.live;

import static io.mimiredge.edgectl.live.LiveTrafficTest.promote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mimiredge.api.admin.Overview;
import io.mimiredge.api.admin.RolloutPreview;
import io.mimiredge.edgectl.support.LocalEdge;
import io.mimiredge.edgectl.support.Nginx;
import io.mimiredge.edgectl.support.Traffic;
import io.mimiredge.rls.testing.TestFixtures;
import io.mimiredge.rls.testing.TestRls;
import io.mimiredge.testsupport.Await;
import io.mimiredge.testsupport.StubUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The impact preview against the real RLS fed by a real NGINX's mirror: a thousand tenants over
 * their limit (every push of theirs is refused) and a few well inside theirs. The preview of canary
 * 50 lists exactly the over-limit tenants that NGINX then routes to enforcement at canary 50, with
 * the rates they sent, and none of the others.
 */
class PreviewThroughNginxTest {
  private static final int OVER = 1000;
  private static final int UNDER = 20;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static String over(int i) {
    return String.format("over-%04d", i);
  }

  private static String under(int i) {
    return String.format("under-%02d", i);
  }

  @Test
  void previewsExactlyTheTenantsNginxWouldStartEnforcingWithWhatTheySent() throws Exception {
    Nginx.binaryOrSkip();
    StringBuilder roomy = new StringBuilder("overrides:\n");
    for (int i = 0; i < UNDER; i++) {
      roomy.append("  ").append(under(i)).append(": {ingestion_burst_size: 10000000}\n");
    }
    byte[] body = TestFixtures.body(TestFixtures.SMALL); // 500 series: over a burst of 5
    try (StubUpstream distributor = StubUpstream.start("distributor", 200);
        TestRls rls =
            TestRls.builder()
                .overrides(roomy.toString())
                // tenants without overrides: a burst no push fits
                .limitsSettings("defaults: {ingestion_rate: 1, ingestion_burst_size: 5}")
                .upstream(distributor.url())
                .quietRequests()
                .start();
        LocalEdge edge = LocalEdge.start("preview", "", "127.0.0.1:" + rls.port())) {
      promote(edge, "mirror");
      int twice = 7; // one over-limit tenant sends more, to check its rate
      for (int i = 0; i < OVER; i++) {
        for (int k = 0; k < (i == twice ? 3 : 1); k++) {
          assertThat(Traffic.push(edge.port, over(i), i + "-" + k, body).status()).isEqualTo(200);
        }
      }
      for (int i = 0; i < UNDER; i++) {
        assertThat(Traffic.push(edge.port, under(i), "u" + i, body).status()).isEqualTo(200);
      }
      // the mirror's copies are decided after the writes are answered
      long copies = OVER + 2 + UNDER;
      Await.await(
          "the RLS decided every mirrored copy",
          () -> shadowRequests(rls) >= copies,
          Duration.ofSeconds(60));

      RolloutPreview p =
          get(rls, "/api/rollout/preview?from=mirror&to=canary-50", RolloutPreview.class);
      // every push is the same body: the items of one, as the RLS counted them
      double itemsPerPush =
          get(rls, "/api/overview", Overview.class).windows().get("5m").items() / (double) copies;
      Set<String> previewed =
          p.tenants().stream().map(RolloutPreview.Tenant::id).collect(Collectors.toSet());

      // the tenants NGINX itself routes to enforcement at canary 50
      promote(edge, "canary-50");
      Set<String> enforced = new HashSet<>();
      for (int i = 0; i < OVER; i++) {
        Traffic.Result r = Traffic.push(edge.port, over(i), "c" + i, body);
        if ("enforce".equals(r.route())) {
          enforced.add(over(i));
          assertThat(r.status()).as("%s enforced", over(i)).isEqualTo(429);
        } else {
          assertThat(r.route()).isEqualTo("direct");
        }
      }
      boolean underReached = false;
      for (int i = 0; i < UNDER; i++) {
        underReached |= "enforce".equals(Traffic.push(edge.port, under(i), "cu" + i, body).route());
      }

      assertThat(enforced).hasSizeBetween(OVER / 2 - 80, OVER / 2 + 80);
      assertThat(previewed).isEqualTo(enforced);
      assertThat(p.tenantsDenied()).isEqualTo(enforced.size());
      assertThat(p.tenantsReached()).isGreaterThanOrEqualTo(enforced.size());
      assertThat(underReached).as("some roomy tenant is in the canary too").isTrue();
      assertThat(previewed).noneMatch(t -> t.startsWith("under-"));

      // the rates are what was sent, over the window the counts cover
      double minutes = p.windowSeconds() / 60;
      Map<String, RolloutPreview.Tenant> byId =
          p.tenants().stream().collect(Collectors.toMap(RolloutPreview.Tenant::id, t -> t));
      RolloutPreview.Tenant one = byId.get(enforced.iterator().next());
      assertThat(one.deniedRequestsPerMinute() * minutes).isCloseTo(1, within(0.01));
      assertThat(one.deniedItemsShare()).isEqualTo(1.0);
      assertThat(one.reasons())
          .extracting(RolloutPreview.Reason::reason)
          .containsExactly("ingestion_rate");
      if (byId.containsKey(over(twice))) {
        assertThat(byId.get(over(twice)).deniedRequestsPerMinute() * minutes)
            .isCloseTo(3, within(0.01));
      }
      assertThat(itemsPerPush).isGreaterThan(0);
      assertThat(one.deniedItemsPerMinute() * minutes).isCloseTo(itemsPerPush, within(0.01));
    }
  }

  private static long shadowRequests(TestRls rls) {
    try {
      return get(rls, "/api/overview", Overview.class).doors().get("shadow").get("5m").requests();
    } catch (Exception e) {
      return -1;
    }
  }

  private static <T> T get(TestRls rls, String path, Class<T> type) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(rls.url() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return new ObjectMapper().readValue(r.body(), type);
  }
}
