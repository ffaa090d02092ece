package io.mimiredge.rls.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mimiredge.testsupport.Await;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Real Prometheus processes for the end-to-end tests (Debian's {@code prometheus}, 2.42), on
 * 127.0.0.1 with their data under a temp directory, and the small HTTP helpers the tests read them
 * (and the RLS) with.
 */
final class Prometheus {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(60);
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Prometheus() {}

  /** The binary, or the test is skipped; under {@code CI=true} a missing binary fails instead. */
  static Path binaryOrSkip() {
    String configured = System.getenv("PROMETHEUS_BIN");
    if (configured != null && Files.isExecutable(Path.of(configured))) {
      return Path.of(configured);
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String d : path.split(File.pathSeparator)) {
      Path p = Path.of(d, "prometheus");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    String why =
        "the prometheus binary is not installed (apt-get install prometheus; scripts/test.sh"
            + " does it) or set PROMETHEUS_BIN";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true and " + why);
    }
    Assumptions.abort("skipped: " + why);
    return null;
  }

  /** Starts one with this config, logging to {@code dir/name.log}. */
  static Process start(Path binary, Path dir, String name, Path config, int port, String... extra)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.add("--config.file=" + config);
    cmd.add("--storage.tsdb.path=" + Files.createDirectories(dir.resolve(name + "-data")));
    cmd.add("--web.listen-address=127.0.0.1:" + port);
    cmd.add("--log.level=warn");
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
  }

  static void awaitReady(int port, Supplier<String> logs) {
    withLogs(
        logs,
        () ->
            Await.await(
                "prometheus on port " + port + " ready",
                () -> get("http://127.0.0.1:" + port + "/-/ready"),
                Optional::isPresent,
                WAIT));
  }

  /** Waits for {@code value} to be positive; fails with {@code logs} after {@link #WAIT}. */
  static double await(String what, DoubleSupplier value, Supplier<String> logs) {
    return withLogs(logs, () -> Await.await(what, value::getAsDouble, v -> v > 0, WAIT));
  }

  /** Runs a wait; its failure says what {@code logs} holds then. */
  private static <T> T withLogs(Supplier<String> logs, Supplier<T> wait) {
    try {
      return wait.get();
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + logs.get(), e);
    }
  }

  /** The value of a scalar-or-single-vector PromQL result. */
  static Optional<Double> query(String promql, int port) {
    String url =
        "http://127.0.0.1:"
            + port
            + "/api/v1/query?query="
            + URLEncoder.encode(promql, StandardCharsets.UTF_8);
    return get(url)
        .flatMap(
            body -> {
              try {
                JsonNode result = JSON.readTree(body).path("data").path("result");
                if (!result.isArray() || result.isEmpty()) {
                  return Optional.empty();
                }
                return Optional.of(result.get(0).path("value").get(1).asDouble());
              } catch (IOException e) {
                return Optional.empty();
              }
            });
  }

  /** A series' value in a {@code /metrics} text, 0 when absent. */
  static double metric(String metricsUrl, String seriesRegex) {
    String body = get(metricsUrl).orElse("");
    Matcher m = Pattern.compile("(?m)^" + seriesRegex + " ([0-9.eE+]+)$").matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** The last lines of each process' log, for a failure message. */
  static String logTails(Path dir, String... names) {
    StringBuilder b = new StringBuilder();
    for (String name : names) {
      try {
        List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
        b.append("\n--- ").append(name).append(" (last lines) ---\n");
        lines
            .subList(Math.max(0, lines.size() - 15), lines.size())
            .forEach(l -> b.append(l).append('\n'));
      } catch (IOException e) {
        b.append("\n(no ").append(name).append(" log)");
      }
    }
    return b.toString();
  }

  static Optional<String> get(String url) {
    try {
      HttpResponse<String> r =
          CLIENT.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Deletes a temp directory and everything in it; nothing when null. */
  static void deleteRecursively(Path dir) throws IOException {
    if (dir == null) {
      return;
    }
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }

  /** Stops the processes, forcibly after 10 s. */
  static void stopAll(List<Process> processes) throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
  }
}
