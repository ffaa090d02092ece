package io.mimiredge.rls.testing;

import io.mimiredge.rls.remotewrite.Protocol;
import io.mimiredge.rls.remotewrite.Violation;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import java.util.List;

/** Builds {@link WriteRequestStats} for tests of what comes after the scan, by name. */
public final class Stats {
  private long series = 10;
  private long samples;
  private long histograms;
  private long exemplars;
  private long metadata;
  private long validSamples = -1;
  private long validExemplars;
  private long validMetadata = -1;
  private long invalidSeries;
  private long droppedSamples;
  private long invalidMetadata;
  private final long[] violations = new long[Violation.values().length];
  private Violation first;
  private long firstActual;
  private String haCluster;
  private long earliestSampleMillis = Long.MAX_VALUE;
  private String haReplica;

  private Stats() {}

  /**
   * {@code s} as read from a request of {@code protocol} with these sizes; everything else as it
   * is.
   */
  public static WriteRequestStats as(
      WriteRequestStats s, Protocol protocol, long compressedBytes, long uncompressedBytes) {
    return new WriteRequestStats(
        protocol,
        compressedBytes,
        uncompressedBytes,
        s.series(),
        s.floatSamples(),
        s.histograms(),
        s.exemplars(),
        s.metadata(),
        s.maxLabelsPerSeries(),
        s.maxLabelNameLength(),
        s.maxLabelValueLength(),
        s.maxMetadataLength(),
        s.validSamples(),
        s.validExemplars(),
        s.validMetadata(),
        s.invalidSeries(),
        s.droppedSamples(),
        s.duplicateSamples(),
        s.removedSeries(),
        s.exemplarsCleared(),
        s.exemplarsDropped(),
        s.invalidMetadata(),
        s.violations(),
        s.firstViolation(),
        s.firstActual(),
        s.haCluster(),
        s.haReplica(),
        List.of(),
        s.earliestSampleMillis());
  }

  public static Stats builder() {
    return new Stats();
  }

  /** A request of {@code n} valid float samples. */
  public static WriteRequestStats ofSamples(long n) {
    return builder().samples(n).build();
  }

  /** {@code n} float samples received, all valid unless some series are made invalid. */
  public Stats samples(long n) {
    samples = n;
    return this;
  }

  public Stats series(long n) {
    series = n;
    return this;
  }

  public Stats metadata(long n) {
    metadata = n;
    return this;
  }

  /** Exemplars received, and how many of them are counted. */
  public Stats exemplars(long received, long counted) {
    exemplars = received;
    validExemplars = counted;
    return this;
  }

  /**
   * {@code count} invalid series (or metadata entries) for {@code v}, dropping {@code samples}
   * samples; the first violation is the first one added, with {@code actual}.
   */
  public Stats invalid(Violation v, long count, long samples, long actual) {
    violations[v.ordinal()] += count;
    if (v.metadata()) {
      invalidMetadata += count;
    } else {
      invalidSeries += count;
      droppedSamples += samples;
    }
    if (first == null) {
      first = v;
      firstActual = actual;
    }
    return this;
  }

  /** The earliest of the series' first samples (for {@code ha_tracker_sample_failover_timeout}). */
  public Stats earliestSample(long millis) {
    earliestSampleMillis = millis;
    return this;
  }

  public Stats ha(String cluster, String replica) {
    haCluster = cluster;
    haReplica = replica;
    return this;
  }

  public WriteRequestStats build() {
    long valid = validSamples >= 0 ? validSamples : samples - droppedSamples;
    long validMeta = validMetadata >= 0 ? validMetadata : metadata - invalidMetadata;
    return new WriteRequestStats(
        Protocol.RW1,
        1000,
        5000,
        series,
        samples,
        histograms,
        exemplars,
        metadata,
        series > 0 ? 8 : 0,
        series > 0 ? 20 : 0,
        series > 0 ? 40 : 0,
        0,
        valid,
        validExemplars,
        validMeta,
        invalidSeries,
        droppedSamples,
        0,
        0,
        0,
        exemplars - validExemplars,
        invalidMetadata,
        violations.clone(),
        first,
        firstActual,
        haCluster,
        haReplica,
        List.of(),
        earliestSampleMillis);
  }
}
