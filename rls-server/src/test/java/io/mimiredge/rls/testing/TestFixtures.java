package io.mimiredge.rls.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** The remote-write requests captured from Prometheus, in {@code testdata/remote-write}. */
public final class TestFixtures {
  private TestFixtures() {}

  /** The fixtures directory (system property {@code fixtures.dir}, set by surefire). */
  public static Path dir() {
    String dir =
        Objects.requireNonNull(
            System.getProperty("fixtures.dir"),
            "system property fixtures.dir is not set (surefire sets it from the root pom)");
    return Path.of(dir);
  }

  /** The raw body (a snappy block) of a fixture, e.g. {@code "000.bin"}. */
  public static byte[] body(String file) {
    try {
      return Files.readAllBytes(dir().resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
