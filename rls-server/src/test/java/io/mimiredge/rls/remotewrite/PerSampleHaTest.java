package io.mimiredge.rls.remotewrite;

import static io.mimiredge.rls.remotewrite.Proto.sampleAt;
import static io.mimiredge.rls.remotewrite.Proto.seriesWith;
import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.limits.ValidationPolicy;
import io.mimiredge.rls.testing.Rw2Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Mimir's per-sample HA dedupe ({@code ha_tracker_per_sample_dedupe}, {@code
 * ha_dedupe_per_sample.go}): each series' own cluster and replica labels decide whether it is kept;
 * the series of a replica that is not elected, or of a cluster over {@code ha_max_clusters}, are
 * dropped before validation and the ingestion limiter, the rest pushed; non-HA series (a label
 * missing, or the replica over {@code max_label_value_length}) are always kept, their labels as
 * they are. Per-request dedupe (the default) reads the first series only.
 */
class PerSampleHaTest {
  private static final long NOW = Limits.NOW;
  private static final long T0 = NOW - 60_000;
  private static final WriteRequestScanner SCANNER = new WriteRequestScanner(1 << 20);

  private static byte[] series(String... labels) {
    return seriesWith(labels, sampleAt(T0));
  }

  /** Two samples: a series worth 2 items. */
  private static byte[] series2(String... labels) {
    return seriesWith(labels, sampleAt(T0), sampleAt(T0 + 1000));
  }

  static final byte[] R1 = series("__name__", "up", "__replica__", "r1", "a", "1", "cluster", "c1");
  static final byte[] R2 =
      series2("__name__", "up", "__replica__", "r2", "a", "1", "cluster", "c1");
  static final byte[] PLAIN = series("__name__", "plain", "job", "x");
  static final byte[] NO_REPLICA = series("__name__", "half", "cluster", "c1");

  private static TenantLimits.Builder perSample() {
    return TenantLimits.builder()
        .ingestionRate(1e6)
        .ingestionBurstSize(1_000_000)
        .acceptHaSamples(true)
        .haTrackerPerSampleDedupe(true)
        .maxLabelNamesPerSeries(3);
  }

  private static WriteRequestStats scan(byte[] protobuf, TenantLimits limits, Protocol protocol)
      throws Exception {
    byte[] wire = protocol == Protocol.RW2 ? Rw2Fixtures.fromV1(protobuf).toByteArray() : protobuf;
    byte[] body = Proto.body(wire);
    return SCANNER.scan(body, 0, body.length, limits.validationLimits(), NOW, protocol);
  }

  @Test
  void eachSeriesFallsInTheGroupOfItsOwnHaLabelsInBothRemoteWriteVersions() throws Exception {
    byte[] request = Proto.request(R1, PLAIN, R2, NO_REPLICA, R1);
    for (Protocol p : List.of(Protocol.RW1, Protocol.RW2)) {
      WriteRequestStats s = scan(request, perSample().build(), p);
      assertThat(s.ha()).as("%s: no request-wide HA labels", p).isFalse();
      assertThat(s.haGroups())
          .as("%s", p)
          .containsExactly(
              // non-HA first: a series without the replica label is one, labels kept
              new WriteRequestStats.HaGroup(null, null, 2, 2, new long[0], T0, null, 0, 0, T0),
              // the replica removed: __name__, a, cluster = 3 labels, within the limit
              new WriteRequestStats.HaGroup("c1", "r1", 2, 2, new long[0], T0, null, 0, 0, T0),
              new WriteRequestStats.HaGroup("c1", "r2", 1, 2, new long[0], T0, null, 0, 0, T0));
      assertThat(s.items()).isEqualTo(6);
      assertThat(s.invalidSeries()).isZero();
    }
    // per request (the default), the first series' labels decide for every series
    WriteRequestStats perRequest =
        scan(request, perSample().haTrackerPerSampleDedupe(false).build(), Protocol.RW1);
    assertThat(perRequest.haGroups()).isEmpty();
    assertThat(perRequest.haCluster()).isEqualTo("c1");
    assertThat(perRequest.haReplica()).isEqualTo("r1");
  }

  @Test
  void aReplicaOverTheValueLengthIsANonHaSeriesWhoseReplicaLabelStays() throws Exception {
    byte[] longReplica = series("__name__", "up", "__replica__", "replica-1", "cluster", "c1");
    WriteRequestStats s =
        scan(
            Proto.request(longReplica),
            perSample().maxLabelValueLength(5).maxLabelNamesPerSeries(30).build(),
            Protocol.RW1);
    assertThat(s.haGroups()).hasSize(1);
    WriteRequestStats.HaGroup g = s.haGroups().get(0);
    assertThat(g.ha()).isFalse();
    assertThat(g.firstViolation()).isEqualTo(Violation.LABEL_VALUE_TOO_LONG);
  }

