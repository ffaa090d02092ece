package io.mimiredge.rls.remotewrite;

import io.mimiredge.rls.internal.Checks;
import io.mimiredge.rls.relabel.SeriesRelabeling;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the scanner needs to count a request as Mimir's distributor does: the per-series validation
 * limits ({@code pkg/distributor/validate.go}), the exemplar and native-histogram rules, and the HA
 * labels whose replica label Mimir strips before validation ({@code ha_dedupe.go}). Values are
 * Mimir's: a limit is broken when a value is strictly greater than it. Immutable and thread-safe;
 * built once per limits version, not per request.
 */
public final class ValidationLimits {
  /** No limit at all: the scanner only gathers statistics (HA off, exemplars counted). */
  public static final ValidationLimits NONE =
      builder()
          .maxLabelNamesPerSeries(Integer.MAX_VALUE)
          .maxLabelNamesPerInfoSeries(Integer.MAX_VALUE)
          .maxLabelNameLength(Integer.MAX_VALUE)
          .maxLabelValueLength(Integer.MAX_VALUE)
          .maxMetadataLength(Integer.MAX_VALUE)
          .nameValidation(NameValidation.UTF8)
          .enforceMetadataMetricName(false)
          .creationGracePeriod(Duration.ofMillis(Long.MAX_VALUE / 4))
          .maxGlobalExemplarsPerUser(Integer.MAX_VALUE)
          .build();

  /** Mimir's defaults (validate.go and limits.go): 30 / 80 label names, 1024 / 2048 bytes, ... */
  public static final ValidationLimits MIMIR_DEFAULTS = builder().build();

  private final int maxLabelNamesPerSeries;
  private final int maxLabelNamesPerInfoSeries;
  private final int maxLabelNameLength;
  private final int maxLabelValueLength;
  private final LabelValueStrategy labelValueStrategy;
  private final NameValidation nameValidation;
  private final int maxMetadataLength;
  private final boolean enforceMetadataMetricName;
  private final long creationGraceMillis;
  private final long pastGraceMillis;
  private final long outOfOrderWindowMillis;
  private final int maxGlobalExemplarsPerUser;
  private final int maxExemplarsPerSeriesPerRequest;
  private final int maxNativeHistogramBuckets;
  private final boolean reduceNativeHistogramOverMaxBuckets;
  private final boolean otelConvertHistogramsToNhcb;
  private final boolean otelNativeDeltaIngestion;
  private final boolean otelKeepIdentifyingResourceAttributes;
  private final List<String> promoteOtelResourceAttributes;
  private final byte[][] promotedKeys;
  private final SeriesRelabeling relabeling;
  private final boolean acceptHaSamples;
  private final boolean haPerSampleDedupe;
  private final String haClusterLabel;
  private final String haReplicaLabel;
  private final byte[] clusterLabelBytes;
  private final byte[] replicaLabelBytes;

  private ValidationLimits(Builder b) {
    maxLabelNamesPerSeries = b.maxLabelNamesPerSeries;
    maxLabelNamesPerInfoSeries = b.maxLabelNamesPerInfoSeries;
    maxLabelNameLength = b.maxLabelNameLength;
    maxLabelValueLength = b.maxLabelValueLength;
    labelValueStrategy = b.labelValueStrategy;
    nameValidation = b.nameValidation;
    maxMetadataLength = b.maxMetadataLength;
    enforceMetadataMetricName = b.enforceMetadataMetricName;
    creationGraceMillis = b.creationGraceMillis;
    pastGraceMillis = b.pastGraceMillis;
    outOfOrderWindowMillis = b.outOfOrderWindowMillis;
    maxGlobalExemplarsPerUser = b.maxGlobalExemplarsPerUser;
    maxExemplarsPerSeriesPerRequest = b.maxExemplarsPerSeriesPerRequest;
    maxNativeHistogramBuckets = b.maxNativeHistogramBuckets;
    reduceNativeHistogramOverMaxBuckets = b.reduceNativeHistogramOverMaxBuckets;
    otelConvertHistogramsToNhcb = b.otelConvertHistogramsToNhcb;
    otelNativeDeltaIngestion = b.otelNativeDeltaIngestion;
    otelKeepIdentifyingResourceAttributes = b.otelKeepIdentifyingResourceAttributes;
    promoteOtelResourceAttributes = b.promoteOtelResourceAttributes;
    promotedKeys =
        promoteOtelResourceAttributes.stream()
            .map(k -> k.getBytes(StandardCharsets.UTF_8))
            .toArray(byte[][]::new);
    relabeling = b.relabeling;
    acceptHaSamples = b.acceptHaSamples;
    haPerSampleDedupe = b.haPerSampleDedupe;
    haClusterLabel = b.haClusterLabel;
    haReplicaLabel = b.haReplicaLabel;
    clusterLabelBytes = haClusterLabel.getBytes(StandardCharsets.UTF_8);
    replicaLabelBytes = haReplicaLabel.getBytes(StandardCharsets.UTF_8);
  }

