package io.mimiredge.rls.remotewrite;

import static io.mimiredge.rls.remotewrite.Proto.label;
import static io.mimiredge.rls.remotewrite.Proto.metadata;
import static io.mimiredge.rls.remotewrite.Proto.series;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Violation counts and dropped items on real requests, checked against {@link ReferenceDecoder},
 * and Mimir's semantics on hand-built ones.
 */
class ValidationCountingTest {
  private final WriteRequestScanner scanner = new WriteRequestScanner(64 << 20);

  // 002.bin carries a 27-label series, a 131-byte label name and a 2000-byte label value.
  private static final String WIDE = "002.bin";

  @Test
  void countsEachSeriesLimitOnARealRequest() throws Exception {
    ValidationLimits limits = new ValidationLimits(26, 130, 1999, Integer.MAX_VALUE);

    WriteRequestStats stats = scanner.scan(Fixtures.body(WIDE), limits);

    assertThat(stats.seriesOverMaxLabelNames()).isPositive();
    assertThat(stats.seriesOverLabelNameLength()).isPositive();
    assertThat(stats.seriesOverLabelValueLength()).isPositive();
    assertThat(stats.invalidSeries()).isLessThan(stats.series());
    assertThat(stats.droppedItems()).isPositive().isLessThan(stats.items());
    assertThat(stats).isEqualTo(reference(WIDE, limits));
  }

  @Test
  void aValueEqualToTheLimitIsValid() throws Exception {
    WriteRequestStats stats =
        scanner.scan(Fixtures.body(WIDE), new ValidationLimits(27, 131, 2000, 0));

    assertThat(stats.invalidSeries()).isZero();
    assertThat(stats.droppedItems()).isZero();
  }

  @Test
  void seriesBreakingSeveralLimitsIsOneInvalidSeries() throws Exception {
    // Every series has at least one label, a name and a value: limits of 0 break all three.
    ValidationLimits limits = new ValidationLimits(0, 0, 0, Integer.MAX_VALUE);

    WriteRequestStats stats = scanner.scan(Fixtures.body(WIDE), limits);

    assertThat(stats.seriesOverMaxLabelNames()).isEqualTo(stats.series());
    assertThat(stats.seriesOverLabelNameLength()).isEqualTo(stats.series());
    assertThat(stats.seriesOverLabelValueLength()).isEqualTo(stats.series());
    assertThat(stats.invalidSeries()).isEqualTo(stats.series());
    assertThat(stats.droppedItems()).isEqualTo(stats.items());
  }

  @Test
  void countsMetadataWithALongNameOrUnitOnARealRequest() throws Exception {
    String file = "041.bin"; // metadata only: 210 entries
    ValidationLimits limits = new ValidationLimits(30, 1024, 2048, 20);

    WriteRequestStats stats = scanner.scan(Fixtures.body(file), limits);

    assertThat(stats.metadataOverLength()).isPositive().isLessThan(stats.metadata());
    assertThat(stats.droppedItems()).isEqualTo(stats.metadataOverLength());
    assertThat(stats.maxMetadataLength()).isGreaterThan(20);
    assertThat(stats).isEqualTo(reference(file, limits));
  }

  static Stream<Arguments> limitsOnEveryFixture() {
    return Stream.of(
            new ValidationLimits(5, 10, 30, 30),
            new ValidationLimits(8, 12, 60, 60),
            new ValidationLimits(9, 13, 71, 100),
            new ValidationLimits(26, 130, 1999, 10),
            new ValidationLimits(1, 1, 1, 1))
        .map(Arguments::of);
  }

