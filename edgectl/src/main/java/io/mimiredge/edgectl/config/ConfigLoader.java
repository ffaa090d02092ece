package io.mimiredge.edgectl.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mimiredge.edgectl.EdgectlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads {@code edgectl.yaml}; every problem becomes a message naming the file and the key. */
public final class ConfigLoader {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private ConfigLoader() {}

  public static EdgectlConfig load(Path path) {
    String text;
    try {
      text = Files.readString(path);
    } catch (NoSuchFileException e) {
      throw new EdgectlException(
          "config file " + path + " not found (set --config or EDGECTL_CONFIG)", e);
    } catch (IOException e) {
      throw new EdgectlException("cannot read config file " + path + ": " + e.getMessage(), e);
    }
    return parse(text, path.toString());
  }

  public static EdgectlConfig parse(String yaml, String origin) {
    try {
      EdgectlConfig c = YAML.readValue(yaml, EdgectlConfig.class);
      if (c == null) {
        throw new EdgectlException(origin + " is empty");
      }
      return c;
    } catch (JsonMappingException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      String where = e.getPathReference().replace("io.mimiredge.edgectl.config.", "");
      String why =
          root instanceof IllegalArgumentException ? root.getMessage() : e.getOriginalMessage();
      throw new EdgectlException("invalid config " + origin + " (" + where + "): " + why, e);
    } catch (IOException e) {
      throw new EdgectlException("invalid config " + origin + ": " + e.getMessage(), e);
    }
  }
}
