package io.mimiredge.rls.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.mimiredge.rls.relabel.RelabelAction;
import io.mimiredge.rls.relabel.RelabelRule;
import io.mimiredge.rls.relabel.SeriesRelabeling;
import io.mimiredge.rls.remotewrite.RemoteWriteException;
import io.mimiredge.rls.remotewrite.ValidationLimits;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.time.Duration;
import java.util.List;

/**
 * Coverage-guided fuzzing of the OTLP walks with Jazzer. A normal {@code mvn test} replays the
 * inputs in {@code src/test/resources/io/mimiredge/rls/otlp/OtlpScannerFuzzTestInputs/<method>/};
 * {@code JAZZER_FUZZ=1 mvn -pl rls-server test -Dtest=OtlpScannerFuzzTest#<method>} fuzzes one
 * method for its {@code maxDuration}, saving any crashing input there.
 */
class OtlpScannerFuzzTest {
  private static final OtlpScanner SCANNER = new OtlpScanner(1 << 20);

  /** Default label limits; no timestamp too far off (the reference does not judge time). */
  private static final ValidationLimits LIMITS =
      ValidationLimits.builder().creationGracePeriod(Duration.ofDays(1_000_000)).build();

  private static final long NOW = OtlpScannerTest.NOW;

  /** Rules that drop series by a bucket bound, copy every label and drop one by name. */
  private static final SeriesRelabeling RULES =
      new SeriesRelabeling(
          List.of(
              OtlpScannerTest.rule(RelabelAction.DROP, "0\\.5|\\+Inf|1", "le"),
              RelabelRule.builder()
                  .action(RelabelAction.LABELMAP)
                  .regex("([a-z]).*")
                  .replacement("copy_$1")
                  .build(),
              OtlpScannerTest.rule(RelabelAction.LABELDROP, "copy__?")),
          List.of("job"));

  private static final ValidationLimits RELABELING =
      ValidationLimits.builder()
          .creationGracePeriod(Duration.ofDays(1_000_000))
          .relabeling(RULES)
          .build();

  /**
   * Any bytes as a protobuf ExportMetricsServiceRequest: stats or a RemoteWriteException; whatever
   * the walk accepts and OpenTelemetry's generated classes parse too is counted as {@link
   * OtlpReference} counts it.
   */
  @FuzzTest(maxDuration = "2m")
  void anyOtlpProtobuf(byte[] body) {
    WriteRequestStats s;
    try {
      s = SCANNER.scan(body, 0, body.length, OtlpBody.PROTOBUF, null, LIMITS, NOW);
    } catch (RemoteWriteException e) {
      assertThat(e.kind()).isEqualTo(RemoteWriteException.Kind.BAD_BODY);
      return;
    }
    assertThat(s.items()).isGreaterThanOrEqualTo(0);
    assertThat(s.validSamples()).isLessThanOrEqualTo(s.floatSamples() + s.histograms());
    ExportMetricsServiceRequest r;
    try {
      r = ExportMetricsServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      return; // protobuf-java refuses what the walk need not read (invalid UTF-8 in a string)
    }
    OtlpScannerTest.assertMatches(s, OtlpReference.of(r));
    // the same with relabeling rules: every series built as labels and relabeled
    try {
      s = SCANNER.scan(body, 0, body.length, OtlpBody.PROTOBUF, null, RELABELING, NOW, "fuzz");
    } catch (RemoteWriteException e) {
      throw new AssertionError("read without rules, refused with them", e);
    }
    OtlpScannerTest.assertMatches(
        s, new OtlpReference(false, false).relabel(RULES, "fuzz").translate(r));
  }

  /** Any bytes as OTLP/JSON: stats or a RemoteWriteException, nothing else; rules or not. */
  @FuzzTest(maxDuration = "2m")
  void anyOtlpJson(byte[] body) {
    for (ValidationLimits limits : List.of(LIMITS, RELABELING)) {
      try {
        WriteRequestStats s =
            SCANNER.scan(body, 0, body.length, OtlpBody.JSON, null, limits, NOW, "fuzz");
        assertThat(s.validSamples()).isLessThanOrEqualTo(s.floatSamples() + s.histograms());
      } catch (RemoteWriteException e) {
        assertThat(e.kind()).isEqualTo(RemoteWriteException.Kind.BAD_BODY);
      }
    }
  }
}
