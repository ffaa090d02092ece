package io.mimiredge.rls.remotewrite;

import static io.mimiredge.rls.remotewrite.Proto.exemplar;
import static io.mimiredge.rls.remotewrite.Proto.histogram;
import static io.mimiredge.rls.remotewrite.Proto.label;
import static io.mimiredge.rls.remotewrite.Proto.message;
import static io.mimiredge.rls.remotewrite.Proto.sampleAt;
import static io.mimiredge.rls.remotewrite.Violation.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.limits.ValidationPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mimir's validation and counting rules, case by case, each named after the Mimir test or code path
 * it mirrors ({@code pkg/distributor/validate_test.go}, {@code distributor_test.go}, {@code
 * validate.go}, {@code distributor.go}): the request, the tenant's limits, the items Mimir's
 * ingestion limiter counts, the violation it answers 400 for, and the edge's status under the
 * {@code deny} policy. Every case is also counted by {@link ReferenceDecoder}, which must agree.
 */
class MimirRulesTest {
  private static final long NOW = Limits.NOW;
  private static final long T0 = NOW - 60_000; // a minute ago
  private static final WriteRequestScanner SCANNER = new WriteRequestScanner(1 << 20);

  record Case(
      String name,
      byte[] protobuf,
      UnaryOperator<TenantLimits.Builder> limits,
      long items,
      Violation violation) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A series of these labels (name, value, ...) with one sample a minute ago. */
  private static byte[] series(String... labels) {
    return seriesAt(new long[] {T0}, labels);
  }

  private static byte[] seriesAt(long[] timestamps, String... labels) {
    return message(
        out -> {
          for (int i = 0; i + 1 < labels.length; i += 2) {
            out.writeByteArray(1, label(labels[i], labels[i + 1]));
          }
          for (long t : timestamps) {
            out.writeByteArray(2, sampleAt(t));
          }
        });
  }

  /** A series {@code __name__="up"} with these extra fields (exemplars, histograms). */
  private static byte[] upWith(int field, byte[]... values) {
    return message(
        out -> {
          out.writeByteArray(1, label("__name__", "up"));
          out.writeByteArray(2, sampleAt(T0));
          for (byte[] v : values) {
            out.writeByteArray(field, v);
          }
        });
  }

  private static byte[] request(byte[]... series) {
    return Proto.request(series);
  }

  private static byte[] metadataRequest(String family, String help, String unit) {
    return message(out -> out.writeByteArray(3, Proto.metadata(family, help, unit)));
  }

  private static Case c(String name, byte[] protobuf, long items, Violation v) {
    return new Case(name, protobuf, b -> b, items, v);
  }

  private static Case c(
      String name,
      byte[] protobuf,
      UnaryOperator<TenantLimits.Builder> limits,
      long items,
      Violation v) {
    return new Case(name, protobuf, limits, items, v);
  }

