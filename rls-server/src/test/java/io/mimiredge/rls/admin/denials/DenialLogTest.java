package io.mimiredge.rls.admin.denials;

import static io.mimiredge.rls.admin.Decisions.allow;
import static io.mimiredge.rls.admin.Decisions.deny;
import static io.mimiredge.rls.admin.Decisions.shadowDeny;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mimiredge.rls.admin.FakeTime;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.enforce.Verdict;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DenialLogTest {
  private final FakeTime time = new FakeTime();

  @Test
  void keepsDenialsAndShadowDenialsNotAllowedRequests() {
    DenialLog log = new DenialLog(10, time);
    log.record(Door.HTTP_PUSH, allow("a", 5), 1);
    log.record(Door.HTTP_PUSH, deny("a", Reason.INGESTION_RATE, 5, "rate limited"), 1);
    log.record(Door.SHADOW, shadowDeny("b", Reason.REQUEST_RATE, 1), 1);
    assertThat(log.recent(null, null, 10))
        .extracting(Denial::tenant, Denial::verdict, Denial::door)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("b", Verdict.SHADOW_DENY, Door.SHADOW),
            org.assertj.core.groups.Tuple.tuple("a", Verdict.DENY, Door.HTTP_PUSH));
    Denial a = log.recent("a", null, 10).get(0);
    assertThat(a.status()).isEqualTo(429);
    assertThat(a.retryAfterSeconds()).isEqualTo(3);
    assertThat(a.message()).isEqualTo("rate limited");
    assertThat(a.items()).isEqualTo(5);
  }

  @Test
  void saysTheWriteProtocolOfWhatWasScanned() throws Exception {
    byte[] body = io.mimiredge.rls.testing.Rw2Fixtures.body("000.bin");
    var stats =
        new io.mimiredge.rls.remotewrite.WriteRequestScanner(1 << 20)
            .scan(
                body,
                0,
                body.length,
                io.mimiredge.rls.remotewrite.ValidationLimits.MIMIR_DEFAULTS,
                io.mimiredge.rls.testing.TestFixtures.NOW_MILLIS,
                io.mimiredge.rls.remotewrite.Protocol.RW2);
    var scanned =
        new io.mimiredge.rls.enforce.Decision(
            Verdict.DENY,
            Reason.INGESTION_RATE,
            429,
            "m",
            null,
            io.mimiredge.rls.limits.Mode.ENFORCE,
            stats.items(),
            stats,
            "a");
    DenialLog log = new DenialLog(10, time);
    log.record(Door.HTTP_PUSH, scanned, 1);
    log.record(Door.HTTP_PUSH, deny("b", Reason.BAD_CONTENT_TYPE, 0, "m"), 1);

    assertThat(log.recent(null, null, 10))
        .extracting(Denial::tenant, Denial::protocol)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("b", null),
            org.assertj.core.groups.Tuple.tuple("a", io.mimiredge.rls.remotewrite.Protocol.RW2));
  }

  @Test
  void boundedOldestOverwritten() {
    DenialLog log = new DenialLog(3, time);
    for (int i = 0; i < 7; i++) {
      log.record(Door.HTTP_PUSH, deny("t" + i, Reason.INGESTION_RATE, i, "m"), 1);
    }
    assertThat(log.recorded()).isEqualTo(7);
    assertThat(log.recent(null, null, 100))
        .extracting(Denial::tenant)
        .containsExactly("t6", "t5", "t4");
  }

  @Test
  void filtersByTenantSinceAndLimit() {
    DenialLog log = new DenialLog(100, time);
    log.record(Door.HTTP_PUSH, deny("a", Reason.INGESTION_RATE, 1, "m"), 1);
    time.advanceSeconds(10);
    Instant mid = time.instant();
    log.record(Door.HTTP_PUSH, deny("a", Reason.INGESTION_RATE, 2, "m"), 1);
    log.record(Door.HTTP_PUSH, deny("b", Reason.INGESTION_RATE, 3, "m"), 1);
    log.record(Door.HTTP_PUSH, deny("a", Reason.INGESTION_RATE, 4, "m"), 1);
    assertThat(log.recent("a", null, 100)).extracting(Denial::items).containsExactly(4L, 2L, 1L);
    assertThat(log.recent("a", mid, 100)).extracting(Denial::items).containsExactly(4L, 2L);
    assertThat(log.recent(null, null, 2)).extracting(Denial::items).containsExactly(4L, 3L);
  }

  @Test
  void refusesAnEmptyBuffer() {
    assertThatThrownBy(() -> new DenialLog(0, time)).hasMessageContaining("capacity must be >= 1");
  }
}
