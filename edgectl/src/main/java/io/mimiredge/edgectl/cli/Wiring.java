package io.mimiredge.edgectl.cli;

import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.edgectl.EdgectlException;
import io.mimiredge.edgectl.config.Durations;
import io.mimiredge.edgectl.config.EdgectlConfig;
import io.mimiredge.edgectl.gate.GateChecker;
import io.mimiredge.edgectl.gate.GateSource;
import io.mimiredge.edgectl.gate.PrometheusSource;
import io.mimiredge.edgectl.gate.RlsOverviewSource;
import io.mimiredge.edgectl.gate.Thresholds;
import io.mimiredge.edgectl.render.NginxRenderer;
import io.mimiredge.edgectl.render.RenderSettings;
import io.mimiredge.edgectl.rls.RlsClient;
import io.mimiredge.edgectl.rollout.Promoter;
import io.mimiredge.edgectl.target.Target;
import io.mimiredge.edgectl.target.kubernetes.KubernetesTarget;
import io.mimiredge.edgectl.target.local.LocalTarget;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds the domain objects a command needs from the config and the environment. */
final class Wiring {
  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);

  private final EdgectlConfig config;
  private final EdgectlCommand root;
  private Target target;

  Wiring(EdgectlConfig config, EdgectlCommand root) {
    this.config = config;
    this.root = root;
  }

  EdgectlConfig config() {
    return config;
  }

  NginxRenderer renderer() {
    return root.templates() == null
        ? NginxRenderer.packaged()
        : NginxRenderer.fromDirectory(root.templates());
  }

  RenderSettings settings(SplitBy override) {
    RenderSettings s = RenderSettings.from(config);
    return override == null ? s : s.toBuilder().splitBy(override).build();
  }

  String render(Phase phase) {
    return renderer().render(phase, settings(null));
  }

  Target target() {
    if (target != null) {
      return target;
    }
    EdgectlConfig.Target t = config.target();
    Environment env = root.env();
    if (t.local() != null) {
      target = LocalTarget.from(t.local(), config.nginx().listen(), env.clock());
    } else if (t.kubernetes() != null) {
      target =
          KubernetesTarget.connect(
              t.kubernetes(), env.kubernetes(), env.clock(), env.sleeper(), root.who());
    } else {
      throw new EdgectlException("the config has no target (target.local or target.kubernetes)");
    }
    return target;
  }

  RlsClient rls() {
    String url = config.rls().url();
    return url == null || url.isBlank()
        ? null
        : new RlsClient(
            url,
            config.rls().tls() == null
                ? root.env().http()
                : Environment.httpBuilder()
                    .sslContext(io.mimiredge.edgectl.rls.ClientTls.context(config.rls().tls()))
                    .build(),
            HTTP_TIMEOUT,
            root.env().env().get(config.rls().adminTokenEnv()));
  }

  GateChecker gates() {
    EdgectlConfig.Gates g = config.gates();
    List<String> names = g.sources();
    if (names == null) {
      names = new ArrayList<>();
      if (config.rls().url() != null) {
        names.add("rls");
      }
      if (config.prometheus().url() != null) {
        names.add("prometheus");
      }
    }
    List<GateSource> sources = new ArrayList<>();
    for (String n : names) {
      switch (n) {
        case "rls" -> {
          RlsClient rls = rls();
          if (rls == null) {
            throw new EdgectlException("gates.sources names rls but rls.url is not set");
          }
          sources.add(new RlsOverviewSource(rls));
        }
        case "prometheus" -> {
          String url = config.prometheus().url();
          if (url == null) {
            throw new EdgectlException(
                "gates.sources names prometheus but prometheus.url is not set");
          }
          sources.add(new PrometheusSource(url, root.env().http(), HTTP_TIMEOUT, g.queries()));
        }
        default ->
            throw new EdgectlException("unknown gate source '" + n + "' (rls or prometheus)");
      }
    }
    return new GateChecker(
        sources, Thresholds.from(g), rls(), config.upstreams().rlsShadow(), config.splitBy());
  }

  Promoter promoter(PrintWriter out) {
    return Promoter.builder()
        .target(target())
        .renderer(this::render)
        .gates(gates())
        .rls(rls())
        .ladder(config.ladderValue())
        .splitBy(config.splitBy())
        .clock(root.env().clock())
        .sleeper(root.env().sleeper())
        .who(root.who())
        .gateInterval(Durations.parse(config.gates().interval()))
        .out(out)
        .build();
  }
}
