package io.mimiredge.rls.testing;

import io.dropwizard.testing.DropwizardTestSupport;
import io.mimiredge.rls.RlsApplication;
import io.mimiredge.rls.RlsConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The real RLS application for a test (and for edgectl's tests, through the test jar): its
 * overrides file and {@code rls.yml} written to a directory, every port a free one on 127.0.0.1,
 * started by {@link Builder#start()} and stopped by {@link #close()}. The settings every test
 * shares are here once; what a test needs besides goes in as YAML.
 */
public final class TestRls implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(5)).build();

  /**
   * Two tenants: {@code roomy}, far inside its limits, and {@code tight}, whose burst (5 items) no
   * fixture fits, so each of its pushes is an ingestion-rate denial. {@code tight} comes last, so a
   * test may append settings to it.
   */
  public static final String ROOMY_AND_TIGHT =
      """
      overrides:
        roomy:
          ingestion_rate: 1000000
          ingestion_burst_size: 10000000
        tight:
          ingestion_rate: 1
          ingestion_burst_size: 5
      """;

  private final DropwizardTestSupport<RlsConfiguration> app;
  private final Path config;

  private TestRls(DropwizardTestSupport<RlsConfiguration> app, Path config) {
    this.app = app;
    this.config = config;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The application port (HTTP, or HTTPS with a {@code pem-https} connector). */
  public int port() {
    return app.getLocalPort();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public DropwizardTestSupport<RlsConfiguration> app() {
    return app;
  }

  /** The {@code rls.yml} it runs on. */
  public Path config() {
    return config;
  }

  /**
   * Sends the 500-series fixture ({@link TestFixtures#SMALL}) as Prometheus does to {@code path}
   * ({@code /api/v1/push}, {@code /shadow/api/v1/push}) for {@code tenant}.
   */
  public HttpResponse<String> push(String path, String tenant) throws IOException {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(url() + path))
            .header("Content-Type", "application/x-protobuf")
            .header("Content-Encoding", "snappy")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .header("X-Scope-OrgID", tenant)
            .POST(HttpRequest.BodyPublishers.ofByteArray(TestFixtures.body(TestFixtures.SMALL)))
            .build();
    try {
      return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public void close() {
    app.after();
  }

  /** What the RLS runs on; every setting has the value most tests want. Not thread-safe. */
  public static final class Builder {
    private Path dir;
    private String overrides;
    private String upstream = "http://127.0.0.1:9";
    private String upstreamSettings = "";
    private String limitsSettings = "";
    private String adminToken;
    private String applicationConnectors = "[{type: http, bindHost: 127.0.0.1, port: 0}]";
    private String grpc = "{bindHost: 127.0.0.1, port: 0}";
    private boolean requestLog = true;
    private String settings = "";
    private String name = "rls";

    private Builder() {}

    /** Where the files go; a new temporary directory by default. */
    public Builder dir(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** The files' name ({@code <name>.yml}), for several RLS in one directory; {@code rls}. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The limits file ({@code limits.file}) with this content; without one, the bundled example.
     */
    public Builder overrides(String yaml) {
      this.overrides = Objects.requireNonNull(yaml, "overrides");
      return this;
    }

    /** More of the {@code limits:} block, one setting a line ({@code reloadInterval: 200ms}). */
    public Builder limitsSettings(String yaml) {
      this.limitsSettings = Objects.requireNonNull(yaml, "limitsSettings");
      return this;
    }

    /** Where {@link #overrides} are written (with {@link #dir} set): to change them in a test. */
    public Path overridesFile() {
      if (dir == null) {
        throw new IllegalStateException("overridesFile needs the dir set");
      }
      return dir.resolve(name + "-overrides.yaml");
    }

    /** {@code upstream.url}: the distributor admitted pushes go to. */
    public Builder upstream(String url) {
      this.upstream = Objects.requireNonNull(url, "upstream");
      return this;
    }

    /** More of the {@code upstream:} block, one setting a line ({@code timeout: 1s}). */
    public Builder upstreamSettings(String yaml) {
      this.upstreamSettings = Objects.requireNonNull(yaml, "upstreamSettings");
      return this;
    }

    /** {@code admin.token}; none by default (admin changes answer 403). */
    public Builder adminToken(String token) {
      this.adminToken = Objects.requireNonNull(token, "adminToken");
      return this;
    }

    /** {@code server.applicationConnectors}, as YAML; one plain HTTP connector by default. */
    public Builder applicationConnectors(String yaml) {
      this.applicationConnectors = Objects.requireNonNull(yaml, "applicationConnectors");
      return this;
    }

    /** The {@code grpc:} block's content, as YAML; plaintext on a free port by default. */
    public Builder grpc(String yaml) {
      this.grpc = Objects.requireNonNull(yaml, "grpc");
      return this;
    }

    /** No request log lines (tests that send thousands of requests). */
    public Builder quietRequests() {
      this.requestLog = false;
      return this;
    }

    /** Further top-level settings, as YAML ({@code tenantFrom: basicAuthUser}, {@code redis:}). */
    public Builder settings(String yaml) {
      this.settings = Objects.requireNonNull(yaml, "settings");
      return this;
    }

    /** Writes the files and returns the {@code rls.yml} (for {@code DropwizardAppExtension}). */
    public Path write() {
      try {
        if (dir == null) {
          dir = Files.createTempDirectory("test-rls");
        }
        StringBuilder y = new StringBuilder();
        y.append("server:\n")
            .append("  applicationConnectors:")
            .append(block(applicationConnectors, 4))
            .append("  adminConnectors: [{type: http, bindHost: 127.0.0.1, port: 0}]\n");
        if (!requestLog) {
          y.append("  requestLog: {appenders: []}\n");
        }
        y.append("logging:\n  level: WARN\n");
        y.append("grpc:").append(block(grpc, 2));
        if (overrides != null) {
          Path limits = Files.writeString(overridesFile(), overrides);
          y.append("limits:\n  file: ").append(limits).append('\n');
          y.append(indent(limitsSettings, 2));
        }
        y.append("upstream:\n  url: ").append(upstream).append('\n');
        y.append(indent(upstreamSettings, 2));
        if (adminToken != null) {
          y.append("admin:\n  token: ").append(adminToken).append('\n');
        }
        y.append(indent(settings, 0));
        return Files.writeString(dir.resolve(name + ".yml"), y.toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Writes the files and starts the RLS; a start that fails throws. */
    public TestRls start() throws Exception {
      Path config = write();
      DropwizardTestSupport<RlsConfiguration> app =
          new DropwizardTestSupport<>(RlsApplication.class, config.toString());
      app.before();
      return new TestRls(app, config);
    }

    /** A YAML value after its key: inline when one line, else on the lines below, indented. */
    private static String block(String yaml, int by) {
      String v = yaml.strip();
      return v.contains("\n") ? "\n" + indent(v, by) : " " + v + "\n";
    }

    private static String indent(String yaml, int by) {
      if (yaml.isBlank()) {
        return "";
      }
      StringBuilder out = new StringBuilder();
      for (String line : yaml.stripTrailing().split("\n", -1)) {
        out.append(" ".repeat(by)).append(line).append('\n');
      }
      return out.toString();
    }
  }
}
