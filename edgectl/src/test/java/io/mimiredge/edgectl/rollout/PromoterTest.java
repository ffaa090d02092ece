package io.mimiredge.edgectl.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mimiredge.edgectl.target.Target;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PromoterTest {
  @Test
  void buildNamesEveryMissingRequiredSetting() {
    assertThatThrownBy(() -> Promoter.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Promoter needs target, renderer, out");
    assertThatThrownBy(() -> Promoter.builder().out(new PrintWriter(new StringWriter())).build())
        .hasMessage("Promoter needs target, renderer");
    assertThatThrownBy(() -> Promoter.builder().gates(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("gates");
  }

  /** A target that fails the test if anything is asked of it. */
  private static Target untouchable() {
    return (Target)
        Proxy.newProxyInstance(
            Target.class.getClassLoader(),
            new Class<?>[] {Target.class},
            (proxy, method, args) -> {
              throw new AssertionError("the target was used: " + method.getName());
            });
  }

  @Test
  void aPromoterWithoutGatesRefusesToPromoteOrRollBackGracefully() {
    Promoter emergencyOnly =
        Promoter.builder()
            .target(untouchable())
            .renderer(p -> "# " + p)
            .out(new PrintWriter(new StringWriter()))
            .build();
    assertThatThrownBy(() -> emergencyOnly.promote(Optional.empty(), false, Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("promote checks gates")
        .hasMessageContaining("emergency() only");
    assertThatThrownBy(
            () ->
                emergencyOnly.gracefulRollback(
                    io.mimiredge.api.rollout.Phase.MIRROR, Duration.ZERO))
        .hasMessageContaining("a graceful rollback checks gates");
  }

  @Test
  void historyWritesActionsAndResultsAsTheirTokensAndReadsThemBack() throws Exception {
    ObjectMapper json = new ObjectMapper();
    HistoryEntry e =
        new HistoryEntry(
            "2026-01-01T00:00:00Z",
            "op",
            HistoryEntry.Action.WATCH_ROLLBACK,
            "canary-10",
            "mirror",
            HistoryEntry.Result.ROLLED_BACK,
            List.of(),
            "error-rate");
    String line = json.writeValueAsString(e);
    assertThat(line).contains("\"action\":\"watch-rollback\"", "\"result\":\"rolled-back\"");
    assertThat(json.readValue(line, HistoryEntry.class)).isEqualTo(e);
    assertThatThrownBy(
            () -> json.readValue(line.replace("rolled-back", "exploded"), HistoryEntry.class))
        .hasMessageContaining("unknown history result 'exploded'");
  }
}
