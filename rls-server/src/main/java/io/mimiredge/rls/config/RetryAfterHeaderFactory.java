package io.mimiredge.rls.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.mimiredge.rls.enforce.RetryAfterHeader;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * {@code enforcement.retryAfterHeader:} the {@code Retry-After} on a 429, as Mimir's distributor
 * sets it ({@link RetryAfterHeader}); set it as Mimir's {@code -distributor.retry-after-header.*}
 * flags are set. Mimir's defaults.
 */
public class RetryAfterHeaderFactory {
  private boolean enabled = true;

  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.SECONDS)
  private Duration minBackoff = Duration.seconds(6);

  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.SECONDS)
  private Duration maxBackoff = Duration.seconds(96);

  /** {@code -distributor.retry-after-header.enabled}: false sets no {@code Retry-After}. */
  @JsonProperty
  public boolean isEnabled() {
    return enabled;
  }

  @JsonProperty
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** {@code -distributor.retry-after-header.min-backoff}. */
  @JsonProperty
  public Duration getMinBackoff() {
    return minBackoff;
  }

  @JsonProperty
  public void setMinBackoff(Duration minBackoff) {
    this.minBackoff = minBackoff;
  }

  /** {@code -distributor.retry-after-header.max-backoff}. */
  @JsonProperty
  public Duration getMaxBackoff() {
    return maxBackoff;
  }

  @JsonProperty
  public void setMaxBackoff(Duration maxBackoff) {
    this.maxBackoff = maxBackoff;
  }

  /** The policy; refuses a maxBackoff below minBackoff, naming both. */
  public RetryAfterHeader build() {
    try {
      return new RetryAfterHeader(
          enabled,
          java.time.Duration.ofMillis(minBackoff.toMilliseconds()),
          java.time.Duration.ofMillis(maxBackoff.toMilliseconds()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("enforcement.retryAfterHeader: " + e.getMessage(), e);
    }
  }
}
