package io.mimiredge.edgectl.cli;

import io.mimiredge.api.admin.RolloutPreview;
import java.io.PrintWriter;
import java.util.Locale;

/** Prints the RLS' impact preview: who the next rung would start denying. */
final class Previews {
  /** Rows shown in text; {@code --json} has them all. */
  static final int TOP = 10;

  private Previews() {}

  static void print(PrintWriter out, RolloutPreview p) {
    out.printf(
        Locale.ROOT,
        "who %s would start denying (%s -> %s, split by %s, last %s%s): %d of %d tenants it"
            + " reaches%n",
        p.to(),
        p.from(),
        p.to(),
        p.splitBy(),
        p.window(),
        p.estimated() ? ", estimated: a request split enforces a share of each tenant" : "",
        p.tenantsDenied(),
        p.tenantsReached());
    if (p.tenants().isEmpty()) {
      out.println("  nobody");
      return;
    }
    out.printf(
        "  %-28s %12s %14s %8s  %s%n",
        "TENANT", "DENIED REQ/M", "DENIED ITEMS/M", "ITEMS %", "REASONS");
    p.tenants().stream()
        .limit(TOP)
        .forEach(
            t ->
                out.printf(
                    Locale.ROOT,
                    "  %-28s %12.1f %14.1f %7.1f%%  %s%n",
                    t.id(),
                    t.deniedRequestsPerMinute(),
                    t.deniedItemsPerMinute(),
                    t.deniedItemsShare() * 100,
                    String.join(
                        ", ", t.reasons().stream().map(RolloutPreview.Reason::reason).toList())));
    if (p.tenants().size() > TOP) {
      out.println("  ... and " + (p.tenants().size() - TOP) + " more (--json for all)");
    }
  }
}
