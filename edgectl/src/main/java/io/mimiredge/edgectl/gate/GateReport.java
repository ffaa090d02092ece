package io.mimiredge.edgectl.gate;

import io.mimiredge.api.admin.RolloutPreview;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every gate checked on one rung. Passes only when there is at least one gate and all pass.
 *
 * @param preview who the next rung would start denying, when the RLS was asked; else null
 */
public record GateReport(String phase, List<GateResult> results, RolloutPreview preview) {
  public GateReport {
    results = List.copyOf(results);
  }

  public boolean passed() {
    return !results.isEmpty() && results.stream().allMatch(GateResult::passed);
  }

  /** The failing gates in one line, for error messages and history. */
  public String failures() {
    return results.stream()
        .filter(r -> !r.passed())
        .map(
            r -> r.gate() + "@" + r.source() + "=" + r.reading() + " (needs " + r.threshold() + ")")
        .collect(Collectors.joining(", "));
  }
}
