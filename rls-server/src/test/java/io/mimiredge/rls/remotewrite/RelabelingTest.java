package io.mimiredge.rls.remotewrite;

import static io.mimiredge.rls.remotewrite.Proto.sampleAt;
import static io.mimiredge.rls.remotewrite.Proto.seriesWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.relabel.RelabelAction;
import io.mimiredge.rls.relabel.RelabelRule;
import io.mimiredge.rls.testing.Rw2Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code metric_relabel_configs} and {@code drop_labels} in the walk, as Mimir's {@code
 * prePushRelabelMiddleware} ({@code pkg/distributor/distributor.go}) applies them: after HA dedupe
 * removed the replica label, before empty values go and the series is sorted and validated. A
 * series a rule drops, or left with no label, is removed without a word; validation and the
 * ingestion limiter see the relabeled labels. Each case runs on remote write 1.0 and 2.0.
 */
class RelabelingTest {
  private static final long NOW = Limits.NOW;
  private static final long T0 = NOW - 60_000;
  private static final WriteRequestScanner SCANNER = new WriteRequestScanner(1 << 20);

  private static byte[] series(String... labels) {
    return seriesWith(labels, sampleAt(T0), sampleAt(T0 + 1000)); // 2 items
  }

  private static RelabelRule.Builder rule() {
    return RelabelRule.builder();
  }

  private static TenantLimits.Builder tenant() {
    return TenantLimits.builder().maxLabelNamesPerSeries(3);
  }

  private static List<WriteRequestStats> scanBoth(byte[] protobuf, TenantLimits limits)
      throws Exception {
    List<WriteRequestStats> out = new ArrayList<>();
    for (Protocol p : List.of(Protocol.RW1, Protocol.RW2)) {
      byte[] wire = p == Protocol.RW2 ? Rw2Fixtures.fromV1(protobuf).toByteArray() : protobuf;
      byte[] body = Proto.body(wire);
      out.add(SCANNER.scan(body, 0, body.length, limits.validationLimits(), NOW, p, "tenant-1"));
    }
    return out;
  }

  @Test
  void rulesHashAndCopyTheBytesOfAValueThatIsNotUtf8AsGoDoes() throws Exception {
    byte[] bad = {'a', (byte) 0xff, 'b', (byte) 0xc3};
    byte[] body =
        Proto.body(
            Proto.request(Proto.series(1, Proto.label("__name__", "m"), Proto.label("v", bad))));
    // hashmod over v's bytes (Go 1.19: sum64(md5.Sum([]byte("a\xffb\xc3"))) % 1000 == 360),
    // then v dropped: valid, and kept by d == 360
    TenantLimits hashed =
        tenant()
            .metricRelabelConfigs(
                List.of(
                    rule()
                        .sourceLabels(List.of("v"))
                        .targetLabel("d")
                        .action(RelabelAction.HASHMOD)
                        .modulus(1000)
                        .build(),
                    rule().regex("v").action(RelabelAction.LABELDROP).build(),
                    rule()
                        .sourceLabels(List.of("d"))
                        .regex("360")
                        .action(RelabelAction.KEEP)
                        .build()))
            .build();
    WriteRequestStats h =
        SCANNER.scan(body, 0, body.length, hashed.validationLimits(), NOW, Protocol.RW1, "t");
    assertThat(h.validSamples()).isEqualTo(1);
    // copied into w, then v dropped: w holds the same bytes, refused as in Mimir
    TenantLimits copied =
        tenant()
            .metricRelabelConfigs(
                List.of(
                    rule().sourceLabels(List.of("v")).targetLabel("w").build(),
                    rule().regex("v").action(RelabelAction.LABELDROP).build()))
            .build();
    WriteRequestStats c =
        SCANNER.scan(body, 0, body.length, copied.validationLimits(), NOW, Protocol.RW1, "t");
    assertThat(c.violations(Violation.LABEL_VALUE_INVALID)).isEqualTo(1);
  }

  @Test
  void aDropRuleRemovesItsSeriesBeforeTheLimiterAsTestDistributorMetricsWithRequestModifications()
      throws Exception {
    byte[][] all = new byte[10][];
    for (int i = 0; i < 10; i++) {
      all[i] = series("__name__", "metric_" + i, "job", "x");
    }
    TenantLimits limits =
        tenant()
            .metricRelabelConfigs(
                List.of(
                    rule()
                        .sourceLabels(List.of("__name__"))
                        .regex("^metric_[5-9]$")
                        .action(RelabelAction.DROP)
                        .build()))
            .build();
    for (WriteRequestStats s : scanBoth(Proto.request(all), limits)) {
      assertThat(s.series()).as("%s received", s.protocol()).isEqualTo(10);
      assertThat(s.items()).as("%s", s.protocol()).isEqualTo(10); // 5 series kept, 2 samples each
      assertThat(s.removedSeries()).isEqualTo(5);
      assertThat(s.invalidSeries()).isZero();
    }
  }

