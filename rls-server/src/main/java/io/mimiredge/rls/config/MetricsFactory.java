package io.mimiredge.rls.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** {@code metrics:} what {@code /metrics} exposes. */
public class MetricsFactory {
  @Min(0)
  @Max(1000)
  private int topTenants = 20;

  /**
   * How many tenants, the busiest by volume, get their own {@code tenant} label; the rest are
   * {@code tenant="other"}. 0: none.
   */
  @JsonProperty
  public int getTopTenants() {
    return topTenants;
  }

  @JsonProperty
  public void setTopTenants(int topTenants) {
    this.topTenants = topTenants;
  }
}
