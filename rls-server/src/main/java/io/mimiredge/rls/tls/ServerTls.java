package io.mimiredge.rls.tls;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of one door: its certificate and key, and with a client CA the client certificates
 * it requires (mutual TLS), optionally only those whose subject alternative names are allowed.
 * grpc-java's {@link AdvancedTlsX509KeyManager} and {@link AdvancedTlsX509TrustManager} serve them,
 * so a replaced credential reaches the next handshake without a restart.
 *
 * <p>The files are re-read every refresh interval with {@link PemFiles}' checks and handed to the
 * managers only when they pass: a bad replacement (a key that does not match, an expired or
 * truncated certificate, a half-written pair) keeps the last good credentials, is logged once, and
 * is reported by {@link #problem()} until good files replace it. (The managers' own file watchers
 * refresh at most once a minute and say nothing of a failed read, which health must show.)
 *
 * <p>Thread-safe.
 */
public final class ServerTls implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

  private final String door;
  private final Path certFile;
  private final Path keyFile;
  private final Path clientCaFile; // null: no client certificates asked for
  private final Set<String> allowedClientSans; // empty: any certificate the CA signed
  private final Duration refreshInterval;
  private final Clock clock;
  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
  private final AdvancedTlsX509TrustManager trustManager; // null without a client CA
  private volatile X509Certificate[] servedChain;
  private volatile X509Certificate[] trusted;
  private volatile String problem;
  private ScheduledExecutorService refresher;

  /**
   * Reads and checks the files now: a {@link TlsFileException} (naming the file and the problem)
   * when they cannot serve, so that a broken configuration stops the start.
   */
  public ServerTls(
      String door,
      Path certFile,
      Path keyFile,
      Path clientCaFile,
      Collection<String> allowedClientSans,
      Duration refreshInterval,
      Clock clock)
      throws TlsFileException {
    this.door = Objects.requireNonNull(door, "door");
    this.certFile = Objects.requireNonNull(certFile, "certFile");
    this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
    this.clientCaFile = clientCaFile;
    // DNS names compare without case, as DNS does (URIs and IPs as written)
    this.allowedClientSans =
        allowedClientSans.stream()
            .map(n -> n.contains(":") ? n : n.toLowerCase(java.util.Locale.ROOT))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (!this.allowedClientSans.isEmpty() && clientCaFile == null) {
      throw new IllegalArgumentException(
          door + ": allowedClientSans needs clientCaFile (client certificates are not asked for)");
    }
    Instant now = clock.instant();
    PemFiles.Identity identity = PemFiles.identity(certFile, keyFile, now);
    keyManager.updateIdentityCredentials(identity.chain(), identity.key());
    servedChain = identity.chain();
    if (clientCaFile != null) {
      try {
        trustManager =
            AdvancedTlsX509TrustManager.newBuilder()
                .setVerification(
                    AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
                .setSslSocketAndEnginePeerVerifier(new AllowedSans())
                .build();
      } catch (CertificateException e) {
        throw new IllegalStateException("grpc-java's trust manager: " + e.getMessage(), e);
      }
      X509Certificate[] ca = PemFiles.trusted("clientCaFile", clientCaFile, now);
      updateTrust(ca);
    } else {
      trustManager = null;
    }
  }

  /** Re-reads the files every refresh interval, on a daemon thread of its own. */
  public synchronized void start() {
    if (refresher != null) {
      return;
    }
    refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tls-refresh-" + door);
              t.setDaemon(true);
              return t;
            });
    long ms = refreshInterval.toMillis();
    refresher.scheduleWithFixedDelay(this::refresh, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * Re-reads the files; good ones replace the credentials in use (for the next handshakes), bad
   * ones are logged and reported, and the last good credentials stay.
   */
  public synchronized void refresh() {
    Instant now = clock.instant();
    // The identity and the client CAs each on their own: a bad CA file does not hold back a
    // renewed certificate, nor a half-written certificate a new CA.
    String identityProblem = refreshIdentity(now);
    String trustProblem = clientCaFile == null ? null : refreshTrust(now);
    String p =
        identityProblem == null
            ? trustProblem
            : trustProblem == null ? identityProblem : identityProblem + "; " + trustProblem;
    if (p == null && problem != null) {
      LOG.info("TLS ({}): the files are good again", door);
    } else if (p != null && !p.equals(problem)) {
      LOG.warn("TLS ({}): keeping the last good credentials: {}", door, p);
    }
    problem = p;
  }

  /** Null when the files are good (and serve, if they changed); else what is wrong. */
  private String refreshIdentity(Instant now) {
    try {
      PemFiles.Identity identity = PemFiles.identity(certFile, keyFile, now);
      // the whole chain: a fixed intermediate behind the same leaf is a change too
      if (!Arrays.equals(identity.chain(), servedChain)) {
        keyManager.updateIdentityCredentials(identity.chain(), identity.key());
        servedChain = identity.chain();
        X509Certificate leaf = identity.leaf();
        LOG.info(
            "TLS ({}): now serving {} (serial {}, expires {}) from {}",
            door,
            leaf.getSubjectX500Principal().getName(),
            leaf.getSerialNumber().toString(16),
            leaf.getNotAfter().toInstant(),
            certFile);
      }
      return null;
    } catch (TlsFileException e) {
      return e.getMessage();
    } catch (Throwable e) { // nothing may end the scheduled refresh
      return "refreshing " + certFile + " failed: " + e;
    }
  }

  private String refreshTrust(Instant now) {
    try {
      X509Certificate[] ca = PemFiles.trusted("clientCaFile", clientCaFile, now);
      if (!Arrays.equals(ca, trusted)) {
        updateTrust(ca);
        LOG.info("TLS ({}): client CAs reloaded from {}", door, clientCaFile);
      }
      return null;
    } catch (TlsFileException e) {
      return e.getMessage();
    } catch (Throwable e) {
      return "refreshing " + clientCaFile + " failed: " + e;
    }
  }

  private void updateTrust(X509Certificate[] ca) throws TlsFileException {
    try {
      trustManager.updateTrustCredentials(ca);
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsFileException(
          "clientCaFile", clientCaFile, "not usable as trust anchors (" + e.getMessage() + ")", e);
    }
    trusted = ca;
  }

  /** The gRPC server credentials: this certificate, and client certificates when configured. */
  public ServerCredentials grpcCredentials() {
    TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder().keyManager(keyManager);
    if (trustManager != null) {
      b.trustManager(trustManager).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
    }
    return b.build();
  }

  /**
   * A JSSE context on the same managers, for an HTTPS connector: the next handshake after a good
   * refresh presents the new certificate. Client authentication is the connector's to require.
   */
  public SSLContext sslContext() {
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      // Without a client CA no client certificate is trusted (an empty list, not the JDK's CAs)
      c.init(
          new KeyManager[] {keyManager},
          trustManager == null ? new TrustManager[0] : new TrustManager[] {trustManager},
          null);
      return c;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's TLS context: " + e.getMessage(), e);
    }
  }

  /** The door's name, e.g. {@code grpc}. */
  public String door() {
    return door;
  }

  /** The certificate the next handshake presents. */
  public X509Certificate served() {
    return servedChain[0];
  }

  /** Whether clients must present a certificate the client CA signed. */
  public boolean clientAuth() {
    return trustManager != null;
  }

  /** What is wrong with the files on disk while the last good credentials serve; empty if none. */
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  /** Seconds until the served certificate expires (negative once it has). */
  public double secondsToExpiry() {
    return (served().getNotAfter().getTime() - clock.millis()) / 1000.0;
  }

  @Override
  public synchronized void close() {
    if (refresher != null) {
      refresher.shutdownNow();
      refresher = null;
    }
  }

  private static final int DNS = 2;
  private static final int URI = 6;
  private static final int IP = 7;

  /**
   * The DNS names (lower case), URIs and IP addresses among a certificate's subject alternative
   * names; other kinds (directory names, emails) never match an allowed name.
   */
  static List<String> sans(X509Certificate c) throws CertificateParsingException {
    List<String> out = new ArrayList<>();
    Collection<List<?>> all = c.getSubjectAlternativeNames();
    if (all != null) {
      for (List<?> san : all) {
        if (san.size() < 2 || !(san.get(0) instanceof Integer type)) {
          continue;
        }
        if (type == DNS && san.get(1) instanceof String s) {
          out.add(s.toLowerCase(java.util.Locale.ROOT));
        } else if ((type == URI || type == IP) && san.get(1) instanceof String s) {
          out.add(s);
        }
      }
    }
    return out;
  }

  /** After the chain is verified: the client's certificate names one of the allowed SANs. */
  private final class AllowedSans
      implements AdvancedTlsX509TrustManager.SslSocketAndEnginePeerVerifier {
    @Override
    public void verifyPeerCertificate(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void verifyPeerCertificate(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain);
    }

    private void check(X509Certificate[] chain) throws CertificateException {
      if (allowedClientSans.isEmpty()) {
        return;
      }
      List<String> names = sans(chain[0]);
      for (String n : names) {
        if (allowedClientSans.contains(n)) {
          return;
        }
      }
      LOG.warn(
          "TLS ({}): refused a client certificate of {}: its names {} are not in"
              + " allowedClientSans",
          door,
          chain[0].getSubjectX500Principal().getName(),
          names);
      throw new CertificateException(
          "the client certificate's names " + names + " are not in allowedClientSans");
    }
  }
}
