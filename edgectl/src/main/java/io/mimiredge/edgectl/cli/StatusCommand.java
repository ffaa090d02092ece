package io.mimiredge.edgectl.cli;

import io.mimiredge.api.admin.Overview;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.Rollout;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.api.rollout.TenantSplit;
import io.mimiredge.edgectl.ExitCodes;
import io.mimiredge.edgectl.rls.RlsClient;
import io.mimiredge.edgectl.target.RecordedRollout;
import io.mimiredge.edgectl.target.Target;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show the phase, what NGINX reports, the next rung and the RLS mode.",
      "For a tenant-split canary, also the real share of known tenants enforced."
    })
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @ParentCommand EdgectlCommand root;

  @Option(names = "--json", description = "machine-readable output")
  boolean json;

  @Override
  public Integer call() {
    Wiring w = root.wiring();
    Target target = w.target();
    Rollout s = target.state();
    // nothing applied yet: the split is the one the config will apply, not the initial state's
    SplitBy split = s.equals(RecordedRollout.initial()) ? w.config().splitBy() : s.splitBy();
    Map<String, Object> st = new LinkedHashMap<>();
    st.put("target", target.describe());
    st.put("phase", s.phase().token());
    st.put("splitBy", split.token());
    st.put("since", s.since().toString());
    st.put("by", s.by());
    target.livePhase().ifPresent(p -> st.put("nginxReports", p));
    st.put("next", w.config().ladderValue().next(s.phase()).map(Phase::token).orElse("(top)"));
    st.put("enforcedPercentConfigured", s.phase().enforcedPercent());
    RlsClient rls = w.rls();
    if (rls != null) {
      try {
        Overview o = rls.overview();
        st.put("rlsMode", o.mode());
        Optional.ofNullable(o.windows().get("5m"))
            .ifPresent(win -> st.put("rlsRequests5m", win.requests()));
      } catch (IOException | RuntimeException e) {
        st.put("rlsMode", "unreachable");
      }
      if (s.phase().kind() == Phase.Kind.CANARY && split == SplitBy.TENANT) {
        try {
          List<String> tenants = rls.tenants();
          st.put("tenantsKnown", tenants.size());
          st.put(
              "tenantsEnforced",
              tenants.stream().filter(t -> TenantSplit.enforced(t, s.phase().percent())).count());
          st.put(
              "tenantShareEnforced",
              Math.round(TenantSplit.share(tenants, s.phase().percent()) * 10000) / 10000.0);
        } catch (IOException | RuntimeException e) {
          st.put("tenantShareEnforced", "unknown (RLS /api/tenants unreachable)");
        }
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(out, st);
    } else {
      for (Map.Entry<String, Object> e : st.entrySet()) {
        Object v = e.getValue();
        if (e.getKey().equals("tenantShareEnforced") && v instanceof Double d) {
          v =
              String.format(
                  Locale.ROOT, "%.1f%% of %s known tenants", d * 100, st.get("tenantsKnown"));
        }
        out.printf("%-26s %s%n", e.getKey(), v);
      }
      out.flush();
    }
    return ExitCodes.OK;
  }
}
