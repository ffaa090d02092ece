package io.mimiredge.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.core.server.DefaultServerFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mimiredge.helm.support.Charts;
import io.mimiredge.helm.support.Manifests;
import io.mimiredge.helm.support.RlsApp;
import io.mimiredge.rls.RlsConfiguration;
import io.mimiredge.rls.config.PemHttpsConnectorFactory;
import io.mimiredge.rls.config.TlsConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    TlsConfig grpc = c.getGrpc().getTls();
    assertThat(grpc.getCertFile()).isEqualTo("/etc/rls/tls/tls.crt");
    assertThat(grpc.getKeyFile()).isEqualTo("/etc/rls/tls/tls.key");
    assertThat(grpc.getClientCaFile())
        .as("Envoy's doors: mutual TLS")
        .isEqualTo("/etc/rls/tls/ca.crt");
    var connector = ((DefaultServerFactory) c.getServerFactory()).getApplicationConnectors().get(0);
    assertThat(connector).isInstanceOf(PemHttpsConnectorFactory.class);
    TlsConfig http = ((PemHttpsConnectorFactory) connector).getTls();
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

  @Test
  void offByDefault(@TempDir Path dir) throws Exception {
    Manifests m = Manifests.load(Charts.renderEnvironment("staging"));
    assertThat(m.all()).noneSatisfy(r -> assertThat(r.getKind()).isEqualTo("Certificate"));
    RlsConfiguration c = RlsApp.parse(m.configData("rls", "rls.yml"), dir);
    assertThat(c.getGrpc().getTls()).isNull();
    Container rls =
        m.get(Deployment.class, "rls").getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(rls.getLivenessProbe().getGrpc()).isNotNull();
    assertThat(rls.getReadinessProbe().getHttpGet().getScheme()).isNull();
  }
}