  @Test
  void dropLabelsOfTheMetricNameLeavesNoSeries() throws Exception {
    TenantLimits limits = tenant().dropLabels(List.of("__name__")).build();
    byte[] request = Proto.request(series("__name__", "a"), series("__name__", "b"));
    for (WriteRequestStats s : scanBoth(request, limits)) {
      assertThat(s.items()).as("%s", s.protocol()).isZero();
      assertThat(s.removedSeries()).isEqualTo(2);
      assertThat(s.invalidSeries()).isZero();
    }
  }

  @Test
  void dropLabelsBringsASeriesWithinTheLabelLimit() throws Exception {
    byte[] request = Proto.request(series("__name__", "up", "job", "x", "pod", "p1", "zone", "z"));
    for (WriteRequestStats s : scanBoth(request, tenant().build())) {
      assertThat(s.violations(Violation.MAX_LABEL_NAMES_PER_SERIES)).isEqualTo(1);
      assertThat(s.firstActual()).isEqualTo(4);
      assertThat(s.items()).isZero();
    }
    for (WriteRequestStats s : scanBoth(request, tenant().dropLabels(List.of("pod")).build())) {
      assertThat(s.invalidSeries()).as("%s", s.protocol()).isZero();
      assertThat(s.items()).isEqualTo(2);
    }
  }

  @Test
  void theReplicaLabelGoesFirstThenDropLabelsAsTestDistributorPushLabelRemoval() throws Exception {
    // {__name__=some_metric, cluster=one, __replica__=two} with HA and drop_labels [cluster]
    byte[] request =
        Proto.request(
            series("__name__", "some_metric", "__replica__", "two", "cluster", "one"),
            series(
                "__name__",
                "some_metric",
                "__replica__",
                "two",
                "cluster",
                "one",
                "foo",
                "bar",
                "some",
                "thing"));
    TenantLimits limits =
        tenant()
            .acceptHaSamples(true)
            .maxLabelNamesPerSeries(2)
            .dropLabels(List.of("foo", "some"))
            .build();
    for (WriteRequestStats s : scanBoth(request, limits)) {
      assertThat(s.ha()).as("%s", s.protocol()).isTrue();
      assertThat(s.invalidSeries()).isZero(); // {__name__, cluster}: 2 labels each
      assertThat(s.items()).isEqualTo(4);
    }
    // a rule cannot see the replica label: HA dedupe removed it before
    TenantLimits replicaRule =
        tenant()
            .acceptHaSamples(true)
            .metricRelabelConfigs(
                List.of(
                    rule()
                        .sourceLabels(List.of("__replica__"))
                        .regex(".+")
                        .action(RelabelAction.DROP)
                        .build()))
            .build();
    for (WriteRequestStats s :
        scanBoth(
            Proto.request(series("__name__", "m", "__replica__", "r", "cluster", "c")),
            replicaRule)) {
      assertThat(s.items()).as("%s", s.protocol()).isEqualTo(2);
    }
  }

  @Test
  void validationSeesTheLabelsTheRulesWrite() throws Exception {
    byte[] request = Proto.request(series("__name__", "up", "job", "x"));
    // replace cluster=one with two (TestDistributor_Push_Relabel), and a value over its limit
    TenantLimits longValue =
        tenant()
            .maxLabelValueLength(10)
            .metricRelabelConfigs(
                List.of(
                    rule()
                        .sourceLabels(List.of("job"))
                        .targetLabel("job")
                        .replacement("a-value-of-24-characters")
                        .build()))
            .build();
    for (WriteRequestStats s : scanBoth(request, longValue)) {
      assertThat(s.violations(Violation.LABEL_VALUE_TOO_LONG)).as("%s", s.protocol()).isEqualTo(1);
      assertThat(s.firstActual()).isEqualTo(24);
    }
    // labelmap copies labels: over the label limit
    TenantLimits copies =
        tenant()
            .maxLabelNamesPerSeries(3)
            .metricRelabelConfigs(
                List.of(
                    rule()
                        .action(RelabelAction.LABELMAP)
                        .regex("(job)")
                        .replacement("origin_${1}")
                        .build(),
                    rule()
                        .action(RelabelAction.LABELMAP)
                        .regex("(job)")
                        .replacement("other_$1")
                        .build()))
            .build();
    for (WriteRequestStats s : scanBoth(request, copies)) {
      assertThat(s.violations(Violation.MAX_LABEL_NAMES_PER_SERIES)).isEqualTo(1);
      assertThat(s.firstActual()).isEqualTo(4);
    }
    // a rule that renames __name__ to an invalid metric name
    TenantLimits badName =
        tenant()
            .metricRelabelConfigs(
                List.of(
                    rule()
                        .sourceLabels(List.of("__name__"))
                        .targetLabel("__name__")
                        .replacement("0-$1")
                        .build()))
            .build();
    for (WriteRequestStats s : scanBoth(request, badName)) {
      assertThat(s.violations(Violation.METRIC_NAME_INVALID)).isEqualTo(1);
    }
  }