  /** Each limit set on all 261 requests: the scanner and the reference must agree exactly. */
  @ParameterizedTest
  @MethodSource("limitsOnEveryFixture")
  void agreesWithTheReferenceOnEveryFixture(ValidationLimits limits) throws Exception {
    long violating = 0;
    for (JsonNode row : Fixtures.expected()) {
      String file = row.get("file").asText();
      WriteRequestStats stats = scanner.scan(Fixtures.body(file), limits);
      assertThat(stats).as(file).isEqualTo(reference(file, limits));
      violating += stats.hasViolations() ? 1 : 0;
    }
    assertThat(violating).as("requests with violations").isPositive();
  }

  @Test
  void overLongHelpIsNotAViolationButCountsInMaxMetadataLength() throws Exception {
    byte[] request =
        Proto.message(out -> out.writeByteArray(3, metadata("up", "x".repeat(50), "")));

    WriteRequestStats stats = scan(request, new ValidationLimits(30, 1024, 2048, 10));

    assertThat(stats.metadataOverLength()).isZero();
    assertThat(stats.droppedItems()).isZero();
    assertThat(stats.maxMetadataLength()).isEqualTo(50);
  }

  @Test
  void overLongFamilyNameOrUnitDropsTheEntry() throws Exception {
    byte[] request =
        Proto.message(
            out -> {
              out.writeByteArray(3, metadata("a_long_family_name", "help", "s"));
              out.writeByteArray(3, metadata("up", "help", "a_long_unit_name"));
              out.writeByteArray(3, metadata("up", "help", "s"));
            });

    WriteRequestStats stats = scan(request, new ValidationLimits(30, 1024, 2048, 10));

    assertThat(stats.metadata()).isEqualTo(3);
    assertThat(stats.metadataOverLength()).isEqualTo(2);
    assertThat(stats.droppedItems()).isEqualTo(2);
    assertThat(stats.maxMetadataLength()).isEqualTo(16); // the unit; family names do not count
  }

  @Test
  void dropsTheSamplesHistogramsAndExemplarsOfAnInvalidSeries() throws Exception {
    byte[] bad =
        Proto.message(
            out -> {
              out.writeByteArray(1, label("__name__", "too_long_a_value"));
              out.writeByteArray(2, Proto.sample(1, 1));
              out.writeByteArray(2, Proto.sample(2, 2));
              out.writeByteArray(3, new byte[0]); // exemplar
              out.writeByteArray(4, new byte[0]); // histogram
            });
    byte[] good = series(3, label("__name__", "ok"));

    WriteRequestStats stats =
        scan(Proto.request(bad, good), new ValidationLimits(30, 1024, 8, 1024));

    assertThat(stats.items()).isEqualTo(7);
    assertThat(stats.invalidSeries()).isEqualTo(1);
    assertThat(stats.seriesOverLabelValueLength()).isEqualTo(1);
    assertThat(stats.droppedItems()).isEqualTo(4);
    assertThat(stats.validItems()).isEqualTo(3);
  }

  @Test
  void labelCountIsPerSeriesNotPerRequest() throws Exception {
    byte[] a = series(1, label("a", "1"), label("b", "2"));
    byte[] b = series(1, label("a", "1"), label("b", "2"), label("c", "3"));

    WriteRequestStats stats =
        scan(Proto.request(a, b, a), new ValidationLimits(2, 1024, 2048, 1024));

    assertThat(stats.maxLabelsPerSeries()).isEqualTo(3);
    assertThat(stats.seriesOverMaxLabelNames()).isEqualTo(1);
    assertThat(stats.droppedItems()).isEqualTo(1);
  }

  private WriteRequestStats scan(byte[] protobuf, ValidationLimits limits) throws Exception {
    byte[] body = Fixtures.compress(protobuf);
    WriteRequestStats stats = scanner.scan(body, limits);
    assertThat(stats).isEqualTo(ReferenceDecoder.stats(protobuf, body.length, limits));
    return stats;
  }

  private static WriteRequestStats reference(String file, ValidationLimits limits)
      throws Exception {
    return ReferenceDecoder.stats(Fixtures.protobuf(file), Fixtures.body(file).length, limits);
  }
}
