package io.mimiredge.rls.remotewrite;

import java.time.Duration;

/** Validation limits for the scanner's tests. */
final class Limits {
  /** The time the tests judge requests at: minutes after the fixtures were captured (Nov 2026). */
  static final long NOW = io.mimiredge.rls.testing.TestFixtures.NOW_MILLIS;

  /**
   * Tight limits with every rule switched on (HA on the fixtures' {@code cluster}/{@code replica}
   * labels, exemplars kept, a bucket limit, grace periods of minutes), so that fuzzing and the
   * reference comparison reach every path.
   */
  static final ValidationLimits EVERY_RULE =
      ValidationLimits.builder()
          .maxLabelNamesPerSeries(4)
          .maxLabelNamesPerInfoSeries(6)
          .maxLabelNameLength(8)
          .maxLabelValueLength(30)
          .maxMetadataLength(10)
          .creationGracePeriod(Duration.ofMinutes(2))
          .pastGracePeriod(Duration.ofMinutes(30))
          .outOfOrderTimeWindow(Duration.ofMinutes(5))
          .maxGlobalExemplarsPerUser(100)
          .maxExemplarsPerSeriesPerRequest(2)
          .maxNativeHistogramBuckets(4)
          .ha(true, "cluster", "replica")
          .build();

  private Limits() {}

  /** Mimir's defaults with these four limits. */
  static ValidationLimits of(int labelNames, int nameLength, int valueLength, int metadataLength) {
    return ValidationLimits.builder()
        .maxLabelNamesPerSeries(labelNames)
        .maxLabelNamesPerInfoSeries(labelNames)
        .maxLabelNameLength(nameLength)
        .maxLabelValueLength(valueLength)
        .maxMetadataLength(metadataLength)
        .build();
  }
}
