package io.mimiredge.rls.remotewrite;

import static io.mimiredge.rls.remotewrite.Limits.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scanner against {@link ReferenceDecoder} on the 261 captured requests under many sets of
 * limits, and what Mimir counts of the captured exemplars and native histograms.
 */
class ValidationCountingTest {
  private final WriteRequestScanner scanner = new WriteRequestScanner(64 << 20);

  // 002.bin carries a 27-label series, a 131-byte label name and a 2000-byte label value.
  private static final String WIDE = "002.bin";

  static Stream<Arguments> limitsOnEveryFixture() {
    return Stream.of(
            ValidationLimits.MIMIR_DEFAULTS,
            ValidationLimits.NONE,
            Limits.of(5, 10, 30, 30),
            Limits.of(8, 12, 60, 60),
            Limits.of(9, 13, 71, 100),
            Limits.of(26, 130, 1999, 10),
            Limits.of(1, 1, 1, 1),
            Limits.EVERY_RULE,
            ValidationLimits.builder()
                .maxGlobalExemplarsPerUser(1)
                .maxExemplarsPerSeriesPerRequest(1)
                .maxNativeHistogramBuckets(3)
                .ha(true, "cluster", "replica")
                .build(),
            ValidationLimits.builder()
                .maxNativeHistogramBuckets(1)
                .reduceNativeHistogramOverMaxBuckets(false)
                .labelValueStrategy(LabelValueStrategy.TRUNCATE)
                .maxLabelValueLength(100)
                .nameValidation(NameValidation.UTF8)
                .build(),
            // judged a day later: every sample is too far in the past
            ValidationLimits.builder().pastGracePeriod(Duration.ofMinutes(10)).build())
        .map(Arguments::of);
  }

  /** Each limit set on all 261 requests: the scanner and the reference must agree exactly. */
  @ParameterizedTest
  @MethodSource("limitsOnEveryFixture")
  void agreesWithTheReferenceOnEveryFixture(ValidationLimits limits) throws Exception {
    long now = limits.pastGraceMillis() > 0 ? NOW + Duration.ofDays(1).toMillis() : NOW;
    for (JsonNode row : Fixtures.expected()) {
      String file = row.get("file").asText();
      byte[] body = Fixtures.body(file);
      WriteRequestStats stats = scanner.scan(body, limits, now);
      assertThat(stats)
          .as(file)
          .isEqualTo(ReferenceDecoder.stats(Fixtures.protobuf(file), body.length, limits, now));
      ScannerInvariants.check(stats, body.length, limits, 64 << 20);
    }
  }

  @Test
  void countsEachSeriesLimitOnARealRequest() throws Exception {
    ValidationLimits limits = Limits.of(26, 130, 1999, Integer.MAX_VALUE);

    WriteRequestStats stats = scanner.scan(Fixtures.body(WIDE), limits, NOW);

    assertThat(stats.violations(Violation.MAX_LABEL_NAMES_PER_SERIES)).isPositive();
    assertThat(stats.invalidSeries()).isPositive().isLessThan(stats.series());
    assertThat(stats.droppedSamples()).isPositive();
    assertThat(stats.items()).isEqualTo(stats.floatSamples() - stats.droppedSamples());
  }

  @Test
  void aValueEqualToTheLimitIsValid() throws Exception {
    WriteRequestStats stats = scanner.scan(Fixtures.body(WIDE), Limits.of(27, 131, 2000, 0), NOW);

    assertThat(stats.invalidSeries()).isZero();
    assertThat(stats.items()).isEqualTo(stats.floatSamples());
  }

  /** The captured exemplars (files 249-254): Mimir clears them unless the tenant keeps them. */
  @Test
  void capturedExemplarsAreCountedOnlyWhenTheTenantKeepsThem() throws Exception {
    ValidationLimits keep = ValidationLimits.builder().maxGlobalExemplarsPerUser(100_000).build();
    long withExemplars = 0;
    for (int i = 249; i <= 254; i++) {
      String file = i + ".bin";
      JsonNode row = Fixtures.expected().get(i);
      long samples = row.get("float_samples").asLong() + row.get("histograms").asLong();
      long exemplars = row.get("exemplars").asLong();
      byte[] body = Fixtures.body(file);

      WriteRequestStats cleared = scanner.scan(body, ValidationLimits.MIMIR_DEFAULTS, NOW);
      assertThat(cleared.items()).as(file).isEqualTo(samples);
      assertThat(cleared.exemplarsCleared()).as(file).isEqualTo(exemplars);

      WriteRequestStats kept = scanner.scan(body, keep, NOW);
      assertThat(kept.items()).as(file).isEqualTo(samples + exemplars);
      withExemplars += exemplars;
    }
    assertThat(withExemplars).isPositive();
  }

  /** The captured native histograms (files 255-260), each one sample, under a bucket limit. */
  @Test
  void capturedNativeHistogramsCountOneEach() throws Exception {
    long histograms = 0;
    for (int i = 255; i <= 260; i++) {
      String file = i + ".bin";
      JsonNode row = Fixtures.expected().get(i);
      WriteRequestStats stats =
          scanner.scan(Fixtures.body(file), ValidationLimits.MIMIR_DEFAULTS, NOW);
      assertThat(stats.histograms()).as(file).isEqualTo(row.get("histograms").asLong());
      assertThat(stats.items())
          .as(file)
          .isEqualTo(row.get("float_samples").asLong() + row.get("histograms").asLong());
      histograms += stats.histograms();
      // A bucket limit of 1 makes Mimir reduce their resolution: the reference says which fit.
      ValidationLimits one = ValidationLimits.builder().maxNativeHistogramBuckets(1).build();
      byte[] body = Fixtures.body(file);
      assertThat(scanner.scan(body, one, NOW))
          .as(file)
          .isEqualTo(ReferenceDecoder.stats(Fixtures.protobuf(file), body.length, one, NOW));
    }
    assertThat(histograms).isPositive();
  }
}
