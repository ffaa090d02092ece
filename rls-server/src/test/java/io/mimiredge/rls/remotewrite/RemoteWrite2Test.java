package io.mimiredge.rls.remotewrite;

import static io.mimiredge.rls.remotewrite.Limits.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mimiredge.rls.testing.Rw2Fixtures;
import io.mimiredge.rls.testing.rw2.Metadata;
import io.mimiredge.rls.testing.rw2.Request;
import io.mimiredge.rls.testing.rw2.Sample;
import io.mimiredge.rls.testing.rw2.TimeSeries;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Remote write 2.0: the captured requests rebuilt as 2.0 ({@link Rw2Fixtures}) are counted as Mimir
 * counts them, by the scanner and by the reference ({@link ReferenceDecoderV2}), and what Mimir's
 * decoder refuses ({@code pkg/mimirpb/unmarshal_rw2.go}, {@code compat_rw2.go}) is refused.
 */
class RemoteWrite2Test {
  private final WriteRequestScanner scanner = new WriteRequestScanner(64 << 20);

  static Stream<ValidationLimits> limits() {
    return ValidationCountingTest.limitsOnEveryFixture().map(a -> (ValidationLimits) a.get()[0]);
  }

  /** Each limit set on all 261 requests as 2.0: the scanner and the reference agree exactly. */
  @ParameterizedTest
  @MethodSource("limits")
  void agreesWithTheReferenceOnEveryFixtureAs2(ValidationLimits limits) throws Exception {
    long now = limits.pastGraceMillis() > 0 ? NOW + Duration.ofDays(1).toMillis() : NOW;
    for (JsonNode row : Fixtures.expected()) {
      String file = row.get("file").asText();
      byte[] v2 = Rw2Fixtures.fromV1(Fixtures.protobuf(file)).toByteArray();
      byte[] body = Fixtures.compress(v2);
      WriteRequestStats stats = scanner.scan(body, 0, body.length, limits, now, Protocol.RW2);
      assertThat(stats).as(file).isEqualTo(ReferenceDecoderV2.stats(v2, body.length, limits, now));
      ScannerInvariants.check(stats, body.length, limits, 64 << 20);
    }
  }

  /**
   * The same request in either version holds the same series, samples, histograms and exemplars,
   * and Mimir keeps the same of them; the generated classes parse as many as the scanner counts.
   */
  @Test
  void countsEveryFixtureAs2AsIts1Version() throws Exception {
    ValidationLimits keep = ValidationLimits.builder().maxGlobalExemplarsPerUser(100_000).build();
    long samples = 0;
    for (JsonNode row : Fixtures.expected()) {
      String file = row.get("file").asText();
      Request request = Rw2Fixtures.fromV1(Fixtures.protobuf(file));
      byte[] body = Fixtures.compress(request.toByteArray());
      WriteRequestStats v1 = scanner.scan(Fixtures.body(file), keep, NOW);
      WriteRequestStats v2 = scanner.scan(body, 0, body.length, keep, NOW, Protocol.RW2);

      assertThat(v2.protocol()).isEqualTo(Protocol.RW2);
      assertThat(v2.series())
          .as(file)
          .isEqualTo(v1.series())
          .isEqualTo(request.getTimeseriesCount());
      assertThat(v2.floatSamples())
          .as(file)
          .isEqualTo(v1.floatSamples())
          .isEqualTo(
              request.getTimeseriesList().stream().mapToLong(TimeSeries::getSamplesCount).sum());
      assertThat(v2.histograms()).as(file).isEqualTo(v1.histograms());
      assertThat(v2.exemplars()).as(file).isEqualTo(v1.exemplars());
      assertThat(v2.validSamples()).as(file).isEqualTo(v1.validSamples());
      assertThat(v2.validExemplars()).as(file).isEqualTo(v1.validExemplars());
      assertThat(v2.invalidSeries()).as(file).isEqualTo(v1.invalidSeries());
      samples += v2.validSamples();
    }
    assertThat(samples).isPositive();
  }