  /** A builder starting from Mimir's defaults. Not thread-safe. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code max_label_names_per_series} (30), {@code __name__} included. */
  public int maxLabelNamesPerSeries() {
    return maxLabelNamesPerSeries;
  }

  /**
   * {@code max_label_names_per_info_series} (80): applies instead, when larger, to metric names
   * ending in {@code _info}.
   */
  public int maxLabelNamesPerInfoSeries() {
    return maxLabelNamesPerInfoSeries;
  }

  /** {@code max_label_name_length} (1024 bytes). */
  public int maxLabelNameLength() {
    return maxLabelNameLength;
  }

  /** {@code max_label_value_length} (2048 bytes). */
  public int maxLabelValueLength() {
    return maxLabelValueLength;
  }

  /** {@code label_value_length_over_limit_strategy} ({@code error}). */
  public LabelValueStrategy labelValueStrategy() {
    return labelValueStrategy;
  }

  /** {@code name_validation_scheme} ({@code legacy}). */
  public NameValidation nameValidation() {
    return nameValidation;
  }

  /** {@code max_metadata_length} (1024 bytes): metric family name and unit; HELP is truncated. */
  public int maxMetadataLength() {
    return maxMetadataLength;
  }

  /** {@code enforce_metadata_metric_name} (true): metadata without a family name is invalid. */
  public boolean enforceMetadataMetricName() {
    return enforceMetadataMetricName;
  }

  /** {@code creation_grace_period} (10m), in milliseconds. */
  public long creationGraceMillis() {
    return creationGraceMillis;
  }

  /** {@code past_grace_period} (0 = off), in milliseconds. */
  public long pastGraceMillis() {
    return pastGraceMillis;
  }

  /** {@code out_of_order_time_window} (0), in milliseconds; widens the past grace period. */
  public long outOfOrderWindowMillis() {
    return outOfOrderWindowMillis;
  }

  /**
   * distributor.go: exemplars up to 5 minutes older than the request's earliest sample are kept.
   */
  private static final long EXEMPLAR_MAX_AGE_MILLIS = 5 * 60 * 1000L;

  /**
   * The oldest exemplar timestamp kept ({@code prePushValidationMiddleware}'s {@code
   * minExemplarTS}): 5 minutes before {@code earliestSampleMillis}, the earliest sample or
   * histogram of the series validation sees, and with {@code past_grace_period} no older than
   * samples may be; 0 (no bound) when there is no sample ({@link Long#MAX_VALUE}).
   */
  public long exemplarFloor(long earliestSampleMillis, long nowMillis) {
    if (earliestSampleMillis == Long.MAX_VALUE) {
      return 0;
    }
    long floor = earliestSampleMillis - EXEMPLAR_MAX_AGE_MILLIS;
    if (pastGraceMillis > 0) {
      floor = Math.max(floor, nowMillis - pastGraceMillis - outOfOrderWindowMillis);
    }
    return floor;
  }

  /** {@code max_global_exemplars_per_user} (0: Mimir clears every exemplar before counting). */
  public int maxGlobalExemplarsPerUser() {
    return maxGlobalExemplarsPerUser;
  }

  /** Whether exemplars are kept and counted: {@code max_global_exemplars_per_user} &gt; 0. */
  public boolean exemplarsEnabled() {
    return maxGlobalExemplarsPerUser > 0;
  }

