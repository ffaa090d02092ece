package io.mimiredge.edgectl.cli;

import io.mimiredge.edgectl.ExitCodes;
import io.mimiredge.edgectl.rollout.HistoryEntry;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = "Show every recorded change: when, who, from, to, result, gate readings.")
final class HistoryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand EdgectlCommand root;

  @Option(names = "--json", description = "machine-readable output (one JSON array)")
  boolean json;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "only the last N entries (default: all)")
  int limit;

  @Override
  public Integer call() {
    List<HistoryEntry> all = root.wiring().target().history();
    List<HistoryEntry> shown =
        limit > 0 && all.size() > limit ? all.subList(all.size() - limit, all.size()) : all;
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(out, shown);
    } else {
      for (HistoryEntry e : shown) {
        out.printf(
            "%s  %-10s %-18s %-10s -> %-10s %-11s %s%n",
            e.at(),
            e.who(),
            e.action(),
            e.from(),
            e.to(),
            e.result(),
            e.message() == null ? "" : e.message());
      }
      out.flush();
    }
    return ExitCodes.OK;
  }
}
