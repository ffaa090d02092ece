package io.mimiredge.edgectl.render;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.api.tenant.TenantFrom;
import io.mimiredge.edgectl.EdgectlException;
import io.mimiredge.edgectl.config.Durations;
import io.mimiredge.edgectl.config.EdgectlConfig;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders one NGINX config per phase from the logic-less templates in {@code templates/nginx/}
 * (packaged in the jar; a directory may override them). Thread-safe.
 */
public final class NginxRenderer {
  /** Where the templates sit inside the jar. */
  /**
   * The write paths Mimir's distributor registers ({@code pkg/api/api.go} {@code
   * RegisterDistributor}: remote write and OTLP; no legacy push path on main), each with its mirror
   * location and the RLS shadow door it is copied to.
   */
  static final List<Map<String, String>> WRITE_PATHS =
      List.of(
          Map.of(
              "path", "/api/v1/push",
              "mirror", "/_edge/shadow",
              "shadowDoor", "/shadow/api/v1/push"),
          Map.of(
              "path", "/otlp/v1/metrics",
              "mirror", "/_edge/shadow-otlp",
              "shadowDoor", "/shadow/otlp/v1/metrics"));

  public static final String RESOURCE_ROOT = "templates/nginx";

  private final MustacheFactory factory;

  private NginxRenderer(MustacheFactory factory) {
    this.factory = factory;
  }

  /** The templates packaged in the jar. */
  public static NginxRenderer packaged() {
    return new NginxRenderer(new RawMustacheFactory(RESOURCE_ROOT));
  }

  /** Templates from a directory (an operator's edited copy of {@code templates/nginx}). */
  public static NginxRenderer fromDirectory(Path dir) {
    if (!Files.isRegularFile(dir.resolve("direct.conf.mustache"))) {
      throw new EdgectlException(
          "template directory " + dir + " has no direct.conf.mustache (copy templates/nginx/)");
    }
    return new NginxRenderer(new RawMustacheFactory(dir.toFile()));
  }

  public String render(Phase phase, RenderSettings s) {
    // A tenant-split canary mirrors its direct share to the shadow door, also when Envoy enforces
    // the rest. A request split does not: the shadow door decides on the enforcing buckets, so the
    // copies of a tenant's direct requests would take its enforced requests' tokens.
    boolean mirrorsDirectShare = phase.kind() == Phase.Kind.CANARY && s.splitBy() == SplitBy.TENANT;
    if ((phase.kind() == Phase.Kind.MIRROR || mirrorsDirectShare) && s.shadow().isEmpty()) {
      throw new EdgectlException(
          "phase "
              + phase
              + " needs upstreams.rlsShadow (or upstreams.rlsPassThrough) in the config");
    }
    if ((phase.kind() == Phase.Kind.CANARY || phase.kind() == Phase.Kind.FULL)
        && s.enforce().isEmpty()) {
      throw new EdgectlException(
          "phase " + phase + " needs upstreams.rlsPassThrough or upstreams.envoy in the config");
    }
    if (phase.kind() == Phase.Kind.CANARY
        && s.splitBy() == SplitBy.TENANT
        && s.tenantFrom() == TenantFrom.NONE) {
      throw new EdgectlException(EdgectlConfig.NO_TENANT_SPLIT);
    }
    Map<String, Object> model = new HashMap<>();
    model.put("phaseToken", phase.token());
    model.put("writePaths", WRITE_PATHS);
    model.put("mirrorsDirectShare", mirrorsDirectShare);
    model.put("percent", phase.percent());
    model.put("listen", s.listen());
    model.put("tenantHeader", s.tenantHeader());
    model.put("tenantHeaderVar", s.tenantHeader().toLowerCase(Locale.ROOT).replace('-', '_'));
    // the tenant as NGINX sees it: the header, or the basic-auth user ($remote_user: NGINX reads
    // the Authorization header for it without auth_basic)
    boolean basicAuth = s.tenantFrom() == TenantFrom.BASIC_AUTH_USER;
    // without multitenancy Mimir reads no tenant from the request: the log says so
    model.put(
        "tenantVar",
        s.tenantFrom() == TenantFrom.NONE
            ? "(no-auth)"
            : basicAuth ? "$remote_user" : "$http_" + model.get("tenantHeaderVar"));
    model.put("maxRequestBytes", s.maxRequestBytes());
    model.put("clientMaxBodySize", s.maxRequestBytes());
    model.put("workerProcesses", s.workerProcesses());
    model.put("user", s.user());
    model.put("accessLog", "off".equals(s.accessLog()) ? "off" : s.accessLog() + " edge");
    model.put("tempDir", s.tempDir());
    model.put("distributorServers", s.distributor());
    model.put("enforceServers", s.enforce());
    model.put(
        "enforceKind",
        s.enforceIsEnvoy()
            ? "Envoy (ext_authz against the RLS)"
            : "the RLS pass-through door (POST /api/v1/push)");
    model.put("shadowServers", s.shadow());
    model.put("listenTls", s.listenTls());
    // TLS to the RLS: its pass-through door (not Envoy, which has its own) and its shadow door
    EdgectlConfig.RlsTls rlsTls = s.rlsTls();
    model.put("enforceTls", s.enforceIsEnvoy() ? null : rlsTls);
    model.put("enforceScheme", s.enforceIsEnvoy() || rlsTls == null ? "http" : "https");
    model.put("shadowTls", rlsTls);
    model.put("shadowScheme", rlsTls == null ? "http" : "https");
    model.put("keepalive", s.keepalive());
    model.put("mirrorConnectTimeout", Durations.format(s.mirrorConnectTimeout()));
    model.put("mirrorTimeout", Durations.format(s.mirrorTimeout()));
    boolean byTenant = s.splitBy() == SplitBy.TENANT;

    model.put(
        "splitKey",
        !byTenant
            ? "${request_id}"
            : basicAuth ? "${remote_user}" : "${http_" + model.get("tenantHeaderVar") + "}");
    model.put(
        "splitDescription",
        byTenant
            ? "tenant ("
                + (basicAuth ? "the basic-auth user" : s.tenantHeader())
                + "): each tenant is wholly enforced or not"
            : "request id: a tenant's requests are split, the RLS scales its limits");
    String template = phase.kind().name().toLowerCase(Locale.ROOT) + ".conf.mustache";
    Mustache m;
    try {
      m = factory.compile(template);
    } catch (RuntimeException e) {
      throw new EdgectlException(
          "cannot load NGINX template " + template + ": " + e.getMessage(), e);
    }
    StringWriter out = new StringWriter();
    m.execute(out, model);
    return out.toString();
  }

  /** NGINX files are not HTML: placeholders are written as they are. */
  private static final class RawMustacheFactory extends DefaultMustacheFactory {
    RawMustacheFactory(String resourceRoot) {
      super(resourceRoot);
    }

    RawMustacheFactory(java.io.File dir) {
      super(dir);
    }

    @Override
    public void encode(String value, Writer writer) {
      try {
        writer.write(value);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
