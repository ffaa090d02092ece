package io.mimiredge.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.core.server.DefaultServerFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mimiredge.helm.support.Charts;
import io.mimiredge.helm.support.Manifests;
import io.mimiredge.helm.support.RlsApp;
import io.mimiredge.rls.RlsConfiguration;
import io.mimiredge.rls.config.PemHttpsConnectorFactory;
import io.mimiredge.rls.config.TlsFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The RLS chart with {@code tls.enabled}: the rls.yml the real service accepts names the files
 * where the Deployment mounts the Secret the cert-manager Certificate writes; the probes and the
 * ServiceMonitor switch to what works over TLS. Off by default: nothing of it rendered.
 */
class TlsChartTest {
  static final Map<String, Object> TLS =
      Map.of(
          "rls.tls.enabled", true,
          "rls.tls.certManager.enabled", true,
          "rls.tls.certManager.issuerRef.name", "edge-ca",
          "rls.serviceMonitor.enabled", true);

  @Test
  void theRenderedFilesSecretAndMountsAgree(@TempDir Path dir) throws Exception {
    Manifests m = Manifests.load(Charts.renderEnvironment("staging", TLS));
    RlsConfiguration c = RlsApp.parse(m.configData("rls", "rls.yml"), dir);

    TlsFactory grpc = c.getGrpc().getTls();
    assertThat(grpc.getCertFile()).isEqualTo("/etc/rls/tls/tls.crt");
    assertThat(grpc.getKeyFile()).isEqualTo("/etc/rls/tls/tls.key");
    assertThat(grpc.getClientCaFile())
        .as("Envoy's doors: mutual TLS")
        .isEqualTo("/etc/rls/tls/ca.crt");
    var connector = ((DefaultServerFactory) c.getServerFactory()).getApplicationConnectors().get(0);
    assertThat(connector).isInstanceOf(PemHttpsConnectorFactory.class);
    TlsFactory http = ((PemHttpsConnectorFactory) connector).getTls();
    assertThat(http.getCertFile()).isEqualTo(grpc.getCertFile());
    assertThat(http.getClientCaFile()).as("kubelet's HTTPS probe has no certificate").isNull();

    GenericKubernetesResource cert = m.generic("Certificate", "rls");
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) cert.getAdditionalProperties().get("spec");
    String secret = (String) spec.get("secretName");
    assertThat(((Map<?, ?>) spec.get("privateKey")).get("encoding")).isEqualTo("PKCS8");
    assertThat(spec.get("dnsNames").toString()).contains("rls-headless.edge.svc.cluster.local");
    assertThat(((Map<?, ?>) spec.get("issuerRef")).get("name")).isEqualTo("edge-ca");

    var pod = m.get(Deployment.class, "rls").getSpec().getTemplate().getSpec();
    var volume =
        pod.getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
    assertThat(volume.getSecret().getSecretName()).isEqualTo(secret);
    Container rls = pod.getContainers().get(0);
    assertThat(rls.getVolumeMounts())
        .anySatisfy(
            vm -> {
              assertThat(vm.getName()).isEqualTo(volume.getName());
              assertThat(vm.getMountPath()).isEqualTo("/etc/rls/tls");
            });
    assertThat(rls.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
    assertThat(rls.getLivenessProbe().getGrpc()).as("kubelet's gRPC probe speaks no TLS").isNull();
    assertThat(rls.getLivenessProbe().getTcpSocket()).isNotNull();
    assertThat(rls.getStartupProbe().getTcpSocket()).isNotNull();

    GenericKubernetesResource monitor = m.generic("ServiceMonitor", "rls");
    @SuppressWarnings("unchecked")
    Map<String, Object> endpoint =
        (Map<String, Object>)
            ((List<?>) ((Map<?, ?>) monitor.getAdditionalProperties().get("spec")).get("endpoints"))
                .get(0);
    assertThat(endpoint.get("scheme")).isEqualTo("https");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource r) {
    return (Map<String, Object>) r.getAdditionalProperties().get("spec");
  }