  private static Decision push(PushEvaluator e, byte[]... series) {
    return e.evaluate("t", Proto.body(Proto.request(series)));
  }

  /** A series of these labels whose samples and then histograms are at these times, in order. */
  private static byte[] seriesAt(String[] labels, long[] samples, long... histograms) {
    return Proto.message(
        out -> {
          for (int i = 0; i + 1 < labels.length; i += 2) {
            out.writeByteArray(1, Proto.label(labels[i], labels[i + 1]));
          }
          for (long t : samples) {
            out.writeByteArray(2, sampleAt(t));
          }
          for (long t : histograms) {
            out.writeByteArray(4, Proto.histogram(3, t, 0, 1));
          }
        });
  }

  /**
   * ha_dedupe_per_request.go getEarliestSampleTimestamp, ha_dedupe_per_sample.go
   * updateEarliestSampleTimestamp: the earliest of each series' first sample and first histogram,
   * over every series as received (an invalid one too: HA dedupe runs before validation), per
   * replica under per-sample dedupe.
   */
  @Test
  void theEarliestSampleIsTheEarliestOfEachSeriesFirstSampleAndFirstHistogram() throws Exception {
    String[] r1 = {"__name__", "up", "__replica__", "r1", "cluster", "c1"};
    String[] r2 = {"__name__", "up", "__replica__", "r2", "cluster", "c1"};
    String[] tooMany = {"__name__", "up", "a", "1", "b", "2", "c", "3"}; // invalid: 4 labels
    byte[] request =
        Proto.request(
            // Samples[0] is T0 + 5000, not the earlier sample after it
            seriesAt(r1, new long[] {T0 + 5_000, T0 + 1_000}),
            // its first histogram (T0 + 4000) is earlier than its first sample
            seriesAt(r1, new long[] {T0 + 6_000}, T0 + 4_000, T0 + 500),
            seriesAt(r2, new long[] {T0 + 3_000}),
            seriesAt(tooMany, new long[] {T0 + 2_000}),
            seriesAt(r2, new long[0])); // nothing in it
    for (Protocol p : List.of(Protocol.RW1, Protocol.RW2)) {
      WriteRequestStats perRequest =
          scan(request, perSample().haTrackerPerSampleDedupe(false).build(), p);
      assertThat(perRequest.invalidSeries()).as("%s", p).isEqualTo(1);
      assertThat(perRequest.earliestSampleMillis()).as("%s", p).isEqualTo(T0 + 2_000);
      WriteRequestStats perSample = scan(request, perSample().build(), p);
      assertThat(perSample.haGroups())
          .as("%s", p)
          .extracting(g -> g.replica() + "@" + (g.earliestSampleMillis() - T0))
          .containsExactly("null@2000", "r1@4000", "r2@3000");
    }
    assertThat(
            scan(Proto.request(seriesAt(r1, new long[0])), perSample().build(), Protocol.RW1)
                .earliestSampleMillis())
        .isEqualTo(Long.MAX_VALUE);
  }

  /**
   * c1/r1's series {@code up} with a sample at {@code T0} and an exemplar at {@code exemplarAt}.
   */
  private static byte[] r1WithExemplarAt(long exemplarAt) {
    return Proto.message(
        out -> {
          out.writeByteArray(1, Proto.label("__name__", "up"));
          out.writeByteArray(1, Proto.label("__replica__", "r1"));
          out.writeByteArray(1, Proto.label("cluster", "c1"));
          out.writeByteArray(2, sampleAt(T0));
          out.writeByteArray(3, Proto.exemplar(exemplarAt, "trace_id", "abc"));
        });
  }

