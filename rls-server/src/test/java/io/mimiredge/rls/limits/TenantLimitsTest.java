package io.mimiredge.rls.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mimiredge.rls.remotewrite.ValidationLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TenantLimitsTest {

  @Test
  void mimirDefaults() {
    TenantLimits d = TenantLimits.MIMIR_DEFAULTS;
    assertThat(d.ingestionRate()).isEqualTo(10_000);
    assertThat(d.ingestionBurstSize()).isEqualTo(200_000);
    assertThat(d.ingestionBurstFactor()).isZero();
    assertThat(d.requestRate()).isZero();
    assertThat(d.requestBurstSize()).isZero();
    assertThat(d.validationLimits()).isEqualTo(ValidationLimits.MIMIR_DEFAULTS);
    assertThat(d.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(d.validation()).isEqualTo(ValidationPolicy.FORWARD);
    assertThat(TenantLimits.builder().build()).isEqualTo(d);
  }

  @ParameterizedTest(name = "factor {0}, local rate {1} -> burst {2}")
  @CsvSource({
    "0, 5000, 200000", // no factor: ingestion_burst_size, undivided
    "3, 500, 1500", // Mimir's test: 1000/s over 2 distributors, factor 3
    "2, 3333.3333333333335, 6667", // rounded up, as Mimir
    "1.5, 0.5, 1",
    "3, 1e18, 2147483647" // capped
  })
  void burstFollowsMimirsBurstFactor(double factor, double localRate, int expected) {
    assertThat(
            TenantLimits.MIMIR_DEFAULTS.toBuilder()
                .ingestionBurstFactor(factor)
                .build()
                .ingestionBurst(localRate))
        .isEqualTo(expected);
  }

  @Test
  void refusesBadValuesAtOnce() {
    TenantLimits.Builder b = TenantLimits.builder();
    assertThatThrownBy(() -> b.ingestionRate(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ingestionRate must be a finite number >= 0, got -1.0");
    assertThatThrownBy(() -> b.requestRate(Double.NaN)).hasMessageContaining("got NaN");
    assertThatThrownBy(() -> b.ingestionBurstFactor(Double.POSITIVE_INFINITY))
        .hasMessageContaining("got Infinity");
    assertThatThrownBy(() -> b.maxLabelNameLength(-1))
        .hasMessage("maxLabelNameLength must be >= 0, got -1");
    assertThatThrownBy(() -> b.mode(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void toBuilderChangesACopy() {
    TenantLimits d = TenantLimits.MIMIR_DEFAULTS;
    TenantLimits changed = d.toBuilder().requestRate(5).validation(ValidationPolicy.DENY).build();
    assertThat(changed.requestRate()).isEqualTo(5);
    assertThat(changed.validation()).isEqualTo(ValidationPolicy.DENY);
    assertThat(d.requestRate()).isZero();
    for (LimitKey k : LimitKey.values()) {
      assertThat(k.copy(changed, d.toBuilder()).build().equals(d))
          .as(k.yamlPath())
          .isEqualTo(k.valueIn(changed).equals(k.valueIn(d)));
    }
  }
}
