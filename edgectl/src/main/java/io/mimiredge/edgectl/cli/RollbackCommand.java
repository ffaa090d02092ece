package io.mimiredge.edgectl.cli;

import io.mimiredge.api.rollout.Phase;
import io.mimiredge.edgectl.EdgectlException;
import io.mimiredge.edgectl.ExitCodes;
import io.mimiredge.edgectl.config.Durations;
import io.mimiredge.edgectl.config.EdgectlConfig;
import io.mimiredge.edgectl.rollout.Promoter;
import io.mimiredge.edgectl.target.local.LocalTarget;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Roll back: --emergency straight to direct, or gracefully down the ladder.",
      "--emergency: straight to direct from the known-good file kept at the last apply; no gates,",
      "  works with the RLS, Envoy and Prometheus down (and, with --state-dir, without a config).",
      "Otherwise (graceful): down the ladder one rung at a time to mirror (or --to), waiting",
      "  --step-wait and checking the gates between steps."
    })
final class RollbackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand EdgectlCommand root;

  @Option(names = "--emergency", description = "straight to direct, no gates")
  boolean emergency;

  @Option(
      names = "--scale-down",
      description =
          "with --emergency on Kubernetes: also scale the enforcement Deployments to zero")
  boolean scaleDown;

  @Option(
      names = "--step-wait",
      paramLabel = "DURATION",
      defaultValue = "5m",
      description = "graceful: wait between steps (default: ${DEFAULT-VALUE})")
  String stepWait;

  @Option(
      names = "--to",
      paramLabel = "PHASE",
      defaultValue = "mirror",
      description = "graceful: the lowest rung (default: ${DEFAULT-VALUE})")
  String to;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "with --emergency and no usable config: the local target's state directory (or $EDGECTL_STATE_DIR)")
  Path stateDir;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (scaleDown && !emergency) {
      throw new EdgectlException.Usage("--scale-down goes with --emergency");
    }
    if (emergency) {
      return emergency(out);
    }
    Wiring w = root.wiring();
    Phase floor = Phase.parse(to);
    Phase reached = w.promoter(out).gracefulRollback(floor, Durations.parse(stepWait));
    out.println("at " + reached);
    out.flush();
    return ExitCodes.OK;
  }

  private int emergency(PrintWriter out) {
    long start = root.env().clock().millis();
    Promoter promoter;
    Wiring w = null;
    try {
      w = root.wiring();
    } catch (EdgectlException e) {
      Path dir = stateDir;
      if (dir == null && root.env().env().get("EDGECTL_STATE_DIR") != null) {
        dir = Path.of(root.env().env().get("EDGECTL_STATE_DIR"));
      }
      if (dir == null) {
        throw new EdgectlException(
            e.getMessage() + "\n(for an emergency rollback without a config, pass --state-dir DIR)",
            e);
      }
      spec.commandLine()
          .getErr()
          .println(
              "edgectl: config unusable ("
                  + e.getMessage()
                  + "); using the target recorded in "
                  + dir);
      promoter =
          Promoter.builder()
              .target(LocalTarget.fromStateDir(dir, root.env().clock()))
              .renderer(
                  p -> {
                    throw new EdgectlException("no rendering in an emergency without a config");
                  })
              .clock(root.env().clock())
              .who(root.who())
              .out(out)
              .build();
      return finish(out, promoter.emergency(Optional::empty, scaleDown), start);
    }
    EdgectlConfig c = w.config();
    Wiring wiring = w;
    // Rendered only when the target kept no known-good direct file (never applied before).
    Supplier<Optional<String>> fallback =
        () -> {
          try {
            return Optional.of(wiring.render(Phase.DIRECT));
          } catch (RuntimeException e) {
            return Optional.empty();
          }
        };
    // No RLS client: the emergency path talks to nothing but the target.
    promoter =
        Promoter.builder()
            .target(w.target())
            .renderer(wiring::render)
            .splitBy(c.splitBy())
            .clock(root.env().clock())
            .who(root.who())
            .out(out)
            .build();
    return finish(out, promoter.emergency(fallback, scaleDown), start);
  }

  private int finish(PrintWriter out, Phase from, long start) {
    long ms = root.env().clock().millis() - start;
    out.println(
        "emergency rollback: "
            + (from == null ? "?" : from.toString())
            + " -> direct in "
            + ms
            + " ms"
            + (scaleDown ? " (enforcement scaled down)" : ""));
    out.flush();
    return ExitCodes.OK;
  }
}
