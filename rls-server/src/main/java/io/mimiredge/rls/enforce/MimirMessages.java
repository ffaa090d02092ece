package io.mimiredge.rls.enforce;

import java.math.BigDecimal;

/**
 * Mimir's denial messages (pkg/distributor/errors.go, validate.go, push.go, dskit user/tenant), so
 * clients see at the edge what Mimir would have said. Series labels are left out on purpose: the
 * edge never echoes label values. Stateless.
 */
final class MimirMessages {
  private static final String ACROSS_DISTRIBUTORS =
      "This limit is applied on the total number of samples, exemplars and metadata received"
          + " across all distributors";

  private MimirMessages() {}

  static String ingestionRateLimited(double rate, long burst) {
    return perTenant(
        "the request has been rejected because the tenant exceeded the ingestion rate limit, set"
            + " to "
            + goFloat(rate)
            + " items/s with a maximum allowed burst of "
            + burst
            + ". "
            + ACROSS_DISTRIBUTORS,
        "tenant-max-ingestion-rate",
        "distributor.ingestion-rate-limit",
        "distributor.ingestion-burst-size");
  }

  static String ingestionBurstSizeLimited(long burst, long items) {
    return perTenant(
        "the request has been rejected because the tenant exceeded the ingestion burst size"
            + " limit, set to "
            + burst
            + ", with "
            + items
            + " items. "
            + ACROSS_DISTRIBUTORS,
        "tenant-max-ingestion-rate",
        "distributor.ingestion-burst-size");
  }

  static String requestRateLimited(double rate, long burst) {
    return perTenant(
        "the request has been rejected because the tenant exceeded the request rate limit, set to "
            + goFloat(rate)
            + " requests/s across all distributors with a maximum allowed burst of "
            + burst,
        "tenant-max-request-rate",
        "distributor.request-rate-limit",
        "distributor.request-burst-size");
  }

  static String tooManyLabels(long actual, long limit) {
    return perTenant(
        "received a series whose number of labels exceeds the limit (actual: "
            + actual
            + ", limit: "
            + limit
            + ")",
        "max-label-names-per-series",
        "validation.max-label-names-per-series");
  }

  static String labelNameTooLong(long actual, long limit) {
    return perTenant(
        "received a series whose label name length of " + actual + " exceeds the limit of " + limit,
        "label-name-too-long",
        "validation.max-length-label-name");
  }

  static String labelValueTooLong(long actual, long limit) {
    return perTenant(
        "received a series whose label value length of "
            + actual
            + " exceeds the limit of "
            + limit,
        "label-value-too-long",
        "validation.max-length-label-value");
  }

  /** The scan does not tell a too-long metric name from a too-long unit; both ids are named. */
  static String metadataTooLong(long limit) {
    return "received a metric metadata whose metric name or unit length exceeds the limit of "
        + limit
        + " (err-mimir-metric-name-too-long, err-mimir-unit-too-long). To adjust the related"
        + " per-tenant limit, configure -validation.max-metadata-length, or contact your service"
        + " administrator.";
  }

  /**
   * Mimir's {@code distributorMaxWriteMessageSizeErr}; a size &lt;= 0 is left out, as Mimir does
   * when it does not know it.
   */
  static String messageSizeTooLarge(long size, long limit, boolean compressed) {
    String desc =
        size > 0
            ? " of " + size + " bytes (" + (compressed ? "compressed" : "uncompressed") + ")"
            : "";
    return "the incoming push request has been rejected because its message size"
        + desc
        + " is larger than the allowed limit of "
        + limit
        + " bytes (err-mimir-distributor-max-write-message-size). To adjust the related limit,"
        + " configure -distributor.max-recv-msg-size, or contact your service administrator.";
  }

  /** globalerror's {@code MessageWithPerTenantLimitConfig}. */
  static String perTenant(String msg, String id, String flag, String... moreFlags) {
    StringBuilder flags = new StringBuilder("-").append(flag);
    for (int i = 0; i < moreFlags.length; i++) {
      flags.append(i == moreFlags.length - 1 ? " and -" : ", -").append(moreFlags[i]);
    }
    return msg
        + " (err-mimir-"
        + id
        + "). To adjust the related per-tenant limit"
        + (moreFlags.length > 0 ? "s" : "")
        + ", configure "
        + flags
        + ", or contact your service administrator.";
  }

  /**
   * A float64 as Go's {@code %v} prints it: shortest digits, exponent form (e.g. {@code 1e+06})
   * when the decimal exponent is below -4 or at least 6.
   */
  static String goFloat(double v) {
    if (v == 0) {
      return "0";
    }
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.isNaN(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf");
    }
    BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
    String digits = d.unscaledValue().toString();
    int exp = digits.length() - 1 - d.scale();
    String sign = v < 0 ? "-" : "";
    if (exp >= -4 && exp < 6) {
      return sign + d.toPlainString();
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return sign
        + mantissa
        + "e"
        + (exp < 0 ? "-" : "+")
        + (Math.abs(exp) < 10 ? "0" : "")
        + Math.abs(exp);
  }
}
