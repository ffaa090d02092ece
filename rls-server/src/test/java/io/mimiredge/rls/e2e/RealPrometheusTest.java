package io.mimiredge.rls.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.DropwizardTestSupport;
import io.mimiredge.rls.RlsApplication;
import io.mimiredge.rls.RlsConfiguration;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end with real Prometheus 2.42 (Debian's {@code prometheus}): a sending Prometheus scrapes
 * itself every second and remote-writes through the RLS for two tenants, named by basic-auth user
 * (Debian's build drops custom remote_write headers); the RLS forwards to a receiving Prometheus
 * standing in for the distributor. Everything binds 127.0.0.1 on free ports with temp data dirs.
 * Without the binary the test skips, except in CI ({@code CI=true}) where it fails.
 */
class RealPrometheusTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static Path dir;
  private static final List<Process> processes = new ArrayList<>();
  private static DropwizardTestSupport<RlsConfiguration> rls;
  private static int receiverPort;
  private static int senderPort;

  @BeforeAll
  static void start() throws Exception {
    Optional<Path> binary = prometheusBinary();
    if (binary.isEmpty()) {
      String why =
          "the prometheus binary is not installed (apt-get install prometheus; scripts/test.sh"
              + " does it) or set PROMETHEUS_BIN";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("CI=true and " + why);
      }
      Assumptions.abort("skipped: " + why);
    }
    dir = Files.createTempDirectory("rls-e2e");
    receiverPort = freePort();
    senderPort = freePort();

    // (a) the distributor stand-in
    Path receiverConfig = Files.writeString(dir.resolve("receiver.yml"), "global: {}\n");
    processes.add(
        prometheus(
            binary.get(),
            "receiver",
            receiverConfig,
            receiverPort,
            "--web.enable-remote-write-receiver"));
    awaitReady(receiverPort);

    // (b) the RLS, forwarding to it
    Path limits =
        Files.writeString(
            dir.resolve("overrides.yaml"),
            """
            overrides:
              tenant-generous:
                ingestion_rate: 1000000
                ingestion_burst_size: 10000000
              tenant-tight:
                ingestion_rate: 1
                ingestion_burst_size: 20
            """);
    Path rlsConfig =
        Files.writeString(
            dir.resolve("rls.yml"),
            """
            server:
              applicationConnectors: [{type: http, bindHost: 127.0.0.1, port: 0}]
              adminConnectors: [{type: http, bindHost: 127.0.0.1, port: 0}]
            logging:
              level: WARN
            grpc: {bindHost: 127.0.0.1, port: 0}
            tenantFrom: basicAuthUser
            limits:
              file: %s
            upstream:
              url: http://127.0.0.1:%d/api/v1/write
            """
                .formatted(limits, receiverPort));
    rls = new DropwizardTestSupport<>(RlsApplication.class, rlsConfig.toString());
    rls.before();
    int rlsPort = rls.getLocalPort();

    // (c) the sender: scrapes itself, writes for both tenants through the RLS
    String push = "http://127.0.0.1:" + rlsPort + "/api/v1/push";
    Path senderConfig =
        Files.writeString(
            dir.resolve("sender.yml"),
            """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: self
                static_configs:
                  - targets: ['127.0.0.1:%d']
            remote_write:
              - url: %s
                name: generous
                basic_auth: {username: tenant-generous, password: unused}
                queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s}
              - url: %s
                name: tight
                basic_auth: {username: tenant-tight, password: unused}
                queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s}
            """
                .formatted(senderPort, push, push));
    processes.add(prometheus(binary.get(), "sender", senderConfig, senderPort));
    awaitReady(senderPort);
  }

  @AfterAll
  static void stop() throws Exception {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
    if (rls != null) {
      rls.after();
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  @Test
  void tightTenantIsRefusedAndGenerousTenantsSeriesArrive() throws Exception {
    // The tight tenant: 429s, seen by the RLS and by the sender.
    double rlsDenied =
        await(
            "the RLS to deny tenant-tight",
            () ->
                rlsMetric(
                    "rls_tenant_decisions_total\\{decision=\"deny\",tenant=\"tenant-tight\"\\}"));
    double senderFailed =
        await(
            "the sender to count failed or retried samples for the tight queue",
            () ->
                query(
                        "sum(prometheus_remote_storage_samples_failed_total{remote_name=\"tight\"})"
                            + " + sum(prometheus_remote_storage_samples_retried_total{remote_name=\"tight\"})",
                        senderPort)
                    .orElse(0.0));
    // The generous tenant: admitted, forwarded, stored by the receiver.
    double rlsAllowed =
        await(
            "the RLS to admit tenant-generous",
            () ->
                rlsMetric(
                    "rls_tenant_decisions_total\\{decision=\"allow\",tenant=\"tenant-generous\"\\}"));
    double arrived =
        await(
            "the sender's self-scraped series to arrive at the receiver",
            () -> query("count(up{job=\"self\"})", receiverPort).orElse(0.0));
    double forwarded =
        rlsMetric("rls_upstream_requests_total\\{code=\"204\",outcome=\"response\"\\}");
    double tightSent =
        query("sum(prometheus_remote_storage_samples_total{remote_name=\"tight\"})", senderPort)
            .orElse(0.0);

    System.out.printf(
        "real Prometheus e2e: RLS denied %.0f tenant-tight requests, sender counted %.0f"
            + " failed+retried samples for tight (of %.0f sent); RLS admitted %.0f"
            + " tenant-generous requests, %.0f forwarded with 204; receiver has %.0f up{job=self}"
            + " series%n",
        rlsDenied, senderFailed, tightSent, rlsAllowed, forwarded, arrived);
    assertThat(rlsDenied).isPositive();
    assertThat(senderFailed).isPositive();
    assertThat(rlsAllowed).isPositive();
    assertThat(arrived).isPositive();
  }

  private static double rlsMetric(String seriesRegex) {
    String body = get("http://127.0.0.1:" + rls.getLocalPort() + "/metrics").orElse("");
    Matcher m = Pattern.compile("(?m)^" + seriesRegex + " ([0-9.eE+]+)$").matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** The value of a scalar-or-single-vector PromQL result. */
  private static Optional<Double> query(String promql, int port) {
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

  private static double await(String what, DoubleSupplier value) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      double v = value.getAsDouble();
      if (v > 0) {
        return v;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what + logs());
      }
      Thread.sleep(500);
    }
  }

  private static String logs() {
    StringBuilder b = new StringBuilder();
    if (rls != null) {
      b.append("\n--- RLS metrics ---\n");
      get("http://127.0.0.1:" + rls.getLocalPort() + "/metrics")
          .ifPresent(
              m ->
                  m.lines()
                      .filter(l -> l.startsWith("rls_") && !l.contains("_bucket"))
                      .forEach(l -> b.append(l).append('\n')));
    }
    for (String name : List.of("receiver", "sender")) {
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

  private static Optional<String> get(String url) {
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

  private static Process prometheus(
      Path binary, String name, Path config, int port, String... extra) throws IOException {
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

  private static void awaitReady(int port) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (get("http://127.0.0.1:" + port + "/-/ready").isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("prometheus on port " + port + " not ready" + logs());
      }
      Thread.sleep(200);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Optional<Path> prometheusBinary() {
    String configured = System.getenv("PROMETHEUS_BIN");
    if (configured != null && Files.isExecutable(Path.of(configured))) {
      return Optional.of(Path.of(configured));
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String d : path.split(File.pathSeparator)) {
      Path p = Path.of(d, "prometheus");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
