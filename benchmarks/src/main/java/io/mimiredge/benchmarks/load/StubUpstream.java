package io.mimiredge.benchmarks.load;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Mimir's distributor: an HTTP server on 127.0.0.1 that reads every POST's body and
 * answers 204 (anything else: 405). Prints {@code port N} once listening.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.mimiredge.benchmarks.load.StubUpstream [PORT]
 * </pre>
 *
 * PORT 0 (the default) takes a free one.
 */
public final class StubUpstream implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService workers;

  private StubUpstream(HttpServer server, ExecutorService workers) {
    this.server = server;
    this.workers = workers;
  }

  /** Starts a stub on 127.0.0.1:{@code port} (0: a free port) with {@code threads} workers. */
  public static StubUpstream start(int port, int threads) throws IOException {
    // Without it the JDK's server leaves Nagle on, which can hold a response for a delayed ACK.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
    AtomicInteger n = new AtomicInteger();
    ExecutorService workers =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "stub-upstream-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(workers);
    server.createContext("/", StubUpstream::handle);
    server.start();
    return new StubUpstream(server, workers);
  }

  private static void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try (InputStream body = exchange.getRequestBody()) {
        body.transferTo(OutputStream.nullOutputStream());
      }
      int status = "POST".equalsIgnoreCase(exchange.getRequestMethod()) ? 204 : 405;
      exchange.sendResponseHeaders(status, -1);
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    StubUpstream stub = start(port, 16);
    System.out.println("port " + stub.port());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
