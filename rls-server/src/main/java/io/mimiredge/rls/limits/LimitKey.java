package io.mimiredge.rls.limits;

import io.mimiredge.rls.limits.internal.MimirDurations;
import io.mimiredge.rls.relabel.RelabelRule;
import io.mimiredge.rls.remotewrite.LabelValueStrategy;
import io.mimiredge.rls.remotewrite.NameValidation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Every setting a tenant's overrides can carry, by its key in Mimir's runtime YAML ({@code
 * pkg/util/validation/limits.go}; {@code edge_enforcement.*} for the edge-only block), with the
 * kind of value it takes. Lets the parser, the admin API and the UI treat every limit alike.
 */
public enum LimitKey {
  INGESTION_RATE(
      "ingestion_rate",
      Kind.RATE,
      TenantLimits::ingestionRate,
      (b, v) -> b.ingestionRate((Double) v)),
  INGESTION_BURST_SIZE(
      "ingestion_burst_size",
      Kind.COUNT,
      TenantLimits::ingestionBurstSize,
      (b, v) -> b.ingestionBurstSize((Integer) v)),
  INGESTION_BURST_FACTOR(
      "ingestion_burst_factor",
      Kind.RATE,
      TenantLimits::ingestionBurstFactor,
      (b, v) -> b.ingestionBurstFactor((Double) v)),
  REQUEST_RATE(
      "request_rate", Kind.RATE, TenantLimits::requestRate, (b, v) -> b.requestRate((Double) v)),
  REQUEST_BURST_SIZE(
      "request_burst_size",
      Kind.COUNT,
      TenantLimits::requestBurstSize,
      (b, v) -> b.requestBurstSize((Integer) v)),
  MAX_LABEL_NAMES_PER_SERIES(
      "max_label_names_per_series",
      Kind.COUNT,
      TenantLimits::maxLabelNamesPerSeries,
      (b, v) -> b.maxLabelNamesPerSeries((Integer) v)),
  MAX_LABEL_NAMES_PER_INFO_SERIES(
      "max_label_names_per_info_series",
      Kind.COUNT,
      TenantLimits::maxLabelNamesPerInfoSeries,
      (b, v) -> b.maxLabelNamesPerInfoSeries((Integer) v)),
  MAX_LABEL_NAME_LENGTH(
      "max_label_name_length",
      Kind.COUNT,
      TenantLimits::maxLabelNameLength,
      (b, v) -> b.maxLabelNameLength((Integer) v)),
  MAX_LABEL_VALUE_LENGTH(
      "max_label_value_length",
      Kind.COUNT,
      TenantLimits::maxLabelValueLength,
      (b, v) -> b.maxLabelValueLength((Integer) v)),
  LABEL_VALUE_LENGTH_OVER_LIMIT_STRATEGY(
      "label_value_length_over_limit_strategy",
      Kind.STRATEGY,
      TenantLimits::labelValueLengthOverLimitStrategy,
      (b, v) -> b.labelValueLengthOverLimitStrategy((LabelValueStrategy) v)),
  NAME_VALIDATION_SCHEME(
      "name_validation_scheme",
      Kind.SCHEME,
      TenantLimits::nameValidationScheme,
      (b, v) -> b.nameValidationScheme((NameValidation) v)),
  MAX_METADATA_LENGTH(
      "max_metadata_length",
      Kind.COUNT,
      TenantLimits::maxMetadataLength,
      (b, v) -> b.maxMetadataLength((Integer) v)),
  ENFORCE_METADATA_METRIC_NAME(
      "enforce_metadata_metric_name",
      Kind.BOOL,
      TenantLimits::enforceMetadataMetricName,
      (b, v) -> b.enforceMetadataMetricName((Boolean) v)),
  CREATION_GRACE_PERIOD(
      "creation_grace_period",
      Kind.DURATION,
      TenantLimits::creationGracePeriod,
      (b, v) -> b.creationGracePeriod((Duration) v)),
  PAST_GRACE_PERIOD(
      "past_grace_period",
      Kind.DURATION,
      TenantLimits::pastGracePeriod,
      (b, v) -> b.pastGracePeriod((Duration) v)),
  OUT_OF_ORDER_TIME_WINDOW(
      "out_of_order_time_window",
      Kind.DURATION,
      TenantLimits::outOfOrderTimeWindow,
      (b, v) -> b.outOfOrderTimeWindow((Duration) v)),
  MAX_GLOBAL_EXEMPLARS_PER_USER(
      "max_global_exemplars_per_user",
      Kind.COUNT,
      TenantLimits::maxGlobalExemplarsPerUser,
      (b, v) -> b.maxGlobalExemplarsPerUser((Integer) v)),
  MAX_EXEMPLARS_PER_SERIES_PER_REQUEST(
      "max_exemplars_per_series_per_request",
      Kind.COUNT,
      TenantLimits::maxExemplarsPerSeriesPerRequest,
      (b, v) -> b.maxExemplarsPerSeriesPerRequest((Integer) v)),
  MAX_NATIVE_HISTOGRAM_BUCKETS(
      "max_native_histogram_buckets",
      Kind.COUNT,
      TenantLimits::maxNativeHistogramBuckets,
      (b, v) -> b.maxNativeHistogramBuckets((Integer) v)),
  REDUCE_NATIVE_HISTOGRAM_OVER_MAX_BUCKETS(
      "reduce_native_histogram_over_max_buckets",
      Kind.BOOL,
      TenantLimits::reduceNativeHistogramOverMaxBuckets,
      (b, v) -> b.reduceNativeHistogramOverMaxBuckets((Boolean) v)),
  OTEL_CONVERT_HISTOGRAMS_TO_NHCB(
      "otel_convert_histograms_to_nhcb",
      Kind.BOOL,
      TenantLimits::otelConvertHistogramsToNhcb,
      (b, v) -> b.otelConvertHistogramsToNhcb((Boolean) v)),
  OTEL_NATIVE_DELTA_INGESTION(
      "otel_native_delta_ingestion",
      Kind.BOOL,
      TenantLimits::otelNativeDeltaIngestion,
      (b, v) -> b.otelNativeDeltaIngestion((Boolean) v)),
  OTEL_KEEP_IDENTIFYING_RESOURCE_ATTRIBUTES(
      "otel_keep_identifying_resource_attributes",
      Kind.BOOL,
      TenantLimits::otelKeepIdentifyingResourceAttributes,
      (b, v) -> b.otelKeepIdentifyingResourceAttributes((Boolean) v)),
  PROMOTE_OTEL_RESOURCE_ATTRIBUTES(
      "promote_otel_resource_attributes",
      Kind.CSV,
      TenantLimits::promoteOtelResourceAttributes,
      (b, v) -> b.promoteOtelResourceAttributes(castList(v))),
  METRIC_RELABEL_CONFIGS(
      "metric_relabel_configs",
      Kind.RELABEL,
      TenantLimits::metricRelabelConfigs,
      (b, v) -> b.metricRelabelConfigs(castRules(v))),
  DROP_LABELS(
      "drop_labels", Kind.LIST, TenantLimits::dropLabels, (b, v) -> b.dropLabels(castList(v))),
  ACCEPT_HA_SAMPLES(
      "accept_ha_samples",
      Kind.BOOL,
      TenantLimits::acceptHaSamples,
      (b, v) -> b.acceptHaSamples((Boolean) v)),
  HA_CLUSTER_LABEL(
      "ha_cluster_label",
      Kind.LABEL,
      TenantLimits::haClusterLabel,
      (b, v) -> b.haClusterLabel((String) v)),
  HA_REPLICA_LABEL(
      "ha_replica_label",
      Kind.LABEL,
      TenantLimits::haReplicaLabel,
      (b, v) -> b.haReplicaLabel((String) v)),
  HA_MAX_CLUSTERS(
      "ha_max_clusters",
      Kind.COUNT,
      TenantLimits::haMaxClusters,
      (b, v) -> b.haMaxClusters((Integer) v)),
  HA_TRACKER_PER_SAMPLE_DEDUPE(
      "ha_tracker_per_sample_dedupe",
      Kind.BOOL,
      TenantLimits::haTrackerPerSampleDedupe,
      (b, v) -> b.haTrackerPerSampleDedupe((Boolean) v)),
  HA_TRACKER_UPDATE_TIMEOUT(
      "ha_tracker_update_timeout",
      Kind.DURATION,
      TenantLimits::haTrackerUpdateTimeout,
      (b, v) -> b.haTrackerUpdateTimeout((Duration) v)),
  HA_TRACKER_FAILOVER_TIMEOUT(
      "ha_tracker_failover_timeout",
      Kind.DURATION,
      TenantLimits::haTrackerFailoverTimeout,
      (b, v) -> b.haTrackerFailoverTimeout((Duration) v)),
  HA_TRACKER_SAMPLE_FAILOVER_TIMEOUT(
      "ha_tracker_sample_failover_timeout",
      Kind.DURATION,
      TenantLimits::haTrackerSampleFailoverTimeout,
      (b, v) -> b.haTrackerSampleFailoverTimeout((Duration) v)),
  MODE("edge_enforcement.mode", Kind.MODE, TenantLimits::mode, (b, v) -> b.mode((Mode) v)),
  VALIDATION(
      "edge_enforcement.validation",
      Kind.VALIDATION,
      TenantLimits::validation,
      (b, v) -> b.validation((ValidationPolicy) v));

