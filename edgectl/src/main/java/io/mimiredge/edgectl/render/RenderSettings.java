package io.mimiredge.edgectl.render;

import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.api.tenant.TenantFrom;
import io.mimiredge.edgectl.config.Durations;
import io.mimiredge.edgectl.config.EdgectlConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** What the NGINX templates need besides the phase. Built from the config, or by a builder. */
public final class RenderSettings {
  private final String listen;
  private final String tenantHeader;
  private final TenantFrom tenantFrom;
  private final long maxRequestBytes;
  private final String workerProcesses;
  private final String user;
  private final String accessLog;
  private final String tempDir;
  private final List<String> distributor;
  private final List<String> enforce;
  private final boolean enforceIsEnvoy;
  private final List<String> shadow;
  private final int keepalive;
  private final Duration mirrorConnectTimeout;
  private final Duration mirrorTimeout;
  private final SplitBy splitBy;
  private final EdgectlConfig.ListenTls listenTls;
  private final EdgectlConfig.RlsTls rlsTls;

  private RenderSettings(Builder b) {
    this.listen = b.listen;
    this.tenantHeader = b.tenantHeader;
    this.tenantFrom = b.tenantFrom;
    this.maxRequestBytes = b.maxRequestBytes;
    this.workerProcesses = b.workerProcesses;
    this.user = b.user;
    this.accessLog = b.accessLog;
    this.tempDir = b.tempDir;
    this.distributor = List.copyOf(b.distributor);
    this.enforce = List.copyOf(b.enforce);
    this.enforceIsEnvoy = b.enforceIsEnvoy;
    this.shadow = List.copyOf(b.shadow);
    this.keepalive = b.keepalive;
    this.mirrorConnectTimeout = b.mirrorConnectTimeout;
    this.mirrorTimeout = b.mirrorTimeout;
    this.splitBy = b.splitBy;
    this.listenTls = b.listenTls;
    this.rlsTls = b.rlsTls;
  }

  public static RenderSettings from(EdgectlConfig c) {
    EdgectlConfig.Upstreams u = c.upstreams();
    boolean envoy = !u.envoy().isEmpty();
    return builder()
        .listen(c.nginx().listen())
        .tenantHeader(c.nginx().tenantHeader())
        .tenantFrom(c.nginx().tenantFrom())
        .maxRequestBytes(c.nginx().maxRequestBytes())
        .workerProcesses(c.nginx().workerProcesses())
        .user(c.nginx().user())
        .accessLog(c.nginx().accessLog())
        .tempDir(c.nginx().tempDir())
        .distributor(u.distributor())
        .enforce(envoy ? u.envoy() : u.rlsPassThrough(), envoy)
        .shadow(u.rlsShadow())
        .keepalive(u.keepalive())
        .mirrorConnectTimeout(Durations.parse(c.mirror().connectTimeout()))
        .mirrorTimeout(Durations.parse(c.mirror().timeout()))
        .splitBy(c.splitBy())
        .listenTls(c.nginx().tls())
        .rlsTls(u.rlsTls())
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .listen(listen)
        .tenantHeader(tenantHeader)
        .tenantFrom(tenantFrom)
        .maxRequestBytes(maxRequestBytes)
        .workerProcesses(workerProcesses)
        .user(user)
        .accessLog(accessLog)
        .tempDir(tempDir)
        .distributor(distributor)
        .enforce(enforce, enforceIsEnvoy)
        .shadow(shadow)
        .keepalive(keepalive)
        .mirrorConnectTimeout(mirrorConnectTimeout)
        .mirrorTimeout(mirrorTimeout)
        .splitBy(splitBy)
        .listenTls(listenTls)
        .rlsTls(rlsTls);
  }

  public String listen() {
    return listen;
  }

  public String tenantHeader() {
    return tenantHeader;
  }

  /** Where the tenant is: what a canary split by tenant splits on. */
  public TenantFrom tenantFrom() {
    return tenantFrom;
  }

  public long maxRequestBytes() {
    return maxRequestBytes;
  }

  public String workerProcesses() {
    return workerProcesses;
  }

  public String user() {
    return user;
  }

  public String accessLog() {
    return accessLog;
  }

  public String tempDir() {
    return tempDir;
  }

  public List<String> distributor() {
    return distributor;
  }

  public List<String> enforce() {
    return enforce;
  }

  public boolean enforceIsEnvoy() {
    return enforceIsEnvoy;
  }

