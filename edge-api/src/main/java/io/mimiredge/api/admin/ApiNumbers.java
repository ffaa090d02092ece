package io.mimiredge.api.admin;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** How the admin API writes a rate or a share. */
public final class ApiNumbers {
  private ApiNumbers() {}

  /**
   * Four decimals are plenty for a dashboard; NaN and the infinities, which JSON has not, are 0.
   */
  public static double round(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return 0;
    }
    return BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_UP).doubleValue();
  }
}
