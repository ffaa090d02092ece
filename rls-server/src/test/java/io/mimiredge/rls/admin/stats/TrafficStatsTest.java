package io.mimiredge.rls.admin.stats;

import static io.mimiredge.rls.admin.Decisions.allow;
import static io.mimiredge.rls.admin.Decisions.deny;
import static io.mimiredge.rls.admin.Decisions.shadowDeny;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mimiredge.rls.admin.FakeTime;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TrafficStatsTest {
  private static final Duration M1 = Duration.ofMinutes(1);
  private static final Duration M5 = Duration.ofMinutes(5);
  private static final Duration H1 = Duration.ofHours(1);

  private final FakeTime time = new FakeTime();
  private final TrafficStats stats =
      TrafficStats.builder().nanoTime(time::nanos).clock(time).maxTenants(100).build();

  @Test
  void countsByVerdictReasonAndDoor() {
    stats.record(Door.HTTP_PUSH, allow("a", 100), 1_000);
    stats.record(Door.HTTP_PUSH, deny("a", Reason.INGESTION_RATE, 50, "x"), 1_000);
    stats.record(Door.EXT_AUTHZ, deny("b", Reason.REQUEST_RATE, 5, "x"), 1_000);
    stats.record(Door.SHADOW, shadowDeny("c", Reason.INGESTION_RATE, 7), 1_000);
    stats.recordError(Door.HTTP_PUSH);

    WindowCounts all = stats.window(null, M1);
    assertThat(all.requests()).isEqualTo(4);
    assertThat(all.allowed()).isEqualTo(1);
    assertThat(all.denied())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(Reason.INGESTION_RATE, 1L, Reason.REQUEST_RATE, 1L));
    assertThat(all.deniedTotal()).isEqualTo(2);
    assertThat(all.shadowDenied()).containsExactlyEntriesOf(Map.of(Reason.INGESTION_RATE, 1L));
    assertThat(all.items()).isEqualTo(162);
    assertThat(all.errors()).isEqualTo(1);

    WindowCounts push = stats.window(Door.HTTP_PUSH, M1);
    assertThat(push.requests()).isEqualTo(2);
    assertThat(push.items()).isEqualTo(150);
    assertThat(push.errors()).isEqualTo(1);
    assertThat(stats.window(Door.RATELIMIT, M1).requests()).isZero();
  }

  @Test
  void windowsSlideBySecondsAndMinutes() {
    stats.record(Door.HTTP_PUSH, allow("a", 1), 1_000); // t = 0
    time.advanceSeconds(59);
    assertThat(stats.window(null, M1).requests()).isEqualTo(1); // still within the minute
    time.advanceSeconds(1);
    assertThat(stats.window(null, M1).requests()).isZero(); // 60 s later: out of 1m
    assertThat(stats.window(null, M5).requests()).isEqualTo(1);

    stats.record(Door.HTTP_PUSH, allow("a", 1), 1_000); // t = 60 s
    time.advanceSeconds(240); // t = 300 s: the first one is out of 5m, the second not
    assertThat(stats.window(null, M5).requests()).isEqualTo(1);
    assertThat(stats.window(null, H1).requests()).isEqualTo(2);

    time.advance(Duration.ofMinutes(55)); // t = 60 min: the first is out of the hour
    assertThat(stats.window(null, H1).requests()).isEqualTo(1);
    time.advance(Duration.ofMinutes(1));
    assertThat(stats.window(null, H1).requests()).isZero();
  }

  @Test
  void slotsAreRecycledWhenTheRingComesRound() {
    stats.record(Door.HTTP_PUSH, allow("a", 1), 1_000);
    time.advanceSeconds(300); // the same fine slot again, five minutes on
    stats.record(Door.HTTP_PUSH, allow("a", 1), 1_000);
    assertThat(stats.window(null, Duration.ofSeconds(1)).requests()).isEqualTo(1);
    assertThat(stats.window(null, M5).requests()).isEqualTo(1);
    assertThat(stats.window(null, H1).requests()).isEqualTo(2);
  }

  @Test
  void latencyPercentiles() {
    for (int i = 0; i < 98; i++) {
      stats.record(Door.EXT_AUTHZ, allow("a", 1), 100_000); // 0.1 ms
    }
    stats.record(Door.EXT_AUTHZ, allow("a", 1), 5_000_000); // 5 ms
    stats.record(Door.EXT_AUTHZ, allow("a", 1), 5_000_000);
    WindowCounts w = stats.window(null, M1);
    assertThat(w.latencyCount()).isEqualTo(100);
    assertThat(w.p50Nanos()).isCloseTo(100_000, within(100_000 * 0.07));
    assertThat(w.p99Nanos()).isCloseTo(5_000_000, within(5_000_000 * 0.07));
    assertThat(stats.window(Door.HTTP_PUSH, M1).p99Nanos()).isNaN();
  }

  @Test
  void tenantRatesDenialsAndLastSeen() {
    for (int i = 0; i < 60; i++) {
      stats.record(Door.HTTP_PUSH, allow("a", 100), 1_000);
      time.advanceSeconds(1);
    }
    stats.record(Door.HTTP_PUSH, deny("a", Reason.INGESTION_RATE, 100, "x"), 1_000);
    stats.record(Door.SHADOW, shadowDeny("a", Reason.INGESTION_RATE, 100), 1_000);
    time.advanceSeconds(2);

    TenantTraffic a = stats.tenant("a").orElseThrow();
    // about one request and 100 items a second over the last minute
    assertThat(a.requestsPerSecond()).isCloseTo(1.0, within(0.1));
    assertThat(a.itemsPerSecond()).isCloseTo(100.0, within(10.0));
    assertThat(a.denied5m()).isEqualTo(1);
    assertThat(a.shadowDenied5m()).isEqualTo(1);
    assertThat(a.lastSeen()).isEqualTo(time.instant().minusSeconds(2));

    time.advanceSeconds(330);
    TenantTraffic later = stats.tenant("a").orElseThrow();
    assertThat(later.requestsPerSecond()).isZero();
    assertThat(later.denied5m()).isZero();
    assertThat(stats.tenant("nobody")).isEmpty();
  }

  @Test
  void decisionsWithoutTenantAreNotTrackedPerTenant() {
    stats.record(Door.HTTP_PUSH, deny(null, Reason.MISSING_TENANT, 0, "no org id"), 1_000);
    assertThat(stats.trackedTenants()).isZero();
    assertThat(stats.window(null, M1).denied()).containsEntry(Reason.MISSING_TENANT, 1L);
  }

  @Test
  void tracksAtMostMaxTenantsEvictingTheLeastRecentlySeen() {
    for (int i = 0; i < 150; i++) {
      stats.record(Door.HTTP_PUSH, allow("t" + i, 1), 1_000);
      time.advance(Duration.ofMillis(10));
    }
    stats.record(Door.HTTP_PUSH, allow("t0", 1), 1_000); // t0 seen again: recent
    time.advance(Duration.ofMillis(10));
    stats.record(Door.HTTP_PUSH, allow("new", 1), 1_000);
    assertThat(stats.trackedTenants()).isLessThanOrEqualTo(100);
    assertThat(stats.tenant("new")).isPresent();
    assertThat(stats.tenant("t149")).isPresent();
    assertThat(stats.tenant("t1")).isEmpty();
  }

  @Test
  void membershipVersionChangesWhenTheTrackedSetDoesAndOnlyThen() {
    long before = stats.membershipVersion();
    stats.record(Door.HTTP_PUSH, allow("a", 1), 1_000);
    long afterA = stats.membershipVersion();
    assertThat(afterA).isNotEqualTo(before);
    assertThat(stats.trackedIds()).containsExactly("a");

    stats.record(Door.HTTP_PUSH, allow("a", 5), 1_000); // a tracked tenant again: same set
    assertThat(stats.membershipVersion()).isEqualTo(afterA);

    for (int i = 0; i < 100; i++) { // past the bound of 100: some are evicted
      stats.record(Door.HTTP_PUSH, allow("t" + i, 1), 1_000);
      time.advance(Duration.ofMillis(10));
    }
    long full = stats.membershipVersion();
    assertThat(stats.trackedIds()).doesNotContain("a").hasSizeLessThanOrEqualTo(100);
    stats.record(Door.HTTP_PUSH, allow("t99", 1), 1_000);
    assertThat(stats.membershipVersion()).isEqualTo(full);
  }

  @Test
  void topTenantsByItems() {
    stats.record(Door.HTTP_PUSH, allow("small", 10), 1_000);
    stats.record(Door.HTTP_PUSH, allow("big", 1000), 1_000);
    stats.record(Door.HTTP_PUSH, allow("mid", 100), 1_000);
    assertThat(stats.topTenants(2)).extracting(TenantTraffic::tenant).containsExactly("big", "mid");
  }

  @Test
  void refusesWindowsItCannotAnswer() {
    assertThatThrownBy(() -> stats.window(null, Duration.ofHours(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("up to 1h");
    assertThatThrownBy(() -> stats.window(null, Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrafficStats.builder().maxTenants(0))
        .hasMessageContaining("maxTenants must be >= 1");
  }

  @Test
  void concurrentRecordingLosesNothing() throws Exception {
    TrafficStats real = TrafficStats.builder().maxTenants(50).build(); // real clocks
    int threads = 4;
    int perThread = 50_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                  String tenant = "t" + ((id * 31 + i) % 80); // more tenants than tracked
                  if (i % 10 == 0) {
                    real.record(Door.EXT_AUTHZ, deny(tenant, Reason.REQUEST_RATE, 2, "x"), i);
                  } else {
                    real.record(Door.HTTP_PUSH, allow(tenant, 2), i);
                  }
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    WindowCounts w = real.window(null, Duration.ofMinutes(5));
    long total = (long) threads * perThread;
    assertThat(w.requests()).isEqualTo(total);
    assertThat(w.items()).isEqualTo(2 * total);
    assertThat(w.deniedTotal()).isEqualTo(total / 10);
    assertThat(w.latencyCount()).isEqualTo(total);
    assertThat(real.window(Door.EXT_AUTHZ, Duration.ofMinutes(5)).requests()).isEqualTo(total / 10);
    assertThat(real.trackedTenants()).isLessThanOrEqualTo(50);
  }

  @Test
  void keepsPerTenantWhatEnforcementDidAndWouldHaveDoneByReasonOverEachWindow() {
    stats.record(Door.HTTP_PUSH, allow("a", 100), 1_000);
    stats.record(Door.HTTP_PUSH, deny("a", Reason.INGESTION_RATE, 50, "x"), 1_000);
    stats.record(Door.SHADOW, shadowDeny("a", Reason.INGESTION_RATE, 30), 1_000);
    stats.record(Door.SHADOW, shadowDeny("a", Reason.LABEL_VALUE_TOO_LONG, 7), 1_000);
    stats.record(Door.SHADOW, allow("b", 10), 1_000);

    TenantWindow a = stats.tenantWindow("a", M5).orElseThrow();
    assertThat(a.requests()).isEqualTo(4);
    assertThat(a.items()).isEqualTo(187);
    assertThat(a.denied()).isEqualTo(new TenantWindow.Refused(1, 50));
    assertThat(a.shadowDenied()).isEqualTo(new TenantWindow.Refused(2, 37));
    assertThat(a.deniedByReason())
        .containsExactlyEntriesOf(Map.of(Reason.INGESTION_RATE, new TenantWindow.Refused(1, 50)));
    assertThat(a.shadowDeniedByReason())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                Reason.INGESTION_RATE, new TenantWindow.Refused(1, 30),
                Reason.LABEL_VALUE_TOO_LONG, new TenantWindow.Refused(1, 7)));
    TenantWindow b = stats.tenantWindow("b", M1).orElseThrow();
    assertThat(b.denied()).isEqualTo(new TenantWindow.Refused(0, 0));
    assertThat(b.shadowDeniedByReason()).isEmpty();
    assertThat(stats.tenantWindow("nobody", M1)).isEmpty();
    assertThat(stats.tenantWindows(H1)).extracting(TenantWindow::tenant).containsOnly("a", "b");
  }

  @Test
  void aTenantsWindowsSlideAtTheirSlotsGranularity() {
    stats.record(Door.SHADOW, shadowDeny("a", Reason.INGESTION_RATE, 30), 1_000); // t = 0
    time.advanceSeconds(61);
    assertThat(stats.tenantWindow("a", M1).orElseThrow().shadowDenied().requests()).isZero();
    assertThat(stats.tenantWindow("a", M5).orElseThrow().shadowDenied().items()).isEqualTo(30);
    time.advanceSeconds(300);
    assertThat(stats.tenantWindow("a", M5).orElseThrow().shadowDeniedByReason()).isEmpty();
    TenantWindow hour = stats.tenantWindow("a", H1).orElseThrow();
    assertThat(hour.shadowDeniedByReason())
        .containsExactlyEntriesOf(Map.of(Reason.INGESTION_RATE, new TenantWindow.Refused(1, 30)));
    assertThat(hour.spanSeconds()).isBetween(55 * 60.0, 60 * 60.0);
    time.advanceSeconds(3600);
    assertThat(stats.tenantWindow("a", H1).orElseThrow().requests()).isZero();
    assertThatThrownBy(() -> stats.tenantWindow("a", Duration.ofHours(2)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
