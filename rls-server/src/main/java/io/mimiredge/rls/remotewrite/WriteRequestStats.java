package io.mimiredge.rls.remotewrite;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the scanner found in one remote-write request: what it holds as received, and what Mimir's
 * distributor counts once it has stripped the HA replica label, dropped the invalid series and
 * metadata, the duplicate samples and the exemplars it does not keep ({@code
 * pkg/distributor/distributor.go}, {@code prePushValidationMiddleware}). Lengths are in UTF-8
 * bytes. Immutable.
 *
 * @param protocol the write protocol the request came in
 * @param compressedBytes size of the snappy body
 * @param uncompressedBytes size of the protobuf after snappy decoding
 * @param series {@code WriteRequest.timeseries} entries, as received
 * @param floatSamples float samples over all series, as received
 * @param histograms native histogram samples over all series, as received
 * @param exemplars exemplars over all series, as received
 * @param metadata {@code WriteRequest.metadata} entries, as received
 * @param maxLabelsPerSeries largest number of labels of one series as received (0 without series)
 * @param maxLabelNameLength longest series label name as received (exemplar labels not included)
 * @param maxLabelValueLength longest series label value as received (exemplar labels not included)
 * @param maxMetadataLength longest metadata help or unit text
 * @param validSamples float samples + histograms Mimir keeps: on valid series, duplicate timestamps
 *     removed
 * @param validExemplars exemplars Mimir keeps (0 unless {@code max_global_exemplars_per_user} &gt;
 *     0)
 * @param validMetadata metadata entries Mimir keeps
 * @param invalidSeries series Mimir drops as invalid (by violation in {@code violations})
 * @param droppedSamples float samples + histograms of the invalid series
 * @param duplicateSamples samples and histograms dropped for repeating a timestamp of their series
 * @param removedSeries series dropped silently: no label left once empty values (and the replica
 *     label) are removed
 * @param exemplarsCleared exemplars cleared because {@code max_global_exemplars_per_user} is 0
 * @param exemplarsDropped exemplars dropped otherwise: invalid, over the per-series limit, too old
 *     or new, or on an invalid series
 * @param invalidMetadata metadata entries Mimir drops as invalid
 * @param violations invalid series and metadata by {@link Violation} ordinal; owned by this record
 * @param firstViolation the first violation Mimir meets in the request (what its 400 says), or null
 * @param firstActual the value that broke the limit for {@code firstViolation} (a count, a length,
 *     a timestamp, a schema), 0 when none
 * @param haCluster the HA cluster label of the first series, when the request is an HA one (both
 *     labels set, the replica not over {@code max_label_value_length}); null otherwise
 * @param haReplica the HA replica label of the first series, under the same condition
 * @param haGroups under {@code ha_tracker_per_sample_dedupe}, the series by HA cluster and replica
 *     (the non-HA ones first, as one group without labels); empty otherwise
 * @param earliestSampleMillis the earliest of every series' first float sample and first histogram,
 *     as received (Mimir's {@code getEarliestSampleTimestamp}, for {@code
 *     ha_tracker_sample_failover_timeout}); {@link Long#MAX_VALUE} when there is none
 */
public record WriteRequestStats(
    Protocol protocol,
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
    long validSamples,
    long validExemplars,
    long validMetadata,
    long invalidSeries,
    long droppedSamples,
    long duplicateSamples,
    long removedSeries,
    long exemplarsCleared,
    long exemplarsDropped,
    long invalidMetadata,
    long[] violations,
    Violation firstViolation,
    long firstActual,
    String haCluster,
    String haReplica,
    List<HaGroup> haGroups,
    long earliestSampleMillis) {

  /**
   * The series of one HA cluster and replica in a request, under per-sample dedupe ({@code
   * ha_dedupe_per_sample.go}): Mimir keeps them when the replica is the elected one (or they are
   * not HA series: {@code cluster} and {@code replica} null), and drops them whole otherwise.
   *
   * @param series the group's series
   * @param items float samples + histograms the group's valid series add to the ingestion limiter
   * @param exemplarTimestamps the timestamps of the exemplars its valid series keep before the
   *     request's lower bound, sorted (empty unless {@code max_global_exemplars_per_user} &gt; 0);
   *     owned by this record
   * @param validatedEarliestMillis the earliest sample or histogram of its series that validation
   *     sees (valid or not), for that lower bound over the groups kept; {@link Long#MAX_VALUE} when
   *     none
   * @param firstViolation the group's first invalid series' violation, null when none
   * @param firstActual the value that broke it
   * @param firstSeries that series' index in the request, to find the request's first violation
   *     among the groups kept
   * @param earliestSampleMillis the earliest of the group's series' first samples and first
   *     histograms ({@code getReplicasAndInfos}); {@link Long#MAX_VALUE} when none
   */
  public record HaGroup(
      String cluster,
      String replica,
      long series,
      long items,
      long[] exemplarTimestamps,
      long validatedEarliestMillis,
      Violation firstViolation,
      long firstActual,
      long firstSeries,
      long earliestSampleMillis) {
    public HaGroup {
      if ((cluster == null) != (replica == null)) {
        throw new IllegalArgumentException("cluster and replica go together");
      }
      Objects.requireNonNull(exemplarTimestamps, "exemplarTimestamps");
    }

    /** Whether these are HA series (else Mimir keeps them whatever the elections). */
    public boolean ha() {
      return cluster != null;
    }

    /** The exemplars its valid series keep before the request's lower bound. */
    public long exemplars() {
      return exemplarTimestamps.length;
    }

    /** Of those, the ones at or after {@code floor} (Mimir's {@code minExemplarTS}). */
    public long exemplarsFrom(long floor) {
      int lo = 0;
      int hi = exemplarTimestamps.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (exemplarTimestamps[mid] < floor) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return exemplarTimestamps.length - lo;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof HaGroup g
          && Objects.equals(cluster, g.cluster)
          && Objects.equals(replica, g.replica)
          && series == g.series
          && items == g.items
          && Arrays.equals(exemplarTimestamps, g.exemplarTimestamps)
          && validatedEarliestMillis == g.validatedEarliestMillis
          && firstViolation == g.firstViolation
          && firstActual == g.firstActual
          && firstSeries == g.firstSeries
          && earliestSampleMillis == g.earliestSampleMillis;
    }

    @Override
    public int hashCode() {
      return Objects.hash(cluster, replica, series, items, firstViolation)
          + Arrays.hashCode(exemplarTimestamps);
    }

    @Override
    public String toString() {
      return "HaGroup["
          + cluster
          + "/"
          + replica
          + ", series="
          + series
          + ", items="
          + items
          + ", exemplars="
          + Arrays.toString(exemplarTimestamps)
          + ", validatedEarliest="
          + validatedEarliestMillis
          + ", first="
          + firstViolation
          + "("
          + firstActual
          + ") at "
          + firstSeries
          + ", earliest="
          + earliestSampleMillis
          + "]";
    }
  }

  public WriteRequestStats {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(violations, "violations");
    if (violations.length != Violation.count()) {
      throw new IllegalArgumentException(
          "violations must have " + Violation.count() + " entries, got " + violations.length);
    }
    if ((haCluster == null) != (haReplica == null)) {
      throw new IllegalArgumentException("haCluster and haReplica go together");
    }
    haGroups = List.copyOf(Objects.requireNonNull(haGroups, "haGroups"));
  }

  /**
   * What a scan finds in a request of {@code series} series holding {@code samples} float samples
   * in all, every one valid and counted: for tests and benchmarks of what comes after the scan.
   */
  public static WriteRequestStats ofValidSamples(
      long compressedBytes, long uncompressedBytes, long series, long samples) {
    return new WriteRequestStats(
        Protocol.RW1,
        compressedBytes,
        uncompressedBytes,
        series,
        samples,
        0,
        0,
        0,
        series > 0 ? 1 : 0,
        series > 0 ? 8 : 0,
        series > 0 ? 8 : 0,
        0,
        samples,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        new long[Violation.count()],
        null,
        0,
        null,
        null,
        List.of(),
        Long.MAX_VALUE);
  }

  /** Items received, before anything is dropped: samples + histograms + exemplars + metadata. */
  public long receivedItems() {
    return floatSamples + histograms + exemplars + metadata;
  }

  /**
   * Items Mimir's ingestion rate limit counts: valid samples + histograms + kept exemplars + valid
   * metadata; 0 when no sample and no metadata is valid, since Mimir then skips the limiter (and
   * writes nothing).
   */
  public long items() {
    if (validSamples == 0 && validMetadata == 0) {
      return 0;
    }
    return validSamples + validExemplars + validMetadata;
  }

  /** Series or metadata entries that Mimir drops as invalid (a 400 after the rest is written). */
  public boolean hasViolations() {
    return invalidSeries > 0 || invalidMetadata > 0;
  }

  /** Whether its series are judged per HA cluster and replica ({@link #haGroups}). */
  public boolean perSampleHa() {
    return !haGroups.isEmpty();
  }

  /** Whether the first series carried both HA labels (see {@link #haCluster}). */
  public boolean ha() {
    return haCluster != null;
  }

  /** How many series or metadata entries broke {@code v}. */
  /** The violations by {@link Violation} ordinal: a copy (the record's array may be shared). */
  @Override
  public long[] violations() {
    return violations.clone();
  }

  public long violations(Violation v) {
    return violations[v.ordinal()];
  }

  /** The violations that occurred, by label, in Mimir's order; empty when none. */
  public Map<String, Long> violationsByLabel() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < violations.length; i++) {
      if (violations[i] > 0) {
        out.put(Violation.of(i).label(), violations[i]);
      }
    }
    return out;
  }

  /**
   * What Mimir would not count of this request, and why: invalid series and metadata entries by
   * reason (Mimir's discarded reasons), then {@code duplicate_samples}, {@code exemplars_cleared},
   * {@code exemplars_dropped} and {@code series_without_labels}; only what occurred. The one
   * breakdown {@code inspect}, the denial log and the admin API show.
   */
  public Map<String, Long> notCounted() {
    Map<String, Long> out = violationsByLabel();
    if (duplicateSamples > 0) {
      out.put("duplicate_samples", duplicateSamples);
    }
    if (exemplarsCleared > 0) {
      out.put("exemplars_cleared", exemplarsCleared);
    }
    if (exemplarsDropped > 0) {
      out.put("exemplars_dropped", exemplarsDropped);
    }
    if (removedSeries > 0) {
      out.put("series_without_labels", removedSeries);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WriteRequestStats s
        && compressedBytes == s.compressedBytes
        && uncompressedBytes == s.uncompressedBytes
        && series == s.series
        && floatSamples == s.floatSamples
        && histograms == s.histograms
        && exemplars == s.exemplars
        && metadata == s.metadata
        && maxLabelsPerSeries == s.maxLabelsPerSeries
        && maxLabelNameLength == s.maxLabelNameLength
        && maxLabelValueLength == s.maxLabelValueLength
        && maxMetadataLength == s.maxMetadataLength
        && validSamples == s.validSamples
        && validExemplars == s.validExemplars
        && validMetadata == s.validMetadata
        && invalidSeries == s.invalidSeries
        && droppedSamples == s.droppedSamples
        && duplicateSamples == s.duplicateSamples
        && removedSeries == s.removedSeries
        && exemplarsCleared == s.exemplarsCleared
        && exemplarsDropped == s.exemplarsDropped
        && invalidMetadata == s.invalidMetadata
        && Arrays.equals(violations, s.violations)
        && firstViolation == s.firstViolation
        && firstActual == s.firstActual
        && Objects.equals(haCluster, s.haCluster)
        && Objects.equals(haReplica, s.haReplica)
        && haGroups.equals(s.haGroups)
        && earliestSampleMillis == s.earliestSampleMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
                uncompressedBytes,
                series,
                floatSamples,
                validSamples,
                invalidSeries,
                firstViolation)
            * 31
        + Arrays.hashCode(violations);
  }

  @Override
  public String toString() {
    return "WriteRequestStats["
        + protocol.label()
        + ", bytes="
        + compressedBytes
        + "/"
        + uncompressedBytes
        + ", series="
        + series
        + ", samples="
        + floatSamples
        + ", histograms="
        + histograms
        + ", exemplars="
        + exemplars
        + ", metadata="
        + metadata
        + ", maxLabels="
        + maxLabelsPerSeries
        + ", maxName="
        + maxLabelNameLength
        + ", maxValue="
        + maxLabelValueLength
        + ", maxMetadata="
        + maxMetadataLength
        + ", valid="
        + validSamples
        + "+"
        + validExemplars
        + "+"
        + validMetadata
        + ", invalidSeries="
        + invalidSeries
        + ", droppedSamples="
        + droppedSamples
        + ", duplicates="
        + duplicateSamples
        + ", removedSeries="
        + removedSeries
        + ", exemplarsCleared="
        + exemplarsCleared
        + ", exemplarsDropped="
        + exemplarsDropped
        + ", invalidMetadata="
        + invalidMetadata
        + ", violations="
        + violationsByLabel()
        + ", first="
        + firstViolation
        + "("
        + firstActual
        + "), ha="
        + (haCluster == null ? "none" : haCluster + "/" + haReplica)
        + (haGroups.isEmpty() ? "" : ", haGroups=" + haGroups)
        + (earliestSampleMillis == Long.MAX_VALUE ? "" : ", earliest=" + earliestSampleMillis)
        + "]";
  }
}
