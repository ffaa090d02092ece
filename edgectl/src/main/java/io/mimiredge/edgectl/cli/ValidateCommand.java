package io.mimiredge.edgectl.cli;

import io.mimiredge.api.rollout.Phase;
import io.mimiredge.edgectl.EdgectlException;
import io.mimiredge.edgectl.ExitCodes;
import io.mimiredge.edgectl.target.Target;
import io.mimiredge.edgectl.target.local.LocalTarget;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check the config; render every phase and run nginx -t on each.",
      "nginx -t runs for a local target; a Kubernetes target's upstream names resolve only in the cluster."
    })
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand EdgectlCommand root;

  @Option(names = "--json", description = "machine-readable output")
  boolean json;

  @Override
  public Integer call() {
    Wiring w = root.wiring();
    Target target = w.config().target().local() != null ? w.target() : null;
    List<Map<String, Object>> rows = new ArrayList<>();
    boolean ok = true;
    for (Phase p : w.config().ladderValue().rungs()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("phase", p.token());
      try {
        String text = w.render(p);
        if (target instanceof LocalTarget) {
          target.validate(text);
          row.put("result", "ok (nginx -t)");
        } else {
          row.put("result", "rendered (nginx -t skipped: not a local target)");
        }
      } catch (EdgectlException e) {
        ok = false;
        row.put("result", "FAILED");
        row.put("error", e.getMessage());
      }
      rows.add(row);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(out, Map.of("config", root.configPath().toString(), "valid", ok, "phases", rows));
    } else {
      out.println("config " + root.configPath() + ": " + (ok ? "valid" : "INVALID"));
      for (Map<String, Object> r : rows) {
        out.printf("  %-12s %s%n", r.get("phase"), r.get("result"));
        if (r.containsKey("error")) {
          out.println("    " + r.get("error").toString().replace("\n", "\n    "));
        }
      }
      out.flush();
    }
    return ok ? ExitCodes.OK : ExitCodes.ERROR;
  }
}