  public List<String> shadow() {
    return shadow;
  }

  public int keepalive() {
    return keepalive;
  }

  public Duration mirrorConnectTimeout() {
    return mirrorConnectTimeout;
  }

  public Duration mirrorTimeout() {
    return mirrorTimeout;
  }

  public SplitBy splitBy() {
    return splitBy;
  }

  /** The listener's certificate and key, or null for plaintext. */
  public EdgectlConfig.ListenTls listenTls() {
    return listenTls;
  }

  /** TLS towards the RLS' doors, or null for plaintext. */
  public EdgectlConfig.RlsTls rlsTls() {
    return rlsTls;
  }

  /** Validates each setting as it is given; {@link #build()} checks what must be present. */
  public static final class Builder {
    private String listen = "8080";
    private String tenantHeader = "X-Scope-OrgID";
    private TenantFrom tenantFrom = TenantFrom.HEADER;
    private long maxRequestBytes = 100L * 1024 * 1024;
    private String workerProcesses = "auto";
    private String user;
    private String accessLog = "off";
    private String tempDir;
    private List<String> distributor = List.of();
    private List<String> enforce = List.of();
    private boolean enforceIsEnvoy;
    private List<String> shadow = List.of();
    private int keepalive = 32;
    private Duration mirrorConnectTimeout = Duration.ofMillis(100);
    private Duration mirrorTimeout = Duration.ofMillis(200);
    private SplitBy splitBy = SplitBy.TENANT;
    private EdgectlConfig.ListenTls listenTls;
    private EdgectlConfig.RlsTls rlsTls;

    private Builder() {}

    public Builder listenTls(EdgectlConfig.ListenTls v) {
      this.listenTls = v;
      return this;
    }

    public Builder rlsTls(EdgectlConfig.RlsTls v) {
      this.rlsTls = v;
      return this;
    }

    public Builder listen(String v) {
      if (v == null || !v.matches("[A-Za-z0-9.:\\[\\]]+( [a-z_]+)*")) {
        throw new IllegalArgumentException("listen must be port or addr:port, got '" + v + "'");
      }
      this.listen = v;
      return this;
    }

    public Builder tenantFrom(TenantFrom v) {
      this.tenantFrom = Objects.requireNonNull(v, "tenantFrom");
      return this;
    }

    public Builder tenantHeader(String v) {
      this.tenantHeader = Objects.requireNonNull(v, "tenantHeader");
      return this;
    }

    public Builder maxRequestBytes(long v) {
      if (v <= 0) {
        throw new IllegalArgumentException("maxRequestBytes must be > 0, got " + v);
      }
      this.maxRequestBytes = v;
      return this;
    }

    public Builder workerProcesses(String v) {
      this.workerProcesses = Objects.requireNonNull(v, "workerProcesses");
      return this;
    }

    public Builder user(String v) {
      this.user = v == null || v.isBlank() ? null : v;
      return this;
    }

    public Builder accessLog(String v) {
      this.accessLog = v == null || v.isBlank() ? "off" : v;
      return this;
    }

    public Builder tempDir(String v) {
      this.tempDir = v == null || v.isBlank() ? null : v;
      return this;
    }

    public Builder distributor(List<String> v) {
      this.distributor = List.copyOf(v);
      return this;
    }

    public Builder enforce(List<String> v, boolean envoy) {
      this.enforce = List.copyOf(v);
      this.enforceIsEnvoy = envoy;
      return this;
    }

    public Builder shadow(List<String> v) {
      this.shadow = List.copyOf(v);
      return this;
    }

    public Builder keepalive(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("keepalive must be >= 1, got " + v);
      }
      this.keepalive = v;
      return this;
    }

    public Builder mirrorConnectTimeout(Duration v) {
      this.mirrorConnectTimeout = positive(v, "mirror connect timeout");
      return this;
    }

    public Builder mirrorTimeout(Duration v) {
      this.mirrorTimeout = positive(v, "mirror timeout");
      return this;
    }

    public Builder splitBy(SplitBy v) {
      this.splitBy = Objects.requireNonNull(v, "splitBy");
      return this;
    }

    public RenderSettings build() {
      if (distributor.isEmpty()) {
        throw new IllegalArgumentException("at least one distributor upstream is required");
      }
      return new RenderSettings(this);
    }

    private static Duration positive(Duration d, String what) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(what + " must be > 0, got " + d);
      }
      return d;
    }
  }
}
