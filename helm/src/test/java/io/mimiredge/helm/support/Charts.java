package io.mimiredge.helm.support;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The charts under {@code helm/}, rendered with helm-java (Helm's own Go library, no binary). The
 * umbrella chart is rendered from a copy in a temporary directory, where its {@code file://}
 * dependencies are packaged into {@code charts/} without touching the source tree.
 */
public final class Charts {
  public static final String UMBRELLA = "mimir-edge-enforcement";
  public static final List<String> SUBCHARTS = List.of("rls", "envoy", "nginx");
  public static final List<String> ENVIRONMENTS = List.of("dev", "staging", "production");
  public static final String NAMESPACE = "edge";
  public static final String RELEASE = "edge";

  /** helm template's default (1.20) is below the charts' kubeVersion. */
  public static final String KUBE_VERSION = "1.30.0";

  /**
   * helm-java's template is not client-only for {@code lookup}: it would dial a cluster. The NGINX
   * chart reads the live objects only to keep edgectl's state on upgrade; rendering here skips it.
   */
  public static final Map<String, Object> OFFLINE = Map.of("nginx.keepEdgectlState", false);

  private static Path staged;

  private Charts() {}

  /** {@code helm/}, from the build (surefire) or the working directory. */
  public static Path helmDir() {
    String dir = System.getProperty("helm.dir");
    return dir != null ? Paths.get(dir) : Paths.get("").toAbsolutePath();
  }

  public static Path repoDir() {
    return helmDir().resolve("..").normalize();
  }

  public static Path chartDir(String chart) {
    return helmDir().resolve(chart);
  }

  public static Path valuesFile(String env) {
    return chartDir(UMBRELLA).resolve("values-" + env + ".yaml");
  }

  /** A copy of every chart (symlinks followed) with the umbrella's dependencies built. */
  public static synchronized Path stagedUmbrella() {
    if (staged == null) {
      try {
        Path root = Files.createTempDirectory("helm-charts-");
        for (String chart : Stream.concat(SUBCHARTS.stream(), Stream.of(UMBRELLA)).toList()) {
          copyTree(chartDir(chart), root.resolve(chart));
        }
        Path umbrella = root.resolve(UMBRELLA);
        new Helm(umbrella).dependency().update().call();
        staged = umbrella;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return staged;
  }

  /** {@code helm template} of the umbrella chart with one environment's values. */
  public static String renderEnvironment(String env, Map<String, Object> sets) {
    var t =
        new Helm(stagedUmbrella())
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION)
            .withValuesFile(valuesFile(env));
    OFFLINE.forEach(t::set);
    sets.forEach(t::set);
    return t.call();
  }

  public static String renderEnvironment(String env) {
    return renderEnvironment(env, Map.of());
  }

  /** {@code helm template} of one chart on its own. */
  public static String render(String chart, Map<String, Object> sets, Path... valuesFiles) {
    Path dir = UMBRELLA.equals(chart) ? stagedUmbrella() : chartDir(chart);
    var t =
        new Helm(dir)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    for (Path v : valuesFiles) {
      t.withValuesFile(v);
    }
    if (!chart.equals("rls") && !chart.equals("envoy")) {
      t.set(chart.equals("nginx") ? "keepEdgectlState" : "nginx.keepEdgectlState", false);
    }
    sets.forEach(t::set);
    return t.call();
  }

  /** {@code helm lint}; for the umbrella, of the staged copy (its dependencies built). */
  public static LintResult lint(String chart) {
    Path dir = UMBRELLA.equals(chart) ? stagedUmbrella() : chartDir(chart);
    return new Helm(dir).lint().call();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          // Follows symlinks (envoy's files/ links to templates/envoy/).
          Files.copy(p, target);
        }
      }
    }
  }

  static void deleteTree(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      files
          .sorted((a, b) -> b.getNameCount() - a.getNameCount())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // best effort
                }
              });
    } catch (IOException e) {
      // best effort
    }
  }
}
