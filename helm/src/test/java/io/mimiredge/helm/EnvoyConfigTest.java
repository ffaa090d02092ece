package io.mimiredge.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mimiredge.helm.support.Charts;
import io.mimiredge.helm.support.Envoy;
import io.mimiredge.helm.support.Manifests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Envoy bootstrap, checked against Envoy's own protos. */
class EnvoyConfigTest {
  static final Path TEMPLATES = Charts.repoDir().resolve("templates/envoy");

  /** templates/envoy/envoy.yaml is the chart's rendering with local-values.yaml, kept equal. */
  static String renderLocalExample() {
    String rendered =
        Charts.render("envoy", Map.of(), TEMPLATES.resolve("local-values.yaml").toAbsolutePath());
    return Manifests.load(rendered).configData("envoy", "envoy.yaml");
  }

  @Test
  void localExampleIsTheChartsRendering() throws Exception {
    String expected = renderLocalExample();
    Path example = TEMPLATES.resolve("envoy.yaml");
    if (Boolean.getBoolean("helm.envoy.update")) {
      Files.writeString(example, expected);
    }
    assertThat(Files.readString(example))
        .as("templates/envoy/envoy.yaml is stale: run with -Dhelm.envoy.update=true")
        .isEqualTo(expected);
  }

  @Test
  void localExampleParsesAsBootstrap() throws Exception {
    Bootstrap b = Envoy.parse(Files.readString(TEMPLATES.resolve("envoy.yaml")));
    assertThat(address(cluster(b, "rls"))).isEqualTo("127.0.0.1:9091");
    assertThat(address(cluster(b, "mimir_distributor"))).isEqualTo("127.0.0.1:9009");
    assertThat(b.getAdmin().getAddress().getSocketAddress().getAddress()).isEqualTo("127.0.0.1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "staging", "production"})
  void renderedConfigMapIsAValidBootstrapWiredToTheRlsAndTheDistributor(String env) {
    Bootstrap b =
        Envoy.parse(
            Manifests.load(Charts.renderEnvironment(env)).configData("envoy", "envoy.yaml"));

    // Filter order: probes, then authorization with the body, then the router. No ratelimit
    // filter: the Check takes the request token, one per request as Mimir (two would halve it).
    assertThat(Envoy.connectionManager(b).getHttpFiltersList())
        .extracting(HttpFilter::getName)
        .containsExactly(
            "envoy.filters.http.health_check",
            "envoy.filters.http.ext_authz",
            "envoy.filters.http.router");

    ExtAuthz authz = Envoy.filter(b, ExtAuthz.class);
    assertThat(authz.getWithRequestBody().getPackAsBytes()).isTrue();
    assertThat(authz.getWithRequestBody().getAllowPartialMessage()).isFalse();
    assertThat(authz.getTransportApiVersion().name()).isEqualTo("V3");
    assertThat(authz.getGrpcService().getEnvoyGrpc().getClusterName()).isEqualTo("rls");
    assertThat(authz.getGrpcService().getTimeout().getSeconds()).isEqualTo(1);

    Route push = Envoy.connectionManager(b).getRouteConfig().getVirtualHosts(0).getRoutes(0);
    assertThat(push.getMatch().getPath()).isEqualTo("/api/v1/push");
    assertThat(push.getRoute().getCluster()).isEqualTo("mimir_distributor");
    assertThat(push.getRoute().getRateLimitsList()).isEmpty();

    Cluster rls = cluster(b, "rls");
    assertThat(address(rls)).isEqualTo("rls-headless.edge.svc.cluster.local:9091");
    HttpProtocolOptions h2 =
        Envoy.unpack(
            rls.getTypedExtensionProtocolOptionsOrThrow(
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"),
            HttpProtocolOptions.class);
    assertThat(h2.getExplicitHttpConfig().hasHttp2ProtocolOptions()).isTrue();
    assertThat(rls.getHealthChecks(0).hasGrpcHealthCheck()).isTrue();
    assertThat(address(cluster(b, "mimir_distributor")))
        .isEqualTo("mimir-distributor.mimir.svc.cluster.local:8080");

    // Admin on loopback only; the only other listener address is the traffic port.
    assertThat(b.getAdmin().getAddress().getSocketAddress().getAddress()).isEqualTo("127.0.0.1");
    assertThat(b.getStaticResources().getListenersList()).hasSize(1);
  }

  /** The ratelimit filter, for routes that skip ext_authz, only when asked for. */
  @Test
  void theRateLimitFilterComesOnlyWhenAskedFor() {
    Bootstrap b =
        Envoy.parse(
            Manifests.load(Charts.render("envoy", Map.of("rateLimit.enabled", true)))
                .configData("edge-envoy", "envoy.yaml"));
    assertThat(Envoy.connectionManager(b).getHttpFiltersList())
        .extracting(HttpFilter::getName)
        .containsExactly(
            "envoy.filters.http.health_check",
            "envoy.filters.http.ext_authz",
            "envoy.filters.http.ratelimit",
            "envoy.filters.http.router");
    RateLimit rl = Envoy.filter(b, RateLimit.class);
    assertThat(rl.getDomain()).isEqualTo("mimir_remote_write");
    assertThat(rl.getRateLimitService().getGrpcService().getEnvoyGrpc().getClusterName())
        .isEqualTo("rls");
    assertThat(rl.getRateLimitService().getTransportApiVersion().name()).isEqualTo("V3");
    Route push = Envoy.connectionManager(b).getRouteConfig().getVirtualHosts(0).getRoutes(0);
    var action = push.getRoute().getRateLimits(0).getActions(0).getRequestHeaders();
    assertThat(action.getHeaderName()).isEqualTo("x-scope-orgid");
    assertThat(action.getDescriptorKey()).isEqualTo("tenant");
  }

  /**
   * With Mimir's multitenancy off there is no tenant header: the ratelimit filter's descriptor is
   * the no-auth tenant (a generic key; the RLS counts every descriptor as that tenant's), and a
   * basic-auth tenant, which Envoy cannot read, is refused at render time.
   */
  @Test
  void withoutATenantHeaderTheRateLimitDescriptorIsTheNoAuthTenant() {
    Bootstrap b =
        Envoy.parse(
            Manifests.load(
                    Charts.render(
                        "envoy",
                        Map.of(
                            "rateLimit.enabled", true,
                            "tenantFrom", "none",
                            "noAuthTenant", "single")))
                .configData("edge-envoy", "envoy.yaml"));
    for (int route = 0; route < 2; route++) {
      Route r = Envoy.connectionManager(b).getRouteConfig().getVirtualHosts(0).getRoutes(route);
      var key = r.getRoute().getRateLimits(0).getActions(0).getGenericKey();
      assertThat(key.getDescriptorKey()).isEqualTo("tenant");
      assertThat(key.getDescriptorValue()).isEqualTo("single");
    }
    assertThatThrownBy(
            () ->
                Charts.render(
                    "envoy", Map.of("rateLimit.enabled", true, "tenantFrom", "basicAuthUser")))
        .hasMessageContaining("cannot read a basic-auth user");
    // without the ratelimit filter a basic-auth tenant is the RLS' business alone
    assertThat(Charts.render("envoy", Map.of("tenantFrom", "basicAuthUser"))).contains("ext_authz");
  }

  @Test
  void withRlsTlsTheRlsClusterVerifiesTheRlsAndPresentsEnvoysCertificateFromTheMountedSecret() {
    String rendered =
        Charts.render("envoy", Map.of("rls.tls.enabled", true, "rls.tls.secretName", "envoy-mtls"));
    Manifests m = Manifests.load(rendered);
    Bootstrap b = Envoy.parse(m.configData("edge-envoy", "envoy.yaml"));
    Cluster rls = cluster(b, "rls");
    assertThat(rls.getTransportSocket().getName()).isEqualTo("envoy.transport_sockets.tls");
    UpstreamTlsContext tls =
        Envoy.unpack(rls.getTransportSocket().getTypedConfig(), UpstreamTlsContext.class);
    String name = "rls-headless.edge.svc.cluster.local";
    assertThat(tls.getSni()).isEqualTo(name);
    var common = tls.getCommonTlsContext();
    assertThat(common.getTlsCertificates(0).getCertificateChain().getFilename())
        .isEqualTo("/etc/envoy/rls-tls/tls.crt");
    assertThat(common.getTlsCertificates(0).getPrivateKey().getFilename())
        .isEqualTo("/etc/envoy/rls-tls/tls.key");
    assertThat(common.getTlsCertificates(0).getWatchedDirectory().getPath())
        .isEqualTo("/etc/envoy/rls-tls");
    assertThat(common.getValidationContext().getTrustedCa().getFilename())
        .isEqualTo("/etc/envoy/rls-tls/ca.crt");
    assertThat(
            common.getValidationContext().getMatchTypedSubjectAltNames(0).getMatcher().getExact())
        .isEqualTo(name);
    // the distributor keeps plaintext; the Secret is mounted where the bootstrap reads it
    assertThat(cluster(b, "mimir_distributor").hasTransportSocket()).isFalse();
    Deployment d = m.get(Deployment.class, "edge-envoy");
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes().stream().filter(v -> v.getSecret() != null))
        .extracting(v -> v.getSecret().getSecretName())
        .containsExactly("envoy-mtls");
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .anySatisfy(vm -> assertThat(vm.getMountPath()).isEqualTo("/etc/envoy/rls-tls"));
    // off by default: no transport socket, no volume
    Manifests plain = Manifests.load(Charts.render("envoy", Map.of()));
    assertThat(
            cluster(Envoy.parse(plain.configData("edge-envoy", "envoy.yaml")), "rls")
                .hasTransportSocket())
        .isFalse();
  }

  @Test
  void withDistributorTlsTheDistributorClusterVerifiesMimirAndMayPresentACertificate() {
    for (boolean client : new boolean[] {false, true}) {
      Manifests m =
          Manifests.load(
              Charts.render(
                  "envoy",
                  Map.of(
                      "distributor.tls.enabled",
                      true,
                      "distributor.tls.clientCertificate",
                      client)));
      Cluster d =
          cluster(Envoy.parse(m.configData("edge-envoy", "envoy.yaml")), "mimir_distributor");
      UpstreamTlsContext tls =
          Envoy.unpack(d.getTransportSocket().getTypedConfig(), UpstreamTlsContext.class);
      String name = "mimir-distributor.mimir.svc.cluster.local";
      assertThat(tls.getSni()).isEqualTo(name);
      var common = tls.getCommonTlsContext();
      assertThat(common.getValidationContext().getTrustedCa().getFilename())
          .isEqualTo("/etc/envoy/distributor-tls/ca.crt");
      assertThat(
              common.getValidationContext().getMatchTypedSubjectAltNames(0).getMatcher().getExact())
          .isEqualTo(name);
      assertThat(common.getTlsCertificatesCount()).isEqualTo(client ? 1 : 0);
      if (client) {
        assertThat(common.getTlsCertificates(0).getCertificateChain().getFilename())
            .isEqualTo("/etc/envoy/distributor-tls/tls.crt");
      }
      // the RLS keeps what rls.tls says (off here); the distributor's Secret is mounted
      assertThat(
              cluster(Envoy.parse(m.configData("edge-envoy", "envoy.yaml")), "rls")
                  .hasTransportSocket())
          .isFalse();
      var pod = m.get(Deployment.class, "edge-envoy").getSpec().getTemplate().getSpec();
      assertThat(pod.getVolumes().stream().filter(v -> v.getSecret() != null))
          .extracting(v -> v.getSecret().getSecretName())
          .containsExactly("envoy-distributor-tls");
      assertThat(pod.getContainers().get(0).getVolumeMounts())
          .anySatisfy(vm -> assertThat(vm.getMountPath()).isEqualTo("/etc/envoy/distributor-tls"));
    }
  }

  @Test
  void aMisspelledFieldFailsTheParse() throws Exception {
    String good = Files.readString(TEMPLATES.resolve("envoy.yaml"));
    assertThatThrownBy(() -> Envoy.parse(good.replace("pack_as_bytes:", "pack_as_byte:")))
        .hasMessageContaining("pack_as_byte");
    assertThatThrownBy(
            () -> Envoy.parse(good.replace("failure_mode_allow: ", "failure_mode_allow: maybe-")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Envoy.parse(good.replace("v3.ExtAuthz\n", "v3.ExtAuthzz\n")))
        .hasMessageContaining("ExtAuthzz");
  }

  static Cluster cluster(Bootstrap b, String name) {
    return b.getStaticResources().getClustersList().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  static String address(Cluster c) {
    SocketAddress a =
        c.getLoadAssignment()
            .getEndpoints(0)
            .getLbEndpoints(0)
            .getEndpoint()
            .getAddress()
            .getSocketAddress();
    return a.getAddress() + ":" + a.getPortValue();
  }
}
