package io.mimiredge.rls.limits;

import io.mimiredge.rls.internal.Checks;
import io.mimiredge.rls.relabel.RelabelRule;
import io.mimiredge.rls.relabel.SeriesRelabeling;
import io.mimiredge.rls.remotewrite.LabelValueStrategy;
import io.mimiredge.rls.remotewrite.NameValidation;
import io.mimiredge.rls.remotewrite.ValidationLimits;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One tenant's limits, with Mimir's names, units and defaults ({@code
 * pkg/util/validation/limits.go}), plus the edge-only mode and validation policy. Immutable: built
 * by a {@link Builder}, changed as a copy ({@code limits.toBuilder().requestRate(5).build()}).
 * Rates and bursts are Mimir's global (cluster-wide) values: the {@code Enforcer} derives each
 * replica's share.
 *
 * @param ingestionRate {@code ingestion_rate}: samples + histograms + exemplars + metadata per
 *     second
 * @param ingestionBurstSize {@code ingestion_burst_size}: items a full bucket holds
 * @param ingestionBurstFactor {@code ingestion_burst_factor}: when &gt; 0, the burst is this
 *     multiple of the per-replica rate instead of {@code ingestionBurstSize}; 0 = unset
 * @param requestRate {@code request_rate}: push requests per second; 0 = no request limit
 * @param requestBurstSize {@code request_burst_size}: 0 = unbounded burst (as Mimir)
 * @param maxLabelNamesPerSeries {@code max_label_names_per_series}, {@code __name__} included
 * @param maxLabelNamesPerInfoSeries {@code max_label_names_per_info_series}: for metric names
 *     ending in {@code _info}
 * @param maxLabelNameLength {@code max_label_name_length}, in bytes
 * @param maxLabelValueLength {@code max_label_value_length}, in bytes
 * @param labelValueLengthOverLimitStrategy {@code label_value_length_over_limit_strategy}
 * @param nameValidationScheme {@code name_validation_scheme}
 * @param maxMetadataLength {@code max_metadata_length}, in bytes
 * @param enforceMetadataMetricName {@code enforce_metadata_metric_name}
 * @param creationGracePeriod {@code creation_grace_period}: samples newer than now + this are too
 *     far in the future
 * @param pastGracePeriod {@code past_grace_period}: 0 = off
 * @param outOfOrderTimeWindow {@code out_of_order_time_window}: widens the past grace period
 * @param maxGlobalExemplarsPerUser {@code max_global_exemplars_per_user}: 0 = Mimir clears every
 *     exemplar before counting
 * @param maxExemplarsPerSeriesPerRequest {@code max_exemplars_per_series_per_request}: 0 = off
 * @param maxNativeHistogramBuckets {@code max_native_histogram_buckets}: 0 = off
 * @param reduceNativeHistogramOverMaxBuckets {@code reduce_native_histogram_over_max_buckets}
 * @param otelConvertHistogramsToNhcb {@code otel_convert_histograms_to_nhcb}: an OTLP explicit
 *     bucket histogram point becomes 1 native histogram rather than b + 2 (or 3) samples
 * @param otelNativeDeltaIngestion {@code otel_native_delta_ingestion}: OTLP delta sums and
 *     histograms are accepted rather than skipped with a 400
 * @param otelKeepIdentifyingResourceAttributes {@code otel_keep_identifying_resource_attributes}:
 *     target_info keeps {@code service.name}, {@code service.namespace} and {@code
 *     service.instance.id} as labels of their own
 * @param promoteOtelResourceAttributes {@code promote_otel_resource_attributes}: the OTLP resource
 *     attributes (by key, exactly) copied as labels onto every series of their resource; empty =
 *     none
 * @param metricRelabelConfigs {@code metric_relabel_configs}: the rules Mimir runs on every series
 *     before validating it; empty = none
 * @param dropLabels {@code drop_labels}: the labels Mimir removes from every series (after the
 *     rules); empty = none
 * @param acceptHaSamples {@code accept_ha_samples}: deduplicate HA pairs
 * @param haClusterLabel {@code ha_cluster_label}
 * @param haReplicaLabel {@code ha_replica_label}
 * @param haMaxClusters {@code ha_max_clusters}: 0 = no limit
 * @param haTrackerPerSampleDedupe {@code ha_tracker_per_sample_dedupe}: each series' own HA labels
 *     decide whether it is kept, rather than the first series' for the whole request
 * @param haTrackerUpdateTimeout {@code ha_tracker_update_timeout}: how often the elected replica's
 *     last-seen time is written to the shared store
 * @param haTrackerFailoverTimeout {@code ha_tracker_failover_timeout}: how long the elected replica
 *     may be silent before another takes over
 * @param haTrackerSampleFailoverTimeout {@code ha_tracker_sample_failover_timeout}: 0 = off; else
 *     another replica takes over only once its request's earliest sample is at least this much
 *     newer than the elected replica's last-seen time ({@code ha_tracker.go}, {@code
 *     updateKVStore})
 * @param mode {@code edge_enforcement.mode}
 * @param validation {@code edge_enforcement.validation}
 */