  /** Metadata on every series of a family is one entry for the family: the first one wins. */
  @Test
  void metadataIsOneEntryPerFamilyTheFirstWinning() throws Exception {
    Request r =
        Request.newBuilder()
            .addAllSymbols(
                java.util.List.of(
                    "",
                    "__name__",
                    "http_seconds_bucket",
                    "http_seconds_count",
                    "help",
                    "x".repeat(2000),
                    "job",
                    "a",
                    "up"))
            .addTimeseries(series(2, Metadata.MetricType.METRIC_TYPE_HISTOGRAM, 4, 0))
            .addTimeseries(
                series(3, Metadata.MetricType.METRIC_TYPE_HISTOGRAM, 5, 5)) // same family
            .addTimeseries(series(8, Metadata.MetricType.METRIC_TYPE_UNSPECIFIED, 0, 0)) // nothing
            .build();
    WriteRequestStats stats = scan(r, ValidationLimits.MIMIR_DEFAULTS);

    assertThat(stats.metadata()).isEqualTo(1); // http_seconds, from the first series
    assertThat(stats.validMetadata()).isEqualTo(1); // its unit is "", not the long one
    assertThat(stats.items()).isEqualTo(3 + 1);
  }

  /** The fuzzer's seed: a sample, an exemplar, metadata and a native histogram. */
  @Test
  void countsTheFuzzSeedAsTheGeneratedClassesReadIt() throws Exception {
    byte[] v2 =
        java.nio.file.Files.readAllBytes(
            java.nio.file.Path.of(
                getClass()
                    .getResource(
                        "WriteRequestScannerFuzzTestInputs/anyRw2Protobuf/valid-rw2-request")
                    .toURI()));
    Request parsed = Request.parseFrom(v2);
    WriteRequestStats stats = scan(parsed, ValidationLimits.MIMIR_DEFAULTS);

    assertThat(parsed.getTimeseriesCount()).isEqualTo(2);
    assertThat(stats.series()).isEqualTo(2);
    assertThat(stats.floatSamples()).isEqualTo(parsed.getTimeseries(0).getSamplesCount());
    assertThat(stats.histograms()).isEqualTo(parsed.getTimeseries(1).getHistogramsCount());
    assertThat(stats.exemplars()).isEqualTo(1);
    assertThat(stats.exemplarsCleared()).isEqualTo(1); // max_global_exemplars_per_user: 0
    assertThat(stats.metadata()).isEqualTo(1); // http_seconds, a histogram family
    assertThat(stats.items()).isEqualTo(1 + 1 + 1);
    ValidationLimits keep = ValidationLimits.builder().maxGlobalExemplarsPerUser(10).build();
    assertThat(scan(parsed, keep).items()).isEqualTo(4);
  }

  /**
   * The order of a series' label names is their bytes' (Mimir sorts by name, validateLabels
   * compares neighbours), whatever their symbols: a pair of name symbols seen once in one order is
   * looked up the next time, and two symbols of the same bytes are one name.
   */
  @Test
  void ordersLabelNamesByTheirBytesWhateverTheirSymbols() throws Exception {
    // 0 "", 1 __name__, 2 up, 3 job, 4 a, 5 job (again), 6 zone
    Request r =
        Request.newBuilder()
            .addAllSymbols(java.util.List.of("", "__name__", "up", "job", "a", "job", "zone"))
            .addTimeseries(labels(1, 2, 3, 4, 6, 4)) // sorted
            .addTimeseries(labels(1, 2, 6, 4, 3, 4)) // zone before job: Mimir sorts, valid
            .addTimeseries(labels(1, 2, 3, 4, 5, 4)) // job twice, by two symbols
            .addTimeseries(labels(1, 2, 3, 4, 6, 4)) // sorted again, after the pairs above
            .addTimeseries(labels(1, 2, 5, 4, 3, 4)) // job twice, the symbols the other way
            .build();

    WriteRequestStats stats = scan(r, ValidationLimits.MIMIR_DEFAULTS);

    assertThat(stats.series()).isEqualTo(5);
    assertThat(stats.invalidSeries()).isEqualTo(2);
    assertThat(stats.firstViolation()).isEqualTo(Violation.DUPLICATE_LABEL_NAMES);
    assertThat(stats.validSamples()).isEqualTo(3);
    byte[] protobuf = r.toByteArray();
    assertThat(stats)
        .isEqualTo(
            ReferenceDecoderV2.stats(
                protobuf,
                Fixtures.compress(protobuf).length,
                ValidationLimits.MIMIR_DEFAULTS,
                NOW));
  }