  @Test
  void theTenantIsSeenAsMetaTenantIdAndTheLabelGoesAfter() throws Exception {
    byte[] request = Proto.request(series("__name__", "up", "job", "x"));
    TenantLimits copyTenant =
        tenant()
            .maxLabelValueLength(5)
            .metricRelabelConfigs(
                List.of(
                    rule().sourceLabels(List.of("__meta_tenant_id")).targetLabel("tenant").build()))
            .build();
    for (WriteRequestStats s : scanBoth(request, copyTenant)) {
      // tenant="tenant-1" (8 bytes) is over 5; __meta_tenant_id itself is gone (3 labels)
      assertThat(s.violations(Violation.LABEL_VALUE_TOO_LONG)).as("%s", s.protocol()).isEqualTo(1);
      assertThat(s.violations(Violation.MAX_LABEL_NAMES_PER_SERIES)).isZero();
    }
    TenantLimits keepOthers =
        tenant()
            .metricRelabelConfigs(
                List.of(
                    rule()
                        .sourceLabels(List.of("__meta_tenant_id"))
                        .regex("tenant-2")
                        .action(RelabelAction.KEEP)
                        .build()))
            .build();
    for (WriteRequestStats s : scanBoth(request, keepOthers)) {
      assertThat(s.items()).isZero();
      assertThat(s.removedSeries()).isEqualTo(1);
    }
  }

  @Test
  void withRulesTheLabelsGoThroughABuilderWhereTheLastOfTwoNamesWins() throws Exception {
    // FromLabelAdaptersToBuilder sets each label in turn: a duplicate name is no longer one
    byte[] request = Proto.request(series("__name__", "up", "a", "1", "a", "2"));
    for (WriteRequestStats s : scanBoth(request, tenant().build())) {
      assertThat(s.violations(Violation.DUPLICATE_LABEL_NAMES)).isEqualTo(1);
    }
    TenantLimits anyRule =
        tenant()
            .metricRelabelConfigs(
                List.of(
                    rule()
                        .sourceLabels(List.of("__name__"))
                        .regex("nothing")
                        .action(RelabelAction.DROP)
                        .build()))
            .build();
    for (WriteRequestStats s : scanBoth(request, anyRule)) {
      assertThat(s.invalidSeries()).as("%s", s.protocol()).isZero();
      assertThat(s.items()).isEqualTo(2);
    }
    // drop_labels alone works on the labels as received: the first of the two goes
    for (WriteRequestStats s : scanBoth(request, tenant().dropLabels(List.of("a")).build())) {
      assertThat(s.invalidSeries()).isZero();
    }
  }

  @Test
  void aRegexTooDeepForJavasEngineLeavesTheSeriesUncountedNotThePushFailed() throws Exception {
    // Go's RE2 runs (a|b)* in constant stack; Java's engine recurses once per repetition
    byte[] request = Proto.request(series("__name__", "up", "path", "a".repeat(200_000)));
    TenantLimits limits =
        tenant()
            .maxLabelValueLength(300_000)
            .metricRelabelConfigs(
                List.of(
                    rule()
                        .sourceLabels(List.of("path"))
                        .regex("(a|b)*")
                        .action(RelabelAction.DROP)
                        .build()))
            .build();
    for (WriteRequestStats s : scanBoth(request, limits)) {
      assertThat(s.items()).as("%s", s.protocol()).isZero();
      assertThat(s.removedSeries()).isEqualTo(1);
    }
  }

  @Test
  void aValueThatIsNotUtf8KeepsItsBytesThroughTheRules() throws Exception {
    byte[] request =
        Proto.request(
            Proto.series(
                1,
                Proto.label("__name__", "up"),
                Proto.label("bad", new byte[] {'x', (byte) 0xff}),
                Proto.label("job", "x")));
    TenantLimits limits =
        tenant()
            .metricRelabelConfigs(
                List.of(rule().action(RelabelAction.LABELDROP).regex("job").build()))
            .build();
    // remote write 1.0 only: 2.0's symbols are protobuf strings, which must be UTF-8
    byte[] body = Proto.body(request);
    WriteRequestStats s =
        SCANNER.scan(body, 0, body.length, limits.validationLimits(), NOW, Protocol.RW1, "t");
    assertThat(s.violations(Violation.LABEL_VALUE_INVALID)).isEqualTo(1);
  }
}