  /** The kind of value a key takes, which says how it is read and shown. */
  public enum Kind {
    /** A finite number &gt;= 0 (a Double). */
    RATE,
    /** An integer &gt;= 0 (an Integer). */
    COUNT,
    /** true or false (a Boolean). */
    BOOL,
    /** A non-empty label name (a String). */
    LABEL,
    /** A Mimir duration such as {@code 10m} (a {@link Duration}). */
    DURATION,
    MODE,
    VALIDATION,
    STRATEGY,
    SCHEME,
    /**
     * A comma-separated list in one string, split on every comma and nothing trimmed, as Mimir's
     * {@code flagext.StringSliceCSV} (a List of String; the empty string is the empty list).
     */
    CSV,
    /** A YAML list of strings, as Mimir's {@code flagext.StringSlice} (a List of String). */
    LIST,
    /**
     * Prometheus relabeling rules, a YAML list of {@code relabel.Config} (a List of {@link
     * RelabelRule}).
     */
    RELABEL
  }

  private final String yamlPath;
  private final Kind kind;
  private final Function<TenantLimits, Object> getter;
  private final BiConsumer<TenantLimits.Builder, Object> setter;

  LimitKey(
      String yamlPath,
      Kind kind,
      Function<TenantLimits, Object> getter,
      BiConsumer<TenantLimits.Builder, Object> setter) {
    this.yamlPath = yamlPath;
    this.kind = kind;
    this.getter = getter;
    this.setter = setter;
  }

