package io.mimiredge.rls.remotewrite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.xerial.snappy.Snappy;

/** The remote-write requests captured from Prometheus 2.42, in {@code testdata/remote-write}. */
final class Fixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  static Path dir() {
    String dir =
        Objects.requireNonNull(
            System.getProperty("fixtures.dir"),
            "system property fixtures.dir is not set (surefire sets it from the root pom)");
    return Path.of(dir);
  }

  /** The raw body (a snappy block) of a fixture, e.g. {@code "002.bin"}. */
  static byte[] body(String file) {
    try {
      return Files.readAllBytes(dir().resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The decoded protobuf of a fixture, decoded by snappy-java directly (not by the scanner). */
  static byte[] protobuf(String file) {
    try {
      return Snappy.uncompress(body(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One JSON object per fixture, from expected.jsonl. */
  static List<JsonNode> expected() {
    try (var lines = Files.lines(dir().resolve("expected.jsonl"))) {
      return lines
          .filter(line -> !line.isBlank())
          .map(
              line -> {
                try {
                  return JSON.readTree(line);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] compress(byte[] protobuf) {
    try {
      return Snappy.compress(protobuf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
