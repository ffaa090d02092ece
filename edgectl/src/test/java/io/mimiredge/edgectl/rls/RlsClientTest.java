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
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/rollout",
        exchange -> {
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          authorization.set(auth);
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(("Bearer " + TOKEN).equals(auth) ? 200 : 401, -1);
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
}
