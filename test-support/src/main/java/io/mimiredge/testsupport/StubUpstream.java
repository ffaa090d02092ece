package io.mimiredge.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A stand-in for an HTTP upstream (Mimir's distributor, the RLS's doors and admin API) on
 * 127.0.0.1: the JDK's HTTP server on a pool of daemon threads. Every request is answered by the
 * builder's {@link Builder#answer answer} (default: its status, no body) with the header {@code
 * X-Upstream: NAME}, counted, and recorded with its headers and body unless {@link
 * Builder#recording recording} is off (a load test's sink); a {@link #route route} answers one
 * exact path instead, neither counted nor recorded (an admin API beside the write path).
 *
 * <p>As the benchmarks' distributor:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.mimiredge.testsupport.StubUpstream [PORT]
 * </pre>
 *
 * answers 204 to every POST (405 to anything else) on PORT (0, the default: a free one), records
 * nothing, and prints {@code port N} once listening.
 *
 * <p>Thread-safe.
 */
public final class StubUpstream implements AutoCloseable {

  /** One request as the upstream saw it. */
  public record Received(
      String method, String path, Map<String, List<String>> headers, byte[] body) {

    /** The first value of a header (any case), or null. */
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    /** Mimir's tenant header, {@code X-Scope-OrgID}, or null. */
    public String tenant() {
      return header("X-Scope-OrgID");
    }
  }

  /** An answer: status, headers, body (empty: none). */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    public Response {
      headers = Map.copyOf(headers);
      body = body.clone();
    }

    public static Response status(int status) {
      return new Response(status, Map.of(), new byte[0]);
    }

    public static Response of(int status, String contentType, String body) {
      return new Response(
          status, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8));
    }

    /** 200 with a JSON body. */
    public static Response json(String body) {
      return of(200, "application/json", body);
    }

    public Response withHeader(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(name, value);
      return new Response(status, more, body);
    }
  }

  private final String name;
  private final Function<Received, Response> answer;
  private final boolean recording;
  private final HttpServer server;
  private final ExecutorService workers;
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();
  private final Map<String, Function<Received, Response>> routes = new ConcurrentHashMap<>();

  private StubUpstream(Builder b) {
    this.name = b.name;
    this.answer = b.answer;
    this.recording = b.recording;
    // Without it the JDK's server leaves Nagle on, which can hold a response for a delayed ACK.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    try {
      server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), 1024);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AtomicInteger n = new AtomicInteger();
    workers =
        Executors.newFixedThreadPool(
            b.threads,
            r -> {
              Thread t = new Thread(r, "stub-" + name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(workers);
    server.createContext("/", this::handle);
    server.start();
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Records every request and answers {@code status} with no body. */
  public static StubUpstream start(String name, int status) {
    return builder(name).status(status).start();
  }

  /**
   * A distributor for load: on 127.0.0.1:{@code port} (0: a free port) with {@code threads}
   * workers, reads every body, answers 204 to a POST and 405 to anything else, records nothing.
   */
  public static StubUpstream sink(int port, int threads) {
    return builder("distributor")
        .port(port)
        .threads(threads)
        .recording(false)
        .answer(r -> Response.status("POST".equalsIgnoreCase(r.method()) ? 204 : 405))
        .start();
  }

  /** Adds a handler for an exact path (and any query string); its requests are not recorded. */
  public StubUpstream route(String path, Function<Received, Response> handler) {
    routes.put(Objects.requireNonNull(path, "path"), Objects.requireNonNull(handler, "handler"));
    return this;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code 127.0.0.1:PORT} */
  public String hostPort() {
    return "127.0.0.1:" + port();
  }

  /** {@code http://127.0.0.1:PORT} */
  public String url() {
    return "http://" + hostPort();
  }

  /** The recorded requests, in arrival order (none when not recording). */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /** The recorded requests for one path. */
  public List<Received> received(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** Requests answered since the start or the last {@link #reset}, routes' aside. */
  public int count() {
    return count.get();
  }

  /** Recorded requests per tenant ("null" for none). */
  public Map<String, Integer> perTenant() {
    Map<String, Integer> m = new TreeMap<>();
    received.forEach(r -> m.merge(String.valueOf(r.tenant()), 1, Integer::sum));
    return m;
  }

  /** Forgets what was received and counted. */
  public void reset() {
    received.clear();
    count.set(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex;
        InputStream in = ex.getRequestBody()) {
      String path = ex.getRequestURI().getPath();
      Function<Received, Response> route = routes.get(path);
      byte[] body = route != null || recording ? in.readAllBytes() : drain(in);
      Received r =
          new Received(ex.getRequestMethod(), path, Map.copyOf(ex.getRequestHeaders()), body);
      Response response;
      if (route != null) {
        response = route.apply(r);
      } else {
        if (recording) {
          received.add(r);
        }
        count.incrementAndGet();
        response = answer.apply(r).withHeader("X-Upstream", name);
      }
      send(ex, response);
    }
  }

  private static byte[] drain(InputStream in) throws IOException {
    in.transferTo(OutputStream.nullOutputStream());
    return new byte[0];
  }

  private static void send(HttpExchange ex, Response r) throws IOException {
    r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    byte[] out = r.body();
    ex.sendResponseHeaders(r.status(), out.length == 0 ? -1 : out.length);
    if (out.length > 0) {
      try (OutputStream os = ex.getResponseBody()) {
        os.write(out);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }

  /** Builds a {@link StubUpstream}; checks each setting at once. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private Function<Received, Response> answer = r -> Response.status(200);
    private int port;
    private int threads = 8;
    private boolean recording = true;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Answers every request (routes aside) with {@code status} and no body (default 200). */
    public Builder status(int status) {
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("status must be 100..599, got " + status);
      }
      return answer(r -> Response.status(status));
    }

    /** Answers every request (routes aside) with what {@code answer} returns for it. */
    public Builder answer(Function<Received, Response> answer) {
      this.answer = Objects.requireNonNull(answer, "answer");
      return this;
    }

    /** The port on 127.0.0.1 (default 0: a free one). */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** Worker threads: how many requests it answers at once (default 8). */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Whether to keep every request with its body (default on). Off, for load: bodies are read and
     * dropped, and the answer sees none.
     */
    public Builder recording(boolean recording) {
      this.recording = recording;
      return this;
    }

    public StubUpstream start() {
      return new StubUpstream(this);
    }
  }

  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    StubUpstream stub = sink(port, 16);
    System.out.println("port " + stub.port());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
