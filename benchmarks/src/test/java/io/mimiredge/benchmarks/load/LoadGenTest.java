package io.mimiredge.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mimiredge.testsupport.StubUpstream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LoadGenTest {

  @Test
  void percentilesAreNearestRank() {
    long[] sorted = new long[1000];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = i + 1;
    }
    assertThat(LoadGen.percentile(sorted, 0.5)).isEqualTo(500);
    assertThat(LoadGen.percentile(sorted, 0.99)).isEqualTo(990);
    assertThat(LoadGen.percentile(sorted, 0.999)).isEqualTo(999);
    assertThat(LoadGen.percentile(sorted, 1.0)).isEqualTo(1000);
    assertThat(LoadGen.percentile(new long[] {7}, 0.999)).isEqualTo(7);
    assertThat(LoadGen.percentile(new long[0], 0.5)).isNaN();
  }

  @Test
  void parsesTheCommandLine() {
    LoadGen.Options o =
        LoadGen.parse(
            new String[] {
              "--url", "http://127.0.0.1:1/api/v1/push", "--rate", "200", "--duration", "30s",
              "--tenants", "3", "--warmup", "500ms", "--connections", "8"
            });
    assertThat(o.rate()).isEqualTo(200);
    assertThat(o.duration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.warmup()).isEqualTo(Duration.ofMillis(500));
    assertThat(o.tenants()).containsExactly("load-1", "load-2", "load-3");
    assertThat(o.connections()).isEqualTo(8);
    assertThatThrownBy(() -> LoadGen.parse(new String[] {"--url", "http://x", "--rate", "1"}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(
            LoadGen.parse(
                    new String[] {
                      "--url", "http://a/p", "--url", "http://b/p", "--rate", "1", "--duration", "1"
                    })
                .urls())
        .containsExactly(URI.create("http://a/p"), URI.create("http://b/p"));
  }

  /** Both clients: the socket client LoadGen uses and the JDK's, kept to compare their cost. */
  @ParameterizedTest
  @EnumSource(LoadGen.Client.class)
  void severalTargetsEachGetTheRateAndTheirOwnResult(LoadGen.Client client) throws Exception {
    int deadPort;
    try (StubUpstream dead = StubUpstream.sink(0, 1)) {
      deadPort = dead.port();
    }
    try (StubUpstream stub = StubUpstream.sink(0, 4)) {
      URI live = URI.create("http://127.0.0.1:" + stub.port() + "/api/v1/push");
      URI refused = URI.create("http://127.0.0.1:" + deadPort + "/api/v1/push");
      List<LoadGen.Result> rs =
          LoadGen.runAll(
              new LoadGen.Options(
                  List.of(live, refused),
                  50,
                  Duration.ofSeconds(1),
                  Duration.ZERO,
                  List.of("t"),
                  null,
                  4,
                  Duration.ofSeconds(2),
                  null,
                  client,
                  null,
                  null));

      assertThat(rs).extracting(LoadGen.Result::url).containsExactly(live, refused);
      assertThat(rs.get(0).count()).isEqualTo(50);
      assertThat(rs.get(0).errors()).isEmpty();
      assertThat(rs.get(0).latenciesNanos()).hasSize(50);
      assertThat(rs.get(1).count()).isEqualTo(50);
      assertThat(rs.get(1).errorCount()).isEqualTo(50);
      assertThat(rs.get(1).latenciesNanos()).isEmpty();
    }
  }

  @Test
  void sendsAtTheFixedRateAndEveryRequestIsAnswered() throws Exception {
    try (StubUpstream stub = StubUpstream.sink(0, 4)) {
      LoadGen.Options o =
          new LoadGen.Options(
              List.of(URI.create("http://127.0.0.1:" + stub.port() + "/api/v1/push")),
              100,
              Duration.ofSeconds(2),
              Duration.ofMillis(300),
              List.of("load-1"),
              null,
              8,
              Duration.ofSeconds(30), // far beyond the run: a run that waited it out would show
              null,
              LoadGen.Client.RAW,
              null,
              null);
      long start = System.nanoTime();
      LoadGen.Result r = LoadGen.run(o);
      double elapsed = (System.nanoTime() - start) / 1e9;

      assertThat(r.count()).isEqualTo(200);
      assertThat(r.errors()).isEmpty();
      assertThat(r.latenciesNanos()).hasSize(200);
      assertThat(r.achievedRate()).isBetween(95.0, 105.0);
      // open loop: the run lasts the schedule (warmup + duration), not until the request timeout
      // (+ 2 s) for the last answers; the upper bound leaves a busy machine room, 12 s below that
      assertThat(elapsed).isBetween(2.2, 20.0);
      assertThat(r.percentileMillis(0.5)).isPositive().isLessThanOrEqualTo(r.maxMillis());
      assertThat(LoadGen.report(r))
          .contains("RESULT url=" + o.urls().get(0) + " count=200 errors=0");
    }
  }

  @Test
  void countsRefusedRequestsAsErrors() throws Exception {
    int freePort;
    try (StubUpstream stub = StubUpstream.sink(0, 1)) {
      freePort = stub.port();
    }
    LoadGen.Result r =
        LoadGen.run(
            new LoadGen.Options(
                List.of(URI.create("http://127.0.0.1:" + freePort + "/api/v1/push")),
                50,
                Duration.ofMillis(400),
                Duration.ZERO,
                List.of("t"),
                null,
                4,
                Duration.ofSeconds(2),
                null,
                LoadGen.Client.RAW,
                null,
                null));
    assertThat(r.count()).isEqualTo(20);
    assertThat(r.errorCount()).isEqualTo(20);
    assertThat(r.latenciesNanos()).isEmpty();
  }

  @Test
  void reportsEachSecondsOutcomeByWhenTheRequestsWereDue() throws Exception {
    // requests 100..149 (the second second's first half) fail, as a fault would fail them
    LoadGen.Sender sender = (target, i, done) -> done.accept(i >= 100 && i < 150 ? "502" : null);
    long before = System.currentTimeMillis();
    LoadGen.Result r =
        LoadGen.openLoop(
                List.of(URI.create("http://t")),
                100,
                Duration.ofSeconds(3),
                Duration.ZERO,
                4,
                Duration.ofSeconds(1),
                sender)
            .get(0);

    assertThat(r.perSecond()).hasSize(3);
    assertThat(r.perSecond())
        .extracting(LoadGen.Second::due, LoadGen.Second::ok, LoadGen.Second::failed)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(100L, 100L, 0L),
            org.assertj.core.groups.Tuple.tuple(100L, 50L, 50L),
            org.assertj.core.groups.Tuple.tuple(100L, 100L, 0L));
    assertThat(r.perSecond().get(1).errors()).containsExactly(java.util.Map.entry("502", 50L));
    long start = r.perSecond().get(0).startEpochMillis();
    assertThat(start).isBetween(before, before + 1000);
    assertThat(r.perSecond().get(2).startEpochMillis()).isEqualTo(start + 2000);
    assertThat(r.perSecond().get(1).line(URI.create("http://t")))
        .startsWith("SECOND url=http://t start_ms=" + (start + 1000) + " due=100 ok=50 failed=50")
        .endsWith("errors={502=50}");
  }

  @Test
  void aSecondCountsUnansweredRequestsAsTimeoutsAndTakesItsLatenciesFromTheAnswered() {
    // 4 requests/s over 2 s: slot 5 never answered, slot 6 answered 503 after 900 ms
    long[] answered = {1_000_000, 2_000_000, 3_000_000, 4_000_000, 1_000_000, -1, 900_000_000, 1};
    String[] failures = {null, null, null, null, null, null, "503", null};
    List<LoadGen.Second> seconds = LoadGen.perSecond(5_000, 250_000_000L, 0, answered, failures);

    assertThat(seconds).hasSize(2);
    assertThat(seconds.get(0).ok()).isEqualTo(4);
    assertThat(seconds.get(0).maxMillis()).isEqualTo(4.0);
    assertThat(seconds.get(1).startEpochMillis()).isEqualTo(6_000);
    assertThat(seconds.get(1).due()).isEqualTo(4);
    assertThat(seconds.get(1).ok()).isEqualTo(2);
    assertThat(seconds.get(1).errors()).containsEntry("timeout", 1L).containsEntry("503", 1L);
    assertThat(seconds.get(1).maxMillis()).isEqualTo(900.0);
  }

  @Test
  void churnReplacesTheLastThirdsIdsEveryPeriodAndKeepsTheRest() {
    List<String> tenants =
        LoadGen.parse(
                new String[] {
                  "--url",
                  "http://a/p",
                  "--rate",
                  "10",
                  "--duration",
                  "1m",
                  "--tenants",
                  "9",
                  "--churn",
                  "2s"
                })
            .tenants();
    Duration churn = Duration.ofSeconds(2);
    long period = 100_000_000L; // 10 per second: a generation is 20 requests
    // generation 0: the tenants as named
    assertThat(LongStream.range(0, 9).mapToObj(i -> LoadGen.tenantOf(tenants, churn, period, i)))
        .containsExactlyElementsOf(tenants);
    // generation 1 (requests 20..39): the first six the same, the last three new
    assertThat(
            LongStream.range(27, 36)
                .mapToObj(i -> LoadGen.tenantOf(tenants, churn, period, i))
                .sorted())
        .containsExactly(
            "load-1",
            "load-2",
            "load-3",
            "load-4",
            "load-5",
            "load-6",
            "load-7-g1",
            "load-8-g1",
            "load-9-g1");
    // over 10 generations: 6 steady tenants and 3 new ones per generation, none reused
    Set<String> seen =
        LongStream.range(0, 200)
            .mapToObj(i -> LoadGen.tenantOf(tenants, churn, period, i))
            .collect(Collectors.toSet());
    assertThat(seen).hasSize(6 + 3 * 10).contains("load-9-g9").doesNotContain("load-9-g10");
    // without churn: round robin over all of them
    assertThat(LoadGen.tenantOf(tenants, null, period, 198)).isEqualTo("load-1");
  }

  @Test
  void churnNeedsSeveralTenantsAndAPositivePeriod() {
    assertThatThrownBy(() -> oneRequestASecond("--churn", "1m"))
        .hasMessageContaining("--churn needs --tenants");
    assertThatThrownBy(() -> oneRequestASecond("--tenants", "2", "--churn", "1m"))
        .hasMessageContaining("at least 3");
    assertThatThrownBy(() -> oneRequestASecond("--tenants", "3", "--churn", "0s"))
        .hasMessageContaining("--churn must be positive");
    assertThat(oneRequestASecond("--tenants", "3", "--churn", "1m").churn())
        .isEqualTo(Duration.ofMinutes(1));
  }

  /** The options of one request a second for a second to http://a/p, plus {@code more}. */
  private static LoadGen.Options oneRequestASecond(String... more) {
    List<String> args =
        new ArrayList<>(List.of("--url", "http://a/p", "--rate", "1", "--duration", "1"));
    args.addAll(List.of(more));
    return LoadGen.parse(args.toArray(String[]::new));
  }
}
