package io.mimiredge.rls.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.rls.remotewrite.ValidationLimits;
import io.mimiredge.rls.remotewrite.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MimirMessagesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "10000, 10000",
    "200000, 200000",
    "1000000, 1e+06",
    "1234567, 1.234567e+06",
    "2500.5, 2500.5",
    "3333.3333333333335, 3333.3333333333335",
    "0.5, 0.5",
    "0.0001, 0.0001",
    "0.00001, 1e-05",
    "0, 0",
    "-2.5, -2.5"
  })
  void printsFloatsLikeGo(double v, String expected) {
    assertThat(MimirMessages.goFloat(v)).isEqualTo(expected);
  }

  @Test
  void ingestionRateMessageIsMimirs() {
    assertThat(MimirMessages.ingestionRateLimited(10000, 200000))
        .isEqualTo(
            "the request has been rejected because the tenant exceeded the ingestion rate limit,"
                + " set to 10000 items/s with a maximum allowed burst of 200000. This limit is"
                + " applied on the total number of samples, exemplars and metadata received across"
                + " all distributors (err-mimir-tenant-max-ingestion-rate). To adjust the related"
                + " per-tenant limits, configure -distributor.ingestion-rate-limit and"
                + " -distributor.ingestion-burst-size, or contact your service administrator.");
  }

  @Test
  void burstSizeMessageIsMimirs() {
    assertThat(MimirMessages.ingestionBurstSizeLimited(5, 6))
        .isEqualTo(
            "the request has been rejected because the tenant exceeded the ingestion burst size"
                + " limit, set to 5, with 6 items. This limit is applied on the total number of"
                + " samples, exemplars and metadata received across all distributors"
                + " (err-mimir-tenant-max-ingestion-rate). To adjust the related per-tenant limit,"
                + " configure -distributor.ingestion-burst-size, or contact your service"
                + " administrator.");
  }

  @Test
  void requestRateMessageIsMimirs() {
    assertThat(MimirMessages.requestRateLimited(2.5, 10))
        .isEqualTo(
            "the request has been rejected because the tenant exceeded the request rate limit, set"
                + " to 2.5 requests/s across all distributors with a maximum allowed burst of 10"
                + " (err-mimir-tenant-max-request-rate). To adjust the related per-tenant limits,"
                + " configure -distributor.request-rate-limit and -distributor.request-burst-size,"
                + " or contact your service administrator.");
  }

  @Test
  void messageSizeMessageIsMimirs() {
    assertThat(MimirMessages.messageSizeTooLarge(60_000_000, 52_428_800, true))
        .isEqualTo(
            "the incoming push request has been rejected because its message size of 60000000"
                + " bytes (compressed) is larger than the allowed limit of 52428800 bytes"
                + " (err-mimir-distributor-max-write-message-size). To adjust the related limit,"
                + " configure -distributor.max-recv-msg-size, or contact your service"
                + " administrator.");
    assertThat(MimirMessages.messageSizeTooLarge(-1, 100, true))
        .startsWith(
            "the incoming push request has been rejected because its message size is larger than"
                + " the allowed limit of 100 bytes");
  }

  @Test
  void validationMessagesNameTheLimitButNoLabels() {
    ValidationLimits d = ValidationLimits.MIMIR_DEFAULTS;
    assertThat(MimirMessages.violation(Violation.MAX_LABEL_NAMES_PER_SERIES, 35, d))
        .isEqualTo(
            "received a series whose number of labels exceeds the limit (actual: 35, limit: 30)"
                + " (err-mimir-max-label-names-per-series). To adjust the related per-tenant"
                + " limit, configure -validation.max-label-names-per-series, or contact your"
                + " service administrator.");
    assertThat(MimirMessages.violation(Violation.LABEL_NAME_TOO_LONG, 2000, d))
        .contains("label name length of 2000 exceeds the limit of 1024")
        .contains("(err-mimir-label-name-too-long)")
        .contains("-validation.max-length-label-name");
    assertThat(MimirMessages.violation(Violation.LABEL_VALUE_TOO_LONG, 5000, d))
        .contains("label value length of 5000 exceeds the limit of 2048")
        .contains("(err-mimir-label-value-too-long)")
        .contains("-validation.max-length-label-value");
    assertThat(MimirMessages.violation(Violation.METADATA_METRIC_NAME_TOO_LONG, 2000, d))
        .contains("err-mimir-metric-name-too-long")
        .contains("-validation.max-metadata-length");
    assertThat(MimirMessages.violation(Violation.MISSING_METRIC_NAME, 0, d))
        .isEqualTo("received series has no metric name (err-mimir-missing-metric-name)");
    assertThat(MimirMessages.violation(Violation.TOO_FAR_IN_FUTURE, 1_795_401_000_000L, d))
        .startsWith(
            "received a sample whose timestamp is too far in the future, timestamp:"
                + " 1795401000000 (err-mimir-too-far-in-future)");
    // errors.go tooManyClustersMsgFormat
    assertThat(MimirMessages.tooManyHaClusters(100))
        .isEqualTo(
            "the write request has been rejected because the maximum number of"
                + " high-availability (HA) clusters has been reached for this tenant (limit: 100)"
                + " (err-mimir-tenant-too-many-ha-clusters). To adjust the related per-tenant"
                + " limit, configure -distributor.ha-tracker.max-clusters, or contact your"
                + " service administrator.");
    for (Violation v : Violation.values()) {
      String m = MimirMessages.violation(v, 7, d);
      assertThat(m).as(v.name()).isNotBlank();
      if (v == Violation.OTLP_PARSE_ERROR) {
        assertThat(m).startsWith("otlp parse error: "); // otel.go's, with no error id
      } else if (v != Violation.NATIVE_HISTOGRAM_CUSTOM_BUCKETS_NOT_REDUCIBLE) {
        assertThat(m).as(v.name()).contains("(err-mimir-" + v.id() + ")");
      }
    }
  }
}
