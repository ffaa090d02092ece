package io.mimiredge.rls.upstream.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.rls.upstream.Upstream.Header;
import io.mimiredge.rls.upstream.UpstreamResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JettyUpstreamTest {

  /** Reads one HTTP/1.1 request with a Content-Length body; returns its head. */
  private static String readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      String h = head.toString(StandardCharsets.ISO_8859_1);
      if (h.endsWith("\r\n\r\n")) {
        int length = 0;
        for (String line : h.split("\r\n")) {
          if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        in.readNBytes(length);
        return h;
      }
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * An upstream, started, that forwards to {@code server}, where {@code distributor} (on a daemon
   * thread of its own) answers.
   */
  private static JettyUpstream upstreamTo(ServerSocket server, Runnable distributor)
      throws Exception {
    Thread t = new Thread(distributor);
    t.setDaemon(true);
    t.start();
    JettyUpstream upstream =
        JettyUpstream.builder()
            .baseUri(URI.create("http://127.0.0.1:" + server.getLocalPort()))
            .connectTimeout(Duration.ofSeconds(1))
            .timeout(Duration.ofSeconds(5))
            .build();
    upstream.start();
    return upstream;
  }

  @Test
  void aConnectionClosedUnderTheRequestIsRetriedOnceOnAFreshOne() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      JettyUpstream upstream =
          upstreamTo(
              server,
              () -> {
                try {
                  // First connection: read the request, then close without answering (a
                  // keep-alive connection the distributor dropped). Second: answer 204.
                  try (Socket first = server.accept()) {
                    connections.incrementAndGet();
                    readRequest(first.getInputStream());
                  }
                  try (Socket second = server.accept()) {
                    connections.incrementAndGet();
                    readRequest(second.getInputStream());
                    second
                        .getOutputStream()
                        .write(
                            "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.ISO_8859_1));
                  }
                } catch (IOException e) {
                  // the test's assertions say what went wrong
                }
              });
      try {
        byte[] body = {1, 2, 3};
        UpstreamResponse r =
            upstream
                .forwardAsync(
                    "/api/v1/push", List.of(new Header("X-Scope-OrgID", "t")), body, 0, body.length)
                .join();

        assertThat(r.outcome()).isEqualTo(UpstreamResponse.Outcome.RESPONSE);
        assertThat(r.status()).isEqualTo(204);
        assertThat(connections).hasValue(2);
      } finally {
        upstream.stop();
      }
    }
  }

  /**
   * The target's URI is parsed once for the path pushes go to, and each forward still goes where
   * its own path and query say, over one kept-alive connection.
   */
  @Test
  void eachForwardGoesToItsOwnPathAndQueryThoughTheLastTargetIsKept() throws Exception {
    List<String> targets = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      JettyUpstream upstream =
          upstreamTo(
              server,
              () -> {
                try (Socket s = server.accept()) {
                  for (int i = 0; i < 4; i++) {
                    String head = readRequest(s.getInputStream());
                    targets.add(head.substring(0, head.indexOf("\r\n")));
                    s.getOutputStream()
                        .write(
                            "HTTP/1.1 204 No Content\r\n\r\n"
                                .getBytes(StandardCharsets.ISO_8859_1));
                  }
                } catch (IOException e) {
                  // the test's assertions say what went wrong
                }
              });
      try {
        byte[] body = {1, 2, 3};
        for (String target :
            List.of("/api/v1/push", "/api/v1/push", "/api/v1/push?x=1", "/otlp/v1/metrics")) {
          UpstreamResponse r =
              upstream
                  .forwardAsync(target, List.of(new Header("X-Scope-OrgID", "t")), body, 0, 3)
                  .join();
          assertThat(r.status()).isEqualTo(204);
        }
        assertThat(targets)
            .containsExactly(
                "POST /api/v1/push HTTP/1.1",
                "POST /api/v1/push HTTP/1.1",
                "POST /api/v1/push?x=1 HTTP/1.1",
                "POST /otlp/v1/metrics HTTP/1.1");
        assertThat(upstream.targetUri("/api/v1/push?x=1"))
            .isSameAs(upstream.targetUri("/api/v1/push?x=1"));
      } finally {
        upstream.stop();
      }
    }
  }

  @Test
  void aDistributorThatIsGoneIsA502ThatSaysSoBriefly() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    JettyUpstream upstream =
        JettyUpstream.builder()
            .baseUri(URI.create("http://127.0.0.1:" + port))
            .connectTimeout(Duration.ofSeconds(1))
            .timeout(Duration.ofSeconds(2))
            .build();
    upstream.start();
    try {
      UpstreamResponse r =
          upstream.forwardAsync("/api/v1/push", List.of(), new byte[1], 0, 1).join();

      assertThat(r.status()).isEqualTo(502);
      assertThat(r.outcome()).isEqualTo(UpstreamResponse.Outcome.CONNECT_ERROR);
      assertThat(new String(r.body(), StandardCharsets.UTF_8))
          .contains("unreachable")
          .hasSizeLessThan(300);
    } finally {
      upstream.stop();
    }
  }
}
