package io.mimiredge.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.opentest4j.TestAbortedException;

/**
 * A real {@code redis-server} (Debian's package) on a free 127.0.0.1 port, without persistence, for
 * tests and benchmarks; its output goes to a temp file, named when it fails to start.
 *
 * <p>Thread-safe.
 */
public final class RedisServer implements AutoCloseable {
  private static final Duration START_WITHIN = Duration.ofSeconds(10);
  private static final String MISSING =
      "redis-server not installed (apt-get install redis-server; scripts/test.sh does it)";

  private final String binary;
  private final int port;
  private final Path log;
  private Process process;

  private RedisServer(String binary, int port) throws IOException {
    this.binary = binary;
    this.port = port;
    this.log = Files.createTempFile("redis-" + port + "-", ".log");
  }

  /**
   * Starts one, or skips the test (opentest4j's {@link TestAbortedException}, which JUnit reports
   * as skipped) when redis-server is not installed; under {@code CI=true} that fails instead.
   */
  public static RedisServer startOrSkip() {
    if (find() == null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(MISSING + " and CI=true");
      }
      throw new TestAbortedException(MISSING);
    }
    return start();
  }

  /**
   * Starts one and waits until it accepts connections.
   *
   * @throws IllegalStateException when redis-server is not installed or exits at once
   */
  public static RedisServer start() {
    String binary = find();
    if (binary == null) {
      throw new IllegalStateException(MISSING);
    }
    try {
      RedisServer r = new RedisServer(binary, freePort());
      r.restart();
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:PORT/0} */
  public String uri() {
    return "redis://127.0.0.1:" + port + "/0";
  }

  /**
   * Starts it again on the same port (after {@link #kill}; a no-op while it runs) and waits until
   * it accepts connections.
   */
  public synchronized void restart() {
    if (process != null && process.isAlive()) {
      return;
    }
    try {
      process =
          new ProcessBuilder(
                  List.of(
                      binary,
                      "--port",
                      Integer.toString(port),
                      "--bind",
                      "127.0.0.1",
                      "--save",
                      "",
                      "--appendonly",
                      "no",
                      "--daemonize",
                      "no"))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Process started = process;
    Await.await(
        "redis-server listening on " + port,
        () -> {
          if (!started.isAlive()) {
            throw new IllegalStateException("redis-server exited: " + log());
          }
          return accepts(port);
        },
        START_WITHIN);
  }

  /** Kills it at once (SIGKILL), as a crash would. */
  public synchronized void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException, IOException {
    kill();
    Files.deleteIfExists(log);
  }

  private String log() {
    try {
      return Files.readString(log).strip();
    } catch (IOException e) {
      return "(unreadable " + log + ": " + e + ")";
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private static String find() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, "redis-server");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    File debian = new File("/usr/bin/redis-server");
    return debian.canExecute() ? debian.getPath() : null;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
