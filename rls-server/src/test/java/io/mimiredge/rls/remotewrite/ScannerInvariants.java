package io.mimiredge.rls.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** What must hold for any stats the scanner returns, whatever the body. */
final class ScannerInvariants {
  private ScannerInvariants() {}

  static void check(WriteRequestStats s, int bodyLength, ValidationLimits limits, int maxDecoded) {
    assertThat(s.compressedBytes()).isEqualTo(bodyLength);
    assertThat(s.uncompressedBytes()).isBetween(0L, (long) maxDecoded);
    // Every counted element costs at least a tag byte and a length byte.
    assertThat(2 * (s.series() + s.metadata())).isLessThanOrEqualTo(s.uncompressedBytes());
    assertThat(2 * (s.floatSamples() + s.histograms() + s.exemplars()))
        .isLessThanOrEqualTo(s.uncompressedBytes());
    List<Long> lengths =
        List.of(
            (long) s.maxLabelNameLength(),
            (long) s.maxLabelValueLength(),
            (long) s.maxMetadataLength());
    assertThat(lengths).allMatch(v -> v >= 0 && v <= s.uncompressedBytes());
    assertThat(s.maxLabelsPerSeries()).isNotNegative();
    if (s.series() == 0) {
      assertThat(List.of(s.maxLabelsPerSeries(), s.maxLabelNameLength(), s.maxLabelValueLength()))
          .containsOnly(0);
      assertThat(s.ha()).isFalse();
    }
    // Every series is valid, invalid or removed; every sample is counted, a duplicate or dropped.
    assertThat(s.invalidSeries() + s.removedSeries()).isBetween(0L, s.series());
    assertThat(s.validSamples() + s.duplicateSamples() + s.droppedSamples())
        .isLessThanOrEqualTo(s.floatSamples() + s.histograms());
    assertThat(s.validExemplars() + s.exemplarsCleared() + s.exemplarsDropped())
        .isEqualTo(s.exemplars());
    if (!limits.exemplarsEnabled()) {
      assertThat(s.validExemplars()).isZero();
    }
    assertThat(s.validMetadata() + s.invalidMetadata()).isEqualTo(s.metadata());
    long series = 0;
    long metadata = 0;
    for (Violation v : Violation.values()) {
      assertThat(s.violations(v)).isNotNegative();
      if (v.metadata()) {
        metadata += s.violations(v);
      } else {
        series += s.violations(v);
      }
    }
    assertThat(series).isEqualTo(s.invalidSeries());
    assertThat(metadata).isEqualTo(s.invalidMetadata());
    assertThat(s.hasViolations()).isEqualTo(s.firstViolation() != null);
    assertThat(s.items()).isBetween(0L, s.receivedItems());
    if (s.validSamples() == 0 && s.validMetadata() == 0) {
      assertThat(s.items()).isZero();
    }
  }
}
