package io.mimiredge.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.mimiredge.rls.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class RawHttpTargetTest {

  private static final byte[] BODY = "a remote-write body".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TENANT = "team-a".getBytes(StandardCharsets.UTF_8);

  /**
   * A server on 127.0.0.1 that reads each request (headers and Content-Length body), records it,
   * and writes what {@code answer} gives for its number (0-based, over all connections); an answer
   * ending in "CLOSE" is written without that marker and the connection closed.
   */
  private static final class CannedServer implements AutoCloseable {
    final ServerSocket server;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger count = new AtomicInteger();
    final Function<Integer, String> answer;

    CannedServer(Function<Integer, String> answer) throws IOException {
      this.answer = answer;
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread accept =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Thread t = new Thread(() -> serve(s));
                    t.setDaemon(true);
                    t.start();
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      accept.setDaemon(true);
      accept.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/api/v1/push");
    }

    private void serve(Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        while (true) {
          String head = readHead(in);
          if (head == null) {
            return;
          }
          int length = 0;
          for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
              length = Integer.parseInt(line.substring(15).trim());
            }
          }
          byte[] body = in.readNBytes(length);
          requests.add(head + new String(body, StandardCharsets.UTF_8));
          String reply = answer.apply(count.getAndIncrement());
          boolean close = reply.endsWith("CLOSE");
          if (close) {
            reply = reply.substring(0, reply.length() - "CLOSE".length());
          }
          out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          if (close) {
            return;
          }
        }
      } catch (IOException ignored) {
        // the client went away
      }
    }

    private static String readHead(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0) {
        head.write(b);
        byte[] h = head.toByteArray();
        int n = h.length;
        if (n >= 4
            && h[n - 4] == '\r'
            && h[n - 3] == '\n'
            && h[n - 2] == '\r'
            && h[n - 1] == '\n') {
          return head.toString(StandardCharsets.ISO_8859_1);
        }
      }
      return null;
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  private static String send(RawHttpTarget target) throws Exception {
    CompletableFuture<String> outcome = new CompletableFuture<>();
    target.send(TENANT, BODY, error -> outcome.complete(error == null ? "ok" : error));
    return outcome.get(10, TimeUnit.SECONDS);
  }

  private static RawHttpTarget target(URI url) {
    return new RawHttpTarget(url, LoadGen.PUSH_HEADERS, null, Duration.ofSeconds(5));
  }

  @Test
  void writesPrometheusHeadersTheTenantAndTheBodyOnOneKeptAliveConnection() throws Exception {
    try (CannedServer server = new CannedServer(n -> "HTTP/1.1 204 No Content\r\n\r\n");
        RawHttpTarget target = target(server.url())) {
      for (int i = 0; i < 5; i++) {
        assertThat(send(target)).isEqualTo("ok");
      }
      assertThat(server.connections.get()).isEqualTo(1);
      assertThat(target.connectionsOpened()).isEqualTo(1);
      String first = server.requests.get(0);
      assertThat(first)
          .startsWith("POST /api/v1/push HTTP/1.1\r\nHost: 127.0.0.1:" + server.url().getPort())
          .contains("\r\nContent-Encoding: snappy\r\n")
          .contains("\r\nX-Prometheus-Remote-Write-Version: 0.1.0\r\n")
          .contains("\r\nX-Scope-OrgID: team-a\r\n")
          .contains("\r\nContent-Length: " + BODY.length + "\r\n")
          .endsWith("\r\n\r\na remote-write body");
    }
  }

  @Test
  void readsBodiesByLengthAndChunkedAndKeepsTheConnectionInStep() throws Exception {
    List<String> answers =
        List.of(
            "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 11\r\n\r\nslow down\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n3;x=y\r\n ab\r\n0\r\nX-Trailer: 1\r\n\r\n",
            "HTTP/1.1 204 No Content\r\n\r\n",
            "HTTP/1.1 500 Server Error\r\ncontent-length: 0\r\n\r\n");
    try (CannedServer server = new CannedServer(answers::get);
        RawHttpTarget target = target(server.url())) {
      List<String> outcomes = new ArrayList<>();
      for (int i = 0; i < answers.size(); i++) {
        outcomes.add(send(target));
      }
      assertThat(outcomes).containsExactly("429", "ok", "ok", "500");
      assertThat(server.connections.get()).isEqualTo(1);
    }
  }

  @Test
  void aClosedConnectionIsReopenedAndAStaleOneRetriedOnce() throws Exception {
    // "CLOSE" alone: the request read and the connection closed unanswered, as a server closes an
    // idle kept-alive connection just as a request arrives.
    List<String> answers =
        List.of(
            "HTTP/1.1 204 No Content\r\n\r\n", // connection 1
            "CLOSE", // connection 1, stale: retried on connection 2
            "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\nCLOSE", // 2, closed
            "HTTP/1.1 204 No Content\r\n\r\n", // connection 3
            "CLOSE", // connection 3, stale: retried on connection 4
            "CLOSE"); // connection 4, fresh: not retried
    try (CannedServer server = new CannedServer(answers::get);
        RawHttpTarget target = target(server.url())) {
      assertThat(send(target)).isEqualTo("ok");
      assertThat(send(target)).isEqualTo("ok");
      assertThat(send(target)).isEqualTo("ok");
      assertThat(send(target)).isEqualTo("EOFException");
      assertThat(server.requests).hasSize(6);
      assertThat(server.connections.get()).isEqualTo(4);
    }
  }

  @Test
  void noAnswerWithinTheTimeoutIsATimeoutAndARefusedConnectIsNamed() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        RawHttpTarget target =
            new RawHttpTarget(
                URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/api/v1/push"),
                List.of(),
                null,
                Duration.ofMillis(300))) {
      assertThat(send(target)).isEqualTo("timeout");
    }
    int dead;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      dead = s.getLocalPort();
    }
    try (RawHttpTarget target = target(URI.create("http://127.0.0.1:" + dead + "/"))) {
      assertThat(send(target)).isEqualTo("ConnectException");
    }
  }

  @Test
  void httpsVerifiesTheServerAgainstTheGivenCa() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("loadgen test CA");
    TestCertificates.Issued leaf = TestCertificates.leaf(ca, "rls", "ip:127.0.0.1");
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(TestCertificates.keyManagers(leaf), null, null);
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
          }
        });
    server.start();
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("loadgen-tls");
    try {
      URI url = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/push");
      SSLContext trusting = LoadGen.sslContext(ca.writeCertificate(dir.resolve("ca.crt")));
      try (RawHttpTarget target =
          new RawHttpTarget(url, LoadGen.PUSH_HEADERS, trusting, Duration.ofSeconds(5))) {
        assertThat(send(target)).isEqualTo("ok");
        assertThat(send(target)).isEqualTo("ok");
        assertThat(target.connectionsOpened()).isEqualTo(1);
      }
      TestCertificates.Issued other = TestCertificates.ca("another CA");
      SSLContext wrong = LoadGen.sslContext(other.writeCertificate(dir.resolve("other.crt")));
      try (RawHttpTarget target =
          new RawHttpTarget(url, LoadGen.PUSH_HEADERS, wrong, Duration.ofSeconds(5))) {
        assertThat(send(target)).isEqualTo("SSLHandshakeException");
      }
    } finally {
      server.stop(0);
    }
  }
}
