package io.mimiredge.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mimiredge.helm.support.Charts;
import io.mimiredge.rls.testing.TestCertificates;
import io.mimiredge.testsupport.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NGINX chart's TLS reloader ({@code files/tls-reloader.sh}, the sidecar's script) run against
 * a real NGINX: when the certificate files it watches are replaced, NGINX serves the new
 * certificate without a restart; until then, the old one.
 */
class TlsReloaderTest {
  @TempDir Path dir;

  @Test
  void replacedCertificateFilesAreServedAfterTheReloaderSignalsNginx() throws Exception {
    String nginx = NginxConfigTest.findNginx();
    if (nginx == null) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("nginx is not installed (apt-get install nginx)");
      }
      assumeTrue(false, "nginx is not installed: skipping (set CI=true to fail)");
    }
    TestCertificates.Issued ca = TestCertificates.ca("edge CA");
    TestCertificates.Issued first = TestCertificates.leaf(ca, "first", "ip:127.0.0.1");
    TestCertificates.Issued second = TestCertificates.leaf(ca, "second", "ip:127.0.0.1");
    Path tls = Files.createDirectories(dir.resolve("tls"));
    first.writeChain(tls.resolve("tls.crt"));
    first.writeKey(tls.resolve("tls.key"));

    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(
        conf,
        "worker_processes 1;\nevents {}\nhttp {\n  access_log off;\n"
            + "  client_body_temp_path "
            + dir
            + "/body;\n  proxy_temp_path "
            + dir
            + "/proxy;\n  fastcgi_temp_path "
            + dir
            + "/fcgi;\n  uwsgi_temp_path "
            + dir
            + "/uwsgi;\n  scgi_temp_path "
            + dir
            + "/scgi;\n  server {\n    listen 127.0.0.1:"
            + port
            + " ssl;\n    ssl_certificate "
            + tls.resolve("tls.crt")
            + ";\n    ssl_certificate_key "
            + tls.resolve("tls.key")
            + ";\n    return 204;\n  }\n}\n");
    Path pid = dir.resolve("nginx.pid");
    Process server =
        new ProcessBuilder(
                nginx,
                "-p",
                dir.toString(),
                "-c",
                conf.toString(),
                "-g",
                "daemon off; pid " + pid + "; error_log " + dir.resolve("error.log") + ";")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("nginx.out").toFile())
            .start();
    Path log = dir.resolve("reloader.log");
    String script = Files.readString(Charts.chartDir("nginx").resolve("files/tls-reloader.sh"));
    Process reloader = null;
    try {
      await("NGINX serving", () -> Files.exists(pid) && served(ca, port) != null);
      assertThat(served(ca, port).getSubjectX500Principal().getName()).contains("CN=first");

      // As the sidecar runs it: sh -c SCRIPT tls-reloader DIR INTERVAL PIDFILE.
      reloader =
          new ProcessBuilder(
                  "sh", "-c", script, "tls-reloader", tls.toString(), "0.2", pid.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      await("the reloader watching", () -> read(log).contains("watching"));
      // Nothing changed: NGINX keeps its certificate, and no reload was sent.
      Thread.sleep(600);
      assertThat(served(ca, port).getSubjectX500Principal().getName()).contains("CN=first");
      assertThat(Files.readString(log)).doesNotContain("reloaded");

      second.writeChain(tls.resolve("tls.crt"));
      second.writeKey(tls.resolve("tls.key"));
      await(
          "the new certificate served",
          () -> {
            X509Certificate c = served(ca, port);
            return c != null && c.getSubjectX500Principal().getName().contains("CN=second");
          });
      assertThat(Files.readString(log)).contains("changed, NGINX (pid").contains("reloaded");
      assertThat(server.isAlive()).as("NGINX reloaded, not restarted").isTrue();
    } finally {
      if (reloader != null) {
        reloader.destroy();
        reloader.waitFor(10, TimeUnit.SECONDS);
      }
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The certificate NGINX presents to a new connection, or null when it does not answer yet. */
  private static X509Certificate served(TestCertificates.Issued ca, int port) {
    List<X509Certificate> presented = new CopyOnWriteArrayList<>();
    try (SSLSocket s =
        (SSLSocket)
            TestCertificates.clientContext(ca, null, presented)
                .getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5000);
      s.startHandshake();
      return presented.isEmpty() ? null : presented.get(0);
    } catch (IOException e) {
      return null;
    }
  }

  private static void await(String what, BooleanSupplier condition) {
    Await.await(what, condition, Duration.ofSeconds(30));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
