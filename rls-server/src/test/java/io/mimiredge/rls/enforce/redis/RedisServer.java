package io.mimiredge.rls.enforce.redis;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package) on a free 127.0.0.1 port, without persistence, for
 * tests. Missing binary: the test is skipped with a message, or fails when {@code CI=true}.
 */
public final class RedisServer implements AutoCloseable {
  private final String binary;
  private final int port;
  private final Path log;
  private Process process;

  private RedisServer(String binary, int port) throws IOException {
    this.binary = binary;
    this.port = port;
    this.log = Files.createTempFile("redis-" + port + "-", ".log");
  }

  /** Starts one, or skips (fails under CI=true) when redis-server is not installed. */
  public static RedisServer startOrSkip() throws Exception {
    String binary = find();
    String message =
        "redis-server not installed (apt-get install redis-server; scripts/test.sh does it)";
    if (binary == null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(message + " and CI=true");
      }
      assumeTrue(false, message);
    }
    RedisServer r = new RedisServer(binary, freePort());
    r.start();
    return r;
  }

  public int port() {
    return port;
  }

  public String uri() {
    return "redis://127.0.0.1:" + port + "/0";
  }

  /** (Re)starts it on the same port and waits until it accepts connections. */
  public synchronized void start() throws Exception {
    if (process != null && process.isAlive()) {
      return;
    }
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
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited: " + Files.readString(log).strip());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    throw new IllegalStateException("redis-server did not listen on " + port + " within 10 s");
  }

  /** Kills it at once (SIGKILL), as a crash would. */
  public synchronized void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws Exception {
    kill();
    Files.deleteIfExists(log);
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
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
