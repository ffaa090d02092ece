package io.mimiredge.rls.config;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.jetty.HttpsConnectorFactory;
import io.mimiredge.rls.tls.ServerTls;
import io.mimiredge.rls.tls.TlsFileException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * Dropwizard's {@code https} connector on PEM files ({@code type: pem-https}), the files
 * cert-manager and Secrets mount, served through the same {@link ServerTls} as the gRPC doors: a
 * replaced certificate serves the next handshake without a restart, a bad one keeps the last good
 * pair, and with {@code clientCaFile} client certificates are required (mutual TLS).
 *
 * <pre>
 * server:
 *   applicationConnectors:
 *     - type: pem-https
 *       port: 8443
 *       tls:
 *         certFile: /etc/rls/tls/tls.crt
 *         keyFile: /etc/rls/tls/tls.key
 *         clientCaFile: /etc/rls/tls/ca.crt   # optional: mutual TLS
 * </pre>
 *
 * Every other setting of Dropwizard's {@code https} connector (protocols, cipher suites) applies;
 * its key and trust store settings are not used. The connector's {@link ServerTls} is a bean of the
 * Jetty server (its door {@code <connector name>:<port>}, e.g. {@code application:8443}), started
 * and stopped with it.
 */
@JsonTypeName("pem-https")
public class PemHttpsConnectorFactory extends HttpsConnectorFactory {
  @Valid @NotNull private TlsFactory tls;

  private ServerTls serverTls;

  @Override
  public Connector build(
      Server server, MetricRegistry metrics, String name, ThreadPool threadPool) {
    try {
      serverTls = tls.build(doorName(server, name + ":" + getPort()), Clock.systemUTC());
    } catch (TlsFileException e) {
      throw new IllegalStateException(name + " connector: " + e.getMessage(), e);
    }
    // Jetty's SNI host check reads the certificate from its own key store, which is not used here
    setDisableSniHostCheck(true);
    server.addBean(serverTls, false);
    ServerTls t = serverTls;
    server.addEventListener(
        new LifeCycle.Listener() {
          @Override
          public void lifeCycleStarted(LifeCycle event) {
            t.start();
          }

          @Override
          public void lifeCycleStopped(LifeCycle event) {
            t.close();
          }
        });
    return super.build(server, metrics, name, threadPool);
  }

  /**
   * The door's name for health and metrics, unique on this server: Dropwizard names every
   * application connector {@code application}, so two on port 0 (or on one port of two addresses)
   * would otherwise report as one; the second is {@code application:0#2}.
   */
  static String doorName(Server server, String base) {
    long taken =
        server.getBeans(ServerTls.class).stream()
            .filter(t -> t.door().equals(base) || t.door().startsWith(base + "#"))
            .count();
    return taken == 0 ? base : base + "#" + (taken + 1);
  }

  @Override
  protected SslContextFactory.Server configureSslContextFactory(SslContextFactory factory) {
    SslContextFactory.Server f = super.configureSslContextFactory(factory);
    f.setSslContext(serverTls.sslContext());
    if (serverTls.clientAuth()) {
      f.setNeedClientAuth(true);
    }
    return f;
  }

  /** The key store settings are not used: the PEM files are. */
  @Override
  @JsonIgnore
  public boolean isValidKeyStorePath() {
    return true;
  }

  /**
   * Client certificates come only from {@code tls.clientCaFile}: Dropwizard's client-auth and trust
   * store settings would otherwise be taken as configured while trusting nothing, or the JDK's CAs.
   */
  @JsonIgnore
  @io.dropwizard.validation.ValidationMethod(
      message =
          "pem-https: set tls.clientCaFile to require client certificates (needClientAuth,"
              + " wantClientAuth and trustStorePath are not used)")
  public boolean isClientAuthFromTls() {
    return getNeedClientAuth() == null
        && getWantClientAuth() == null
        && getTrustStorePath() == null;
  }

  /** No key store, so no key store password. */
  @Override
  @JsonIgnore
  public boolean isValidKeyStorePassword() {
    return true;
  }

  /** The PEM files this connector serves. */
  @JsonProperty
  public TlsFactory getTls() {
    return tls;
  }

  @JsonProperty
  public void setTls(TlsFactory tls) {
    this.tls = tls;
  }
}
