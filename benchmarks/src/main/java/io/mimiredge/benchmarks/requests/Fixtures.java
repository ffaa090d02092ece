package io.mimiredge.benchmarks.requests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real remote-write bodies captured from Prometheus in {@code testdata/remote-write} (see its
 * README): every {@code NNN.bin}, in file order.
 */
public final class Fixtures {

  /** System property naming the fixtures directory; without it, found from the working dir. */
  public static final String DIRECTORY_PROPERTY = "fixtures.dir";

  private static final String RELATIVE = "testdata/remote-write";

  private Fixtures() {}

  /**
   * The fixtures directory: {@code -Dfixtures.dir}, else {@code testdata/remote-write} in the
   * working directory or the nearest parent that has one.
   */
  public static Path directory() {
    String configured = System.getProperty(DIRECTORY_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path dir = Paths.get(configured);
      if (!Files.isDirectory(dir)) {
        throw new IllegalStateException(
            "-D" + DIRECTORY_PROPERTY + "=" + configured + " is not a directory");
      }
      return dir;
    }
    Path start = Paths.get("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(RELATIVE);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "no "
            + RELATIVE
            + " in "
            + start
            + " or its parents: run from the repository, or pass -D"
            + DIRECTORY_PROPERTY
            + "=DIR");
  }

  /** The captured request files, {@code NNN.bin}, sorted by name. */
  public static List<Path> files() {
    try (Stream<Path> entries = Files.list(directory())) {
      List<Path> files =
          entries.filter(p -> p.getFileName().toString().endsWith(".bin")).sorted().toList();
      if (files.isEmpty()) {
        throw new IllegalStateException("no .bin files in " + directory());
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bodies of {@link #files()}, byte for byte. */
  public static List<byte[]> bodies() {
    return files().stream().map(Fixtures::read).toList();
  }

  /**
   * The bodies of {@code dir}'s {@code NNN.bin} files whose line in the directory's {@code
   * expected.jsonl} (its independently computed statistics) counts exactly {@code series} series,
   * in file order; refused when no body has that many.
   */
  public static List<byte[]> bodiesWithSeries(Path dir, int series) {
    Path expected = dir.resolve("expected.jsonl");
    ObjectMapper json = new ObjectMapper();
    List<byte[]> out = new ArrayList<>();
    try (Stream<String> lines = Files.lines(expected)) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode entry = json.readTree(line);
        if (entry.path("series").asInt(-1) == series) {
          out.add(read(dir.resolve(entry.path("file").asText())));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no body in " + expected + " has " + series + " series");
    }
    return out;
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
