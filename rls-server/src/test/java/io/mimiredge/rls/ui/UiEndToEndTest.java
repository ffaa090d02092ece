package io.mimiredge.rls.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.rls.testing.Distributor;
import io.mimiredge.rls.testing.TestCertificates;
import io.mimiredge.rls.testing.TestFixtures;
import io.mimiredge.rls.testing.TestRls;
import io.mimiredge.testsupport.StubUpstream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin UI in a real browser against the real application: Debian's Chromium, driven by
 * playwright-core from {@code src/main/ui/e2e/e2e.mjs}, on an RLS with 10,000 tenants in its
 * overrides and traffic from the captured fixtures. The script compares every page's numbers with
 * the API's, opens a denial's full message, changes a limit through the UI and pushes again, and
 * saves a screenshot of each page in {@code target/ui-screenshots/}. Without Chromium, node or the
 * built UI the test skips, except in CI ({@code CI=true}) where it fails.
 */
class UiEndToEndTest {
  private static final String TOKEN = "ui-e2e-admin-token-0123456789";
  private static final Path UI_DIR = Path.of("src/main/ui");
  private static final Path SHOTS = Path.of("target/ui-screenshots");
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(4);
  private static final int BULK_TENANTS = 10_000;
  // The UI over HTTPS (type: pem-https), as an operator serves it: a CA made for the test that the
  // Java client, Node's fetch (NODE_EXTRA_CA_CERTS) and Chromium (the server key's SPKI pinned)
  // trust, nothing else.
  private static final TestCertificates.Issued CA = TestCertificates.ca("ui e2e CA");
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .sslContext(TestCertificates.clientContext(CA, null, new ArrayList<>()))
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private static Path caFile;
  private static String serverSpki;

  private static StubUpstream upstream;
  private static TestRls rls;

  @BeforeAll
  static void start() throws Exception {
    String chromium = System.getenv().getOrDefault("CHROMIUM_BIN", "/usr/bin/chromium");
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(Path.of(chromium))) {
      missing.add(chromium + " (apt-get install chromium; scripts/test.sh does it)");
    }
    if (!Files.isDirectory(UI_DIR.resolve("node_modules/playwright-core"))) {
      missing.add("playwright-core in " + UI_DIR + "/node_modules (the Maven build's npm ci)");
    }
    if (UiEndToEndTest.class.getResource("/ui/index.html") == null) {
      missing.add("the built UI (built without -Dui.skip)");
    }
    if (!missing.isEmpty()) {
      String why = "missing " + String.join(", ", missing);
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("CI=true and " + why);
      }
      Assumptions.abort("skipped: " + why);
    }

    Path dir = Files.createTempDirectory("rls-ui-e2e");
    TestCertificates.Issued server = TestCertificates.leaf(CA, "rls", "ip:127.0.0.1");
    caFile = CA.writeCertificate(dir.resolve("ca.crt"));
    serverSpki =
        java.util.Base64.getEncoder()
            .encodeToString(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(server.certificate().getPublicKey().getEncoded()));
    upstream = Distributor.start(Duration.ofSeconds(3));
    rls =
        TestRls.builder()
            .dir(dir)
            .overrides(overrides())
            .applicationConnectors(
                """
                - type: pem-https
                  bindHost: 127.0.0.1
                  port: 0
                  tls: {certFile: %s, keyFile: %s}
                """
                    .formatted(
                        server.writeChain(dir.resolve("tls.crt")),
                        server.writeKey(dir.resolve("tls.key"))))
            .adminToken(TOKEN)
            .upstream(upstream.url())
            .upstreamSettings("connectTimeout: 500ms\ntimeout: 2s\nhealthCacheFor: 0s")
            .start();
    sendTraffic();
  }

  @AfterAll
  static void stop() {
    if (rls != null) {
      rls.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  /** Named tenants for the checks, and 10,000 more for the table. */
  private static String overrides() {
    StringBuilder b =
        new StringBuilder(
            """
            overrides:
              alpha:
                ingestion_rate: 1000000
                ingestion_burst_size: 10000000
              beta:
                ingestion_rate: 1
                ingestion_burst_size: 600
              gamma:
                ingestion_rate: 1
                ingestion_burst_size: 600
                edge_enforcement:
                  mode: shadow
              delta:
                ingestion_rate: 10000
                ingestion_burst_size: 1000000
              epsilon:
                max_label_value_length: 100
                edge_enforcement:
                  validation: deny
            """);
    for (int i = 0; i < BULK_TENANTS; i++) {
      b.append("  bulk-%05d:\n    ingestion_rate: %d\n".formatted(i, 1000 + i));
    }
    return b.toString();
  }

  /** Captured Prometheus pushes: allowed, denied, shadow-denied and invalid ones. */
  private static void sendTraffic() throws Exception {
    for (String f : List.of("000.bin", "001.bin", "003.bin", "004.bin", "005.bin")) {
      assertThat(push("/api/v1/push", "alpha", f)).isEqualTo(200);
    }
    assertThat(push("/shadow/api/v1/push", "alpha", "000.bin")).isEqualTo(204);
    assertThat(push("/api/v1/push", "beta", "000.bin")).isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      assertThat(push("/api/v1/push", "beta", "001.bin")).isEqualTo(429);
    }
    for (int i = 0; i < 4; i++) {
      assertThat(push("/api/v1/push", "gamma", "000.bin")).as("shadow mode").isEqualTo(200);
    }
    for (int i = 0; i < 2; i++) {
      // 002.bin has a 2000-byte label value
      assertThat(push("/api/v1/push", "epsilon", "002.bin")).isEqualTo(400);
    }
  }

  private static int push(String path, String tenant, String fixture) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(base() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Encoding", "snappy")
            .header("Content-Type", "application/x-protobuf")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .header("X-Scope-OrgID", tenant)
            .POST(HttpRequest.BodyPublishers.ofByteArray(TestFixtures.body(fixture)))
            .build();
    return CLIENT.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String base() {
    return "https://127.0.0.1:" + rls.port();
  }

  @Test
  void everyPageShowsTheApiNumbersAndALimitChangedInTheUiIsEnforced() throws Exception {
    Files.createDirectories(SHOTS);
    ProcessBuilder script =
        new ProcessBuilder(
                "node",
                "e2e/e2e.mjs",
                base(),
                TOKEN,
                TestFixtures.dir().toAbsolutePath().toString(),
                SHOTS.toAbsolutePath().toString())
            .directory(UI_DIR.toFile())
            .redirectErrorStream(true);
    script.environment().put("NODE_EXTRA_CA_CERTS", caFile.toString());
    script.environment().put("E2E_SPKI", serverSpki);
    Process node = script.start();
    StringBuilder out = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  System.out.println("[e2e] " + line);
                  synchronized (out) {
                    out.append(line).append('\n');
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "e2e-output");
    reader.start();
    boolean done = node.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (!done) {
      node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    reader.join(5000);
    String log;
    synchronized (out) {
      log = out.toString();
    }

    assertThat(done).as("e2e.mjs ended within %s:\n%s", SCRIPT_TIMEOUT, log).isTrue();
    assertThat(node.exitValue()).as("e2e.mjs exit code; its output:\n%s", log).isZero();
    assertThat(log).contains("all ").doesNotContain("not ok");
    for (String page :
        List.of(
            "1-overview",
            "2-tenants",
            "3-tenant",
            "3-tenant-changed",
            "4-denials",
            "4-denials-open",
            "5-health",
            "6-rollout")) {
      assertThat(SHOTS.resolve(page + ".png")).isNotEmptyFile();
    }
  }
}
