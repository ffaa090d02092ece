package io.mimiredge.rls.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.relabel.RelabelAction;
import io.mimiredge.rls.relabel.RelabelRule;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The walk's relabeling against the captured Prometheus requests, checked by another route: a
 * request scanned with rules that drop some families and remove labels counts what the reference
 * decoder counts on the same request rewritten by hand (those series taken out, those labels
 * removed), with no rules. The limits make the removed labels matter (a small label limit).
 */
class RelabelingFixturesTest {
  private static final Pattern DROPPED = Pattern.compile("go_.*|prometheus_tsdb_.*");

  static Stream<Arguments> fixtures() {
    return Fixtures.expected().stream().map(row -> Arguments.of(row.get("file").asText(), row));
  }

  private static TenantLimits.Builder limits() {
    return TenantLimits.builder().maxLabelNamesPerSeries(3).maxLabelNamesPerInfoSeries(4);
  }

  private static TenantLimits relabeled() {
    return limits()
        .metricRelabelConfigs(
            List.of(
                RelabelRule.builder()
                    .sourceLabels(List.of("__name__"))
                    .regex(DROPPED.pattern())
                    .action(RelabelAction.DROP)
                    .build(),
                RelabelRule.builder().action(RelabelAction.LABELDROP).regex("instance").build()))
        .dropLabels(List.of("job"))
        .build();
  }

  /** The rules matter on these requests: they change what is counted and what is invalid. */
  @Test
  void theRulesChangeTheCountsOfTheCapturedRequests() throws Exception {
    WriteRequestScanner scanner = new WriteRequestScanner(64 << 20);
    long plainItems = 0;
    long relabeledItems = 0;
    long plainInvalid = 0;
    long relabeledInvalid = 0;
    for (JsonNode row : Fixtures.expected()) {
      byte[] body = Fixtures.body(row.get("file").asText());
      WriteRequestStats plain =
          scanner.scan(body, 0, body.length, limits().build().validationLimits(), Limits.NOW);
      WriteRequestStats relabeled =
          scanner.scan(
              body, 0, body.length, relabeled().validationLimits(), Limits.NOW, Protocol.RW1, "t");
      plainItems += plain.items();
      relabeledItems += relabeled.items();
      plainInvalid += plain.invalidSeries();
      relabeledInvalid += relabeled.invalidSeries();
    }
    // with instance and job gone, more series fit 3 labels; with go_* gone, fewer are counted
    assertThat(relabeledInvalid).isLessThan(plainInvalid);
    assertThat(relabeledItems).isNotEqualTo(plainItems);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void countsWhatTheReferenceCountsOnTheRequestRelabeledByHand(String file, JsonNode expected)
      throws Exception {
    TenantLimits relabeled = relabeled();
    byte[] protobuf = Fixtures.protobuf(file);
    byte[] body = Fixtures.body(file);
    WriteRequestStats walked =
        new WriteRequestScanner(64 << 20)
            .scan(
                body, 0, body.length, relabeled.validationLimits(), Limits.NOW, Protocol.RW1, "t");
    WriteRequestStats reference =
        ReferenceDecoder.stats(
            byHand(protobuf), body.length, limits().build().validationLimits(), Limits.NOW);
    assertThat(walked.items()).isEqualTo(reference.items());
    assertThat(walked.invalidSeries()).isEqualTo(reference.invalidSeries());
    assertThat(walked.violationsByLabel()).isEqualTo(reference.violationsByLabel());
    assertThat(walked.validMetadata()).isEqualTo(reference.validMetadata());
  }

  /** The request without the dropped families' series, and without instance and job labels. */
  private static byte[] byHand(byte[] protobuf) throws Exception {
    UnknownFieldSet request = UnknownFieldSet.parseFrom(protobuf);
    UnknownFieldSet.Builder out = UnknownFieldSet.newBuilder(request);
    UnknownFieldSet.Field.Builder kept = UnknownFieldSet.Field.newBuilder();
    for (ByteString s : request.getField(1).getLengthDelimitedList()) {
      UnknownFieldSet series = UnknownFieldSet.parseFrom(s);
      UnknownFieldSet.Field.Builder labels = UnknownFieldSet.Field.newBuilder();
      boolean drop = false;
      for (ByteString l : series.getField(1).getLengthDelimitedList()) {
        UnknownFieldSet label = UnknownFieldSet.parseFrom(l);
        String name = text(label, 1);
        if (name.equals("__name__") && DROPPED.matcher(text(label, 2)).matches()) {
          drop = true;
        }
        if (!name.equals("instance") && !name.equals("job")) {
          labels.addLengthDelimited(l);
        }
      }
      if (!drop) {
        kept.addLengthDelimited(
            UnknownFieldSet.newBuilder(series)
                .clearField(1)
                .addField(1, labels.build())
                .build()
                .toByteString());
      }
    }
    return out.clearField(1).addField(1, kept.build()).build().toByteArray();
  }

  private static String text(UnknownFieldSet m, int field) {
    List<ByteString> v = m.getField(field).getLengthDelimitedList();
    return v.isEmpty() ? "" : v.get(v.size() - 1).toString(StandardCharsets.UTF_8);
  }
}
