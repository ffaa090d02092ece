package io.mimiredge.edgectl.rls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.SplitBy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RlsClientTest {
  private static final String TOKEN = "a-long-enough-admin-token";
  private final AtomicReference<String> authorization = new AtomicReference<>();
  private final java.util.List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/rollout",
        exchange -> {
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          authorization.set(auth);
          String body = new String(exchange.getRequestBody().readAllBytes());
          bodies.add(body);
          if (body.contains("\"event\"")) { // an RLS from before the rollout page
            byte[] problem =
                ("{\"code\":400,\"message\":\"invalid rollout, nothing was changed\","
                        + "\"problems\":[\"event: unknown field; expected phase, percent,"
                        + " splitBy, by\"]}")
                    .getBytes();
            exchange.sendResponseHeaders(400, problem.length);
            exchange.getResponseBody().write(problem);
          } else {
            exchange.sendResponseHeaders(("Bearer " + TOKEN).equals(auth) ? 200 : 401, -1);
          }
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private RlsClient client(String token) {
    return new RlsClient(
        "http://127.0.0.1:" + server.getAddress().getPort(),
        HttpClient.newHttpClient(),
        Duration.ofSeconds(2),
        token);
  }

  @Test
  void sendsTheAdminTokenAsABearerTokenWhenItChangesTheRollout() throws IOException {
    client(TOKEN).putRollout(Phase.parse("canary 25"), SplitBy.TENANT, null, null);

    assertThat(authorization.get()).isEqualTo("Bearer " + TOKEN);
  }

  @Test
  void saysWhereTheTokenGoesWhenTheRlsRefuses() {
    assertThatThrownBy(
            () -> client(null).putRollout(Phase.parse("mirror"), SplitBy.TENANT, null, null))
        .hasMessageContaining("401")
        .hasMessageContaining("EDGECTL_RLS_ADMIN_TOKEN");
    assertThat(authorization.get()).isNull();
  }

  @Test
  void anRlsFromBeforeTheRolloutPageIsToldThePhaseAlone() throws IOException {
    client(TOKEN)
        .putRollout(
            Phase.canary(25),
            SplitBy.TENANT,
            new io.mimiredge.api.admin.RolloutEvent(
                "2026-01-01T00:00:00Z", "ops", "promote", "mirror", "canary-25", "applied", null),
            null);
    assertThat(bodies).hasSize(2);
    assertThat(bodies.get(1)).doesNotContain("event").contains("\"percent\":25");
  }
}
