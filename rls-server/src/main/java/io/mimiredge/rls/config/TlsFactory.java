package io.mimiredge.rls.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import io.mimiredge.rls.tls.ServerTls;
import io.mimiredge.rls.tls.TlsFileException;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A door's {@code tls:} section: PEM files as cert-manager or a Kubernetes Secret mounts them.
 * Without it the door is plaintext.
 *
 * <pre>
 * tls:
 *   certFile: /etc/rls/tls/tls.crt        # the chain, leaf first
 *   keyFile: /etc/rls/tls/tls.key         # PKCS#8 (cert-manager: privateKey.encoding: PKCS8)
 *   clientCaFile: /etc/rls/tls/ca.crt     # set: client certificates required (mutual TLS)
 *   allowedClientSans:                    # optional: only clients naming one of these
 *     - spiffe://cluster.local/ns/edge/sa/envoy
 *   refreshInterval: 1m                   # how often the files are re-read
 * </pre>
 *
 * A mutable Jackson bean, read once at start.
 */
public class TlsFactory {
  @NotEmpty private String certFile;

  @NotEmpty private String keyFile;

  private String clientCaFile;

  @NotNull private List<String> allowedClientSans = new ArrayList<>();

  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.SECONDS)
  private Duration refreshInterval = Duration.minutes(1);

  /**
   * The door's TLS, its files read and checked now.
   *
   * @throws TlsFileException naming the file and what is wrong with it
   */
  public ServerTls build(String door, Clock clock) throws TlsFileException {
    return new ServerTls(
        door,
        Path.of(certFile),
        Path.of(keyFile),
        clientCaFile == null || clientCaFile.isBlank() ? null : Path.of(clientCaFile),
        allowedClientSans,
        java.time.Duration.ofMillis(refreshInterval.toMilliseconds()),
        clock);
  }

  @JsonIgnore
  @ValidationMethod(
      message = "allowedClientSans needs clientCaFile: without it no client certificate is asked")
  public boolean isSansWithCa() {
    return allowedClientSans == null
        || allowedClientSans.isEmpty()
        || (clientCaFile != null && !clientCaFile.isBlank());
  }

  /** The certificate chain (PEM), leaf first. */
  @JsonProperty
  public String getCertFile() {
    return certFile;
  }

  @JsonProperty
  public void setCertFile(String certFile) {
    this.certFile = certFile;
  }

  /** The leaf's private key (PEM, PKCS#8, unencrypted). */
  @JsonProperty
  public String getKeyFile() {
    return keyFile;
  }

  @JsonProperty
  public void setKeyFile(String keyFile) {
    this.keyFile = keyFile;
  }

  /** The CAs client certificates must chain to (PEM); set, a client certificate is required. */
  @JsonProperty
  public String getClientCaFile() {
    return clientCaFile;
  }

  @JsonProperty
  public void setClientCaFile(String clientCaFile) {
    this.clientCaFile = clientCaFile;
  }

  /**
   * Subject alternative names (DNS, URI such as a SPIFFE ID, IP, email) of which a client
   * certificate must carry one; empty: any certificate the client CA signed.
   */
  @JsonProperty
  public List<String> getAllowedClientSans() {
    return allowedClientSans;
  }

  @JsonProperty
  public void setAllowedClientSans(List<String> allowedClientSans) {
    this.allowedClientSans = allowedClientSans;
  }

  /** How often the files are re-read; a good replacement serves from the next handshake. */
  @JsonProperty
  public Duration getRefreshInterval() {
    return refreshInterval;
  }

  @JsonProperty
  public void setRefreshInterval(Duration refreshInterval) {
    this.refreshInterval = refreshInterval;
  }
}
