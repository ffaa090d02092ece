package io.mimiredge.edgectl.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mimiredge.testsupport.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real NGINX for tests, in its own prefix directory with its own pid and error log, on a free
 * loopback port. Tests that need it skip (with the reason) when no nginx binary is installed;
 * {@code scripts/test.sh} and CI install Debian's.
 */
public final class Nginx implements AutoCloseable {
  private final Path prefix;
  private final Path conf;
  private final Process process;

  private Nginx(Path prefix, Path conf, Process process) {
    this.prefix = prefix;
    this.conf = conf;
    this.process = process;
  }

  /** The nginx binary, or skips the calling test saying why. */
  public static String binaryOrSkip() {
    String bin = binary();
    assumeTrue(
        bin != null,
        "nginx is not installed (apt-get install nginx; scripts/test.sh does it): NGINX tests skipped");
    return bin;
  }

  static String binary() {
    for (String p :
        List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(":")) {
        if (Files.isExecutable(Path.of(dir, "nginx"))) {
          return Path.of(dir, "nginx").toString();
        }
      }
    }
    return null;
  }

  /**
   * A prefix directory NGINX workers can use: world-traversable (workers run as nobody when the
   * master is root), with {@code logs/} and {@code temp/}.
   */
  public static Path newPrefix(String name) {
    try {
      Path dir =
          Files.createTempDirectory(
              "edgectl-nginx-" + name + "-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      Files.createDirectories(dir.resolve("logs"));
      Path temp = Files.createDirectories(dir.resolve("temp"));
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxrwxrwx"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code -g} directives every test NGINX runs with (pid and error log in its prefix). */
  public static String globals(Path prefix) {
    return "pid "
        + prefix.resolve("nginx.pid")
        + "; error_log "
        + prefix.resolve("logs/error.log")
        + " info;";
  }

  /** Runs {@code nginx -t} on a file; returns NGINX's output, empty when it passed. */
  public static String test(Path prefix, Path conf) {
    List<String> cmd =
        List.of(
            binaryOrSkip(),
            "-t",
            "-q",
            "-p",
            prefix.toString(),
            "-c",
            conf.toString(),
            "-g",
            globals(prefix));
    Run r = run(cmd);
    return r.code == 0 ? "" : "exit " + r.code + ": " + r.output;
  }

  /** Starts NGINX in the foreground on {@code conf} and waits until it accepts on {@code port}. */
  public static Nginx start(Path prefix, Path conf, int port) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binaryOrSkip());
    cmd.addAll(
        List.of(
            "-p",
            prefix.toString(),
            "-c",
            conf.toString(),
            "-g",
            "daemon off; " + globals(prefix)));
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(prefix.resolve("logs/stdout.log").toFile())
              .start();
      Nginx n = new Nginx(prefix, conf, p);
      try {
        Await.await(
            "nginx listening on " + port,
            () -> {
              if (!p.isAlive()) {
                throw new IllegalStateException("nginx exited: " + n.errorLog());
              }
              return accepts(port);
            },
            Duration.ofSeconds(10));
      } catch (AssertionError notListening) {
        n.close();
        throw new AssertionError(notListening.getMessage() + ": " + n.errorLog(), notListening);
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  public Path prefix() {
    return prefix;
  }

  public Path conf() {
    return conf;
  }

  public long pid() {
    return process.pid();
  }

  /**
   * Waits until only {@code workers} worker processes remain: after a reload, old workers may still
   * accept for a moment (until they handle their QUIT signal); tests that check which config served
   * a request wait for them to go.
   */
  public void awaitWorkers(int workers) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (process.toHandle().children().count() > workers && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  public String errorLog() {
    try {
      Path log = prefix.resolve("logs/error.log");
      return Files.exists(log) ? Files.readString(log) : "(no error log)";
    } catch (IOException e) {
      return "(unreadable error log: " + e + ")";
    }
  }

  /** Fast shutdown of this master (and its workers); waits for it to exit. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    // SIGTERM to the master we started: NGINX's fast shutdown stops its workers too.
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Removes a prefix directory made by {@link #newPrefix} (after its NGINX stopped). */
  public static void deletePrefix(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temp dir is harmless
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Run run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      p.waitFor(30, TimeUnit.SECONDS);
      return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private record Run(int code, String output) {}
}
