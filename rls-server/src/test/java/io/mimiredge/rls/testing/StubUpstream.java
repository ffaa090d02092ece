package io.mimiredge.rls.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A distributor stand-in on 127.0.0.1 that records every request and answers 200; a request for
 * tenant {@value #SLOW_TENANT} is answered only after {@code slowMillis}.
 */
public final class StubUpstream implements AutoCloseable {
  public static final String SLOW_TENANT = "slow";

  /** One received request. */
  public record Received(String path, Map<String, List<String>> headers, byte[] body) {
    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final long slowMillis;

  public StubUpstream(long slowMillis) {
    this.slowMillis = slowMillis;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public List<Received> received() {
    return received;
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    Received r =
        new Received(
            exchange.getRequestURI().toString(), Map.copyOf(exchange.getRequestHeaders()), body);
    received.add(r);
    if (SLOW_TENANT.equals(r.header("X-Scope-OrgID"))) {
      try {
        Thread.sleep(slowMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    exchange.getResponseHeaders().add("X-Stub", "distributor");
    String type = r.header("Content-Type");
    if (type != null && type.endsWith(";proto=io.prometheus.write.v2.Request")) {
      writtenHeaders(exchange, body); // as Mimir answers a remote write 2.0 push
    }
    exchange.sendResponseHeaders(200, -1);
    exchange.close();
  }

  /**
   * Mimir's X-Prometheus-Remote-Write-*-Written headers for a 2.0 body, counted with the generated
   * classes (what it received); none for a body that does not decode.
   */
  private static void writtenHeaders(HttpExchange exchange, byte[] body) {
    try {
      var request =
          io.mimiredge.rls.testing.rw2.Request.parseFrom(org.xerial.snappy.Snappy.uncompress(body));
      long samples = 0;
      long histograms = 0;
      long exemplars = 0;
      for (var ts : request.getTimeseriesList()) {
        samples += ts.getSamplesCount();
        histograms += ts.getHistogramsCount();
        exemplars += ts.getExemplarsCount();
      }
      var h = exchange.getResponseHeaders();
      h.add("X-Prometheus-Remote-Write-Samples-Written", Long.toString(samples));
      h.add("X-Prometheus-Remote-Write-Histograms-Written", Long.toString(histograms));
      h.add("X-Prometheus-Remote-Write-Exemplars-Written", Long.toString(exemplars));
    } catch (IOException e) {
      // not a 2.0 body: no headers, as Prometheus would then see
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
