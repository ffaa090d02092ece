package io.mimiredge.edgectl.rls;

import io.mimiredge.edgectl.EdgectlException;
import io.mimiredge.edgectl.config.EdgectlConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS context of edgectl's calls to the RLS ({@code rls.tls}): the RLS' CA from a PEM file and,
 * when given, a client certificate and its PKCS#8 key. The JDK reads it all; each failure is an
 * {@link EdgectlException} naming the setting and the file. Stateless.
 */
public final class ClientTls {
  private ClientTls() {}

  public static SSLContext context(EdgectlConfig.RlsClientTls tls) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (Certificate c : certificates("rls.tls.trustedCertificate", tls.trustedCertificate())) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (tls.certificate() != null) {
        Collection<? extends Certificate> chain =
            certificates("rls.tls.certificate", tls.certificate());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry(
            "client",
            privateKey(tls.certificateKey()),
            new char[0],
            chain.toArray(Certificate[]::new));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new EdgectlException("rls.tls: " + e.getMessage(), e);
    }
  }

  private static Collection<? extends Certificate> certificates(String setting, String file) {
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new EdgectlException(setting + " " + file + ": holds no PEM certificate");
      }
      return certs;
    } catch (NoSuchFileException e) {
      throw new EdgectlException(setting + " " + file + ": no such file", e);
    } catch (IOException | GeneralSecurityException e) {
      throw new EdgectlException(
          setting + " " + file + ": not a PEM certificate (" + e.getMessage() + ")", e);
    }
  }

  private static PrivateKey privateKey(String file) {
    String setting = "rls.tls.certificateKey";
    String text;
    try {
      text = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new EdgectlException(setting + " " + file + ": no such file", e);
    } catch (IOException e) {
      throw new EdgectlException(setting + " " + file + ": cannot be read (" + e + ")", e);
    }
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new EdgectlException(
          setting + " " + file + ": holds no PKCS#8 key (-----BEGIN PRIVATE KEY-----)");
    }
    byte[] der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to).strip());
    for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm
      }
    }
    throw new EdgectlException(setting + " " + file + ": not an EC, RSA or Ed25519 PKCS#8 key");
  }
}
