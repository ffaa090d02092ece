package io.mimiredge.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.mimiredge.edgectl.Main;
import io.mimiredge.edgectl.cli.Environment;
import io.mimiredge.edgectl.config.ConfigLoader;
import io.mimiredge.edgectl.config.EdgectlConfig;
import io.mimiredge.edgectl.rollout.Sleeper;
import io.mimiredge.edgectl.target.kubernetes.KubernetesTarget;
import io.mimiredge.helm.support.Charts;
import io.mimiredge.helm.support.Manifests;
import io.mimiredge.helm.support.NginxChartFiles;
import io.mimiredge.rls.testing.TestCertificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The NGINX chart's config is edgectl's: generated from templates/nginx, equal to what {@code
 * edgectl render} produces with the edgectl.yaml the chart writes, accepted by {@code nginx -t},
 * and readable by edgectl's Kubernetes target.
 */
@EnableKubernetesMockClient(crud = true)
class NginxConfigTest {
  KubernetesClient client;

  @ParameterizedTest
  @ValueSource(strings = {"direct", "mirror"})
  void chartFilesAreGeneratedFromEdgectlsTemplates(String phase) throws IOException {
    Path file = Charts.chartDir("nginx").resolve("files/" + phase + ".conf.gotmpl");
    String expected = NginxChartFiles.generate(phase);
    if (Boolean.getBoolean("helm.nginx.update")) {
      Files.writeString(file, expected);
    }
    assertThat(Files.exists(file) ? Files.readString(file) : "")
        .as("%s is stale: run with -Dhelm.nginx.update=true", file)
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "production"})
  void configMapEqualsEdgectlRenderWithTheChartsEdgectlConfig(String env, @TempDir Path dir)
      throws IOException {
    configMapEqualsEdgectlRender(env, Manifests.load(Charts.renderEnvironment(env)), dir);
    // The mirror phase (with TLS to the shadow door in staging and production) too.
    Manifests mirror =
        Manifests.load(Charts.renderEnvironment(env, Map.of("nginx.initialPhase", "mirror")));
    Files.delete(dir.resolve("edgectl.yaml"));
    configMapEqualsEdgectlRender(env, mirror, dir);
    assertThat(mirror.configData("edge-nginx", "nginx.conf"))
        .contains(
            env.equals("dev")
                ? "proxy_pass http://rls_shadow/shadow/api/v1/push;"
                : "proxy_pass https://rls_shadow/shadow/api/v1/push;");
  }

  private static void configMapEqualsEdgectlRender(String env, Manifests m, Path dir)
      throws IOException {
    Path config = dir.resolve("edgectl.yaml");
    Files.writeString(config, m.configData("edge-nginx-edgectl", "edgectl.yaml"));
    String phase =
        m.get(ConfigMap.class, "edge-nginx")
            .getMetadata()
            .getAnnotations()
            .get(KubernetesTarget.PREFIX + "phase");
    assertThat(m.configData("edge-nginx", "nginx.conf")).isEqualTo(edgectlRender(config, phase));
    assertThat(m.configData("edge-nginx", KubernetesTarget.DIRECT_KEY))
        .isEqualTo(edgectlRender(config, "direct"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "production"})
  void edgectlsKubernetesTargetReadsTheChartsConfigMapAndDeployment(String env) {
    Manifests m = Manifests.load(Charts.renderEnvironment(env));
    EdgectlConfig cfg =
        ConfigLoader.parse(m.configData("edge-nginx-edgectl", "edgectl.yaml"), "chart");
    EdgectlConfig.Kubernetes k = cfg.target().kubernetes();
    assertThat(k.namespace()).isEqualTo(Charts.NAMESPACE);
    assertThat(k.configMap()).isEqualTo("edge-nginx");
    assertThat(k.deployment()).isEqualTo("edge-nginx");
    assertThat(k.enforcementDeployments())
        .allSatisfy(d -> assertThat(m.find(Deployment.class, d)).isPresent());

    client
        .configMaps()
        .inNamespace(k.namespace())
        .resource(m.get(ConfigMap.class, k.configMap()))
        .create();
    Deployment d = m.get(Deployment.class, k.deployment());
    client.apps().deployments().inNamespace(k.namespace()).resource(d).create();
    KubernetesTarget target =
        KubernetesTarget.connect(k, () -> client, Clock.systemUTC(), Sleeper.REAL, "test");
    assertThat(target.state().phase().token()).isEqualTo(env.equals("dev") ? "mirror" : "direct");
    assertThat(target.currentConfig()).isEqualTo(m.configData("edge-nginx", k.key()));
    assertThat(target.livePhase()).contains(target.state().phase().token());

    // NGINX mounts only the key edgectl writes.
    Volume v =
        d.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(x -> x.getConfigMap() != null)
            .findFirst()
            .orElseThrow();
    assertThat(v.getConfigMap().getName()).isEqualTo(k.configMap());
    assertThat(v.getConfigMap().getItems())
        .singleElement()
        .satisfies(i -> assertThat(i.getKey()).isEqualTo(k.key()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "production"})
  void renderedConfigsPassNginxT(String env, @TempDir Path dir) throws Exception {
    String nginx = findNginx();
    if (nginx == null) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("nginx is not installed (apt-get install nginx)");
      }
      assumeTrue(false, "nginx is not installed: skipping nginx -t (set CI=true to fail)");
    }
    // The RLS TLS files of staging and production, real ones where the Secret would be mounted.
    Path tls = Files.createDirectories(dir.resolve("rls-tls"));
    TestCertificates.Issued ca = TestCertificates.ca("edge CA");
    ca.writeCertificate(tls.resolve("ca.crt"));
    TestCertificates.Issued client = TestCertificates.leaf(ca, "edge-nginx");
    client.writeChain(tls.resolve("tls.crt"));
    client.writeKey(tls.resolve("tls.key"));
    for (String initial : List.of("", "mirror")) {
      Manifests m =
          Manifests.load(
              initial.isEmpty()
                  ? Charts.renderEnvironment(env)
                  : Charts.renderEnvironment(env, Map.of("nginx.initialPhase", initial)));
      nginxT(nginx, env, m, dir);
    }
  }

  private static void nginxT(String nginx, String env, Manifests m, Path dir) throws Exception {
    for (String key : List.of("nginx.conf", KubernetesTarget.DIRECT_KEY)) {
      String conf = m.configData("edge-nginx", key);
      // Service names resolve only in the cluster: the test copy points them at 127.0.0.1.
      String local =
          conf.replaceAll("server [a-z0-9.-]+\\.svc\\.cluster\\.local:", "server 127.0.0.1:")
              .replace(" /tmp/", " " + dir + "/")
              .replace(" /etc/nginx/rls-tls/", " " + dir.resolve("rls-tls") + "/");
      Path file = dir.resolve(key);
      Files.writeString(file, local);
      Process p =
          new ProcessBuilder(
                  nginx,
                  "-t",
                  "-p",
                  dir.toString(),
                  "-c",
                  file.toString(),
                  "-g",
                  "pid "
                      + dir.resolve("nginx.pid")
                      + "; error_log "
                      + dir.resolve("error.log")
                      + ";")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("nginx -t %s (%s):\n%s\n%s", key, env, out, local).isZero();
    }
  }

  static String edgectlRender(Path config, String phase) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try (PrintWriter o = new PrintWriter(out);
        PrintWriter e = new PrintWriter(err)) {
      code = Main.run(Environment.system(), o, e, "--config", config.toString(), "render", phase);
    }
    assertThat(code).as("edgectl render %s: %s", phase, err).isZero();
    return out.toString();
  }

  static String findNginx() {
    for (String p : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    return null;
  }
}
