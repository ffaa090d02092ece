package io.mimiredge.rls.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LiveLimitsTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final Instant T1 = T0.plusSeconds(10);

  private static Overrides parse(String yaml) throws LimitsParseException {
    return OverridesParser.parse(yaml, TenantLimits.MIMIR_DEFAULTS);
  }

  @Test
  void appliesDefaultsUntilTheFirstLoad() {
    LiveLimits live = new LiveLimits(TenantLimits.MIMIR_DEFAULTS);
    assertThat(live.loaded()).isFalse();
    assertThat(live.get().limitsFor("a")).isEqualTo(TenantLimits.MIMIR_DEFAULTS);
    assertThat(live.status().lastSuccess()).isNull();
  }

  @Test
  void aFailedLoadKeepsTheLastGoodLimitsAndSaysSo() throws Exception {
    LiveLimits live = new LiveLimits(TenantLimits.MIMIR_DEFAULTS);
    live.sourceLoaded(parse("overrides: {a: {ingestion_rate: 5}}"), T0);
    live.sourceFailed("overrides.a.ingestion_rate (line 1): expected a number", T1);

    assertThat(live.get().limitsFor("a").ingestionRate()).isEqualTo(5);
    assertThat(live.status())
        .isEqualTo(
            new LiveLimits.Status(
                true, T0, T1, "overrides.a.ingestion_rate (line 1): expected a number"));
    assertThat(live.status().degraded()).isTrue();

    live.sourceLoaded(parse("overrides: {a: {ingestion_rate: 7}}"), T1);
    assertThat(live.status().degraded()).isFalse();
    assertThat(live.get().limitsFor("a").ingestionRate()).isEqualTo(7);
  }

  @Test
  void adminOverridesWinOverTheSourceAndSurviveReloads() throws Exception {
    LiveLimits live = new LiveLimits(TenantLimits.MIMIR_DEFAULTS);
    live.sourceLoaded(parse("overrides: {a: {ingestion_rate: 5, ingestion_burst_size: 50}}"), T0);

    live.setAdmin(
        "a",
        TenantLimits.MIMIR_DEFAULTS.toBuilder().ingestionRate(99).build(),
        Set.of(LimitKey.INGESTION_RATE));
    assertThat(live.get().limitsFor("a").ingestionRate()).isEqualTo(99);
    assertThat(live.get().limitsFor("a").ingestionBurstSize()).isEqualTo(50);
    assertThat(live.source("a", LimitKey.INGESTION_RATE)).isEqualTo(LiveLimits.Source.ADMIN);
    assertThat(live.source("a", LimitKey.INGESTION_BURST_SIZE))
        .isEqualTo(LiveLimits.Source.OVERRIDES);
    assertThat(live.source("a", LimitKey.REQUEST_RATE)).isEqualTo(LiveLimits.Source.DEFAULT);

    live.sourceLoaded(parse("overrides: {a: {ingestion_burst_size: 60}}"), T1);
    assertThat(live.get().limitsFor("a").ingestionRate()).isEqualTo(99);
    assertThat(live.get().limitsFor("a").ingestionBurstSize()).isEqualTo(60);

    assertThat(live.clearAdmin("a")).isTrue();
    assertThat(live.clearAdmin("a")).isFalse();
    assertThat(live.get().limitsFor("a").ingestionRate())
        .isEqualTo(TenantLimits.MIMIR_DEFAULTS.ingestionRate());
  }

  @Test
  void adminChangesForOneTenantMergeKeyByKey() {
    LiveLimits live = new LiveLimits(TenantLimits.MIMIR_DEFAULTS);
    live.setAdmin(
        "b",
        TenantLimits.MIMIR_DEFAULTS.toBuilder().ingestionRate(1).build(),
        Set.of(LimitKey.INGESTION_RATE));
    live.setAdmin(
        "b",
        TenantLimits.MIMIR_DEFAULTS.toBuilder().mode(Mode.SHADOW).build(),
        Set.of(LimitKey.MODE));

    TenantLimits b = live.get().limitsFor("b");
    assertThat(b.ingestionRate()).isEqualTo(1);
    assertThat(b.mode()).isEqualTo(Mode.SHADOW);
    assertThat(live.get().isExplicit("b", LimitKey.MODE)).isTrue();
    assertThat(live.admin("b").orElseThrow().keys())
        .containsExactlyInAnyOrder(LimitKey.INGESTION_RATE, LimitKey.MODE);
  }
}
