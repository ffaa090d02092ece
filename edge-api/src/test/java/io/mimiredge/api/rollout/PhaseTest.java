package io.mimiredge.api.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhaseTest {
  @ParameterizedTest
  @CsvSource({
    "direct, direct, 0",
    "MIRROR, mirror, 0",
    "' full ', full, 100",
    "canary 25, canary-25, 25",
    "canary-25, canary-25, 25",
    "canary_10, canary-10, 10",
    "canary:75, canary-75, 75",
    "canary50%, canary-50, 50",
    "Canary 100, canary-100, 100"
  })
  void parsesTheFormsPeopleAndEdgectlWrite(String text, String token, int percent) {
    Phase p = Phase.parse(text);
    assertThat(p.token()).isEqualTo(token);
    assertThat(p.enforcedPercent()).isEqualTo(percent);
    assertThat(Phase.parse(p.token())).isEqualTo(p);
  }

  @ParameterizedTest
  @CsvSource({"sideways", "canary", "canary 0", "canary 101", "canary -5", "''"})
  void refusesWhatIsNotARung(String text) {
    assertThatThrownBy(() -> Phase.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown phase '" + text + "'; expected direct, mirror, canary N (1..100) or full");
  }

  @ParameterizedTest
  @CsvSource({
    "DIRECT, 10, 'phase direct enforces nothing: percent must be 0, got 10'",
    "MIRROR, 100, 'phase mirror enforces nothing: percent must be 0, got 100'",
    "CANARY, 0, 'phase canary needs percent between 1 and 100, got 0 (use direct or mirror for 0)'",
    "CANARY, 101, 'phase canary needs percent between 1 and 100, got 101'",
    "FULL, 50, 'phase full enforces everything: percent must be 100, got 50'"
  })
  void saysWhatIsWrongWithACombination(Phase.Kind kind, int percent, String message) {
    assertThat(Phase.problem(kind, percent)).startsWith(message);
    assertThatThrownBy(() -> new Phase(kind, percent)).hasMessageStartingWith(message);
    assertThatThrownBy(() -> Phase.of(kind, percent)).hasMessageStartingWith(message);
  }

  @Test
  void aMissingPercentIsTheOneTheKindImpliesExceptForACanary() {
    assertThat(Phase.of(Phase.Kind.DIRECT, null)).isEqualTo(Phase.DIRECT);
    assertThat(Phase.of(Phase.Kind.MIRROR, null)).isEqualTo(Phase.MIRROR);
    assertThat(Phase.of(Phase.Kind.FULL, null)).isEqualTo(Phase.FULL);
    assertThat(Phase.of(Phase.Kind.CANARY, 25)).isEqualTo(Phase.canary(25));
    assertThatThrownBy(() -> Phase.of(Phase.Kind.CANARY, null))
        .hasMessage("phase canary needs percent between 1 and 100 (use direct or mirror for 0)");
  }

  @Test
  void ordersFromLeastToMostEnforced() {
    List<Phase> rungs =
        new ArrayList<>(
            List.of(Phase.FULL, Phase.canary(50), Phase.DIRECT, Phase.canary(10), Phase.MIRROR));
    Collections.shuffle(rungs);
    Collections.sort(rungs);
    assertThat(rungs)
        .containsExactly(
            Phase.DIRECT, Phase.MIRROR, Phase.canary(10), Phase.canary(50), Phase.FULL);
  }

  @Test
  void kindsAndSplitsParseIgnoringCaseAndSayWhatTheyExpect() {
    assertThat(Phase.Kind.parse(" Canary ")).isEqualTo(Phase.Kind.CANARY);
    assertThatThrownBy(() -> Phase.Kind.parse("sideways"))
        .hasMessage("expected one of direct, mirror, canary, full, got 'sideways'");
    assertThat(SplitBy.parse("REQUEST")).isEqualTo(SplitBy.REQUEST);
    assertThatThrownBy(() -> SplitBy.parse("header"))
        .hasMessage("splitBy must be tenant or request, got 'header'");
  }

  @ParameterizedTest
  @CsvSource({
    "direct, TENANT, 1.0",
    "mirror, REQUEST, 1.0",
    "canary 25, TENANT, 1.0",
    "canary 25, REQUEST, 0.25",
    "canary 100, REQUEST, 1.0",
    "full, REQUEST, 1.0"
  })
  void onlyACanarySplitByRequestScalesTheLimits(String phase, SplitBy split, double fraction) {
    Rollout r = new Rollout(Phase.parse(phase), split, Instant.EPOCH, "ops");
    assertThat(r.fraction()).isEqualTo(fraction);
  }
}
