package io.mimiredge.helm.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mimiredge.rls.RlsConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The chart's rls.yml as the real service reads it. */
public final class RlsApp {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private RlsApp() {}

  /**
   * Sections the chart renders for parts of the service still on their way to main (gRPC doors,
   * Redis): checked once {@link RlsConfiguration} has them, left out of the test copy until then.
   */
  public static boolean knows(String section) {
    String getter = "get" + Character.toUpperCase(section.charAt(0)) + section.substring(1);
    try {
      RlsConfiguration.class.getMethod(getter);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** The chart's rls.yml without the sections the service does not know yet. */
  public static ObjectNode knownSections(String rlsYml) {
    try {
      ObjectNode root = (ObjectNode) YAML.readTree(rlsYml);
      for (String section : new String[] {"grpc", "redis"}) {
        if (root.has(section) && !knows(section)) {
          root.remove(section);
        }
      }
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The chart's rls.yml read as the service reads it ({@link #knownSections}, Dropwizard's
   * configuration factory with validation), through a file in {@code dir}.
   */
  public static RlsConfiguration parse(String rlsYml, java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("rls.yml");
    java.nio.file.Files.writeString(file, YAML.writeValueAsString(knownSections(rlsYml)));
    return new io.dropwizard.configuration.YamlConfigurationFactory<>(
            RlsConfiguration.class,
            io.dropwizard.jersey.validation.Validators.newValidator(),
            io.dropwizard.jackson.Jackson.newObjectMapper(),
            "dw")
        .build(
            path -> java.nio.file.Files.newInputStream(java.nio.file.Path.of(path)),
            file.toString());
  }

  /** The same, on free 127.0.0.1 ports and forwarding to {@code upstreamUrl}: for a test run. */
  public static String forTest(String rlsYml, String upstreamUrl) {
    ObjectNode root = knownSections(rlsYml);
    ObjectNode server = (ObjectNode) root.get("server");
    for (String connectors : new String[] {"applicationConnectors", "adminConnectors"}) {
      for (JsonNode c : (ArrayNode) server.get(connectors)) {
        ((ObjectNode) c).put("port", 0).put("bindHost", "127.0.0.1");
      }
    }
    if (root.has("grpc")) {
      ((ObjectNode) root.get("grpc")).put("port", 0).put("bindHost", "127.0.0.1");
    }
    ((ObjectNode) root.get("upstream")).put("url", upstreamUrl);
    // Outside a cluster: the bundled example overrides and the configured replica count stand in
    // for the overrides ConfigMap and the Service's endpoints.
    ((ObjectNode) root.get("limits")).remove("kubernetes");
    root.remove("replicaDiscovery");
    root.putObject("logging").put("level", "WARN");
    try {
      return YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