  /**
   * ha_dedupe_per_sample.go drops a replica's series before prePushValidationMiddleware, whose
   * exemplar bound (5 minutes before the earliest sample) is then over the series kept only.
   */
  @Test
  void theExemplarBoundIsTakenOverTheReplicasKept() throws Exception {
    long minute = 60_000;
    String[] r1 = {"__name__", "up", "__replica__", "r1", "cluster", "c1"};
    String[] r2 = {"__name__", "up", "__replica__", "r2", "cluster", "c1"};
    // r1's sample is a minute old, its exemplar 7 minutes: 6 minutes before r1's sample
    byte[] r1WithExemplar = r1WithExemplarAt(T0 - 6 * minute);
    // r2 lags 10 minutes: with its series the bound would be 15 minutes before r1's sample
    byte[] request = Proto.request(r1WithExemplar, seriesAt(r2, new long[] {T0 - 10 * minute}));
    TenantLimits limits = perSample().maxGlobalExemplarsPerUser(100).build();
    for (Protocol p : List.of(Protocol.RW1, Protocol.RW2)) {
      WriteRequestStats s = scan(request, limits, p);
      assertThat(s.validExemplars()).as("%s: every series' bound", p).isEqualTo(1);
      assertThat(s.haGroups())
          .as("%s", p)
          .containsExactly(
              new WriteRequestStats.HaGroup(
                  "c1", "r1", 1, 1, new long[] {T0 - 6 * minute}, T0, null, 0, 0, T0),
              new WriteRequestStats.HaGroup(
                  "c1", "r2", 1, 1, new long[0], T0 - 10 * minute, null, 0, 0, T0 - 10 * minute));
    }
    PushEvaluator e = MimirRulesTest.evaluator(limits);
    assertThat(push(e, seriesAt(r1, new long[] {T0})).items()).isEqualTo(1); // r1 elected
    // r2's series dropped: the bound is 5 minutes before r1's sample, its exemplar goes
    assertThat(push(e, r1WithExemplar, seriesAt(r2, new long[] {T0 - 10 * minute})).items())
        .isEqualTo(1);
    // alone, r1 with an exemplar 4 minutes before its sample keeps it
    byte[] recent = r1WithExemplarAt(T0 - 4 * minute);
    assertThat(push(e, recent, seriesAt(r2, new long[] {T0 - 10 * minute})).items()).isEqualTo(2);
  }

  @Test
  void theSeriesOfAReplicaThatIsNotElectedAreNotCountedTheRestIs() {
    PushEvaluator e = MimirRulesTest.evaluator(perSample().build());
    // r1 is seen first: elected
    Decision first = push(e, R1, PLAIN);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.items()).isEqualTo(2);
    // a request mixing both replicas and a non-HA series: r2's series are dropped by Mimir
    Decision mixed = push(e, R2, R1, PLAIN, NO_REPLICA);
    assertThat(mixed.status()).isEqualTo(200);
    assertThat(mixed.reason()).isNotEqualTo(Reason.HA_DEDUPED);
    assertThat(mixed.items()).as("r1, plain and half, not r2's 2").isEqualTo(3);
    // only r2: nothing is pushed, Mimir answers 202; the edge forwards it uncounted
    Decision onlyR2 = push(e, R2);
    assertThat(onlyR2.reason()).isEqualTo(Reason.HA_DEDUPED);
    assertThat(onlyR2.items()).isZero();
  }

  @Test
  void aClusterOverTheLimitDropsItsSeriesAndRefusesOnlyWhenNothingIsLeft() {
    PushEvaluator e = MimirRulesTest.evaluator(perSample().haMaxClusters(1).build());
    assertThat(push(e, R1).items()).isEqualTo(1); // c1 takes the one place
    byte[] other = series("__name__", "up", "__replica__", "r1", "cluster", "c2");
    Decision alone = push(e, other);
    assertThat(alone.status()).isEqualTo(400);
    assertThat(alone.reason()).isEqualTo(Reason.TOO_MANY_HA_CLUSTERS);
    Decision withOthers = push(e, other, PLAIN, R1);
    assertThat(withOthers.status()).isEqualTo(200);
    assertThat(withOthers.items()).as("plain and r1; c2 dropped").isEqualTo(2);
  }

  @Test
  void underDenyOnlyTheKeptSeriesViolationsAreRefused() {
    PushEvaluator e =
        MimirRulesTest.evaluator(perSample().validation(ValidationPolicy.DENY).build());
    assertThat(push(e, R1).status()).isEqualTo(200);
    // an invalid series of r2 (4 labels once its replica goes) is dropped with r2: no 400
    byte[] invalidR2 =
        series("__name__", "up", "__replica__", "r2", "a", "1", "b", "2", "cluster", "c1");
    Decision d = push(e, invalidR2, R1);
    assertThat(d.status()).isEqualTo(200);
    assertThat(d.items()).isEqualTo(1);
    // the same invalid series from r1, the elected replica, is Mimir's 400
    byte[] invalidR1 =
        series("__name__", "up", "__replica__", "r1", "a", "1", "b", "2", "cluster", "c1");
    Decision refused = push(e, invalidR1, R1);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.reason()).isEqualTo(Reason.of(Violation.MAX_LABEL_NAMES_PER_SERIES));
  }
}
