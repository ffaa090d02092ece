package io.mimiredge.edgectl.cli;

import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.edgectl.ExitCodes;
import io.mimiredge.edgectl.render.NginxRenderer;
import io.mimiredge.edgectl.render.RenderSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description =
        "Print the NGINX config of a phase (direct, mirror, canary-N, full), or write every phase.")
final class RenderCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand EdgectlCommand root;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "PHASE",
      description = "direct, mirror, canary-N (1..100) or full")
  String phase;

  @Option(names = "--split-by", paramLabel = "tenant|request", description = "override splitBy")
  String splitBy;

  @Option(names = "--out", paramLabel = "FILE", description = "write to FILE instead of stdout")
  Path out;

  @Option(
      names = "--all",
      paramLabel = "DIR",
      description = "write direct and every rung of the ladder to DIR/<phase>.conf")
  Path all;

  @Override
  public Integer call() throws IOException {
    Wiring w = root.wiring();
    NginxRenderer renderer = w.renderer();
    RenderSettings settings = w.settings(splitBy == null ? null : SplitBy.parse(splitBy));
    if (all != null) {
      Files.createDirectories(all);
      List<Phase> phases = new ArrayList<>(w.config().ladderValue().rungs());
      for (Phase p : phases) {
        Path f = all.resolve(p.token() + ".conf");
        Files.writeString(f, renderer.render(p, settings));
        spec.commandLine().getOut().println(f);
      }
      return ExitCodes.OK;
    }
    if (phase == null) {
      spec.commandLine().getErr().println("edgectl render: name a PHASE or use --all DIR");
      return ExitCodes.USAGE;
    }
    String text = renderer.render(Phase.parse(phase), settings);
    if (out != null) {
      Files.writeString(out, text);
    } else {
      spec.commandLine().getOut().print(text);
      spec.commandLine().getOut().flush();
    }
    return ExitCodes.OK;
  }
}
