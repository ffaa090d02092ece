package io.mimiredge.edgectl.cli;

import io.mimiredge.api.admin.RolloutPreview;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.edgectl.ExitCodes;
import io.mimiredge.edgectl.config.Durations;
import io.mimiredge.edgectl.rollout.Promoter;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    description = {
      "Move one rung up, only when the gates on the current rung pass.",
      "Ladder: direct -> mirror -> canary 10 -> 25 -> 50 -> 75 -> 100 -> full; or --canary N / --to PHASE",
      "(direct -> mirror needs only the shadow endpoint healthy). Exit 3 when a gate fails."
    })
final class PromoteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand EdgectlCommand root;

  @ArgGroup(exclusive = true)
  Destination destination;

  static final class Destination {
    @Option(names = "--canary", paramLabel = "N", description = "to canary N (1..100 %% enforced)")
    Integer canary;

    @Option(names = "--to", paramLabel = "PHASE", description = "to mirror, canary-N or full")
    String to;
  }

  @Option(names = "--dry-run", description = "show the diff of the NGINX config, change nothing")
  boolean dryRun;

  @Option(
      names = "--watch",
      arity = "0..1",
      fallbackValue = "bake",
      paramLabel = "DURATION",
      description = {
        "after applying, keep checking the gates for DURATION (default: bakeTime) and roll back",
        "one rung by itself when they fail (exit 3)"
      })
  String watch;

  @Option(names = "--json", description = "machine-readable output")
  boolean json;

  @Override
  public Integer call() {
    Wiring w = root.wiring();
    Optional<Phase> to = Optional.empty();
    if (destination != null && destination.canary != null) {
      to = Optional.of(Phase.canary(destination.canary));
    } else if (destination != null && destination.to != null) {
      to = Optional.of(Phase.parse(destination.to));
    }
    Duration watchFor = Duration.ZERO;
    if (watch != null) {
      watchFor = "bake".equals(watch) ? w.config().bakeTimeValue() : Durations.parse(watch);
    }
    PrintWriter out = spec.commandLine().getOut();
    Promoter promoter = w.promoter(json ? new PrintWriter(java.io.Writer.nullWriter()) : out);
    Promoter.Promotion p = promoter.promote(to, dryRun, watchFor);
    // a dry run shows who the promotion would start denying (a real one's gates carry it)
    RolloutPreview preview = p.gates() != null ? p.gates().preview() : null;
    String previewProblem = null;
    if (dryRun && w.rls() != null) {
      try {
        preview = w.gates().preview(p.from(), p.to());
      } catch (IOException | RuntimeException e) {
        previewProblem = e.getMessage();
      }
    }
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("from", p.from().token());
      m.put("to", p.to().token());
      m.put("applied", p.applied());
      if (p.gates() != null) {
        m.put("gates", p.gates().results());
      }
      if (p.diff() != null) {
        m.put("diff", p.diff());
      }
      if (preview != null) {
        m.put("preview", preview);
      } else if (previewProblem != null) {
        m.put("previewProblem", previewProblem);
      }
      Json.print(out, m);
    } else if (dryRun) {
      out.println(
          "dry run: would promote "
              + p.from()
              + " -> "
              + p.to()
              + " (gates are checked when it is done for real)");
      out.print(p.diff());
      if (preview != null) {
        out.println();
        Previews.print(out, preview);
      } else if (previewProblem != null) {
        out.println();
        out.println("who " + p.to() + " would start denying: unknown (" + previewProblem + ")");
      }
      out.flush();
    }
    return ExitCodes.OK;
  }
}
