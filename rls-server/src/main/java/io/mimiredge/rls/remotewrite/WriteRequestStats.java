package io.mimiredge.rls.remotewrite;

/**
 * What the scanner counted in one remote-write request: what Mimir counts, without building the
 * request. Lengths are in UTF-8 bytes. Immutable.
 *
 * <p>Validation counts refer to the {@link ValidationLimits} the scan ran with. A series is
 * <em>invalid</em> when it violates at least one series limit; Mimir drops such a series and keeps
 * the rest of the request, so its samples, histograms and exemplars are {@link #droppedItems()}. A
 * metadata entry whose metric family name or unit is longer than {@code maxMetadataLength} is
 * dropped too (an over-long help text is only truncated by Mimir, so it is not a violation).
 *
 * @param compressedBytes size of the snappy body
 * @param uncompressedBytes size of the protobuf after snappy decoding
 * @param series number of {@code WriteRequest.timeseries} entries
 * @param floatSamples float samples over all series
 * @param histograms native histogram samples over all series
 * @param exemplars exemplars over all series
 * @param metadata number of {@code WriteRequest.metadata} entries
 * @param maxLabelsPerSeries largest number of labels of one series (0 without series)
 * @param maxLabelNameLength longest series label name (exemplar labels not included)
 * @param maxLabelValueLength longest series label value (exemplar labels not included)
 * @param maxMetadataLength longest metadata help or unit text
 * @param seriesOverMaxLabelNames series with more labels than {@code maxLabelNamesPerSeries}
 * @param seriesOverLabelNameLength series with a label name longer than the limit
 * @param seriesOverLabelValueLength series with a label value longer than the limit
 * @param metadataOverLength metadata entries with a family name or unit longer than the limit
 * @param invalidSeries series that violate at least one series limit
 * @param droppedItems samples + histograms + exemplars of invalid series, plus invalid metadata
 */
public record WriteRequestStats(
    long compressedBytes,
    long uncompressedBytes,
    long series,
    long floatSamples,
    long histograms,
    long exemplars,
    long metadata,
    int maxLabelsPerSeries,
    int maxLabelNameLength,
    int maxLabelValueLength,
    int maxMetadataLength,
    long seriesOverMaxLabelNames,
    long seriesOverLabelNameLength,
    long seriesOverLabelValueLength,
    long metadataOverLength,
    long invalidSeries,
    long droppedItems) {

  /** Items Mimir's ingestion rate limit counts: samples + histograms + exemplars + metadata. */
  public long items() {
    return floatSamples + histograms + exemplars + metadata;
  }

  /** Items left once Mimir has dropped the invalid series and metadata. */
  public long validItems() {
    return items() - droppedItems;
  }

  /** True when at least one series or metadata entry violates a validation limit. */
  public boolean hasViolations() {
    return invalidSeries > 0 || metadataOverLength > 0;
  }
}
