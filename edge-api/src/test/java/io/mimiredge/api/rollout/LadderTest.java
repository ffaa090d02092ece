package io.mimiredge.api.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LadderTest {
  @Test
  void defaultLadderGoesDirectMirrorCanariesFull() {
    assertThat(Ladder.DEFAULT.rungs().stream().map(Phase::token))
        .containsExactly(
            "direct",
            "mirror",
            "canary-10",
            "canary-25",
            "canary-50",
            "canary-75",
            "canary-100",
            "full");
  }

  @Test
  void nextAndPreviousAlsoWorkOffTheLadder() {
    assertThat(Ladder.DEFAULT.next(Phase.DIRECT)).contains(Phase.MIRROR);
    assertThat(Ladder.DEFAULT.next(Phase.canary(30))).contains(Phase.canary(50));
    assertThat(Ladder.DEFAULT.next(Phase.FULL)).isEmpty();
    assertThat(Ladder.DEFAULT.previous(Phase.canary(30))).isEqualTo(Phase.canary(25));
    assertThat(Ladder.DEFAULT.previous(Phase.MIRROR)).isEqualTo(Phase.DIRECT);
    assertThat(Ladder.DEFAULT.previous(Phase.FULL)).isEqualTo(Phase.canary(100));
  }

  @Test
  void parsesPhasesAsOperatorsWriteThem() {
    assertThat(Phase.parse("canary 25")).isEqualTo(Phase.canary(25));
    assertThat(Phase.parse("canary-25")).isEqualTo(Phase.canary(25));
    assertThat(Phase.parse("Canary25%")).isEqualTo(Phase.canary(25));
    assertThat(Phase.parse("full").enforcedPercent()).isEqualTo(100);
    assertThatThrownBy(() -> Phase.parse("canary 0")).hasMessageContaining("1..100");
    assertThatThrownBy(() -> Phase.parse("half")).hasMessageContaining("expected direct, mirror");
  }

  @Test
  void refusesALadderThatDoesNotGoUp() {
    assertThatThrownBy(() -> Ladder.parse(List.of("mirror", "canary 50", "canary 25")))
        .hasMessageContaining("strictly up");
  }
}