  /**
   * A series' labels are read in one loop when they are the common case (all names valid, values
   * kept and valid, names increasing, short references) and by the label-at-a-time path otherwise:
   * each series below leaves the common case at a different label, after some were read, and each
   * limit set must count the request as the reference does.
   */
  @Test
  void seriesThatLeaveTheCommonCaseMidwayAreCountedAsTheReferenceCounts() throws Exception {
    java.util.List<String> symbols = new java.util.ArrayList<>();
    // 0 "", 1 __name__, 2 up, 3 a, 4 b, 5 job, 6 x, 7 a value of 12 bytes, 8 a name of 12 bytes,
    // 9 a name no legacy rule accepts, 10 up_info
    symbols.addAll(
        java.util.List.of(
            "",
            "__name__",
            "up",
            "a",
            "b",
            "job",
            "x",
            "twelve-bytes",
            "twelve_bytes",
            "x y",
            "up_info"));
    while (symbols.size() < 20_000) {
      symbols.add("v" + symbols.size()); // references past 16,383 take three varint bytes
    }
    Request r =
        Request.newBuilder()
            .addAllSymbols(symbols)
            .addTimeseries(labels(1, 2, 3, 6, 5, 6)) // the common case
            .addTimeseries(labels(1, 2, 5, 6, 3, 6)) // job before a
            .addTimeseries(labels(1, 2, 3, 6, 3, 6)) // a twice
            .addTimeseries(labels(1, 2, 3, 0, 4, 6)) // an empty value, removed
            .addTimeseries(labels(1, 2, 3, 6, 4, 7)) // a long value
            .addTimeseries(labels(1, 2, 3, 6, 8, 6)) // a long name
            .addTimeseries(labels(1, 2, 3, 6, 9, 6)) // an invalid legacy name
            .addTimeseries(labels(3, 6, 4, 6)) // no metric name
            .addTimeseries(labels(1, 2, 3, 6, 4, 19_999)) // a three-byte reference
            .addTimeseries(labels(1, 10, 3, 6, 4, 6, 5, 6)) // an info series of four labels
            .addTimeseries(labels()) // no labels
            .build();
    byte[] protobuf = r.toByteArray();
    int compressed = Fixtures.compress(protobuf).length;
    java.util.function.Supplier<ValidationLimits.Builder> tight =
        () ->
            ValidationLimits.builder()
                .maxLabelNamesPerSeries(3)
                .maxLabelNamesPerInfoSeries(4)
                .maxLabelNameLength(10)
                .maxLabelValueLength(10);
    for (ValidationLimits limits :
        java.util.List.of(
            ValidationLimits.MIMIR_DEFAULTS,
            tight.get().build(),
            tight.get().labelValueStrategy(LabelValueStrategy.TRUNCATE).build(),
            tight.get().nameValidation(NameValidation.UTF8).build(),
            Limits.EVERY_RULE)) {
      WriteRequestStats stats = scan(r, limits);
      assertThat(stats)
          .as("%s", limits)
          .isEqualTo(ReferenceDecoderV2.stats(protobuf, compressed, limits, NOW));
      assertThat(stats.series()).isEqualTo(11);
    }
    WriteRequestStats defaults = scan(r, ValidationLimits.MIMIR_DEFAULTS);
    assertThat(defaults.invalidSeries()).as("a twice, x y, no metric name").isEqualTo(3);
    assertThat(defaults.removedSeries()).as("no labels").isEqualTo(1);
    assertThat(defaults.validSamples()).isEqualTo(7);
  }

