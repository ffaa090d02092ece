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
    }
    assertThat(s.invalidSeries()).isBetween(0L, s.series());
    assertThat(s.seriesOverMaxLabelNames()).isBetween(0L, s.invalidSeries());
    assertThat(s.seriesOverLabelNameLength()).isBetween(0L, s.invalidSeries());
    assertThat(s.seriesOverLabelValueLength()).isBetween(0L, s.invalidSeries());
    assertThat(s.invalidSeries())
        .isLessThanOrEqualTo(
            s.seriesOverMaxLabelNames()
                + s.seriesOverLabelNameLength()
                + s.seriesOverLabelValueLength());
    assertThat(s.metadataOverLength()).isBetween(0L, s.metadata());
    assertThat(s.droppedItems()).isBetween(s.metadataOverLength(), s.items());
    assertThat(s.validItems()).isBetween(0L, s.items());
    assertThat(s.hasViolations()).isEqualTo(s.invalidSeries() + s.metadataOverLength() > 0);
    // The maxima and the violation counts tell the same story.
    assertThat(s.maxLabelsPerSeries() > limits.maxLabelNamesPerSeries())
        .isEqualTo(s.seriesOverMaxLabelNames() > 0);
    assertThat(s.maxLabelNameLength() > limits.maxLabelNameLength())
        .isEqualTo(s.seriesOverLabelNameLength() > 0);
    assertThat(s.maxLabelValueLength() > limits.maxLabelValueLength())
        .isEqualTo(s.seriesOverLabelValueLength() > 0);
  }
}