  private static String secretMountedAt(Deployment d, String container, String path) {
    var pod = d.getSpec().getTemplate().getSpec();
    String volume =
        pod.getContainers().stream()
            .filter(c -> c.getName().equals(container))
            .findFirst()
            .orElseThrow()
            .getVolumeMounts()
            .stream()
            .filter(vm -> vm.getMountPath().equals(path))
            .findFirst()
            .orElseThrow(() -> new AssertionError(container + " mounts nothing at " + path))
            .getName();
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(volume))
        .findFirst()
        .orElseThrow()
        .getSecret()
        .getSecretName();
  }

  /**
   * Staging and production turn TLS on for every connection the edge owns, with the three
   * certificates from the one issuer in global.tls: each Certificate writes the Secret its pods
   * mount, each client verifies a name the RLS certificate carries, and the RLS admits Envoy's.
   */
  @ParameterizedTest
  @ValueSource(strings = {"staging", "production"})
  void stagingAndProductionWireEveryConnectionWithOneIssuersCertificates(
      String env, @TempDir Path dir) throws Exception {
    Manifests m = Manifests.load(Charts.renderEnvironment(env));
    Map<String, Object> rlsCert = spec(m.generic("Certificate", "rls"));
    Map<String, Object> envoyCert = spec(m.generic("Certificate", "envoy-rls-client"));
    Map<String, Object> nginxCert = spec(m.generic("Certificate", "edge-nginx-rls-client"));
    for (Map<String, Object> c : List.of(rlsCert, envoyCert, nginxCert)) {
      assertThat((Map<String, Object>) c.get("issuerRef"))
          .containsEntry("name", "mimir-edge-ca")
          .containsEntry("kind", "ClusterIssuer");
    }
    assertThat(envoyCert.get("usages").toString()).contains("client auth");
    assertThat(nginxCert.get("usages").toString()).contains("client auth");
    List<String> rlsNames =
        ((List<?>) rlsCert.get("dnsNames")).stream().map(Object::toString).toList();

    // The RLS: its Secret where rls.yml reads it; gRPC admits Envoy's certificate by name.
    Deployment rlsPods = m.get(Deployment.class, "rls");
    assertThat(secretMountedAt(rlsPods, "rls", "/etc/rls/tls"))
        .isEqualTo(rlsCert.get("secretName"));
    RlsConfiguration c = RlsApp.parse(m.configData("rls", "rls.yml"), dir);
    assertThat(c.getGrpc().getTls().getAllowedClientSans())
        .containsExactlyElementsOf(
            ((List<?>) envoyCert.get("dnsNames")).stream().map(Object::toString).toList());

    // Envoy: its Secret mounted where the bootstrap reads it, the RLS' name verified.
    Deployment envoyPods = m.get(Deployment.class, "envoy");
    assertThat(secretMountedAt(envoyPods, "envoy", "/etc/envoy/rls-tls"))
        .isEqualTo(envoyCert.get("secretName"));
    var rlsCluster =
        io.mimiredge.helm.support.Envoy.parse(m.configData("envoy", "envoy.yaml"))
            .getStaticResources()
            .getClustersList()
            .stream()
            .filter(x -> x.getName().equals("rls"))
            .findFirst()
            .orElseThrow();
    var upstreamTls =
        io.mimiredge.helm.support.Envoy.unpack(
            rlsCluster.getTransportSocket().getTypedConfig(),
            io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.class);
    assertThat(rlsNames).contains(upstreamTls.getSni());

    // NGINX: its Secret mounted in NGINX and the reloader; edgectl.yaml names those files and a
    // name of the RLS certificate; the edgectl config reads the admin API over https.
    Deployment nginxPods = m.get(Deployment.class, "edge-nginx");
    assertThat(secretMountedAt(nginxPods, "nginx", "/etc/nginx/rls-tls"))
        .isEqualTo(nginxCert.get("secretName"));
    assertThat(secretMountedAt(nginxPods, "tls-reloader", "/etc/nginx/rls-tls"))
        .isEqualTo(nginxCert.get("secretName"));
    assertThat(nginxPods.getSpec().getTemplate().getSpec().getShareProcessNamespace()).isTrue();
    var edgectl =
        io.mimiredge.edgectl.config.ConfigLoader.parse(
            m.configData("edge-nginx-edgectl", "edgectl.yaml"), "chart");
    var rlsTls = edgectl.upstreams().rlsTls();
    assertThat(rlsTls.trustedCertificate()).isEqualTo("/etc/nginx/rls-tls/ca.crt");
    assertThat(rlsTls.certificate()).isEqualTo("/etc/nginx/rls-tls/tls.crt");
    assertThat(rlsTls.certificateKey()).isEqualTo("/etc/nginx/rls-tls/tls.key");
    assertThat(rlsNames).contains(rlsTls.name());
    assertThat(edgectl.rls().url().toString()).startsWith("https://rls.edge.svc");
  }

  @Test
  void anIssuerIsRequiredForEveryCertificate() {
    for (Map.Entry<String, String> e :
        Map.of(
                "rls.tls", "tls.certManager.issuerRef.name",
                "envoy.rls.tls", "rls.tls.certManager.issuerRef.name",
                "nginx.upstreams.rlsTls", "upstreams.rlsTls.certManager.issuerRef.name")
            .entrySet()) {
      Map<String, Object> sets = new java.util.HashMap<>();
      sets.put(e.getKey() + ".enabled", true);
      sets.put(e.getKey() + ".certManager.enabled", true);
      assertThatThrownBy(() -> Charts.renderEnvironment("dev", sets))
          .as(e.getKey())
          .hasMessageContaining(e.getValue());
    }
  }

  @Test
  void offByDefault(@TempDir Path dir) throws Exception {
    Manifests m = Manifests.load(Charts.renderEnvironment("dev"));
    assertThat(m.all()).noneSatisfy(r -> assertThat(r.getKind()).isEqualTo("Certificate"));
    RlsConfiguration c = RlsApp.parse(m.configData("rls", "rls.yml"), dir);
    assertThat(c.getGrpc().getTls()).isNull();
    Container rls =
        m.get(Deployment.class, "rls").getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(rls.getLivenessProbe().getGrpc()).isNotNull();
    assertThat(rls.getReadinessProbe().getHttpGet().getScheme()).isNull();
  }
}
