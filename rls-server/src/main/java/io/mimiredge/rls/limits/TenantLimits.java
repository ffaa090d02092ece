package io.mimiredge.rls.limits;

import io.mimiredge.rls.remotewrite.ValidationLimits;
import java.util.Objects;

/**
 * One tenant's limits, with Mimir's names, units and defaults, plus the edge-only mode and
 * validation policy. Immutable; {@code withX} returns a copy. Rates and bursts are Mimir's global
 * (cluster-wide) values: the {@code Enforcer} derives each replica's share.
 *
 * @param ingestionRate {@code ingestion_rate}: samples + histograms + exemplars + metadata per
 *     second
 * @param ingestionBurstSize {@code ingestion_burst_size}: items a full bucket holds
 * @param ingestionBurstFactor {@code ingestion_burst_factor}: when &gt; 0, the burst is this
 *     multiple of the per-replica rate instead of {@code ingestionBurstSize}; 0 = unset
 * @param requestRate {@code request_rate}: push requests per second; 0 = no request limit
 * @param requestBurstSize {@code request_burst_size}: 0 = unbounded burst (as Mimir)
 * @param maxLabelNamesPerSeries {@code max_label_names_per_series}
 * @param maxLabelNameLength {@code max_label_name_length}
 * @param maxLabelValueLength {@code max_label_value_length}
 * @param maxMetadataLength {@code max_metadata_length}
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
    int maxLabelNameLength,
    int maxLabelValueLength,
    int maxMetadataLength,
    Mode mode,
    ValidationPolicy validation) {

  /** Mimir's defaults, enforced, with invalid series forwarded for Mimir to drop. */
  public static final TenantLimits MIMIR_DEFAULTS =
      new TenantLimits(
          10_000, 200_000, 0, 0, 0, 30, 1024, 2048, 1024, Mode.ENFORCE, ValidationPolicy.FORWARD);

  public TenantLimits {
    requireRate("ingestionRate", ingestionRate);
    requireNonNegative("ingestionBurstSize", ingestionBurstSize);
    requireRate("ingestionBurstFactor", ingestionBurstFactor);
    requireRate("requestRate", requestRate);
    requireNonNegative("requestBurstSize", requestBurstSize);
    requireNonNegative("maxLabelNamesPerSeries", maxLabelNamesPerSeries);
    requireNonNegative("maxLabelNameLength", maxLabelNameLength);
    requireNonNegative("maxLabelValueLength", maxLabelValueLength);
    requireNonNegative("maxMetadataLength", maxMetadataLength);
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

  /** The per-series limits the remote-write scanner checks. */
  public ValidationLimits validationLimits() {
    return new ValidationLimits(
        maxLabelNamesPerSeries, maxLabelNameLength, maxLabelValueLength, maxMetadataLength);
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

  public TenantLimits withIngestionRate(double v) {
    return toBuilder().ingestionRate(v).build();
  }

  public TenantLimits withIngestionBurstSize(int v) {
    return toBuilder().ingestionBurstSize(v).build();
  }

  public TenantLimits withIngestionBurstFactor(double v) {
    return toBuilder().ingestionBurstFactor(v).build();
  }

  public TenantLimits withRequestRate(double v) {
    return toBuilder().requestRate(v).build();
  }

  public TenantLimits withRequestBurstSize(int v) {
    return toBuilder().requestBurstSize(v).build();
  }

  public TenantLimits withMaxLabelNamesPerSeries(int v) {
    return toBuilder().maxLabelNamesPerSeries(v).build();
  }

  public TenantLimits withMaxLabelNameLength(int v) {
    return toBuilder().maxLabelNameLength(v).build();
  }

  public TenantLimits withMaxLabelValueLength(int v) {
    return toBuilder().maxLabelValueLength(v).build();
  }

  public TenantLimits withMaxMetadataLength(int v) {
    return toBuilder().maxMetadataLength(v).build();
  }

  public TenantLimits withMode(Mode v) {
    return toBuilder().mode(v).build();
  }

  public TenantLimits withValidation(ValidationPolicy v) {
    return toBuilder().validation(v).build();
  }

  static void requireRate(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) { // also rejects NaN
      throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + value);
    }
  }

  static void requireNonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + value);
    }
  }

  /** Builds {@link TenantLimits}; each setter checks its value at once. Not thread-safe. */
  public static final class Builder {
    private double ingestionRate;
    private int ingestionBurstSize;
    private double ingestionBurstFactor;
    private double requestRate;
    private int requestBurstSize;
    private int maxLabelNamesPerSeries;
    private int maxLabelNameLength;
    private int maxLabelValueLength;
    private int maxMetadataLength;
    private Mode mode;
    private ValidationPolicy validation;

    private Builder(TenantLimits from) {
      ingestionRate = from.ingestionRate;
      ingestionBurstSize = from.ingestionBurstSize;
      ingestionBurstFactor = from.ingestionBurstFactor;
      requestRate = from.requestRate;
      requestBurstSize = from.requestBurstSize;
      maxLabelNamesPerSeries = from.maxLabelNamesPerSeries;
      maxLabelNameLength = from.maxLabelNameLength;
      maxLabelValueLength = from.maxLabelValueLength;
      maxMetadataLength = from.maxMetadataLength;
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

    public Builder maxMetadataLength(int v) {
      requireNonNegative("maxMetadataLength", v);
      maxMetadataLength = v;
      return this;
    }

    public Builder mode(Mode v) {
      mode = Objects.requireNonNull(v, "mode");
      return this;
    }

    public Builder validation(ValidationPolicy v) {
      validation = Objects.requireNonNull(v, "validation");
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
          maxLabelNameLength,
          maxLabelValueLength,
          maxMetadataLength,
          mode,
          validation);
    }
  }
}
