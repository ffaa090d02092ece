package io.mimiredge.rls.admin.preview;

import static io.mimiredge.rls.admin.Decisions.allow;
import static io.mimiredge.rls.admin.Decisions.deny;
import static io.mimiredge.rls.admin.Decisions.shadowDeny;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mimiredge.api.admin.RolloutPreview;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.Rollout;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.api.rollout.TenantSplit;
import io.mimiredge.rls.admin.FakeTime;
import io.mimiredge.rls.admin.stats.TrafficStats;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.limits.Mode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImpactPreviewTest {
  private static final Duration M5 = Duration.ofMinutes(5);

  private final FakeTime time = new FakeTime();
  private final TrafficStats stats =
      TrafficStats.builder().nanoTime(time::nanos).clock(time).maxTenants(1000).build();
  private final Map<String, Mode> modes = new java.util.HashMap<>();
  private final ImpactPreview preview =
      new ImpactPreview(stats, t -> modes.getOrDefault(t, Mode.ENFORCE), time);

  /** The first "prefix-N" that a tenant-split canary at {@code percent} enforces, or not. */
  private static String tenant(String prefix, int percent, boolean enforced) {
    for (int i = 0; ; i++) {
      String t = prefix + "-" + i;
      if (TenantSplit.enforced(t, percent) == enforced) {
        return t;
      }
    }
  }

  private static Rollout at(Phase phase, SplitBy split) {
    return new Rollout(phase, split, Instant.EPOCH, "test");
  }

  @Test
  void listsTheTenantsTheNextRungWouldStartDenyingWithTheirRatesAndReasons() {
    String over = tenant("over", 50, true);
    String under = tenant("under", 50, true);
    String notReached = tenant("away", 50, false);
    String shadowMode = tenant("shadow", 50, true);
    modes.put(shadowMode, Mode.SHADOW);
    for (int i = 0; i < 10; i++) { // the mirror's copies over 5 minutes
      stats.record(Door.SHADOW, shadowDeny(over, Reason.INGESTION_RATE, 500), 1_000);
      stats.record(Door.SHADOW, allow(over, 100), 1_000);
      stats.record(Door.SHADOW, allow(under, 100), 1_000);
      stats.record(Door.SHADOW, shadowDeny(notReached, Reason.INGESTION_RATE, 500), 1_000);
      stats.record(Door.SHADOW, shadowDeny(shadowMode, Reason.INGESTION_RATE, 500), 1_000);
      if (i < 9) {
        time.advanceSeconds(30); // the last ones at 4 min 30 s: all within the 5m window
      }
    }
    stats.record(Door.SHADOW, shadowDeny(over, Reason.LABEL_VALUE_TOO_LONG, 20), 1_000);

    RolloutPreview p =
        preview.preview(at(Phase.MIRROR, SplitBy.TENANT), Phase.canary(50), M5, "5m");

    assertThat(p.from()).isEqualTo("mirror");
    assertThat(p.to()).isEqualTo("canary-50");
    assertThat(p.estimated()).isFalse();
    assertThat(p.tenantsReached()).isEqualTo(2); // over and under; shadow mode is not listed
    assertThat(p.tenantsDenied()).isEqualTo(1);
    RolloutPreview.Tenant t = p.tenants().get(0);
    double minutes = p.windowSeconds() / 60;
    assertThat(t.id()).isEqualTo(over);
    assertThat(t.share()).isEqualTo(1);
    assertThat(t.deniedRequestsPerMinute() * minutes).isCloseTo(11, within(0.01));
    assertThat(t.deniedItemsPerMinute() * minutes).isCloseTo(5020, within(0.1));
    assertThat(t.requestsPerMinute() * minutes).isCloseTo(21, within(0.01));
    assertThat(t.deniedItemsShare()).isCloseTo(5020.0 / 6020, within(0.0001));
    assertThat(t.reasons())
        .extracting(RolloutPreview.Reason::reason)
        .containsExactly("ingestion_rate", "label_value_too_long");
  }

  @Test
  void aTenantAlreadyEnforcedIsNotListedAgain() {
    String early = tenant("early", 10, true);
    stats.record(Door.HTTP_PUSH, deny(early, Reason.INGESTION_RATE, 500, "x"), 1_000);
    stats.record(Door.SHADOW, shadowDeny(early, Reason.INGESTION_RATE, 500), 1_000);
    RolloutPreview p =
        preview.preview(at(Phase.canary(10), SplitBy.TENANT), Phase.canary(50), M5, "5m");
    assertThat(p.tenants()).isEmpty();
    assertThat(p.tenantsReached()).isZero();
  }

  @Test
  void aRequestSplitFromMirrorScalesWhatTheShadowDoorRefusedByTheShareTheRungAdds() {
    for (int i = 0; i < 4; i++) {
      stats.record(Door.SHADOW, shadowDeny("t", Reason.INGESTION_RATE, 100), 1_000);
    }
    RolloutPreview p =
        preview.preview(at(Phase.MIRROR, SplitBy.REQUEST), Phase.canary(50), M5, "5m");
    assertThat(p.estimated()).isTrue();
    RolloutPreview.Tenant t = p.tenants().get(0);
    assertThat(t.share()).isEqualTo(0.5);
    double minutes = p.windowSeconds() / 60;
    assertThat(t.deniedItemsPerMinute() * minutes).isCloseTo(200, within(0.01));
    assertThat(t.itemsPerMinute() * minutes).isCloseTo(200, within(0.01));
  }

  @Test
  void aRequestSplitFromACanaryScalesTheEnforcedShareDenialsToTheAddedShare() {
    // canary 25 by request copies nothing to the shadow door: the enforcing doors saw 25 %
    for (int i = 0; i < 4; i++) {
      stats.record(Door.HTTP_PUSH, deny("t", Reason.INGESTION_RATE, 100, "x"), 1_000);
      stats.record(Door.HTTP_PUSH, allow("t", 100), 1_000);
    }
    RolloutPreview p =
        preview.preview(at(Phase.canary(25), SplitBy.REQUEST), Phase.canary(75), M5, "5m");
    assertThat(p.estimated()).isTrue();
    RolloutPreview.Tenant t = p.tenants().get(0);
    double minutes = p.windowSeconds() / 60;
    assertThat(t.share()).isEqualTo(0.5);
    // 50 % more on top of 25 %: twice what the enforced share saw
    assertThat(t.deniedItemsPerMinute() * minutes).isCloseTo(800, within(0.01));
    assertThat(t.deniedRequestsPerMinute() * minutes).isCloseTo(8, within(0.01));
    assertThat(t.requestsPerMinute() * minutes).isCloseTo(16, within(0.01));
    assertThat(t.deniedItemsShare()).isEqualTo(0.5);
    // full from canary 75: the last quarter, a third of what 75 % saw
    RolloutPreview full =
        preview.preview(at(Phase.canary(75), SplitBy.REQUEST), Phase.FULL, M5, "5m");
    assertThat(full.estimated()).isTrue();
    // full from the mirror: every write was decided in shadow, nothing is estimated
    assertThat(preview.preview(at(Phase.MIRROR, SplitBy.REQUEST), Phase.FULL, M5, "5m").estimated())
        .isFalse();
    assertThat(full.tenants().get(0).deniedItemsPerMinute() * full.windowSeconds() / 60)
        .isCloseTo(400 / 3.0, within(0.01));
  }

  @Test
  void aRequestSplitCanaryIsReadOnlySinceItWasSetNotWithTheMirrorsTrafficBeforeIt() {
    // four minutes of mirror: 40 shadow copies, none refused
    for (int i = 0; i < 40; i++) {
      stats.record(Door.SHADOW, allow("t", 100), 1_000);
      time.advanceSeconds(6);
    }
    Instant set = time.instant(); // canary 25 by request from here on
    for (int i = 0; i < 10; i++) {
      stats.record(Door.HTTP_PUSH, deny("t", Reason.INGESTION_RATE, 100, "x"), 1_000);
      time.advanceSeconds(5);
    }
    RolloutPreview p =
        preview.preview(
            new Rollout(Phase.canary(25), SplitBy.REQUEST, set, "edgectl"),
            Phase.canary(50),
            M5,
            "5m");
    assertThat(p.windowSeconds()).isLessThanOrEqualTo(90); // 50 s, in whole 30-second slots
    RolloutPreview.Tenant t = p.tenants().get(0);
    double minutes = p.windowSeconds() / 60;
    // everything the canary enforced was refused: the mirror's 40 allowed copies are not mixed in
    // (over the whole 5m window the share would be 10 of 50), but for the one in the slot where
    // the canary was set
    assertThat(t.deniedItemsShare()).isGreaterThan(0.9);
    assertThat(t.requestsPerMinute() * minutes).isBetween(10.0, 11.0);
  }

  @Test
  void aPreviewGoesUp() {
    assertThatThrownBy(
            () -> preview.preview(at(Phase.canary(50), SplitBy.TENANT), Phase.MIRROR, M5, "5m"))
        .hasMessage("a preview goes up: mirror is not above the current canary 50");
  }
}
