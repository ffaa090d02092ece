package io.mimiredge.rls.remotewrite;

import static io.mimiredge.rls.remotewrite.Limits.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every captured Prometheus request against the statistics computed by a separate decoder. */
class WriteRequestScannerFixturesTest {
  private final WriteRequestScanner scanner = new WriteRequestScanner(64 << 20);

  static Stream<Arguments> fixtures() {
    return Fixtures.expected().stream().map(row -> Arguments.of(row.get("file").asText(), row));
  }

  @Test
  void everyFixtureHasAnExpectedLine() {
    assertThat(Fixtures.expected()).hasSize(261);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void matchesExpectedStats(String file, JsonNode expected) throws Exception {
    byte[] body = Fixtures.body(file);

    WriteRequestStats stats = scanner.scan(body, ValidationLimits.NONE, NOW);

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(stats.compressedBytes())
        .as("compressed_bytes")
        .isEqualTo(expected.get("compressed_bytes").asLong());
    soft.assertThat(stats.uncompressedBytes())
        .as("uncompressed_bytes")
        .isEqualTo(expected.get("uncompressed_bytes").asLong());
    soft.assertThat(stats.series()).as("series").isEqualTo(expected.get("series").asLong());
    soft.assertThat(stats.floatSamples())
        .as("float_samples")
        .isEqualTo(expected.get("float_samples").asLong());
    soft.assertThat(stats.histograms())
        .as("histograms")
        .isEqualTo(expected.get("histograms").asLong());
    soft.assertThat(stats.exemplars())
        .as("exemplars")
        .isEqualTo(expected.get("exemplars").asLong());
    soft.assertThat(stats.metadata()).as("metadata").isEqualTo(expected.get("metadata").asLong());
    soft.assertThat(stats.maxLabelsPerSeries())
        .as("max_labels_per_series")
        .isEqualTo(expected.get("max_labels_per_series").asInt());
    soft.assertThat(stats.maxLabelNameLength())
        .as("max_label_name_len")
        .isEqualTo(expected.get("max_label_name_len").asInt());
    soft.assertThat(stats.maxLabelValueLength())
        .as("max_label_value_len")
        .isEqualTo(expected.get("max_label_value_len").asInt());
    // Without limits nothing is invalid.
    soft.assertThat(stats.hasViolations()).as("violations without limits").isFalse();
    soft.assertThat(stats.droppedSamples()).as("dropped without limits").isZero();
    soft.assertThat(stats.items()).as("items without limits").isEqualTo(stats.receivedItems());
    soft.assertAll();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void decodeReturnsTheUncompressedSize(String file, JsonNode expected) throws Exception {
    byte[] body = Fixtures.body(file);

    assertThat(scanner.decode(body, 0, body.length))
        .isEqualTo(expected.get("uncompressed_bytes").asInt());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void agreesWithTheReferenceDecoderUnderMimirDefaults(String file, JsonNode expected)
      throws Exception {
    byte[] body = Fixtures.body(file);

    assertThat(scanner.scan(body, ValidationLimits.MIMIR_DEFAULTS, NOW))
        .isEqualTo(
            ReferenceDecoder.stats(
                Fixtures.protobuf(file), body.length, ValidationLimits.MIMIR_DEFAULTS, NOW));
  }
}