  /** {@code max_exemplars_per_series_per_request} (0 = off): only the first N are kept. */
  public int maxExemplarsPerSeriesPerRequest() {
    return maxExemplarsPerSeriesPerRequest;
  }

  /** {@code max_native_histogram_buckets} (0 = off). */
  public int maxNativeHistogramBuckets() {
    return maxNativeHistogramBuckets;
  }

  /** {@code reduce_native_histogram_over_max_buckets} (true). */
  public boolean reduceNativeHistogramOverMaxBuckets() {
    return reduceNativeHistogramOverMaxBuckets;
  }

  /** OTLP: {@code otel_convert_histograms_to_nhcb}. */
  public boolean otelConvertHistogramsToNhcb() {
    return otelConvertHistogramsToNhcb;
  }

  /** OTLP: {@code otel_native_delta_ingestion}. */
  public boolean otelNativeDeltaIngestion() {
    return otelNativeDeltaIngestion;
  }

  /**
   * OTLP: {@code otel_keep_identifying_resource_attributes} (false): target_info keeps {@code
   * service.name}, {@code service.namespace} and {@code service.instance.id} as labels.
   */
  public boolean otelKeepIdentifyingResourceAttributes() {
    return otelKeepIdentifyingResourceAttributes;
  }

  /**
   * OTLP: {@code promote_otel_resource_attributes} (none): the resource attribute keys copied as
   * labels onto their resource's series.
   */
  public List<String> promoteOtelResourceAttributes() {
    return promoteOtelResourceAttributes;
  }

  /** {@link #promoteOtelResourceAttributes} in UTF-8, shared: callers must not change them. */
  public byte[][] promotedKeys() {
    return promotedKeys;
  }

  /** {@code accept_ha_samples} (false): read the HA labels of the first series. */
  public boolean acceptHaSamples() {
    return acceptHaSamples;
  }

  /**
   * {@code ha_tracker_per_sample_dedupe} (false): with {@link #acceptHaSamples}, each series' HA
   * labels decide for that series ({@code ha_dedupe_per_sample.go}).
   */
  public boolean haPerSampleDedupe() {
    return haPerSampleDedupe;
  }

  /** {@code ha_cluster_label} ({@code cluster}). */
  public String haClusterLabel() {
    return haClusterLabel;
  }

  /** {@code ha_replica_label} ({@code __replica__}). */
  public String haReplicaLabel() {
    return haReplicaLabel;
  }

  /** The cluster label name in UTF-8, shared: callers must not change it. */
  public byte[] clusterLabelBytes() {
    return clusterLabelBytes;
  }

  /**
   * {@code metric_relabel_configs} and {@code drop_labels}: what Mimir does to each series' labels
   * after HA dedupe and before validating them; {@link SeriesRelabeling#NONE} by default.
   */
  public SeriesRelabeling relabeling() {
    return relabeling;
  }

