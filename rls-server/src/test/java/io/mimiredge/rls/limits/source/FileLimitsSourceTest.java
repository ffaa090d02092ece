package io.mimiredge.rls.limits.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mimiredge.rls.limits.LimitsUnavailableException;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.testing.LogLines;
import io.mimiredge.testsupport.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLimitsSourceTest {
  @TempDir Path dir;

  private final LiveLimits live = new LiveLimits(TenantLimits.MIMIR_DEFAULTS);
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private FileLimitsSource source;

  private final ReloadListener listener =
      new ReloadListener() {
        @Override
        public void loaded(Instant at, Overrides overrides) {
          events.add("loaded " + overrides.tenants().keySet());
        }

        @Override
        public void failed(Instant at, List<String> problems) {
          events.add("failed " + problems);
        }
      };

  private FileLimitsSource source(Path file) {
    // A long interval: the tests poll by hand.
    source =
        new FileLimitsSource(
            file, TenantLimits.MIMIR_DEFAULTS, live, Duration.ofHours(1), clock, listener);
    return source;
  }

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      source.stop();
    }
  }

  private static String tenant(String name, int rate) {
    return "overrides:\n  " + name + ":\n    ingestion_rate: " + rate + "\n";
  }

  @Test
  void startFailsClearlyWhenTheFileIsMissing() {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> source(missing).start())
        .isInstanceOf(LimitsUnavailableException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("no such file");
    assertThat(live.loaded()).isFalse();
  }

  @Test
  void startFailsClearlyWhenTheFileIsInvalidNamingLineAndKey() throws Exception {
    Path file =
        Files.writeString(dir.resolve("o.yaml"), "overrides:\n  a:\n    ingestion_rate: lots\n");

    assertThatThrownBy(() -> source(file).start())
        .isInstanceOf(LimitsUnavailableException.class)
        .hasMessageContaining("overrides.a.ingestion_rate (line 3)");
    assertThat(events).singleElement().asString().startsWith("failed");
  }

  @Test
  void warnsOfTheTenantsThatSetMimirSettingsTheEdgeDoesNotMirror() throws Exception {
    List<String> warnings;
    try (LogLines lines = new LogLines("io.mimiredge.rls.limits")) {
      Path file =
          Files.writeString(
              dir.resolve("o.yaml"),
              tenant("a", 100)
                  + "    metric_relabel_configs: [{action: labeldrop, regex: '(?m)pod'}]\n"
                  + "    drop_labels: [pod]\n"
                  + "  b:\n    ingestion_rate: 5\n    drop_labels: [pod]\n");
      source(file).start();
      warnings = lines.messages(ch.qos.logback.classic.Level.WARN);
    }
    assertThat(warnings)
        .singleElement()
        .asString()
        .contains("1 tenants set Mimir settings the edge does not mirror")
        .contains("a: metric_relabel_configs (a rule uses what the edge cannot run as Go does")
        .doesNotContain("a: drop_labels")
        .doesNotContain("b:");
  }

  @Test
  void reloadsAChangedFile() throws Exception {
    Path file = Files.writeString(dir.resolve("o.yaml"), tenant("a", 100));
    source(file).start();
    assertThat(live.get().limitsFor("a").ingestionRate()).isEqualTo(100);

    assertThat(source.poll()).isFalse(); // unchanged
    Files.writeString(file, tenant("a", 200));

    assertThat(source.poll()).isTrue();
    assertThat(live.get().limitsFor("a").ingestionRate()).isEqualTo(200);
    assertThat(events).containsExactly("loaded [a]", "loaded [a]");
  }

  @Test
  void aBadFileKeepsTheLastGoodLimitsUntilFixed() throws Exception {
    Path file = Files.writeString(dir.resolve("o.yaml"), tenant("a", 100));
    source(file).start();

    Files.writeString(file, "overrides:\n  a:\n    ingestion_rate: -5\n");
    assertThat(source.poll()).isTrue();
    assertThat(source.poll()).isFalse(); // the same bad content is reported once

    assertThat(live.get().limitsFor("a").ingestionRate()).isEqualTo(100);
    assertThat(live.status().degraded()).isTrue();
    assertThat(live.status().lastError()).contains("overrides.a.ingestion_rate (line 3)");
    assertThat(source.check()).isPresent();

    Files.writeString(file, tenant("a", 300));
    source.poll();
    assertThat(live.get().limitsFor("a").ingestionRate()).isEqualTo(300);
    assertThat(live.status().degraded()).isFalse();
    assertThat(source.check()).isEmpty();
    assertThat(events).hasSize(3).element(1).asString().startsWith("failed");
  }

  @Test
  void aVanishedFileIsReportedOnceAndItsReturnClearsTheError() throws Exception {
    Path file = Files.writeString(dir.resolve("o.yaml"), tenant("a", 100));
    source(file).start();

    Files.move(file, dir.resolve("away"));
    assertThat(source.poll()).isTrue();
    assertThat(source.poll()).isFalse();
    assertThat(live.status().degraded()).isTrue();

    Files.move(dir.resolve("away"), file);
    source.poll();
    assertThat(live.status().degraded()).isFalse();
    assertThat(live.get().limitsFor("a").ingestionRate()).isEqualTo(100);
  }

  @Test
  void followsAConfigMapStyleSymlinkSwap() throws Exception {
    // Kubernetes: file -> ..data/file, ..data -> ..2026_01; an update swaps ..data atomically.
    Path v1 = Files.createDirectory(dir.resolve("..v1"));
    Path v2 = Files.createDirectory(dir.resolve("..v2"));
    Files.writeString(v1.resolve("o.yaml"), tenant("a", 100));
    Files.writeString(v2.resolve("o.yaml"), tenant("b", 100));
    Path data = Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
    Path file = Files.createSymbolicLink(dir.resolve("o.yaml"), Path.of("..data/o.yaml"));
    source(file).start();
    assertThat(live.get().tenants()).containsOnlyKeys("a");

    Path tmp = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    assertThat(source.poll()).isTrue();
    assertThat(live.get().tenants()).containsOnlyKeys("b");
  }

  @Test
  void reloadsOnItsOwnAtTheInterval() throws Exception {
    Path file = Files.writeString(dir.resolve("o.yaml"), tenant("a", 100));
    source =
        new FileLimitsSource(
            file, TenantLimits.MIMIR_DEFAULTS, live, Duration.ofMillis(50), clock, listener);
    source.start();

    Files.writeString(file, tenant("a", 700));

    Await.await(
        "the changed file reloaded",
        () -> live.get().limitsFor("a").ingestionRate() == 700,
        Duration.ofSeconds(10));
  }
}
