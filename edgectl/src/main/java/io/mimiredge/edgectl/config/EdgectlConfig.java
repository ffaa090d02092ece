package io.mimiredge.edgectl.config;

import io.mimiredge.api.rollout.Ladder;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.api.tenant.TenantFrom;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code edgectl.yaml}: everything edgectl needs, in one file. Every section has defaults, so a
 * config names only what differs; see {@code edgectl/edgectl.example.yaml}. Unknown keys are errors
 * (a typo must not silently fall back to a default).
 */
public record EdgectlConfig(
    Nginx nginx,
    Upstreams upstreams,
    Mirror mirror,
    SplitBy splitBy,
    List<String> ladder,
    String bakeTime,
    Rls rls,
    Prometheus prometheus,
    Gates gates,
    Target target) {

  public EdgectlConfig {
    nginx = nginx == null ? new Nginx(null, null, null, null, null, null, null, null, null) : nginx;
    if (upstreams == null) {
      throw new IllegalArgumentException("upstreams: is required (at least upstreams.distributor)");
    }
    mirror = mirror == null ? new Mirror(null, null) : mirror;
    // Mimir without multitenancy has one tenant: a canary can only take a share of its requests
    boolean oneTenant = nginx.tenantFrom() == TenantFrom.NONE;
    splitBy = splitBy == null ? (oneTenant ? SplitBy.REQUEST : SplitBy.TENANT) : splitBy;
    if (oneTenant && splitBy == SplitBy.TENANT) {
      throw new IllegalArgumentException(NO_TENANT_SPLIT);
    }
    bakeTime = bakeTime == null ? "5m" : bakeTime;
    Durations.parse(bakeTime);
    rls = rls == null ? new Rls(null, null, null) : rls;
    prometheus = prometheus == null ? new Prometheus(null) : prometheus;
    gates = gates == null ? new Gates(null, null, null, null, null, null, null, null, null) : gates;
    target = target == null ? new Target(null, null) : target;
    ladderValue(ladder); // validates
  }

  /** Why a canary cannot be split by tenant in front of a Mimir without multitenancy. */
  public static final String NO_TENANT_SPLIT =
      "splitBy: tenant needs tenants, and with nginx.tenantFrom none (Mimir's"
          + " multitenancy_enabled: false) every write is Mimir's one no-auth tenant: a canary by"
          + " tenant would move all of it at once; use splitBy: request";

  private static Ladder ladderValue(List<String> ladder) {
    return Ladder.parse(ladder);
  }

  public Ladder ladderValue() {
    return ladderValue(ladder);
  }

  public Duration bakeTimeValue() {
    return Durations.parse(bakeTime);
  }

  /**
   * The NGINX process and the server block edgectl renders. {@code tenantFrom} is where the tenant
   * is, as the RLS is told ({@code header}: {@code tenantHeader}; {@code basicAuthUser}: the basic
   * auth user): a canary split by tenant splits on it.
   */
  public record Nginx(
      String listen,
      String tenantHeader,
      TenantFrom tenantFrom,
      Long maxRequestBytes,
      String workerProcesses,
      String user,
      String accessLog,
      String tempDir,
      ListenTls tls) {
    public Nginx {
      listen = listen == null ? "8080" : listen;
      tenantHeader = tenantHeader == null ? "X-Scope-OrgID" : tenantHeader;
      tenantFrom = tenantFrom == null ? TenantFrom.HEADER : tenantFrom;
      if (!tenantHeader.matches("[A-Za-z0-9-]+")) {
        throw new IllegalArgumentException(
            "nginx.tenantHeader must be a plain header name, got '" + tenantHeader + "'");
      }
      // The RLS' default maxRequestBytes (100 MiB, Mimir's -distributor.max-recv-msg-size).
      maxRequestBytes = maxRequestBytes == null ? 100L * 1024 * 1024 : maxRequestBytes;
      if (maxRequestBytes <= 0) {
        throw new IllegalArgumentException("nginx.maxRequestBytes must be > 0");
      }
      workerProcesses = workerProcesses == null ? "auto" : workerProcesses;
      accessLog = accessLog == null ? "off" : accessLog;
    }
  }

  /**
   * {@code nginx.tls}: the listener terminates TLS with this certificate and key (PEM files, as
   * cert-manager mounts them).
   */
  public record ListenTls(String certificate, String certificateKey) {
    public ListenTls {
      certificate = path("nginx.tls.certificate", certificate, true);
      certificateKey = path("nginx.tls.certificateKey", certificateKey, true);
    }
  }

  /**
   * {@code upstreams.rlsTls}: NGINX reaches the RLS (pass-through and shadow doors) over TLS,
   * verifying its certificate against {@code trustedCertificate} for {@code name}, and with {@code
   * certificate} and {@code certificateKey} presents a client certificate (mutual TLS). Not used
   * for Envoy, nor in the {@code direct} phase, which never reaches the RLS.
   */
  public record RlsTls(
      String trustedCertificate, String name, String certificate, String certificateKey) {
    public RlsTls {
      trustedCertificate = path("upstreams.rlsTls.trustedCertificate", trustedCertificate, true);
      if (name == null || !name.matches("[A-Za-z0-9.-]+")) {
        throw new IllegalArgumentException(
            "upstreams.rlsTls.name must be the host name in the RLS certificate (proxy_ssl_name),"
                + " got '"
                + name
                + "'");
      }
      certificate = path("upstreams.rlsTls.certificate", certificate, false);
      certificateKey = path("upstreams.rlsTls.certificateKey", certificateKey, false);
      bothOrNeither(
          "upstreams.rlsTls", certificate, certificateKey, "the client certificate NGINX presents");
    }
  }

  /** A client certificate and its key: both given or neither. */
  private static void bothOrNeither(
      String section, String certificate, String certificateKey, String what) {
    if ((certificate == null) != (certificateKey == null)) {
      throw new IllegalArgumentException(
          section + ": certificate and certificateKey go together (" + what + ")");
    }
  }

  /** A file path for an NGINX directive: one token, nothing NGINX would read as syntax. */
  private static String path(String setting, String v, boolean required) {
    if (v == null || v.isBlank()) {
      if (required) {
        throw new IllegalArgumentException(setting + " is required (a PEM file path)");
      }
      return null;
    }
    if (!v.matches("[^\\s;{}'\"$#]+")) {
      throw new IllegalArgumentException(
          setting + " must be a plain file path (no spaces, ; { } quotes $ #), got '" + v + "'");
    }
    return v;
  }

  /**
   * Where traffic goes. {@code envoy}, when set, receives the enforced traffic instead of the RLS
   * pass-through door.
   */
  public record Upstreams(
      List<String> distributor,
      List<String> rlsPassThrough,
      List<String> rlsShadow,
      List<String> envoy,
      Integer keepalive,
      RlsTls rlsTls) {
    public Upstreams {
      if (distributor == null || distributor.isEmpty()) {
        throw new IllegalArgumentException(
            "upstreams.distributor must list at least one host:port of the Mimir distributor");
      }
      distributor = List.copyOf(distributor);
      rlsPassThrough = rlsPassThrough == null ? List.of() : List.copyOf(rlsPassThrough);
      rlsShadow = rlsShadow == null ? rlsPassThrough : List.copyOf(rlsShadow);
      envoy = envoy == null ? List.of() : List.copyOf(envoy);
      keepalive = keepalive == null ? 32 : keepalive;
      for (String s : concat(distributor, rlsPassThrough, rlsShadow, envoy)) {
        if (!s.matches("[A-Za-z0-9_.:\\[\\]-]+( [a-z_=0-9]+)*")) {
          throw new IllegalArgumentException(
              "upstream server '" + s + "' is not host:port (optionally with NGINX parameters)");
        }
      }
    }

    private static List<String> concat(
        List<String> a, List<String> b, List<String> c, List<String> d) {
      return java.util.stream.Stream.of(a, b, c, d).flatMap(List::stream).toList();
    }
  }

  /** The mirror location's timeouts: the most a slow shadow can cost a client connection. */
  public record Mirror(String connectTimeout, String timeout) {
    public Mirror {
      connectTimeout = connectTimeout == null ? "100ms" : connectTimeout;
      timeout = timeout == null ? "200ms" : timeout;
      Durations.parse(connectTimeout);
      Durations.parse(timeout);
    }
  }

  /**
   * The RLS HTTP API ({@code /api/health}, {@code /api/overview}, {@code /api/rollout}).
   *
   * @param url the RLS' HTTP base URL
   * @param adminTokenEnv the environment variable holding the RLS admin token, sent as a bearer
   *     token on {@code PUT /api/rollout} (default {@code EDGECTL_RLS_ADMIN_TOKEN}; a secret does
   *     not belong in a config file)
   */
  public record Rls(String url, String adminTokenEnv, RlsClientTls tls) {
    public static final String DEFAULT_TOKEN_ENV = "EDGECTL_RLS_ADMIN_TOKEN";

    public Rls {
      adminTokenEnv = adminTokenEnv == null ? DEFAULT_TOKEN_ENV : adminTokenEnv;
      if (tls != null && url != null && !url.startsWith("https://")) {
        throw new IllegalArgumentException("rls.tls is set: rls.url must be https://, got " + url);
      }
    }
  }

  /**
   * {@code rls.tls}: edgectl's own calls to the RLS' admin API over HTTPS, trusting {@code
   * trustedCertificate} (the RLS' CA, PEM) and with {@code certificate} and {@code certificateKey}
   * (PEM, the key PKCS#8) presenting a client certificate.
   */
  public record RlsClientTls(String trustedCertificate, String certificate, String certificateKey) {
    public RlsClientTls {
      trustedCertificate = path("rls.tls.trustedCertificate", trustedCertificate, true);
      certificate = path("rls.tls.certificate", certificate, false);
      certificateKey = path("rls.tls.certificateKey", certificateKey, false);
      bothOrNeither("rls.tls", certificate, certificateKey, "edgectl's client certificate");
    }
  }

  /** Prometheus' HTTP API (instant queries). */
  public record Prometheus(String url) {}

  /**
   * Health gate thresholds and sources. {@code sources} defaults to every configured source ({@code
   * rls} when {@code rls.url} is set, {@code prometheus} when {@code prometheus.url} is). {@code
   * maxNewlyDeniedTenants} (off when unset) blocks a promotion that the RLS' impact preview says
   * would start denying more tenants than that.
   */
  public record Gates(
      String window,
      Long minRequests,
      Double maxErrorRate,
      String maxAddedLatencyP99,
      Double maxDenyRate,
      String interval,
      List<String> sources,
      Map<String, String> queries,
      Integer maxNewlyDeniedTenants) {
    public Gates {
      if (maxNewlyDeniedTenants != null && maxNewlyDeniedTenants < 0) {
        throw new IllegalArgumentException(
            "gates.maxNewlyDeniedTenants must be >= 0 (or unset: off), got "
                + maxNewlyDeniedTenants);
      }
      window = window == null ? "5m" : window;
      Durations.parse(window);
      minRequests = minRequests == null ? 100L : minRequests;
      maxErrorRate = maxErrorRate == null ? 0.001 : maxErrorRate;
      maxAddedLatencyP99 = maxAddedLatencyP99 == null ? "10ms" : maxAddedLatencyP99;
      Durations.parse(maxAddedLatencyP99);
      maxDenyRate = maxDenyRate == null ? 0.05 : maxDenyRate;
      interval = interval == null ? "30s" : interval;
      Durations.parse(interval);
      sources = sources == null ? null : List.copyOf(sources);
      queries = queries == null ? Map.of() : Map.copyOf(queries);
      for (String k : queries.keySet()) {
        if (!List.of("requests", "errorRate", "latencyP99Seconds", "denyRate").contains(k)) {
          throw new IllegalArgumentException(
              "gates.queries."
                  + k
                  + " is unknown; expected requests, errorRate, latencyP99Seconds or denyRate");
        }
      }
    }
  }

  /** Exactly one of {@code local} or {@code kubernetes}. */
  public record Target(Local local, Kubernetes kubernetes) {
    public Target {
      if (local != null && kubernetes != null) {
        throw new IllegalArgumentException("target: set local or kubernetes, not both");
      }
    }
  }

  /**
   * A local NGINX. {@code config} is the nginx.conf edgectl owns; {@code stateDir} holds the state,
   * history, the previous file and the known-good direct file. {@code nginx} is the binary, {@code
   * prefix} and {@code globals} are passed as {@code -p} and {@code -g} to {@code -t} and {@code -s
   * reload} (so they find the running master's pid file).
   */
  public record Local(
      String config,
      String stateDir,
      String nginx,
      String prefix,
      String globals,
      List<String> reloadCommand,
      String probeUrl) {
    public Local {
      if (config == null) {
        throw new IllegalArgumentException("target.local.config (the nginx.conf path) is required");
      }
      stateDir = stateDir == null ? "/var/lib/edgectl" : stateDir;
      nginx = nginx == null ? "nginx" : nginx;
      reloadCommand = reloadCommand == null ? List.of() : List.copyOf(reloadCommand);
    }
  }

  /** NGINX in Kubernetes: its ConfigMap and Deployment, and the enforcement Deployments. */
  public record Kubernetes(
      String namespace,
      String configMap,
      String key,
      String deployment,
      List<String> enforcementDeployments,
      String readyTimeout) {
    public Kubernetes {
      namespace = namespace == null ? "default" : namespace;
      if (configMap == null || deployment == null) {
        throw new IllegalArgumentException(
            "target.kubernetes needs configMap and deployment (the NGINX ConfigMap and Deployment)");
      }
      key = key == null ? "nginx.conf" : key;
      enforcementDeployments =
          enforcementDeployments == null ? List.of() : List.copyOf(enforcementDeployments);
      readyTimeout = readyTimeout == null ? "2m" : readyTimeout;
      Durations.parse(readyTimeout);
    }
  }
}
