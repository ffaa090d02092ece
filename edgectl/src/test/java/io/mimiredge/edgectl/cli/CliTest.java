package io.mimiredge.edgectl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.edgectl.render.UnifiedDiff;
import io.mimiredge.edgectl.rollout.Sleeper;
import io.mimiredge.edgectl.support.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest {
  @TempDir Path dir;

  static Environment env() {
    return new Environment(
        Map.of(), Clock.systemUTC(), Sleeper.REAL, Environment::defaultHttp, () -> null);
  }

  Path config() throws IOException {
    Path f = dir.resolve("edgectl.yaml");
    Files.writeString(
        f,
        "upstreams:\n  distributor: [\"127.0.0.1:9001\"]\n  rlsPassThrough: [\"127.0.0.1:9002\"]\n"
            + "target:\n  local:\n    config: "
            + dir.resolve("nginx.conf")
            + "\n    stateDir: "
            + dir.resolve("state")
            + "\n");
    return f;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"render", "validate", "status", "promote", "rollback", "history", "gates"})
  void everyCommandHasHelp(String command) {
    Cli.Run r = Cli.run(env(), command, "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("Usage: edgectl " + command);
  }

  @Test
  void usageErrorsExit2() throws IOException {
    assertThat(Cli.run(env(), "promote", "--canary", "x").code()).isEqualTo(2);
    assertThat(Cli.run(env(), "nonsense").code()).isEqualTo(2);
    assertThat(Cli.run(env(), "promote", "--canary", "10", "--to", "full").code()).isEqualTo(2);
    Path c = config();
    Files.createDirectories(dir.resolve("state"));
    Files.writeString(dir.resolve("state/state.json"), "{\"phase\":\"canary-50\"}");
    Cli.Run down = Cli.run(env(), "-c", c.toString(), "promote", "--canary", "25");
    assertThat(down.code()).isEqualTo(2);
    assertThat(down.err()).contains("promote goes up").contains("use rollback");
  }

  @Test
  void aMissingOrBrokenConfigSaysWhichAndExits1() throws IOException {
    Cli.Run missing = Cli.run(env(), "-c", dir.resolve("nope.yaml").toString(), "status");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("nope.yaml not found");
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "upstreams:\n  distributor: [\"a:1\"]\nsplitby: tenant\n");
    Cli.Run typo = Cli.run(env(), "-c", f.toString(), "render", "direct");
    assertThat(typo.code()).isEqualTo(1);
    assertThat(typo.err()).contains("splitby");
  }

  @Test
  void configPathComesFromTheEnvironmentToo() throws IOException {
    Path c = config();
    Cli.Run r = Cli.run(env().withEnv(Map.of("EDGECTL_CONFIG", c.toString())), "render", "full");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("edgectl phase \"full\"").contains("server 127.0.0.1:9002;");
  }

  @Test
  void dryRunShowsTheDiffAndChangesNothing() throws IOException {
    Path c = config();
    Cli.Run direct =
        Cli.run(
            env(),
            "-c",
            c.toString(),
            "render",
            "direct",
            "--out",
            dir.resolve("nginx.conf").toString());
    assertThat(direct.code()).isZero();
    Cli.Run r = Cli.run(env(), "-c", c.toString(), "promote", "--canary", "25", "--dry-run");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("would promote direct -> canary 25")
        .contains("+    split_clients \"${http_x_scope_orgid}\" $edge_route {")
        .contains("-            proxy_pass http://mimir_distributor;")
        .contains("+            proxy_pass http://$edge_upstream;");
    assertThat(dir.resolve("state/state.json")).doesNotExist();
  }

  @Test
  void renderAllWritesEveryRung() throws IOException {
    Cli.Run r =
        Cli.run(env(), "-c", config().toString(), "render", "--all", dir.resolve("out").toString());
    assertThat(r.code()).isZero();
    assertThat(dir.resolve("out/canary-75.conf")).exists();
    assertThat(dir.resolve("out/full.conf")).exists();
  }

  @Test
  void diffShowsChangedLines() {
    assertThat(UnifiedDiff.diff("a", "x\ny\n", "b", "x\ny\n")).endsWith("(no change)\n");
    assertThat(UnifiedDiff.diff("a", "x\ny\n", "b", "x\nz\n")).contains("-y\n+z\n");
  }
}
