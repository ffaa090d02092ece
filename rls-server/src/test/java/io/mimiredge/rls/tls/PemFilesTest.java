package io.mimiredge.rls.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mimiredge.rls.testing.TestCertificates;
import io.mimiredge.rls.testing.TestCertificates.Issued;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a certificate or key file cannot serve, named with its file, before it serves. */
class PemFilesTest {
  @TempDir Path dir;

  private final Issued ca = TestCertificates.ca("test CA");
  private final Issued server = TestCertificates.leaf(ca, "rls", "dns:localhost", "ip:127.0.0.1");

  @Test
  void aGoodPairLoadsWithItsChain() throws Exception {
    Path cert = server.writeChain(dir.resolve("tls.crt"));
    Path key = server.writeKey(dir.resolve("tls.key"));
    PemFiles.Identity id = PemFiles.identity(cert, key, Instant.now());
    assertThat(id.leaf()).isEqualTo(server.certificate());
    assertThat(id.chain()).hasSize(1); // the CA itself is not sent
  }

  @Test
  void aMissingFileIsNamed() {
    Path cert = dir.resolve("absent.crt");
    Path key = server.writeKey(dir.resolve("tls.key"));
    assertThatThrownBy(() -> PemFiles.identity(cert, key, Instant.now()))
        .isInstanceOf(TlsFileException.class)
        .hasMessage("certFile " + cert + ": no such file");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    Path cert = server.writeChain(dir.resolve("tls.crt"));
    Path key = TestCertificates.leaf(ca, "other").writeKey(dir.resolve("other.key"));
    assertThatThrownBy(() -> PemFiles.identity(cert, key, Instant.now()))
        .isInstanceOf(TlsFileException.class)
        .hasMessageStartingWith("keyFile " + key + ": the key does not match the certificate in")
        .hasMessageContaining("CN=rls");
  }

  @Test
  void anExpiredOrNotYetValidCertificateIsRefused() {
    Instant now = Instant.now();
    Issued expired =
        TestCertificates.leaf(ca, "old", now.minus(Duration.ofDays(2)), now.minusSeconds(60));
    Path cert = expired.writeChain(dir.resolve("old.crt"));
    Path key = expired.writeKey(dir.resolve("old.key"));
    assertThatThrownBy(() -> PemFiles.identity(cert, key, now))
        .isInstanceOf(TlsFileException.class)
        .hasMessageStartingWith("certFile " + cert + ": the certificate CN=old expired at ");
    Issued future =
        TestCertificates.leaf(
            ca, "new", now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(2)));
    Path cert2 = future.writeChain(dir.resolve("new.crt"));
    Path key2 = future.writeKey(dir.resolve("new.key"));
    assertThatThrownBy(() -> PemFiles.identity(cert2, key2, now))
        .hasMessageContaining("is not valid before");
  }

  @Test
  void aTraditionalKeySaysHowToGetPkcs8() {
    Path cert = server.writeChain(dir.resolve("tls.crt"));
    Path key = server.writeTraditionalKey(dir.resolve("tls.key"));
    assertThatThrownBy(() -> PemFiles.identity(cert, key, Instant.now()))
        .isInstanceOf(TlsFileException.class)
        .hasMessageStartingWith("keyFile " + key + ": a PKCS#1 or SEC 1 key")
        .hasMessageContaining("privateKey.encoding: PKCS8");
  }

  @Test
  void garbageOrEmptyFilesAreRefused() throws Exception {
    Path key = server.writeKey(dir.resolve("tls.key"));
    Path empty = Files.writeString(dir.resolve("empty.crt"), "");
    assertThatThrownBy(() -> PemFiles.identity(empty, key, Instant.now()))
        .hasMessage("certFile " + empty + ": holds no PEM certificate");
    Path truncated = dir.resolve("truncated.crt");
    String pem = Files.readString(server.writeChain(truncated));
    Files.writeString(truncated, pem.substring(0, pem.length() / 2));
    assertThatThrownBy(() -> PemFiles.identity(truncated, key, Instant.now()))
        .isInstanceOf(TlsFileException.class)
        .hasMessageStartingWith("certFile " + truncated + ":");
    Path cert = server.writeChain(dir.resolve("tls.crt"));
    Path notKey = Files.writeString(dir.resolve("garbage.key"), "hello\n");
    assertThatThrownBy(() -> PemFiles.identity(cert, notKey, Instant.now()))
        .hasMessage(
            "keyFile " + notKey + ": holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  @Test
  void trustedCertificatesMustBeValidToo() throws Exception {
    Instant now = Instant.now();
    Path file = ca.writeCertificate(dir.resolve("ca.crt"));
    assertThat(PemFiles.trusted("clientCaFile", file, now)).containsExactly(ca.certificate());
    assertThatThrownBy(() -> PemFiles.trusted("clientCaFile", file, now.plus(Duration.ofDays(3))))
        .hasMessageStartingWith("clientCaFile " + file + ": the certificate CN=test CA expired");
    // a bundle in the middle of a CA rotation: the expired one left out, the valid one trusted
    Issued old = TestCertificates.ca("old CA", now.minus(Duration.ofDays(9)), now.minusSeconds(60));
    Path bundle = dir.resolve("bundle.crt");
    Files.writeString(
        bundle,
        Files.readString(old.writeCertificate(dir.resolve("old.crt"))) + Files.readString(file));
    assertThat(PemFiles.trusted("clientCaFile", bundle, now)).containsExactly(ca.certificate());
  }
}
