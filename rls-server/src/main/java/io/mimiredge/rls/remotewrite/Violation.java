package io.mimiredge.rls.remotewrite;

/**
 * Why Mimir's distributor drops a series or a metadata entry ({@code pkg/distributor/validate.go}):
 * its error id ({@code err-mimir-<id>}) and a stable snake_case label (Mimir's discarded-samples
 * reason where it has one). A series has one violation, the first of Mimir's order: metric name,
 * label count, then each label in sorted order, then samples, then histograms.
 */
public enum Violation {
  MISSING_METRIC_NAME("missing-metric-name", "missing_metric_name"),
  METRIC_NAME_INVALID("metric-name-invalid", "metric_name_invalid"),
  MAX_LABEL_NAMES_PER_SERIES("max-label-names-per-series", "max_label_names_per_series"),
  MAX_LABEL_NAMES_PER_INFO_SERIES(
      "max-label-names-per-info-series", "max_label_names_per_info_series"),
  LABEL_INVALID("label-invalid", "label_invalid"),
  LABEL_NAME_TOO_LONG("label-name-too-long", "label_name_too_long"),
  LABEL_VALUE_INVALID("label-value-invalid", "label_value_invalid"),
  LABEL_VALUE_TOO_LONG("label-value-too-long", "label_value_too_long"),
  DUPLICATE_LABEL_NAMES("duplicate-label-names", "duplicate_label_names"),
  TOO_FAR_IN_FUTURE("too-far-in-future", "too_far_in_future"),
  TOO_FAR_IN_PAST("too-far-in-past", "too_far_in_past"),
  INVALID_NATIVE_HISTOGRAM_SCHEMA(
      "invalid-native-histogram-schema", "invalid_native_histogram_schema"),
  MAX_NATIVE_HISTOGRAM_BUCKETS("max-native-histogram-buckets", "max_native_histogram_buckets"),
  NOT_REDUCIBLE_NATIVE_HISTOGRAM(
      "not-reducible-native-histogram", "not_reducible_native_histogram"),
  /** Custom buckets (schema -53) over the limit: Mimir cannot reduce them. */
  NATIVE_HISTOGRAM_CUSTOM_BUCKETS_NOT_REDUCIBLE(
      "native-histogram-custom-buckets-not-reducible", "native_histogram_custom_buckets"),
  /**
   * An OTLP metric Mimir's translator skips (delta or unspecified temporality, no data, a name or
   * label name that translates to nothing, an exponential scale below -4): Mimir pushes the rest,
   * then answers 400 {@code otlp parse error} ({@code pkg/distributor/otel.go}). Counted once per
   * metric.
   */
  OTLP_PARSE_ERROR("otlp-parse-error", "otlp_parse_error"),
  METADATA_MISSING_METRIC_NAME("metadata-missing-metric-name", "metadata_missing_metric_name"),
  METADATA_METRIC_NAME_TOO_LONG("metric-name-too-long", "metadata_metric_name_too_long"),
  METADATA_UNIT_TOO_LONG("unit-too-long", "metadata_unit_too_long");

  private static final Violation[] VALUES = values();

  private final String id;
  private final String label;

  Violation(String id, String label) {
    this.id = id;
    this.label = label;
  }

  /** Mimir's error id, without the {@code err-mimir-} prefix. */
  public String id() {
    return id;
  }

  /** The stable snake_case label for metrics, logs and the admin API. */
  public String label() {
    return label;
  }

  /** Whether this is about a metadata entry rather than a series. */
  public boolean metadata() {
    return ordinal() >= METADATA_MISSING_METRIC_NAME.ordinal();
  }

  /** How many there are: the size of per-violation count arrays. */
  public static int count() {
    return VALUES.length;
  }

  static Violation of(int ordinal) {
    return VALUES[ordinal];
  }
}
