package io.mimiredge.edgectl.cli;

import io.mimiredge.api.rollout.Phase;
import io.mimiredge.edgectl.ExitCodes;
import io.mimiredge.edgectl.gate.GateReport;
import io.mimiredge.edgectl.gate.GateResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "gates",
    mixinStandardHelpOptions = true,
    description = {
      "Check the health gates: each gate, its reading, threshold and verdict.",
      "Checks the current phase (or --phase). Exit 3 when any gate fails.",
      "With rls.url, also who the next rung would start denying (the RLS' preview)."
    })
final class GatesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand EdgectlCommand root;

  @Option(
      names = "--phase",
      paramLabel = "PHASE",
      description = "check this rung instead of the current one")
  String phase;

  @Option(names = "--json", description = "machine-readable output")
  boolean json;

  @Override
  public Integer call() {
    Wiring w = root.wiring();
    Phase p = phase != null ? Phase.parse(phase) : w.target().state().phase();
    GateReport report = w.gates().check(p, w.config().ladderValue().next(p));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("phase", report.phase());
      m.put("passed", report.passed());
      m.put("gates", report.results());
      if (report.preview() != null) {
        m.put("preview", report.preview());
      }
      Json.print(out, m);
    } else {
      out.println("gates on " + p + ":");
      out.printf(
          "  %-18s %-12s %-22s %-16s %s%n", "GATE", "SOURCE", "READING", "THRESHOLD", "VERDICT");
      for (GateResult r : report.results()) {
        out.printf(
            "  %-18s %-12s %-22s %-16s %s%n",
            r.gate(), r.source(), r.reading(), r.threshold(), r.passed() ? "PASS" : "FAIL");
      }
      out.println(report.passed() ? "all gates pass" : "GATES FAIL: " + report.failures());
      if (report.preview() != null) {
        out.println();
        Previews.print(out, report.preview());
      }
      out.flush();
    }
    return report.passed() ? ExitCodes.OK : ExitCodes.GATE_FAILED;
  }
}
