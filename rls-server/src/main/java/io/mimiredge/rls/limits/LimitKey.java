package io.mimiredge.rls.limits;

import java.util.Optional;

/**
 * Every setting a tenant's overrides can carry, by its key in Mimir's runtime YAML ({@code
 * edge_enforcement.*} for the edge-only block). Lets the admin UI list each limit with its source.
 */
public enum LimitKey {
  INGESTION_RATE("ingestion_rate"),
  INGESTION_BURST_SIZE("ingestion_burst_size"),
  INGESTION_BURST_FACTOR("ingestion_burst_factor"),
  REQUEST_RATE("request_rate"),
  REQUEST_BURST_SIZE("request_burst_size"),
  MAX_LABEL_NAMES_PER_SERIES("max_label_names_per_series"),
  MAX_LABEL_NAME_LENGTH("max_label_name_length"),
  MAX_LABEL_VALUE_LENGTH("max_label_value_length"),
  MAX_METADATA_LENGTH("max_metadata_length"),
  MODE("edge_enforcement.mode"),
  VALIDATION("edge_enforcement.validation");

  private final String yamlPath;

  LimitKey(String yamlPath) {
    this.yamlPath = yamlPath;
  }

  /** The key's path in a tenant's overrides, e.g. {@code ingestion_rate}. */
  public String yamlPath() {
    return yamlPath;
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

  /** This key's value in {@code limits}: a Double, Integer, {@link Mode} or policy. */
  public Object valueIn(TenantLimits l) {
    return switch (this) {
      case INGESTION_RATE -> l.ingestionRate();
      case INGESTION_BURST_SIZE -> l.ingestionBurstSize();
      case INGESTION_BURST_FACTOR -> l.ingestionBurstFactor();
      case REQUEST_RATE -> l.requestRate();
      case REQUEST_BURST_SIZE -> l.requestBurstSize();
      case MAX_LABEL_NAMES_PER_SERIES -> l.maxLabelNamesPerSeries();
      case MAX_LABEL_NAME_LENGTH -> l.maxLabelNameLength();
      case MAX_LABEL_VALUE_LENGTH -> l.maxLabelValueLength();
      case MAX_METADATA_LENGTH -> l.maxMetadataLength();
      case MODE -> l.mode();
      case VALIDATION -> l.validation();
    };
  }

  /** Copies this key's value from {@code source} into {@code target}. */
  public TenantLimits.Builder copy(TenantLimits source, TenantLimits.Builder target) {
    return switch (this) {
      case INGESTION_RATE -> target.ingestionRate(source.ingestionRate());
      case INGESTION_BURST_SIZE -> target.ingestionBurstSize(source.ingestionBurstSize());
      case INGESTION_BURST_FACTOR -> target.ingestionBurstFactor(source.ingestionBurstFactor());
      case REQUEST_RATE -> target.requestRate(source.requestRate());
      case REQUEST_BURST_SIZE -> target.requestBurstSize(source.requestBurstSize());
      case MAX_LABEL_NAMES_PER_SERIES ->
          target.maxLabelNamesPerSeries(source.maxLabelNamesPerSeries());
      case MAX_LABEL_NAME_LENGTH -> target.maxLabelNameLength(source.maxLabelNameLength());
      case MAX_LABEL_VALUE_LENGTH -> target.maxLabelValueLength(source.maxLabelValueLength());
      case MAX_METADATA_LENGTH -> target.maxMetadataLength(source.maxMetadataLength());
      case MODE -> target.mode(source.mode());
      case VALIDATION -> target.validation(source.validation());
    };
  }
}