public record TenantLimits(
    double ingestionRate,
    int ingestionBurstSize,
    double ingestionBurstFactor,
    double requestRate,
    int requestBurstSize,
    int maxLabelNamesPerSeries,
    int maxLabelNamesPerInfoSeries,
    int maxLabelNameLength,
    int maxLabelValueLength,
    LabelValueStrategy labelValueLengthOverLimitStrategy,
    NameValidation nameValidationScheme,
    int maxMetadataLength,
    boolean enforceMetadataMetricName,
    Duration creationGracePeriod,
    Duration pastGracePeriod,
    Duration outOfOrderTimeWindow,
    int maxGlobalExemplarsPerUser,
    int maxExemplarsPerSeriesPerRequest,
    int maxNativeHistogramBuckets,
    boolean reduceNativeHistogramOverMaxBuckets,
    boolean otelConvertHistogramsToNhcb,
    boolean otelNativeDeltaIngestion,
    boolean otelKeepIdentifyingResourceAttributes,
    List<String> promoteOtelResourceAttributes,
    List<RelabelRule> metricRelabelConfigs,
    List<String> dropLabels,
    boolean acceptHaSamples,
    String haClusterLabel,
    String haReplicaLabel,
    int haMaxClusters,
    boolean haTrackerPerSampleDedupe,
    Duration haTrackerUpdateTimeout,
    Duration haTrackerFailoverTimeout,
    Duration haTrackerSampleFailoverTimeout,
    Mode mode,
    ValidationPolicy validation) {

  /** Mimir's defaults, enforced, with invalid series forwarded for Mimir to drop. */
  public static final TenantLimits MIMIR_DEFAULTS = new Builder().build();

  public TenantLimits {
    requireRate("ingestionRate", ingestionRate);
    requireNonNegative("ingestionBurstSize", ingestionBurstSize);
    requireRate("ingestionBurstFactor", ingestionBurstFactor);
    requireRate("requestRate", requestRate);
    requireNonNegative("requestBurstSize", requestBurstSize);
    requireNonNegative("maxLabelNamesPerSeries", maxLabelNamesPerSeries);
    requireNonNegative("maxLabelNamesPerInfoSeries", maxLabelNamesPerInfoSeries);
    requireNonNegative("maxLabelNameLength", maxLabelNameLength);
    requireNonNegative("maxLabelValueLength", maxLabelValueLength);
    Objects.requireNonNull(labelValueLengthOverLimitStrategy, "labelValueLengthOverLimitStrategy");
    Objects.requireNonNull(nameValidationScheme, "nameValidationScheme");
    requireNonNegative("maxMetadataLength", maxMetadataLength);
    requireDuration("creationGracePeriod", creationGracePeriod);
    requireDuration("pastGracePeriod", pastGracePeriod);
    requireDuration("outOfOrderTimeWindow", outOfOrderTimeWindow);
    requireNonNegative("maxGlobalExemplarsPerUser", maxGlobalExemplarsPerUser);
    requireNonNegative("maxExemplarsPerSeriesPerRequest", maxExemplarsPerSeriesPerRequest);
    requireNonNegative("maxNativeHistogramBuckets", maxNativeHistogramBuckets);
    promoteOtelResourceAttributes =
        List.copyOf(
            Objects.requireNonNull(promoteOtelResourceAttributes, "promoteOtelResourceAttributes"));
    metricRelabelConfigs =
        List.copyOf(Objects.requireNonNull(metricRelabelConfigs, "metricRelabelConfigs"));
    dropLabels = List.copyOf(Objects.requireNonNull(dropLabels, "dropLabels"));
    requireLabelName("haClusterLabel", haClusterLabel);
    requireLabelName("haReplicaLabel", haReplicaLabel);
    requireNonNegative("haMaxClusters", haMaxClusters);
    requireDuration("haTrackerUpdateTimeout", haTrackerUpdateTimeout);
    requireDuration("haTrackerFailoverTimeout", haTrackerFailoverTimeout);
    requireDuration("haTrackerSampleFailoverTimeout", haTrackerSampleFailoverTimeout);
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(validation, "validation");
  }

  /** A builder starting from {@link #MIMIR_DEFAULTS}. */
  public static Builder builder() {
    return new Builder(MIMIR_DEFAULTS);
  }

  /** A builder starting from these limits. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * What the remote-write scanner needs from these limits: validation, exemplars, histograms and
   * the HA labels. A new object each call: callers keep it with the limits (see {@link Overrides}).
   */
  public ValidationLimits validationLimits() {
    return ValidationLimits.builder()
        .maxLabelNamesPerSeries(maxLabelNamesPerSeries)
        .maxLabelNamesPerInfoSeries(maxLabelNamesPerInfoSeries)
        .maxLabelNameLength(maxLabelNameLength)
        .maxLabelValueLength(maxLabelValueLength)
        .labelValueStrategy(labelValueLengthOverLimitStrategy)
        .nameValidation(nameValidationScheme)
        .maxMetadataLength(maxMetadataLength)
        .enforceMetadataMetricName(enforceMetadataMetricName)
        .creationGracePeriod(creationGracePeriod)
        .pastGracePeriod(pastGracePeriod)
        .outOfOrderTimeWindow(outOfOrderTimeWindow)
        .maxGlobalExemplarsPerUser(maxGlobalExemplarsPerUser)
        .maxExemplarsPerSeriesPerRequest(maxExemplarsPerSeriesPerRequest)
        .maxNativeHistogramBuckets(maxNativeHistogramBuckets)
        .reduceNativeHistogramOverMaxBuckets(reduceNativeHistogramOverMaxBuckets)
        .otel(otelConvertHistogramsToNhcb, otelNativeDeltaIngestion)
        .promoteOtelResourceAttributes(promoteOtelResourceAttributes)
        .otelKeepIdentifyingResourceAttributes(otelKeepIdentifyingResourceAttributes)
        .relabeling(new SeriesRelabeling(metricRelabelConfigs, dropLabels))
        .ha(acceptHaSamples, haClusterLabel, haReplicaLabel)
        .haPerSampleDedupe(haTrackerPerSampleDedupe)
        .build();
  }

  /**
   * The ingestion burst one replica enforces, given the ingestion rate that replica enforces.
   *
   * <p>Mimir's {@code ingestion_burst_factor} is "the maximum burst size allowed as a multiple of
   * the per-tenant ingestion rate"; its global strategy multiplies the factor by the
   * <em>per-distributor</em> rate and rounds up ({@code ceil(factor × rate / distributors)}, capped
   * at the largest int). The edge follows it with its own local rate (per replica, scaled by the
   * traffic fraction), so a factor keeps meaning "seconds of traffic" wherever it is applied.
   * Without a factor the burst is {@code ingestion_burst_size}, never divided.
   */
  public int ingestionBurst(double localIngestionRate) {
    if (ingestionBurstFactor > 0) {
      double burst = Math.ceil(ingestionBurstFactor * localIngestionRate);
      return burst >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) burst;
    }
    return ingestionBurstSize;
  }

  static void requireRate(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) { // also rejects NaN
      throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + value);
    }
  }

  static void requireNonNegative(String name, int value) {
    Checks.nonNegative(value, name);
  }

  static void requireDuration(String name, Duration value) {
    Checks.nonNegative(value, name);
  }

  static void requireLabelName(String name, String value) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " must be a label name, got an empty string");
    }
  }

  /** Builds {@link TenantLimits}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private double ingestionRate = 10_000;
    private int ingestionBurstSize = 200_000;
    private double ingestionBurstFactor = 0;
    private double requestRate = 0;
    private int requestBurstSize = 0;
    private int maxLabelNamesPerSeries = 30;
    private int maxLabelNamesPerInfoSeries = 80;
    private int maxLabelNameLength = 1024;
    private int maxLabelValueLength = 2048;
    private LabelValueStrategy labelValueLengthOverLimitStrategy = LabelValueStrategy.ERROR;
    private NameValidation nameValidationScheme = NameValidation.LEGACY;
    private int maxMetadataLength = 1024;
    private boolean enforceMetadataMetricName = true;
    private Duration creationGracePeriod = Duration.ofMinutes(10);
    private Duration pastGracePeriod = Duration.ZERO;
    private Duration outOfOrderTimeWindow = Duration.ZERO;
    private int maxGlobalExemplarsPerUser = 0;
    private int maxExemplarsPerSeriesPerRequest = 0;
    private int maxNativeHistogramBuckets = 0;
    private boolean reduceNativeHistogramOverMaxBuckets = true;
    private boolean otelConvertHistogramsToNhcb = false;
    private boolean otelNativeDeltaIngestion = false;
    private boolean otelKeepIdentifyingResourceAttributes = false;
    private List<String> promoteOtelResourceAttributes = List.of();
    private List<RelabelRule> metricRelabelConfigs = List.of();
    private List<String> dropLabels = List.of();
    private boolean acceptHaSamples = false;
    private String haClusterLabel = "cluster";
    private String haReplicaLabel = "__replica__";
    private int haMaxClusters = 100;
    private boolean haTrackerPerSampleDedupe = false;
    private Duration haTrackerUpdateTimeout = Duration.ofSeconds(15);
    private Duration haTrackerFailoverTimeout = Duration.ofSeconds(30);
    private Duration haTrackerSampleFailoverTimeout = Duration.ZERO;
    private Mode mode = Mode.ENFORCE;
    private ValidationPolicy validation = ValidationPolicy.FORWARD;

    private Builder() {}

    private Builder(TenantLimits from) {
      ingestionRate = from.ingestionRate;
      ingestionBurstSize = from.ingestionBurstSize;
      ingestionBurstFactor = from.ingestionBurstFactor;
      requestRate = from.requestRate;
      requestBurstSize = from.requestBurstSize;
      maxLabelNamesPerSeries = from.maxLabelNamesPerSeries;
      maxLabelNamesPerInfoSeries = from.maxLabelNamesPerInfoSeries;
      maxLabelNameLength = from.maxLabelNameLength;
      maxLabelValueLength = from.maxLabelValueLength;
      labelValueLengthOverLimitStrategy = from.labelValueLengthOverLimitStrategy;
      nameValidationScheme = from.nameValidationScheme;
      maxMetadataLength = from.maxMetadataLength;
      enforceMetadataMetricName = from.enforceMetadataMetricName;
      creationGracePeriod = from.creationGracePeriod;
      pastGracePeriod = from.pastGracePeriod;
      outOfOrderTimeWindow = from.outOfOrderTimeWindow;
      maxGlobalExemplarsPerUser = from.maxGlobalExemplarsPerUser;
      maxExemplarsPerSeriesPerRequest = from.maxExemplarsPerSeriesPerRequest;
      maxNativeHistogramBuckets = from.maxNativeHistogramBuckets;
      reduceNativeHistogramOverMaxBuckets = from.reduceNativeHistogramOverMaxBuckets;
      otelConvertHistogramsToNhcb = from.otelConvertHistogramsToNhcb;
      otelNativeDeltaIngestion = from.otelNativeDeltaIngestion;
      otelKeepIdentifyingResourceAttributes = from.otelKeepIdentifyingResourceAttributes;
      promoteOtelResourceAttributes = from.promoteOtelResourceAttributes;
      metricRelabelConfigs = from.metricRelabelConfigs;
      dropLabels = from.dropLabels;
      acceptHaSamples = from.acceptHaSamples;
      haClusterLabel = from.haClusterLabel;
      haReplicaLabel = from.haReplicaLabel;
      haMaxClusters = from.haMaxClusters;
      haTrackerPerSampleDedupe = from.haTrackerPerSampleDedupe;
      haTrackerUpdateTimeout = from.haTrackerUpdateTimeout;
      haTrackerFailoverTimeout = from.haTrackerFailoverTimeout;
      haTrackerSampleFailoverTimeout = from.haTrackerSampleFailoverTimeout;
      mode = from.mode;
      validation = from.validation;
    }

    public Builder ingestionRate(double v) {
      requireRate("ingestionRate", v);
      ingestionRate = v;
      return this;
    }

    public Builder ingestionBurstSize(int v) {
      requireNonNegative("ingestionBurstSize", v);
      ingestionBurstSize = v;
      return this;
    }

    public Builder ingestionBurstFactor(double v) {
      requireRate("ingestionBurstFactor", v);
      ingestionBurstFactor = v;
      return this;
    }

    public Builder requestRate(double v) {
      requireRate("requestRate", v);
      requestRate = v;
      return this;
    }

    public Builder requestBurstSize(int v) {
      requireNonNegative("requestBurstSize", v);
      requestBurstSize = v;
      return this;
    }

    public Builder maxLabelNamesPerSeries(int v) {
      requireNonNegative("maxLabelNamesPerSeries", v);
      maxLabelNamesPerSeries = v;
      return this;
    }

    public Builder maxLabelNamesPerInfoSeries(int v) {
      requireNonNegative("maxLabelNamesPerInfoSeries", v);
      maxLabelNamesPerInfoSeries = v;
      return this;
    }

    public Builder maxLabelNameLength(int v) {
      requireNonNegative("maxLabelNameLength", v);
      maxLabelNameLength = v;
      return this;
    }

    public Builder maxLabelValueLength(int v) {
      requireNonNegative("maxLabelValueLength", v);
      maxLabelValueLength = v;
      return this;
    }

    public Builder labelValueLengthOverLimitStrategy(LabelValueStrategy v) {
      Objects.requireNonNull(v, "labelValueLengthOverLimitStrategy");
      labelValueLengthOverLimitStrategy = v;
      return this;
    }

    public Builder nameValidationScheme(NameValidation v) {
      Objects.requireNonNull(v, "nameValidationScheme");
      nameValidationScheme = v;
      return this;
    }

    public Builder maxMetadataLength(int v) {
      requireNonNegative("maxMetadataLength", v);
      maxMetadataLength = v;
      return this;
    }

    public Builder enforceMetadataMetricName(boolean v) {
      enforceMetadataMetricName = v;
      return this;
    }

    public Builder creationGracePeriod(Duration v) {
      requireDuration("creationGracePeriod", v);
      creationGracePeriod = v;
      return this;
    }

    public Builder pastGracePeriod(Duration v) {
      requireDuration("pastGracePeriod", v);
      pastGracePeriod = v;
      return this;
    }

    public Builder outOfOrderTimeWindow(Duration v) {
      requireDuration("outOfOrderTimeWindow", v);
      outOfOrderTimeWindow = v;
      return this;
    }

    public Builder maxGlobalExemplarsPerUser(int v) {
      requireNonNegative("maxGlobalExemplarsPerUser", v);
      maxGlobalExemplarsPerUser = v;
      return this;
    }

    public Builder maxExemplarsPerSeriesPerRequest(int v) {
      requireNonNegative("maxExemplarsPerSeriesPerRequest", v);
      maxExemplarsPerSeriesPerRequest = v;
      return this;
    }

    public Builder maxNativeHistogramBuckets(int v) {
      requireNonNegative("maxNativeHistogramBuckets", v);
      maxNativeHistogramBuckets = v;
      return this;
    }

    public Builder reduceNativeHistogramOverMaxBuckets(boolean v) {
      reduceNativeHistogramOverMaxBuckets = v;
      return this;
    }

    public Builder otelConvertHistogramsToNhcb(boolean v) {
      otelConvertHistogramsToNhcb = v;
      return this;
    }

    public Builder otelNativeDeltaIngestion(boolean v) {
      otelNativeDeltaIngestion = v;
      return this;
    }

    public Builder otelKeepIdentifyingResourceAttributes(boolean v) {
      otelKeepIdentifyingResourceAttributes = v;
      return this;
    }

    public Builder promoteOtelResourceAttributes(List<String> v) {
      promoteOtelResourceAttributes = List.copyOf(v);
      return this;
    }

    public Builder metricRelabelConfigs(List<RelabelRule> v) {
      metricRelabelConfigs = List.copyOf(v);
      return this;
    }

    public Builder dropLabels(List<String> v) {
      dropLabels = List.copyOf(v);
      return this;
    }

    public Builder acceptHaSamples(boolean v) {
      acceptHaSamples = v;
      return this;
    }

    public Builder haClusterLabel(String v) {
      requireLabelName("haClusterLabel", v);
      haClusterLabel = v;
      return this;
    }

    public Builder haReplicaLabel(String v) {
      requireLabelName("haReplicaLabel", v);
      haReplicaLabel = v;
      return this;
    }

    public Builder haMaxClusters(int v) {
      requireNonNegative("haMaxClusters", v);
      haMaxClusters = v;
      return this;
    }

    public Builder haTrackerPerSampleDedupe(boolean v) {
      haTrackerPerSampleDedupe = v;
      return this;
    }

    public Builder haTrackerUpdateTimeout(Duration v) {
      requireDuration("haTrackerUpdateTimeout", v);
      haTrackerUpdateTimeout = v;
      return this;
    }

    public Builder haTrackerFailoverTimeout(Duration v) {
      requireDuration("haTrackerFailoverTimeout", v);
      haTrackerFailoverTimeout = v;
      return this;
    }

    public Builder haTrackerSampleFailoverTimeout(Duration v) {
      requireDuration("haTrackerSampleFailoverTimeout", v);
      haTrackerSampleFailoverTimeout = v;
      return this;
    }

    public Builder mode(Mode v) {
      Objects.requireNonNull(v, "mode");
      mode = v;
      return this;
    }

    public Builder validation(ValidationPolicy v) {
      Objects.requireNonNull(v, "validation");
      validation = v;
      return this;
    }

    public TenantLimits build() {
      return new TenantLimits(
          ingestionRate,
          ingestionBurstSize,
          ingestionBurstFactor,
          requestRate,
          requestBurstSize,
          maxLabelNamesPerSeries,
          maxLabelNamesPerInfoSeries,
          maxLabelNameLength,
          maxLabelValueLength,
          labelValueLengthOverLimitStrategy,
          nameValidationScheme,
          maxMetadataLength,
          enforceMetadataMetricName,
          creationGracePeriod,
          pastGracePeriod,
          outOfOrderTimeWindow,
          maxGlobalExemplarsPerUser,
          maxExemplarsPerSeriesPerRequest,
          maxNativeHistogramBuckets,
          reduceNativeHistogramOverMaxBuckets,
          otelConvertHistogramsToNhcb,
          otelNativeDeltaIngestion,
          otelKeepIdentifyingResourceAttributes,
          promoteOtelResourceAttributes,
          metricRelabelConfigs,
          dropLabels,
          acceptHaSamples,
          haClusterLabel,
          haReplicaLabel,
          haMaxClusters,
          haTrackerPerSampleDedupe,
          haTrackerUpdateTimeout,
          haTrackerFailoverTimeout,
          haTrackerSampleFailoverTimeout,
          mode,
          validation);
    }
  }
}
