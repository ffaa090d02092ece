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
      "Checks the current phase (or --phase). Exit 3 when any gate fails."
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
    GateReport report = w.gates().check(p);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(
          out,
          java.util.Map.of(
              "phase", report.phase(), "passed", report.passed(), "gates", report.results()));
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
      out.flush();
    }
    return report.passed() ? ExitCodes.OK : ExitCodes.GATE_FAILED;
  }
}
