package io.mimiredge.helm.support;

import io.dropwizard.testing.DropwizardTestSupport;
import io.mimiredge.rls.RlsApplication;
import io.mimiredge.rls.RlsConfiguration;
import io.mimiredge.rls.testing.TestCertificates;
import io.mimiredge.testsupport.StubUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The series the RLS exports, with their label names, as read from its {@code /metrics}. */
public final class RlsMetrics {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+\\S+.*$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

  private RlsMetrics() {}

  /**
   * Starts the real RLS application (rls-server) on the chart's production rls.yml (free ports, a
   * stub distributor, test certificates where its TLS Secret would be mounted), sends it an allowed
   * push, a push it cannot parse, a shadow push and one without a tenant, so labelled series exist,
   * and reads its {@code /metrics}.
   */
  public static Map<String, Set<String>> scrape() {
    String rlsYml =
        Manifests.load(Charts.renderEnvironment("production")).configData("rls", "rls.yml");
    StubUpstream upstream = StubUpstream.start("distributor", 200);
    Path dir;
    try {
      dir = Files.createTempDirectory("rls-metrics-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Production serves TLS from the Secret cert-manager writes: real files stand in for it.
    TestCertificates.Issued ca = TestCertificates.ca("edge CA");
    boolean tls = rlsYml.contains("/etc/rls/tls/");
    if (tls) {
      Path files = dir.resolve("tls");
      try {
        Files.createDirectories(files);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      TestCertificates.Issued leaf =
          TestCertificates.leaf(ca, "rls", "dns:localhost", "ip:127.0.0.1");
      leaf.writeChain(files.resolve("tls.crt"));
      leaf.writeKey(files.resolve("tls.key"));
      ca.writeCertificate(files.resolve("ca.crt"));
      rlsYml = rlsYml.replace("/etc/rls/tls/", files + "/");
    }
    Path config = dir.resolve("rls.yml");
    DropwizardTestSupport<RlsConfiguration> app;
    try {
      Files.writeString(config, RlsApp.forTest(rlsYml, upstream.url()));
      app = new DropwizardTestSupport<>(RlsApplication.class, config.toString());
      app.before();
    } catch (Exception e) {
      upstream.close();
      throw new IllegalStateException("the RLS did not start on the chart's rls.yml", e);
    }
    try {
      String base = (tls ? "https" : "http") + "://127.0.0.1:" + app.getLocalPort();
      byte[] body = Files.readAllBytes(Charts.repoDir().resolve("testdata/remote-write/000.bin"));
      HttpClient client =
          tls
              ? HttpClient.newBuilder()
                  .sslContext(TestCertificates.clientContext(ca, null, new ArrayList<>()))
                  .build()
              : HttpClient.newHttpClient();
      post(client, base + "/api/v1/push", "tenant-a", body);
      post(client, base + "/api/v1/push", "tenant-a", "not snappy".getBytes());
      post(client, base + "/shadow/api/v1/push", "tenant-b", body);
      post(client, base + "/api/v1/push", null, body);
      HttpResponse<String> metrics =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      if (metrics.statusCode() != 200) {
        throw new IllegalStateException("/metrics answered " + metrics.statusCode());
      }
      return parse(metrics.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      app.after();
      upstream.close();
    }
  }

  private static void post(HttpClient client, String url, String tenant, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Encoding", "snappy")
            .header("Content-Type", "application/x-protobuf")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (tenant != null) {
      b.header("X-Scope-OrgID", tenant);
    }
    client.send(b.build(), HttpResponse.BodyHandlers.discarding());
  }

  /** Prometheus text format: metric name to the label names seen on it. */
  public static Map<String, Set<String>> parse(String exposition) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      Set<String> labels = out.computeIfAbsent(m.group(1), k -> new LinkedHashSet<>());
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.add(l.group(1));
        }
      }
    }
    return out;
  }
}
