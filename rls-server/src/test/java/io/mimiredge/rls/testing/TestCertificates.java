package io.mimiredge.rls.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made for a test with BouncyCastle: CAs, and server or client certificates they sign,
 * with subject alternative names and any validity (expired ones included), written as PEM files the
 * way cert-manager writes them (the key as PKCS#8, or as SEC 1 to test the refusal).
 */
public final class TestCertificates {
  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());

  private TestCertificates() {}

  /** A certificate, its key pair, and who signed it (null for a self-signed CA). */
  public record Issued(X509Certificate certificate, KeyPair keys, Issued issuer) {
    /** Writes the certificate (then its issuers up to the CA, as a chain) to {@code file}. */
    public Path writeChain(Path file) {
      StringBuilder pem = new StringBuilder(pem(certificate));
      for (Issued i = issuer; i != null && i.issuer != null; i = i.issuer) {
        pem.append(pem(i.certificate));
      }
      return write(file, pem.toString());
    }

    /** Writes the certificate alone to {@code file}. */
    public Path writeCertificate(Path file) {
      return write(file, pem(certificate));
    }

    /** Writes the private key as PKCS#8 ({@code BEGIN PRIVATE KEY}) to {@code file}. */
    public Path writeKey(Path file) {
      try {
        return write(file, pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Writes the private key as OpenSSL's traditional form ({@code BEGIN EC PRIVATE KEY}). */
    public Path writeTraditionalKey(Path file) {
      return write(file, pem(keys));
    }
  }

  /** A self-signed CA valid from an hour ago for a day. */
  public static Issued ca(String commonName) {
    Instant now = Instant.now();
    return issue(null, commonName, List.of(), now.minus(Duration.ofHours(1)), now.plus(days(1)));
  }

  /** A self-signed CA valid only within {@code [notBefore, notAfter]}. */
  public static Issued ca(String commonName, Instant notBefore, Instant notAfter) {
    return issue(null, commonName, List.of(), notBefore, notAfter);
  }

  /**
   * A server-and-client certificate signed by {@code ca}, valid from an hour ago for a day, with
   * these subject alternative names ({@code dns:...}, {@code ip:...}, {@code uri:...}).
   */
  public static Issued leaf(Issued ca, String commonName, String... sans) {
    Instant now = Instant.now();
    return issue(ca, commonName, List.of(sans), now.minus(Duration.ofHours(1)), now.plus(days(1)));
  }

  /** As {@link #leaf}, valid only within {@code [notBefore, notAfter]}. */
  public static Issued leaf(
      Issued ca, String commonName, Instant notBefore, Instant notAfter, String... sans) {
    return issue(ca, commonName, List.of(sans), notBefore, notAfter);
  }

  private static Issued issue(
      Issued ca, String commonName, List<String> sans, Instant notBefore, Instant notAfter) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = g.generateKeyPair();
      X500Name subject = new X500Name("CN=" + commonName);
      X500Name issuerName =
          ca == null
              ? subject
              : X500Name.getInstance(ca.certificate.getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuerName,
              BigInteger.valueOf(SERIALS.incrementAndGet()),
              Date.from(notBefore),
              Date.from(notAfter),
              subject,
              keys.getPublic());
      if (ca == null) {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(
            Extension.keyUsage,
            true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        b.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        if (!sans.isEmpty()) {
          GeneralName[] names =
              sans.stream().map(TestCertificates::name).toArray(GeneralName[]::new);
          b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
      }
      KeyPair signer = ca == null ? keys : ca.keys;
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  b.build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
      return new Issued(cert, keys, ca);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A client TLS context trusting {@code ca}, presenting {@code client}'s certificate when not
   * null, and adding each server certificate it checks to {@code presented}. A new context has no
   * session to resume, so each client built on one makes a full handshake.
   */
  public static SSLContext clientContext(
      Issued ca, Issued client, List<X509Certificate> presented) {
    try {
      X509TrustManager recording = recordingTrust(ca, presented);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          client == null ? null : keyManagers(client), new TrustManager[] {recording}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Key managers presenting {@code who}'s certificate with its key: a client's in {@link
   * #clientContext}, a test server's in an {@code SSLContext} of its own.
   */
  public static KeyManager[] keyManagers(Issued who) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(
          "key",
          who.keys().getPrivate(),
          new char[0],
          new java.security.cert.Certificate[] {who.certificate()});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      return kmf.getKeyManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Trusts {@code ca}, adding each server certificate it checks to {@code presented}. */
  public static X509TrustManager recordingTrust(Issued ca, List<X509Certificate> presented) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      X509TrustManager pkix = (X509TrustManager) tmf.getTrustManagers()[0];
      return new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
            throws CertificateException {
          pkix.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
            throws CertificateException {
          presented.add(chain[0]);
          pkix.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return pkix.getAcceptedIssuers();
        }
      };
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static GeneralName name(String san) {
    int colon = san.indexOf(':');
    String kind = san.substring(0, colon);
    String value = san.substring(colon + 1);
    return switch (kind) {
      case "dns" -> new GeneralName(GeneralName.dNSName, value);
      case "ip" -> new GeneralName(GeneralName.iPAddress, value);
      case "uri" -> new GeneralName(GeneralName.uniformResourceIdentifier, value);
      default -> throw new IllegalArgumentException("dns:, ip: or uri:, not " + san);
    };
  }

  private static Duration days(int n) {
    return Duration.ofDays(n);
  }

  private static String pem(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static Path write(Path file, String text) {
    try {
      // written beside and moved over, as a Secret's update swaps the files whole
      Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".pem", ".tmp");
      Files.writeString(tmp, text);
      return Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
