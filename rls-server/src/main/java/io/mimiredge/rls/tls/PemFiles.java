package io.mimiredge.rls.tls;

import io.grpc.util.CertificateUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Certificates and keys in PEM files, as cert-manager and Kubernetes Secrets put them on disk, read
 * with grpc-java's {@link CertificateUtils} (what its TLS key and trust managers read) and checked
 * before they serve: present and readable, a certificate in the certificate file, a PKCS#8 key that
 * matches it, valid now. Each failure is a {@link TlsFileException} naming the setting, the file
 * and what is wrong with it. Stateless.
 */
public final class PemFiles {
  private PemFiles() {}

  /** A certificate chain and its private key, checked to belong together and be valid now. */
  public record Identity(X509Certificate[] chain, PrivateKey key) {
    public X509Certificate leaf() {
      return chain[0];
    }
  }

  /**
   * The chain in {@code certFile} and the key in {@code keyFile}: the key must match the first
   * certificate, which must be valid at {@code now}.
   */
  public static Identity identity(Path certFile, Path keyFile, Instant now)
      throws TlsFileException {
    X509Certificate[] chain = certificates("certFile", certFile);
    valid("certFile", certFile, chain[0], now);
    PrivateKey key = privateKey("keyFile", keyFile);
    if (!matches(key, chain[0])) {
      throw new TlsFileException(
          "keyFile",
          keyFile,
          "the key does not match the certificate in "
              + certFile
              + " ("
              + chain[0].getSubjectX500Principal().getName()
              + ")");
    }
    return new Identity(chain, key);
  }

  /**
   * The certificates in {@code file} valid at {@code now}: a bundle may hold an expired or a
   * not-yet-valid CA while CAs rotate, and those are left out; none valid is an error.
   */
  public static X509Certificate[] trusted(String setting, Path file, Instant now)
      throws TlsFileException {
    X509Certificate[] certs = certificates(setting, file);
    List<X509Certificate> valid = new ArrayList<>();
    TlsFileException first = null;
    for (X509Certificate c : certs) {
      try {
        valid(setting, file, c, now);
        valid.add(c);
      } catch (TlsFileException e) {
        first = first == null ? e : first;
      }
    }
    if (valid.isEmpty()) {
      throw first;
    }
    return valid.toArray(X509Certificate[]::new);
  }

  static X509Certificate[] certificates(String setting, Path file) throws TlsFileException {
    byte[] bytes = read(setting, file);
    X509Certificate[] certs;
    try {
      certs = CertificateUtils.getX509Certificates(new ByteArrayInputStream(bytes));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new TlsFileException(
          setting, file, "not a PEM certificate (" + e.getMessage() + ")", e);
    }
    if (certs.length == 0) {
      throw new TlsFileException(setting, file, "holds no PEM certificate");
    }
    return certs;
  }

  static PrivateKey privateKey(String setting, Path file) throws TlsFileException {
    byte[] bytes = read(setting, file);
    String text = new String(bytes, StandardCharsets.US_ASCII);
    if (text.contains("-----BEGIN RSA PRIVATE KEY-----")
        || text.contains("-----BEGIN EC PRIVATE KEY-----")) {
      throw new TlsFileException(
          setting,
          file,
          "a PKCS#1 or SEC 1 key; the RLS reads PKCS#8 (-----BEGIN PRIVATE KEY-----): set"
              + " privateKey.encoding: PKCS8 on the cert-manager Certificate, or convert it with"
              + " openssl pkcs8 -topk8 -nocrypt");
    }
    if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new TlsFileException(
          setting, file, "an encrypted key; the RLS reads unencrypted PKCS#8 keys");
    }
    if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new TlsFileException(
          setting, file, "holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    try {
      return CertificateUtils.getPrivateKey(new ByteArrayInputStream(bytes));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new TlsFileException(
          setting, file, "not a readable PKCS#8 key (" + e.getMessage() + ")", e);
    }
  }

  private static byte[] read(String setting, Path file) throws TlsFileException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TlsFileException(setting, file, "no such file", e);
    } catch (IOException e) {
      throw new TlsFileException(setting, file, "cannot be read (" + e + ")", e);
    }
  }

  private static void valid(String setting, Path file, X509Certificate c, Instant now)
      throws TlsFileException {
    try {
      c.checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      throw new TlsFileException(
          setting,
          file,
          "the certificate "
              + c.getSubjectX500Principal().getName()
              + " expired at "
              + c.getNotAfter().toInstant(),
          e);
    } catch (CertificateNotYetValidException e) {
      throw new TlsFileException(
          setting,
          file,
          "the certificate "
              + c.getSubjectX500Principal().getName()
              + " is not valid before "
              + c.getNotBefore().toInstant(),
          e);
    }
  }

  /** Whether {@code key} signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate cert) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm(); // Ed25519 and Ed448 sign by their own names
        };
    try {
      byte[] probe = "mimir-edge-enforcement key check".getBytes(StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(cert.getPublicKey());
      verify.update(probe);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // a key of another type than the certificate's
    }
  }
}