  /** The key's path in a tenant's overrides, e.g. {@code ingestion_rate}. */
  public String yamlPath() {
    return yamlPath;
  }

  public Kind kind() {
    return kind;
  }

  /** The key with this path, if any. */
  public static Optional<LimitKey> fromYamlPath(String path) {
    for (LimitKey k : values()) {
      if (k.yamlPath.equals(path)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /**
   * This key's value in {@code limits}: a Double, Integer, Boolean, String, Duration, enum or List
   * of String.
   */
  public Object valueIn(TenantLimits l) {
    return getter.apply(l);
  }

  /**
   * This key's value as Mimir's YAML writes it, for JSON and logs: numbers and booleans as they
   * are, durations as {@code 30s}, enums by their YAML names, a comma-separated setting as its
   * string, a list as a list and relabeling rules as one line each.
   */
  public Object shownValueIn(TenantLimits l) {
    Object v = valueIn(l);
    if (v instanceof Duration d) {
      return MimirDurations.format(d);
    } else if (v instanceof Mode m) {
      return m.yamlName();
    } else if (v instanceof ValidationPolicy p) {
      return p.yamlName();
    } else if (v instanceof LabelValueStrategy s) {
      return s.yamlName();
    } else if (v instanceof NameValidation s) {
      return s.yamlName();
    } else if (kind == Kind.CSV) {
      return String.join(",", castList(v));
    } else if (kind == Kind.RELABEL) {
      return castRules(v).stream().map(RelabelRule::toString).toList(); // one line per rule
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private static List<String> castList(Object v) {
    return (List<String>) v;
  }

  @SuppressWarnings("unchecked")
  private static List<RelabelRule> castRules(Object v) {
    return (List<RelabelRule>) v;
  }

  /** Sets this key in {@code target} to {@code value}, of this key's kind. */
  void set(TenantLimits.Builder target, Object value) {
    setter.accept(target, value);
  }

  /** Copies this key's value from {@code source} into {@code target}. */
  public TenantLimits.Builder copy(TenantLimits source, TenantLimits.Builder target) {
    setter.accept(target, valueIn(source));
    return target;
  }
}
