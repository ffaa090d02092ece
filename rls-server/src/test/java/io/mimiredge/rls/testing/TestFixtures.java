package io.mimiredge.rls.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** The captured remote-write bodies in {@code testdata/remote-write}, for tests in any package. */
public final class TestFixtures {
  /** A 9380-byte body from Prometheus 2.42: 500 series, 500 float samples, valid by defaults. */
  public static final String SMALL = "000.bin";

  /**
   * A time to judge the fixtures at: minutes after their samples were captured (Nov 2026), so that
   * every timestamp is within Mimir's default grace periods whatever today's date is.
   */
  public static final long NOW_MILLIS = 1_795_460_000_000L;

  private TestFixtures() {}

  public static Path dir() {
    return Path.of(
        Objects.requireNonNull(
            System.getProperty("fixtures.dir"),
            "system property fixtures.dir is not set (surefire sets it from the root pom)"));
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
