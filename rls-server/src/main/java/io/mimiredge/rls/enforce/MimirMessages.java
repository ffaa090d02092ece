package io.mimiredge.rls.enforce;

import io.mimiredge.rls.remotewrite.ValidationLimits;
import io.mimiredge.rls.remotewrite.Violation;
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

  /**
   * The message of a validation error (validate.go's formats), for the violation Mimir meets first
   * and the value that broke the limit. The series, label names and values Mimir quotes are left
   * out.
   */
  static String violation(Violation v, long actual, ValidationLimits l) {
    return switch (v) {
      case MISSING_METRIC_NAME -> message("received series has no metric name", v);
      case METRIC_NAME_INVALID -> message("received a series with invalid metric name", v);
      case MAX_LABEL_NAMES_PER_SERIES ->
          perTenant(
              "received a series whose number of labels exceeds the limit (actual: "
                  + actual
                  + ", limit: "
                  + l.maxLabelNamesPerSeries()
                  + ")",
              v.id(),
              "validation.max-label-names-per-series");
      case MAX_LABEL_NAMES_PER_INFO_SERIES ->
          perTenant(
              "received an info series whose number of labels exceeds the limit (actual: "
                  + actual
                  + ", limit: "
                  + Math.max(l.maxLabelNamesPerSeries(), l.maxLabelNamesPerInfoSeries())
                  + ")",
              v.id(),
              "validation.max-label-names-per-info-series");
      case LABEL_INVALID -> message("received a series with an invalid label", v);
      case LABEL_NAME_TOO_LONG ->
          perTenant(
              "received a series whose label name length of "
                  + actual
                  + " exceeds the limit of "
                  + l.maxLabelNameLength(),
              v.id(),
              "validation.max-length-label-name");
      case LABEL_VALUE_INVALID -> message("received a series with an invalid label value", v);
      case LABEL_VALUE_TOO_LONG ->
          perTenant(
              "received a series whose label value length of "
                  + actual
                  + " exceeds the limit of "
                  + l.maxLabelValueLength(),
              v.id(),
              "validation.max-length-label-value");
      case DUPLICATE_LABEL_NAMES -> message("received a series with duplicate label name", v);
      case TOO_FAR_IN_FUTURE ->
          perTenant(
              "received a sample whose timestamp is too far in the future, timestamp: " + actual,
              v.id(),
              "validation.create-grace-period");
      case TOO_FAR_IN_PAST ->
          perTenant(
              "received a sample whose timestamp is too far in the past, timestamp: " + actual,
              v.id(),
              "validation.past-grace-period");
      case INVALID_NATIVE_HISTOGRAM_SCHEMA ->
          message("received a native histogram sample with an invalid schema: " + actual, v);
      case MAX_NATIVE_HISTOGRAM_BUCKETS ->
          message(
              "received a native histogram sample with too many buckets, buckets: "
                  + actual
                  + ", limit: "
                  + l.maxNativeHistogramBuckets(),
              v);
      case NOT_REDUCIBLE_NATIVE_HISTOGRAM ->
          message(
              "received a native histogram sample with too many buckets and cannot reduce,"
                  + " buckets: "
                  + actual
                  + ", limit: "
                  + l.maxNativeHistogramBuckets(),
              v);
      case NATIVE_HISTOGRAM_CUSTOM_BUCKETS_NOT_REDUCIBLE ->
          // Mimir's id for this one (globalerror.NativeHistogramCustomBucketsNotReducible) was
          // not in the sources read; its message is, so the message goes without an id.
          "received a native histogram sample with more custom buckets than the limit, buckets: "
              + actual
              + ", limit: "
              + l.maxNativeHistogramBuckets();
      case OTLP_PARSE_ERROR ->
          "otlp parse error: invalid temporality and type combination, no data or a name that"
              + " translates to nothing";
      case METADATA_MISSING_METRIC_NAME ->
          message("received a metric metadata with no metric name", v);
      case METADATA_METRIC_NAME_TOO_LONG ->
          perTenant(
              "received a metric metadata whose metric name length exceeds the limit",
              v.id(),
              "validation.max-metadata-length");
      case METADATA_UNIT_TOO_LONG ->
          perTenant(
              "received a metric metadata whose unit name length exceeds the limit",
              v.id(),
              "validation.max-metadata-length");
    };
  }

  /** errors.go's {@code tooManyClustersMsgFormat}. */
  static String tooManyHaClusters(int limit) {
    return perTenant(
        "the write request has been rejected because the maximum number of high-availability (HA)"
            + " clusters has been reached for this tenant (limit: "
            + limit
            + ")",
        "tenant-too-many-ha-clusters",
        "distributor.ha-tracker.max-clusters");
  }

  /** globalerror's {@code Message}: the text and the error id. */
  private static String message(String msg, Violation v) {
    return msg + " (err-mimir-" + v.id() + ")";
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

  /**
   * Mimir's {@code distributorMaxOTLPRequestSizeErr} for a compressed body of {@code size} bytes
   * over {@code limit} ({@code pkg/distributor/otel.go}); a size &lt;= 0 is left out.
   */
  static String otlpMessageSizeTooLarge(long size, long limit) {
    String desc = size > 0 ? " of " + size + " bytes (compressed)" : "";
    return "the incoming OTLP request has been rejected because its message size"
        + desc
        + " is larger than the allowed limit of "
        + limit
        + " bytes (err-mimir-distributor-max-otlp-request-size). To adjust the related limit,"
        + " configure -distributor.max-otlp-request-size, or contact your service"
        + " administrator.";
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