  static Stream<Case> cases() {
    String v80 = "x".repeat(80);
    List<Case> all = new ArrayList<>();
    // validate_test.go TestValidateLabels
    all.add(
        c(
            "TestValidateLabels: valid metric",
            request(series("__name__", "up", "job", "a")),
            1,
            null));
    all.add(
        c(
            "TestValidateLabels: missing metric name",
            request(series("job", "a")),
            0,
            MISSING_METRIC_NAME));
    all.add(
        c(
            "TestValidateLabels: blank metric name (empty values are removed first)",
            request(series("__name__", "", "job", "a")),
            0,
            MISSING_METRIC_NAME));
    all.add(
        c(
            "TestValidateLabels: invalid metric name",
            request(series("__name__", "1up")),
            0,
            METRIC_NAME_INVALID));
    all.add(
        c("legacy metric names may hold colons", request(series("__name__", "a:b_c")), 1, null));
    all.add(
        c(
            "TestValidateLabels: emoji in metric name (legacy)",
            request(series("__name__", "up😀")),
            0,
            METRIC_NAME_INVALID));
    all.add(
        c(
            "TestValidateLabels: emoji in metric name (utf8 scheme)",
            request(series("__name__", "up😀")),
            b -> b.nameValidationScheme(NameValidation.UTF8),
            1,
            null));
    all.add(
        c(
            "TestValidateLabels: invalid label name with space",
            request(series("__name__", "up", "a b", "x")),
            0,
            LABEL_INVALID));
    // The walker remembers the names it found valid by their place in a series: a name at that
    // place in a later series passes only when it is the same bytes.
    all.add(
        c(
            "a valid name does not pass another at its place in a later series",
            request(series("__name__", "up", "job", "x"), series("__name__", "up", "jo b", "x")),
            1,
            LABEL_INVALID));
    all.add(
        c(
            "nor a longer one that starts with it (a NUL past its eighth byte)",
            request(
                series("__name__", "up", "abcdefgh", "x"),
                series("__name__", "up", "abcdefgh\u0000", "x"),
                series("__name__", "up", "abcdefghijklmnop", "x"),
                series("__name__", "up", "abcdefghijklmno\u0000", "x")),
            2,
            LABEL_INVALID));
    all.add(
        c(
            "legacy label names hold no colon",
            request(series("__name__", "up", "a:b", "x")),
            0,
            LABEL_INVALID));
    all.add(
        c(
            "TestValidateLabels: emoji in label name (utf8 scheme)",
            request(series("__name__", "up", "😀", "x")),
            b -> b.nameValidationScheme(NameValidation.UTF8),
            1,
            null));
    all.add(
        c(
            "TestValidateLabels: label name too long",
            request(series("__name__", "up", "abcdefghi", "x")),
            b -> b.maxLabelNameLength(8),
            0,
            LABEL_NAME_TOO_LONG));
    all.add(
        c(
            "TestValidateLabels: label value too long",
            request(series("__name__", "up", "a", "123456")),
            b -> b.maxLabelValueLength(5),
            0,
            LABEL_VALUE_TOO_LONG));
    all.add(
        c(
            "TestValidateLabels: label value too long gets truncated",
            request(series("__name__", "up", "a", v80)),
            b ->
                b.maxLabelValueLength(75)
                    .labelValueLengthOverLimitStrategy(LabelValueStrategy.TRUNCATE),
            1,
            null));
    all.add(
        c(
            "TestValidateLabels: label value too long gets dropped",
            request(series("__name__", "up", "a", v80)),
            b ->
                b.maxLabelValueLength(75)
                    .labelValueLengthOverLimitStrategy(LabelValueStrategy.DROP),
            1,
            null));
    all.add(
        c(
            "TestValidateLabels: too many labels (__name__ counts)",
            request(series("__name__", "up", "a", "1", "b", "2")),
            b -> b.maxLabelNamesPerSeries(2),
            0,
            MAX_LABEL_NAMES_PER_SERIES));
    all.add(
        c(
            "TestValidateLabels: valid info metric within limits",
            request(series("__name__", "build_info", "a", "1", "b", "2")),
            b -> b.maxLabelNamesPerSeries(2).maxLabelNamesPerInfoSeries(3),
            1,
            null));
    all.add(
        c(
            "TestValidateLabels: info metric too many labels",
            request(series("__name__", "build_info", "a", "1", "b", "2", "c", "3")),
            b -> b.maxLabelNamesPerSeries(2).maxLabelNamesPerInfoSeries(3),
            0,
            MAX_LABEL_NAMES_PER_INFO_SERIES));
    all.add(
        c(
            "TestValidateLabels: invalid utf8 label value",
            request(
                message(
                    out -> {
                      out.writeByteArray(1, label("__name__", "up"));
                      out.writeByteArray(1, label("a", new byte[] {'a', (byte) 0xfe, (byte) 0xfd}));
                      out.writeByteArray(2, sampleAt(T0));
                    })),
            0,
            LABEL_VALUE_INVALID));
    all.add(
        c(
            "TestValidateLabels: valid unicode label value",
            request(series("__name__", "up", "city", "Zürich ñandú 東京")),
            1,
            null));
    // validate_test.go TestValidateLabelDuplication; the sort of prePushSortAndFilterMiddleware
    all.add(
        c(
            "TestValidateLabelDuplication",
            request(series("__name__", "up", "a", "1", "a", "2")),
            0,
            DUPLICATE_LABEL_NAMES));
    all.add(
        c(
            "SortLabelsIfNeeded: unsorted labels are sorted, not refused",
            request(series("job", "x", "__name__", "up", "a", "b")),
            1,
            null));
    all.add(
        c(
            "SortLabelsIfNeeded: duplicates apart in the request meet once sorted",
            request(series("b", "1", "__name__", "up", "b", "2")),
            0,
            DUPLICATE_LABEL_NAMES));
    all.add(
        c(
            "SortLabelsIfNeeded: the first error is the first in sorted order",
            request(series("z z", "1", "__name__", "up", "a", "123456")),
            b -> b.maxLabelValueLength(5),
            0,
            LABEL_VALUE_TOO_LONG));
    // distributor_test.go TestDistributor_Push_LabelRemoval; RemoveEmptyLabelValues
    all.add(
        c(
            "TestDistributor_Push_LabelRemoval: blank label values do not count",
            request(series("__name__", "up", "a", "1", "b", "")),
            b -> b.maxLabelNamesPerSeries(2),
            1,
            null));
    all.add(
        c(
            "prePushSortAndFilterMiddleware: a series left without labels is dropped silently",
            request(series("a", ""), series("__name__", "up")),
            1,
            null));
    // validate.go validateSample; distributor.go validateSamples
    all.add(
        c(
            "validateSample: too far in the future (creation_grace_period 10m)",
            request(seriesAt(new long[] {NOW + 11 * 60_000}, "__name__", "up")),
            0,
            TOO_FAR_IN_FUTURE));
    all.add(
        c(
            "validateSample: within the creation grace period",
            request(seriesAt(new long[] {NOW + 9 * 60_000}, "__name__", "up")),
            1,
            null));
    all.add(
        c(
            "validateSample: too far in the past (past_grace_period)",
            request(seriesAt(new long[] {NOW - 2 * 3_600_000}, "__name__", "up")),
            b -> b.pastGracePeriod(Duration.ofHours(1)),
            0,
            TOO_FAR_IN_PAST));
    all.add(
        c(
            "validateSample: out_of_order_time_window widens the past grace period",
            request(seriesAt(new long[] {NOW - 2 * 3_600_000}, "__name__", "up")),
            b -> b.pastGracePeriod(Duration.ofHours(1)).outOfOrderTimeWindow(Duration.ofHours(2)),
            1,
            null));
    all.add(
        c(
            "validateSample: past_grace_period 0 sets no lower bound",
            request(seriesAt(new long[] {1}, "__name__", "up")),
            1,
            null));
    all.add(
        c(
            "TestDistributor_SampleDuplicateTimestamp: repeated timestamps are dropped, not errors",
            request(seriesAt(new long[] {T0, T0, T0 + 1}, "__name__", "up")),
            2,
            null));
    all.add(
        c(
            "validateSamples: a repeat after a later sample is dropped too",
            request(seriesAt(new long[] {T0 + 1, T0, T0 + 1}, "__name__", "up")),
            2,
            null));
    all.add(
        c(
            "validateSamples: one bad sample drops the whole series",
            request(seriesAt(new long[] {T0, NOW + 3_600_000}, "__name__", "up")),
            0,
            TOO_FAR_IN_FUTURE));
    // distributor.go validateExemplars, validate.go validateExemplar
    byte[] ex = exemplar(T0, "trace_id", "abc");
    UnaryOperator<TenantLimits.Builder> keep = b -> b.maxGlobalExemplarsPerUser(1000);
    all.add(
        c(
            "validateExemplars: cleared when max_global_exemplars_per_user is 0",
            request(upWith(3, ex, ex)),
            1,
            null));
    all.add(
        c(
            "validateExemplars: counted when the tenant keeps them",
            request(upWith(3, ex, ex)),
            keep,
            3,
            null));
    all.add(
        c(
            "TestDistributor_Push_ExemplarValidation: drops exemplar with no labels",
            request(upWith(3, ex, exemplar(T0))),
            keep,
            2,
            null));
    all.add(
        c(
            "TestDistributor_Push_ExemplarValidation: drops exemplar with no timestamp",
            request(upWith(3, ex, exemplar(0, "trace_id", "abc"))),
            keep,
            2,
            null));
    all.add(
        c(
            "TestDistributor_Push_ExemplarValidation: drops exemplar with too long labelset",
            request(
                upWith(3, exemplar(T0, "t", "é".repeat(128)), exemplar(T0, "t", "é".repeat(127)))),
            keep,
            2,
            null));
    all.add(
        c(
            "validateExemplar: no label with both a name and a value",
            request(upWith(3, ex, exemplar(T0, "trace_id", ""))),
            keep,
            2,
            null));
    all.add(
        c(
            "TestDistributor_ExemplarValidation: timestamp lower than the accepted minimum",
            request(upWith(3, ex, exemplar(T0 - 6 * 60_000, "trace_id", "abc"))),
            keep,
            2,
            null));
    all.add(
        c(
            "TestDistributor_ExemplarValidation: timestamp greater than the accepted maximum",
            request(upWith(3, ex, exemplar(NOW + 11 * 60_000, "trace_id", "abc"))),
            keep,
            2,
            null));
    all.add(
        c(
            "TestDistributor_ExemplarValidation: above the allowed exemplars per series",
            request(upWith(3, ex, ex, ex)),
            b -> b.maxGlobalExemplarsPerUser(1000).maxExemplarsPerSeriesPerRequest(2),
            3,
            null));
    all.add(
        c(
            "prePushValidationMiddleware: exemplars without samples skip the limiter",
            request(
                message(
                    out -> {
                      out.writeByteArray(1, label("__name__", "up"));
                      out.writeByteArray(3, ex);
                    })),
            keep,
            0,
            null));
    // validate.go validateSampleHistogram
    all.add(
        c(
            "TestInvalidNativeHistogramSchema: schema 10",
            request(upWith(4, histogram(10, T0, 0, 2))),
            0, // the series' float sample is dropped with it
            INVALID_NATIVE_HISTOGRAM_SCHEMA));
    all.add(
        c(
            "TestInvalidNativeHistogramSchema: -53 (custom buckets) is valid",
            request(upWith(4, histogram(-53, T0, 0, 2))),
            2,
            null));
    UnaryOperator<TenantLimits.Builder> two = b -> b.maxNativeHistogramBuckets(2);
    all.add(
        c(
            "TestMaxNativeHistorgramBuckets: at the limit",
            request(upWith(4, histogram(3, T0, 0, 2))),
            two,
            2,
            null));
    all.add(
        c(
            "TestNativeHistogramDownScaling: downscaling not allowed",
            request(upWith(4, histogram(3, T0, 1, 3))),
            b -> b.maxNativeHistogramBuckets(2).reduceNativeHistogramOverMaxBuckets(false),
            0,
            MAX_NATIVE_HISTOGRAM_BUCKETS));
    all.add(
        c(
            "TestNativeHistogramDownScaling: downscaling allowed",
            request(upWith(4, histogram(3, T0, 1, 3))),
            two,
            2,
            null));
    all.add(
        c(
            "TestNativeHistogramDownScaling: downscaling allowed but impossible",
            request(upWith(4, histogram(3, T0, 0, 3))),
            two,
            0,
            NOT_REDUCIBLE_NATIVE_HISTOGRAM));
    all.add(
        c(
            "TestNativeHistogramDownScaling: downscaling not possible for nhcb",
            request(upWith(4, histogram(-53, T0, 0, 3))),
            two,
            0,
            NATIVE_HISTOGRAM_CUSTOM_BUCKETS_NOT_REDUCIBLE));
    all.add(
        c(
            "validateSampleHistogram: too far in the future",
            request(upWith(4, histogram(3, NOW + 11 * 60_000, 0, 1))),
            0,
            TOO_FAR_IN_FUTURE));
    // validate.go cleanAndValidateMetadata, TestValidateMetadata
    all.add(
        c(
            "TestValidateMetadata: with a long help (truncated, not an error)",
            metadataRequest("go_goroutines", "Number of goroutines that currently exist.", ""),
            b -> b.maxMetadataLength(22),
            1,
            null));
    all.add(
        c(
            "TestValidateMetadata: with no metric name",
            metadataRequest("", "help", ""),
            0,
            METADATA_MISSING_METRIC_NAME));
    all.add(
        c(
            "cleanAndValidateMetadata: no metric name, enforce_metadata_metric_name false",
            metadataRequest("", "help", ""),
            b -> b.enforceMetadataMetricName(false),
            1,
            null));
    all.add(
        c(
            "TestValidateMetadata: with a long metric name",
            metadataRequest("go_goroutines_and_more", "help", ""),
            b -> b.maxMetadataLength(10),
            0,
            METADATA_METRIC_NAME_TOO_LONG));
    all.add(
        c(
            "TestValidateMetadata: with a long unit",
            metadataRequest("up", "help", "seconds_and_more"),
            b -> b.maxMetadataLength(10),
            0,
            METADATA_UNIT_TOO_LONG));
    // ha_dedupe_per_request.go, TestDistributor_Push_LabelRemoval, TestDistributor_PushHAInstances
    UnaryOperator<TenantLimits.Builder> ha = b -> b.acceptHaSamples(true).maxLabelNamesPerSeries(3);
    byte[] haSeries = series("__name__", "up", "__replica__", "r1", "a", "1", "cluster", "c1");
    all.add(
        c(
            "TestDistributor_Push_LabelRemoval: the replica label is removed before validation",
            request(haSeries, haSeries),
            ha,
            2,
            null));
    byte[] haFirst = series("__name__", "up", "__replica__", "r1", "cluster", "c1");
    all.add(
        c(
            "mimirpb PreallocTimeseries.RemoveLabel: only the first replica label goes, the others"
                + " stay and are duplicates",
            request(
                haFirst,
                series(
                    "__name__", "x", "__replica__", "a", "__replica__", "b", "__replica__", "c")),
            b -> b.acceptHaSamples(true),
            1,
            DUPLICATE_LABEL_NAMES));
    all.add(
        c(
            "mimirpb PreallocTimeseries.RemoveLabel: the first replica label goes even when empty,"
                + " before RemoveEmptyLabelValues, and the next one counts",
            request(
                haFirst, series("__name__", "x", "__replica__", "", "__replica__", "b", "a", "1")),
            b -> b.acceptHaSamples(true).maxLabelNamesPerSeries(2),
            1,
            MAX_LABEL_NAMES_PER_SERIES));
    all.add(
        c(
            "the replica label counts without accept_ha_samples",
            request(haSeries),
            b -> b.maxLabelNamesPerSeries(3),
            0,
            MAX_LABEL_NAMES_PER_SERIES));
    all.add(
        c(
            "TestDistributor_PushHAInstances: a replica over max_label_value_length stays, and fails",
            request(series("__name__", "up", "__replica__", "replica-1", "cluster", "c1")),
            b -> b.acceptHaSamples(true).maxLabelValueLength(5),
            0,
            LABEL_VALUE_TOO_LONG));
    all.add(
        c(
            "ha_dedupe_per_request.go: the HA labels come from the first series only",
            request(series("__name__", "up", "a", "1", "cluster", "c1"), haSeries),
            ha,
            1,
            MAX_LABEL_NAMES_PER_SERIES));
    // distributor.go prePushValidationMiddleware
    all.add(
        c(
            "prePushValidationMiddleware: nothing valid takes no ingestion tokens",
            request(series("job", "a"), series("__name__", "1up")),
            0,
            MISSING_METRIC_NAME));
    all.add(
        c(
            "prePushValidationMiddleware: the valid rest is counted beside an invalid series",
            request(
                series("job", "a"), series("__name__", "up"), series("__name__", "up", "x", "y")),
            2,
            MISSING_METRIC_NAME));
    all.add(
        c(
            "prePushValidationMiddleware: series are validated before metadata, whatever the order",
            Proto.concat(
                message(out -> out.writeByteArray(3, Proto.metadata("", "help", ""))),
                request(series("job", "a"))),
            0,
            MISSING_METRIC_NAME));
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void countsAndDecidesAsMimir(Case c) throws Exception {
    TenantLimits limits =
        c.limits()
            .apply(TenantLimits.builder().ingestionRate(1e6).ingestionBurstSize(1_000_000))
            .build();
    byte[] body = Proto.body(c.protobuf());

    WriteRequestStats stats = SCANNER.scan(body, limits.validationLimits(), NOW);
    assertThat(stats.items()).as("items Mimir counts").isEqualTo(c.items());
    assertThat(stats.firstViolation()).as("the violation Mimir answers").isEqualTo(c.violation());
    assertThat(stats)
        .as("the reference")
        .isEqualTo(
            ReferenceDecoder.stats(c.protobuf(), body.length, limits.validationLimits(), NOW));

    // forward (the default): admitted, the counted items taken from the bucket
    Decision forward = evaluator(limits).evaluate("t", body);
    assertThat(forward.status()).isEqualTo(200);
    assertThat(forward.items()).isEqualTo(c.items());
    // deny: a 400 with Mimir's error id for an invalid series or metadata, else admitted
    Decision deny =
        evaluator(limits.toBuilder().validation(ValidationPolicy.DENY).build()).evaluate("t", body);
    assertThat(deny.status()).isEqualTo(c.violation() == null ? 200 : 400);
    if (c.violation() != null && c.violation() != NATIVE_HISTOGRAM_CUSTOM_BUCKETS_NOT_REDUCIBLE) {
      assertThat(deny.message()).contains("err-mimir-" + c.violation().id());
    }
  }

  /**
   * Requests without violations share one array of zeros in their statistics: a later request's
   * violations do not reach an earlier one's, nor does a caller that writes into what it is given.
   */
  @Test
  void statisticsWithoutViolationsKeepNoneWhateverComesAfter() throws Exception {
    ValidationLimits v = TenantLimits.MIMIR_DEFAULTS.validationLimits();
    WriteRequestStats clean = SCANNER.scan(Proto.body(request(series("__name__", "up"))), v, NOW);
    long[] given = clean.violations();
    given[LABEL_INVALID.ordinal()] = 7;
    WriteRequestStats invalid =
        SCANNER.scan(Proto.body(request(series("__name__", "up", "a b", "x"))), v, NOW);
    WriteRequestStats cleanAgain =
        SCANNER.scan(Proto.body(request(series("__name__", "up"))), v, NOW);

    assertThat(invalid.violations(LABEL_INVALID)).isEqualTo(1);
    assertThat(clean.violations(LABEL_INVALID)).isZero();
    assertThat(cleanAgain.violations(LABEL_INVALID)).isZero();
    assertThat(clean.violationsByLabel()).isEmpty();
    assertThat(clean).isEqualTo(cleanAgain);
  }

  /** The push doors' evaluation for a tenant of these limits, on local buckets, at {@code NOW}. */
  static PushEvaluator evaluator(TenantLimits limits) {
    Enforcer e =
        Enforcer.builder()
            .overrides(Overrides.of(limits))
            .buckets(new LocalBucketStore(System::nanoTime))
            .build();
    return new PushEvaluator(e, SCANNER, 1 << 20, () -> NOW);
  }
}
