package io.mimiredge.rls.remotewrite;

import java.util.Arrays;

/**
 * What one request counted, as Mimir's distributor counts it, and the limits and clock it is judged
 * by: the state every request walk keeps (remote write 1.0 and 2.0 in {@code WriteRequestWalker},
 * OTLP in {@code OtlpTranslation}), in one place. The walks extend it and read and write the fields
 * directly on their hot paths. Not thread-safe: one walk, one request at a time.
 */
public abstract class RequestTally {
  // ---- what the request is judged by ----
  protected ValidationLimits limits;
  protected long nowMillis;

  /** The newest timestamp accepted: now + {@code creation_grace_period}, saturated. */
  protected long maxTimestamp;

  /**
   * The oldest timestamp accepted: now - {@code past_grace_period} - {@code
   * out_of_order_time_window}; {@link Long#MIN_VALUE} when {@code past_grace_period} is 0 (off).
   */
  protected long minTimestamp;

  // ---- the request's totals ----
  protected long series;
  protected long floatSamples;
  protected long histograms;
  protected long exemplars;
  protected long metadata;
  protected int maxLabelsPerSeries;
  protected int maxLabelNameLength;
  protected int maxLabelValueLength;
  protected int maxMetadataLength;
  protected long validSamples;
  protected long validMetadata;
  protected long invalidSeries;
  protected long droppedSamples;
  protected long exemplarsCleared;
  protected long exemplarsDropped;
  protected long invalidMetadata;
  protected final long[] violations = new long[Violation.count()];

  /** The first series' violation: Mimir validates every series before the metadata. */
  protected Violation firstViolation;

  protected long firstActual;
  protected Violation firstMetadataViolation;
  protected long firstMetadataActual;

  // ---- HA ({@code ha_dedupe_per_request.go}): decided by the request's first series ----
  /** The first series made it an HA request: its replica label goes from every series. */
  protected boolean stripReplica;

  protected String haCluster;
  protected String haReplica;

  /**
   * Mimir's {@code checkSample} on the first series' HA label values, by their length in bytes: an
   * HA request when both are set and the replica is within {@code max_label_value_length} (a longer
   * one is accepted as it is, nothing removed, and validation refuses it later).
   */
  protected final boolean haRequest(int clusterBytes, int replicaBytes) {
    return clusterBytes > 0 && replicaBytes > 0 && replicaBytes <= limits.maxLabelValueLength();
  }

  /**
   * Starts a request judged by {@code limits} at {@code nowMillis}: the timestamp bounds of Mimir's
   * {@code validateSample} ({@code pkg/distributor/validate.go}), every total at zero.
   */
  protected final void beginTally(ValidationLimits limits, long nowMillis) {
    this.limits = limits;
    this.nowMillis = nowMillis;
    long max = nowMillis + limits.creationGraceMillis();
    this.maxTimestamp = max < nowMillis ? Long.MAX_VALUE : max;
    this.minTimestamp =
        limits.pastGraceMillis() > 0
            ? nowMillis - limits.pastGraceMillis() - limits.outOfOrderWindowMillis()
            : Long.MIN_VALUE;
    series = 0;
    floatSamples = 0;
    histograms = 0;
    exemplars = 0;
    metadata = 0;
    maxLabelsPerSeries = 0;
    maxLabelNameLength = 0;
    maxLabelValueLength = 0;
    maxMetadataLength = 0;
    validSamples = 0;
    validMetadata = 0;
    invalidSeries = 0;
    droppedSamples = 0;
    exemplarsCleared = 0;
    exemplarsDropped = 0;
    invalidMetadata = 0;
    Arrays.fill(violations, 0);
    firstViolation = null;
    firstActual = 0;
    firstMetadataViolation = null;
    firstMetadataActual = 0;
    stripReplica = false;
    haCluster = null;
    haReplica = null;
  }
}
