package io.mimiredge.rls.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.jackson.Jackson;
import io.mimiredge.rls.testing.TestCertificates;
import io.mimiredge.rls.tls.ServerTls;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemHttpsConnectorFactoryTest {
  @TempDir Path dir;

  @Test
  void twoConnectorsOfOneNameAndPortAreTwoDoors() throws Exception {
    TestCertificates.Issued ca = TestCertificates.ca("test CA");
    TestCertificates.Issued leaf = TestCertificates.leaf(ca, "rls", "dns:localhost");
    Path cert = leaf.writeChain(dir.resolve("tls.crt"));
    Path key = leaf.writeKey(dir.resolve("tls.key"));
    String yaml =
        "type: pem-https\nport: 0\nbindHost: 127.0.0.1\ntls:\n  certFile: "
            + cert
            + "\n  keyFile: "
            + key
            + "\n";
    var mapper = Jackson.newObjectMapper(new YAMLFactory());
    Server server = new Server(new QueuedThreadPool());
    for (int i = 0; i < 3; i++) {
      mapper
          .readValue(yaml, PemHttpsConnectorFactory.class)
          .build(server, new MetricRegistry(), "application", server.getThreadPool());
    }
    List<String> doors = server.getBeans(ServerTls.class).stream().map(ServerTls::door).toList();
    assertThat(doors)
        .containsExactlyInAnyOrder("application:0", "application:0#2", "application:0#3");
    for (ServerTls t : server.getBeans(ServerTls.class)) {
      t.close();
    }
  }
}