  /** The replica label name in UTF-8, shared: callers must not change it. */
  public byte[] replicaLabelBytes() {
    return replicaLabelBytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ValidationLimits v
        && maxLabelNamesPerSeries == v.maxLabelNamesPerSeries
        && maxLabelNamesPerInfoSeries == v.maxLabelNamesPerInfoSeries
        && maxLabelNameLength == v.maxLabelNameLength
        && maxLabelValueLength == v.maxLabelValueLength
        && labelValueStrategy == v.labelValueStrategy
        && nameValidation == v.nameValidation
        && maxMetadataLength == v.maxMetadataLength
        && enforceMetadataMetricName == v.enforceMetadataMetricName
        && creationGraceMillis == v.creationGraceMillis
        && pastGraceMillis == v.pastGraceMillis
        && outOfOrderWindowMillis == v.outOfOrderWindowMillis
        && maxGlobalExemplarsPerUser == v.maxGlobalExemplarsPerUser
        && maxExemplarsPerSeriesPerRequest == v.maxExemplarsPerSeriesPerRequest
        && maxNativeHistogramBuckets == v.maxNativeHistogramBuckets
        && reduceNativeHistogramOverMaxBuckets == v.reduceNativeHistogramOverMaxBuckets
        && otelConvertHistogramsToNhcb == v.otelConvertHistogramsToNhcb
        && otelNativeDeltaIngestion == v.otelNativeDeltaIngestion
        && otelKeepIdentifyingResourceAttributes == v.otelKeepIdentifyingResourceAttributes
        && promoteOtelResourceAttributes.equals(v.promoteOtelResourceAttributes)
        && relabeling.equals(v.relabeling)
        && acceptHaSamples == v.acceptHaSamples
        && haPerSampleDedupe == v.haPerSampleDedupe
        && haClusterLabel.equals(v.haClusterLabel)
        && haReplicaLabel.equals(v.haReplicaLabel);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        maxLabelNamesPerSeries,
        maxLabelNameLength,
        maxLabelValueLength,
        maxMetadataLength,
        creationGraceMillis,
        maxGlobalExemplarsPerUser,
        acceptHaSamples,
        haReplicaLabel);
  }

  @Override
  public String toString() {
    return "ValidationLimits[labels="
        + maxLabelNamesPerSeries
        + "/"
        + maxLabelNamesPerInfoSeries
        + ", name="
        + maxLabelNameLength
        + ", value="
        + maxLabelValueLength
        + " "
        + labelValueStrategy.yamlName()
        + ", names="
        + nameValidation.yamlName()
        + ", metadata="
        + maxMetadataLength
        + (enforceMetadataMetricName ? "" : " (no name ok)")
        + ", grace=+"
        + creationGraceMillis
        + "ms/-"
        + pastGraceMillis
        + "ms(+"
        + outOfOrderWindowMillis
        + "ms), exemplars="
        + maxGlobalExemplarsPerUser
        + "/"
        + maxExemplarsPerSeriesPerRequest
        + ", histogram buckets="
        + maxNativeHistogramBuckets
        + (reduceNativeHistogramOverMaxBuckets ? " reduce" : "")
        + (otelConvertHistogramsToNhcb ? ", otel nhcb" : "")
        + (otelNativeDeltaIngestion ? ", otel delta" : "")
        + (otelKeepIdentifyingResourceAttributes ? ", otel keep identifying" : "")
        + (promoteOtelResourceAttributes.isEmpty()
            ? ""
            : ", otel promote=" + String.join(",", promoteOtelResourceAttributes))
        + (relabeling.isEmpty() ? "" : ", relabel " + relabeling)
        + ", ha="
        + (acceptHaSamples
            ? haClusterLabel + "/" + haReplicaLabel + (haPerSampleDedupe ? " per sample" : "")
            : "off")
        + "]";
  }

  /** Builds {@link ValidationLimits}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private int maxLabelNamesPerSeries = 30;
    private int maxLabelNamesPerInfoSeries = 80;
    private int maxLabelNameLength = 1024;
    private int maxLabelValueLength = 2048;
    private LabelValueStrategy labelValueStrategy = LabelValueStrategy.ERROR;
    private NameValidation nameValidation = NameValidation.LEGACY;
    private int maxMetadataLength = 1024;
    private boolean enforceMetadataMetricName = true;
    private long creationGraceMillis = Duration.ofMinutes(10).toMillis();
    private long pastGraceMillis;
    private long outOfOrderWindowMillis;
    private int maxGlobalExemplarsPerUser;
    private int maxExemplarsPerSeriesPerRequest;
    private int maxNativeHistogramBuckets;
    private boolean reduceNativeHistogramOverMaxBuckets = true;
    private boolean otelConvertHistogramsToNhcb;
    private boolean otelNativeDeltaIngestion;
    private boolean otelKeepIdentifyingResourceAttributes;
    private List<String> promoteOtelResourceAttributes = List.of();
    private SeriesRelabeling relabeling = SeriesRelabeling.NONE;
    private boolean acceptHaSamples;
    private boolean haPerSampleDedupe;
    private String haClusterLabel = "cluster";
    private String haReplicaLabel = "__replica__";

    private Builder() {}

    public Builder maxLabelNamesPerSeries(int v) {
      maxLabelNamesPerSeries = nonNegative("maxLabelNamesPerSeries", v);
      return this;
    }

    public Builder maxLabelNamesPerInfoSeries(int v) {
      maxLabelNamesPerInfoSeries = nonNegative("maxLabelNamesPerInfoSeries", v);
      return this;
    }

    public Builder maxLabelNameLength(int v) {
      maxLabelNameLength = nonNegative("maxLabelNameLength", v);
      return this;
    }

    public Builder maxLabelValueLength(int v) {
      maxLabelValueLength = nonNegative("maxLabelValueLength", v);
      return this;
    }

    public Builder labelValueStrategy(LabelValueStrategy v) {
      labelValueStrategy = Objects.requireNonNull(v, "labelValueStrategy");
      return this;
    }

    public Builder nameValidation(NameValidation v) {
      nameValidation = Objects.requireNonNull(v, "nameValidation");
      return this;
    }

    public Builder maxMetadataLength(int v) {
      maxMetadataLength = nonNegative("maxMetadataLength", v);
      return this;
    }

    public Builder enforceMetadataMetricName(boolean v) {
      enforceMetadataMetricName = v;
      return this;
    }

    public Builder creationGracePeriod(Duration v) {
      creationGraceMillis = millis("creationGracePeriod", v);
      return this;
    }

    public Builder pastGracePeriod(Duration v) {
      pastGraceMillis = millis("pastGracePeriod", v);
      return this;
    }

    public Builder outOfOrderTimeWindow(Duration v) {
      outOfOrderWindowMillis = millis("outOfOrderTimeWindow", v);
      return this;
    }

    public Builder maxGlobalExemplarsPerUser(int v) {
      maxGlobalExemplarsPerUser = nonNegative("maxGlobalExemplarsPerUser", v);
      return this;
    }

    public Builder maxExemplarsPerSeriesPerRequest(int v) {
      maxExemplarsPerSeriesPerRequest = nonNegative("maxExemplarsPerSeriesPerRequest", v);
      return this;
    }

    public Builder maxNativeHistogramBuckets(int v) {
      maxNativeHistogramBuckets = nonNegative("maxNativeHistogramBuckets", v);
      return this;
    }

    /**
     * OTLP translation: {@code otel_convert_histograms_to_nhcb}, {@code
     * otel_native_delta_ingestion}.
     */
    public Builder otel(boolean convertHistogramsToNhcb, boolean nativeDeltaIngestion) {
      otelConvertHistogramsToNhcb = convertHistogramsToNhcb;
      otelNativeDeltaIngestion = nativeDeltaIngestion;
      return this;
    }

    /** OTLP translation: {@code otel_keep_identifying_resource_attributes}. */
    public Builder otelKeepIdentifyingResourceAttributes(boolean v) {
      otelKeepIdentifyingResourceAttributes = v;
      return this;
    }

    /** OTLP translation: {@code promote_otel_resource_attributes}. */
    public Builder promoteOtelResourceAttributes(List<String> keys) {
      promoteOtelResourceAttributes = List.copyOf(keys);
      return this;
    }

    public Builder relabeling(SeriesRelabeling v) {
      relabeling = Objects.requireNonNull(v, "relabeling");
      return this;
    }

    public Builder reduceNativeHistogramOverMaxBuckets(boolean v) {
      reduceNativeHistogramOverMaxBuckets = v;
      return this;
    }

    /** HA on or off, with the labels to read from the first series. */
    public Builder ha(boolean accept, String clusterLabel, String replicaLabel) {
      Objects.requireNonNull(clusterLabel, "clusterLabel");
      Objects.requireNonNull(replicaLabel, "replicaLabel");
      acceptHaSamples = accept;
      haClusterLabel = clusterLabel;
      haReplicaLabel = replicaLabel;
      return this;
    }

    /** {@code ha_tracker_per_sample_dedupe}. */
    public Builder haPerSampleDedupe(boolean v) {
      haPerSampleDedupe = v;
      return this;
    }

    public ValidationLimits build() {
      return new ValidationLimits(this);
    }

    private static int nonNegative(String name, int value) {
      return Checks.nonNegative(value, name);
    }

    private static long millis(String name, Duration d) {
      return Checks.nonNegative(d, name).toMillis();
    }
  }
}
