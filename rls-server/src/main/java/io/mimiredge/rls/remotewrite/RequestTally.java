package io.mimiredge.rls.remotewrite;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

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

  /** The violations of a request that has none, shared by their statistics (never written). */
  private static final long[] NO_VIOLATIONS = new long[Violation.count()];

  /**
   * The request's violations for its statistics, which own them: a copy, or, when there are none
   * (nearly every request), one shared array of zeros.
   */
  protected final long[] violationsForStats() {
    for (long v : violations) {
      if (v != 0) {
        return violations.clone();
      }
    }
    return NO_VIOLATIONS;
  }

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
   * The earliest of every series' first float sample and first histogram, as received, before any
   * series is dropped (Mimir's {@code getEarliestSampleTimestamp}, for {@code
   * ha_tracker_sample_failover_timeout}); {@link Long#MAX_VALUE} while none.
   */
  protected long earliestFirstSample;

  /**
   * The earliest sample or histogram of the series validation sees, valid or not ({@code
   * prePushValidationMiddleware}'s {@code earliestSampleTimestampMs}): the exemplars' lower bound;
   * {@link Long#MAX_VALUE} while none.
   */
  private long earliestValidated;

  // ---- per-sample HA ({@code ha_dedupe_per_sample.go}, {@code ha_tracker_per_sample_dedupe}) ----
  /** Each series' own HA labels decide: the series are tallied by group as well. */
  protected boolean perSampleHa;

  /** The current series' group ({@link #haSeriesGroup}); 0 for a series that is not HA. */
  protected int haGroup;

  private final HaGroups haGroups = new HaGroups();

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
    earliestFirstSample = Long.MAX_VALUE;
    earliestValidated = Long.MAX_VALUE;
    perSampleHa = limits.acceptHaSamples() && limits.haPerSampleDedupe();
    haGroup = 0;
    if (perSampleHa) {
      haGroups.clear();
    }
  }

  /**
   * Under per-sample dedupe, the series' HA label values as bytes of {@code b}: sets {@link
   * #stripReplica} and {@link #haGroup} for it ({@code checkSample}: an HA series when both are set
   * and the replica is within {@code max_label_value_length}, else one Mimir keeps as it is).
   */
  protected final void haSeriesGroup(
      byte[] b, int clusterAt, int clusterLength, int replicaAt, int replicaLength) {
    stripReplica = haRequest(clusterLength, replicaLength);
    haGroup =
        stripReplica ? haGroups.group(b, clusterAt, clusterLength, b, replicaAt, replicaLength) : 0;
  }

  /** {@link #haSeriesGroup(byte[], int, int, int, int)} for values as strings. */
  protected final void haSeriesGroup(String cluster, String replica) {
    byte[] c = cluster.getBytes(StandardCharsets.UTF_8);
    byte[] r = replica.getBytes(StandardCharsets.UTF_8);
    stripReplica = haRequest(c.length, r.length);
    haGroup = stripReplica ? haGroups.group(c, 0, c.length, r, 0, r.length) : 0;
  }

  /**
   * A series (of the current group, under per-sample dedupe) whose first sample or histogram is at
   * {@code millis}: see {@link #earliestFirstSample}.
   */
  protected final void firstSample(long millis) {
    if (millis < earliestFirstSample) {
      earliestFirstSample = millis;
    }
    if (perSampleHa) {
      haGroups.firstSample(haGroup, millis);
    }
  }

  /**
   * Under per-sample dedupe, {@code count} series of the current group: what they add when kept
   * (samples and histograms), or their violation; {@code seriesIndex} is the first's place in the
   * request.
   */
  protected final void haSeries(
      long seriesIndex, long count, long items, Violation v, long actual) {
    haGroups.series(haGroup, seriesIndex, count, items, v, actual);
  }

  /**
   * A series (of the current group, under per-sample dedupe) that validation sees, its earliest
   * sample or histogram at {@code earliestMillis}: see {@link #exemplarFloor}. Under per-sample
   * dedupe the bound comes from the series of the replicas kept ({@code
   * prePushValidationMiddleware} runs after the dedupe), so each group keeps its own too.
   */
  protected final void validated(long earliestMillis) {
    if (earliestMillis < earliestValidated) {
      earliestValidated = earliestMillis;
    }
    if (perSampleHa) {
      haGroups.validated(haGroup, earliestMillis);
    }
  }

  /** The oldest exemplar timestamp kept, from the series validation sees in the whole request. */
  protected final long exemplarFloor() {
    return limits.exemplarFloor(earliestValidated, nowMillis);
  }

  /**
   * Of the exemplars valid series kept, {@code timestamps[0, count)}, the ones at or after the
   * request's {@link #exemplarFloor} (Mimir's {@code minExemplarTS}).
   */
  protected final long exemplarsFromFloor(long[] timestamps, int count) {
    long floor = exemplarFloor();
    long n = 0;
    for (int i = 0; i < count; i++) {
      if (timestamps[i] >= floor) {
        n++;
      }
    }
    return n;
  }

  /**
   * Under per-sample dedupe, the exemplars a valid series of the current group keeps before the
   * lower bound, by timestamp: {@code timestamps[from, to)}.
   */
  protected final void haExemplars(long[] timestamps, int from, int to) {
    if (perSampleHa && to > from) {
      haGroups.exemplars(haGroup, timestamps, from, to);
    }
  }

  /** The per-sample groups of the request; empty unless per-sample dedupe. */
  protected final List<WriteRequestStats.HaGroup> haGroups() {
    return perSampleHa ? haGroups.result() : List.of();
  }
}
