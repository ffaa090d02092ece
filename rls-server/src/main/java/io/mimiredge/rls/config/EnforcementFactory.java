package io.mimiredge.rls.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.validation.MaxDataSize;
import io.dropwizard.validation.MinDataSize;
import io.mimiredge.rls.limits.Mode;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** {@code enforcement:} how requests are judged. */
public class EnforcementFactory {
  @NotNull private Mode mode = Mode.ENFORCE;

  @NotNull
  @MinDataSize(1)
  @MaxDataSize(value = 1, unit = io.dropwizard.util.DataSizeUnit.GIBIBYTES)
  private DataSize maxRequestBytes = DataSize.mebibytes(100);

  @NotNull
  @MinDataSize(1)
  @MaxDataSize(value = 1, unit = io.dropwizard.util.DataSizeUnit.GIBIBYTES)
  private DataSize maxDecodedBytes = DataSize.mebibytes(100);

  @NotNull
  @MinDataSize(value = 8, unit = io.dropwizard.util.DataSizeUnit.KIBIBYTES)
  @MaxDataSize(value = 64, unit = io.dropwizard.util.DataSizeUnit.MEBIBYTES)
  private DataSize maxRequestHeaderBytes = DataSize.kibibytes(1024 + 4);

  @Min(1)
  @Max(10_000_000)
  private int maxHaClusters = 100_000;

  @jakarta.validation.Valid @NotNull
  private RetryAfterHeaderFactory retryAfterHeader = new RetryAfterHeaderFactory();

  /**
   * The mode of tenants whose overrides set no {@code edge_enforcement.mode}: enforce or shadow
   * (evaluate and count, never block).
   */
  @JsonProperty
  public Mode getMode() {
    return mode;
  }

  @JsonProperty
  public void setMode(String mode) {
    this.mode =
        Mode.fromYaml(mode)
            .filter(m -> m != Mode.OFF)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "enforcement.mode must be enforce or shadow, got '" + mode + "'"));
  }

  /**
   * The largest compressed body accepted (above it a remote write is a 400, an OTLP push a 413, as
   * Mimir answers them); 100 MiB by default, Mimir's {@code -distributor.max-recv-msg-size} (and
   * {@code -distributor.max-otlp-request-size}).
   */
  @JsonProperty
  public DataSize getMaxRequestBytes() {
    return maxRequestBytes;
  }

  @JsonProperty
  public void setMaxRequestBytes(DataSize maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
  }

  /** The largest decoded body accepted; 100 MiB, Mimir's -distributor.max-recv-msg-size. */
  @JsonProperty
  public DataSize getMaxDecodedBytes() {
    return maxDecodedBytes;
  }

  @JsonProperty
  public void setMaxDecodedBytes(DataSize maxDecodedBytes) {
    this.maxDecodedBytes = maxDecodedBytes;
  }

  /**
   * The largest request header block the HTTP doors read (431 above it); by default what Go's
   * server reads, which Mimir's keeps: {@code http.DefaultMaxHeaderBytes} (1 MiB) and the 4096
   * bytes of slack net/http adds to it (1028 KiB). Set on every application connector, whatever its
   * own {@code maxRequestHeaderSize} (Jetty's default, 8 KiB, refuses requests Mimir takes).
   */
  @JsonProperty
  public DataSize getMaxRequestHeaderBytes() {
    return maxRequestHeaderBytes;
  }

  @JsonProperty
  public void setMaxRequestHeaderBytes(DataSize maxRequestHeaderBytes) {
    this.maxRequestHeaderBytes = maxRequestHeaderBytes;
  }

  /**
   * HA clusters whose election this replica keeps, over all tenants (each tenant is also held to
   * its {@code ha_max_clusters}). A new cluster past it is counted as a non-HA request.
   */
  @JsonProperty
  public int getMaxHaClusters() {
    return maxHaClusters;
  }

  @JsonProperty
  public void setMaxHaClusters(int maxHaClusters) {
    this.maxHaClusters = maxHaClusters;
  }

  /** The {@code Retry-After} on a 429, as Mimir's distributor sets it. */
  @JsonProperty
  public RetryAfterHeaderFactory getRetryAfterHeader() {
    return retryAfterHeader;
  }

  @JsonProperty
  public void setRetryAfterHeader(RetryAfterHeaderFactory retryAfterHeader) {
    this.retryAfterHeader = retryAfterHeader;
  }

  public Mode buildMode() {
    return mode;
  }

  public int buildMaxRequestBytes() {
    return Math.toIntExact(maxRequestBytes.toBytes());
  }

  public int buildMaxDecodedBytes() {
    return Math.toIntExact(maxDecodedBytes.toBytes());
  }
}
