package io.mimiredge.benchmarks.faults;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A stand-in Kubernetes API server for the {@code k8s-gone} fault (benchmarks/faults): fabric8's
 * mock server in CRUD mode (gets, lists, watches, updates) on 127.0.0.1, over plain HTTP, holding
 * one ConfigMap whose one key mirrors a local file, as {@code kubectl apply} would: the file is
 * read at start and every 200 ms, and a change replaces the ConfigMap (the watchers get a
 * MODIFIED). State lives in memory, so a restarted server starts from the file again, like an API
 * server whose etcd kept the last version.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.mimiredge.benchmarks.faults.MockApiServer \
 *   PORT NAMESPACE CONFIGMAP KEY FILE
 * </pre>
 *
 * prints {@code port N} once serving, then {@code applied N bytes} for every version it stores.
 */
public final class MockApiServer {
  /** Held, so that the level set on it stays (JUL keeps loggers weakly). */
  private static final java.util.logging.Logger QUIET =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private MockApiServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: MockApiServer PORT NAMESPACE CONFIGMAP KEY FILE");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    String namespace = args[1];
    String name = args[2];
    String key = args[3];
    Path file = Path.of(args[4]);
    QUIET.setLevel(java.util.logging.Level.WARNING); // not a line per request

    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getLoopbackAddress(), port);
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(server.url("/"))
            .withNamespace(namespace)
            .build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      String applied = null;
      boolean announced = false;
      while (true) {
        String text = read(file);
        if (text != null && !text.equals(applied)) {
          ConfigMap cm =
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withNamespace(namespace)
                  .withName(name)
                  .endMetadata()
                  .withData(Map.of(key, text))
                  .build();
          client
              .configMaps()
              .inNamespace(namespace)
              .resource(cm)
              .createOr(NonDeletingOperation::update);
          applied = text;
          System.out.println("applied " + text.length() + " bytes");
        }
        if (!announced) {
          System.out.println("port " + server.getPort());
          announced = true;
        }
        System.out.flush();
        Thread.sleep(200);
      }
    }
  }

  /** The file's text, or null while it cannot be read (being replaced). */
  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }
}
