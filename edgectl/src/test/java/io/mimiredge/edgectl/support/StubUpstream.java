package io.mimiredge.edgectl.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A stub HTTP upstream on a free loopback port that records every request (path, tenant, request
 * id, body) and counts them per tenant. Handlers for extra paths answer JSON (the RLS admin API,
 * Prometheus).
 */
public final class StubUpstream implements AutoCloseable {
  /** One request as the upstream saw it. */
  public record Seen(
      String method, String path, String tenant, String seq, String phase, byte[] body) {}

  private final String name;
  private final HttpServer server;
  private final int status;
  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final Map<String, AtomicInteger> perTenant = new ConcurrentHashMap<>();
  private final Map<String, Function<Seen, Response>> routes = new ConcurrentHashMap<>();

  /** A canned answer. */
  public record Response(int status, String contentType, String body) {
    public static Response json(String body) {
      return new Response(200, "application/json", body);
    }
  }

  private StubUpstream(String name, int status) {
    this.name = name;
    this.status = status;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/", this::handle);
    server.start();
  }

  /** Counts remote writes and answers {@code status} with no body. */
  public static StubUpstream start(String name, int status) {
    return new StubUpstream(name, status);
  }

  /** Adds a handler for an exact path (and any query string). */
  public StubUpstream route(String path, Function<Seen, Response> handler) {
    routes.put(path, handler);
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String hostPort() {
    return "127.0.0.1:" + port();
  }

  public String url() {
    return "http://" + hostPort();
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  public List<Seen> seen(String path) {
    return seen.stream().filter(s -> s.path().equals(path)).toList();
  }

  public int count() {
    return seen.size();
  }

  public Map<String, AtomicInteger> perTenant() {
    return perTenant;
  }

  public void reset() {
    seen.clear();
    perTenant.clear();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex;
        InputStream in = ex.getRequestBody()) {
      byte[] body = in.readAllBytes();
      String path = ex.getRequestURI().getPath();
      Seen s =
          new Seen(
              ex.getRequestMethod(),
              path,
              ex.getRequestHeaders().getFirst("X-Scope-OrgID"),
              ex.getRequestHeaders().getFirst("X-Seq"),
              ex.getRequestHeaders().getFirst("X-Edge-Phase"),
              body);
      Function<Seen, Response> route = routes.get(path);
      if (route != null) {
        Response r = route.apply(s);
        byte[] out = r.body() == null ? new byte[0] : r.body().getBytes(StandardCharsets.UTF_8);
        if (r.contentType() != null) {
          ex.getResponseHeaders().add("Content-Type", r.contentType());
        }
        ex.sendResponseHeaders(r.status(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
          try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
          }
        }
        return;
      }
      seen.add(s);
      perTenant
          .computeIfAbsent(String.valueOf(s.tenant()), t -> new AtomicInteger())
          .incrementAndGet();
      ex.getResponseHeaders().add("X-Upstream", name);
      ex.sendResponseHeaders(status, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