  private static TimeSeries labels(int... refs) {
    TimeSeries.Builder series =
        TimeSeries.newBuilder().addSamples(Sample.newBuilder().setTimestamp(NOW).setValue(1));
    for (int ref : refs) {
      series.addLabelsRefs(ref);
    }
    return series.build();
  }

  @Test
  void refusesWhatMimirsDecoderRefuses() {
    Request.Builder ok =
        Request.newBuilder()
            .addAllSymbols(java.util.List.of("", "__name__", "up"))
            .addTimeseries(
                TimeSeries.newBuilder()
                    .addLabelsRefs(1)
                    .addLabelsRefs(2)
                    .addSamples(Sample.newBuilder().setTimestamp(NOW).setValue(1)));
    assertThat(scanOrError(ok.build())).isNull();

    assertThat(scanOrError(ok.clone().setSymbols(0, "x").build()))
        .contains("symbols must start with empty string");
    assertThat(
            scanOrError(
                ok.clone()
                    .setTimeseries(
                        0, ok.getTimeseries(0).toBuilder().addLabelsRefs(3).addLabelsRefs(1))
                    .build()))
        .contains("invalid label reference");
    assertThat(
            scanOrError(
                ok.clone()
                    .setTimeseries(0, ok.getTimeseries(0).toBuilder().addLabelsRefs(1))
                    .build()))
        .contains("odd number of label references");
    // Mimir counts the references before it resolves them: odd, though the first is invalid too
    assertThat(
            scanOrError(
                ok.clone()
                    .setTimeseries(
                        0,
                        ok.getTimeseries(0).toBuilder()
                            .addLabelsRefs(99)
                            .addLabelsRefs(1)
                            .addLabelsRefs(2))
                    .build()))
        .contains("odd number of label references");
    // a 1.0 request sent as 2.0, and a 2.0 one sent as 1.0
    assertThatThrownBy(
            () ->
                scanner.scan(
                    Fixtures.body("000.bin"),
                    0,
                    Fixtures.body("000.bin").length,
                    ValidationLimits.MIMIR_DEFAULTS,
                    NOW,
                    Protocol.RW2))
        .hasMessageContaining("Remote Write 1.0 field Timeseries in non-Remote Write 1.0 message");
    byte[] v2 = Fixtures.compress(ok.build().toByteArray());
    assertThatThrownBy(() -> scanner.scan(v2, ValidationLimits.MIMIR_DEFAULTS, NOW))
        .hasMessageContaining("Remote Write 2.0 field Symbols in non-Remote Write 2.0 message");
  }

  private static TimeSeries series(
      int nameRef, Metadata.MetricType type, int helpRef, int unitRef) {
    return TimeSeries.newBuilder()
        .addLabelsRefs(1)
        .addLabelsRefs(nameRef)
        .addSamples(Sample.newBuilder().setTimestamp(NOW).setValue(1))
        .setMetadata(Metadata.newBuilder().setType(type).setHelpRef(helpRef).setUnitRef(unitRef))
        .build();
  }

  private WriteRequestStats scan(Request r, ValidationLimits limits) throws RemoteWriteException {
    byte[] body = Fixtures.compress(r.toByteArray());
    return scanner.scan(body, 0, body.length, limits, NOW, Protocol.RW2);
  }

  /** Null when the scanner accepts {@code r}; else its message, checked against the reference. */
  private String scanOrError(Request r) {
    try {
      scan(r, ValidationLimits.MIMIR_DEFAULTS);
    } catch (RemoteWriteException e) {
      assertThatThrownBy(
              () ->
                  ReferenceDecoderV2.stats(
                      r.toByteArray(), 1, ValidationLimits.MIMIR_DEFAULTS, NOW))
          .as("the reference refuses it too")
          .isInstanceOf(com.google.protobuf.InvalidProtocolBufferException.class);
      return e.getMessage();
    }
    return null;
  }
}
