package io.mimiredge.rls.limits.source;

import io.mimiredge.rls.limits.Overrides;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Which tenants a reload added, removed or changed, for the log line of a limits change. */
record OverridesDiff(List<String> added, List<String> removed, List<String> changed) {
  private static final int SHOWN = 20;

  static OverridesDiff between(Overrides before, Overrides after) {
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    after
        .tenants()
        .forEach(
            (tenant, t) -> {
              Overrides.Tenant old = before.tenants().get(tenant);
              if (old == null) {
                added.add(tenant);
              } else if (!old.equals(t)) {
                changed.add(tenant);
              }
            });
    before.tenants().keySet().stream()
        .filter(tenant -> !after.tenants().containsKey(tenant))
        .forEach(removed::add);
    return new OverridesDiff(added, removed, changed);
  }

  boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
  }

  /** E.g. {@code added [a, b], changed [c]}; long lists are cut. */
  String describe(boolean defaultsChanged) {
    List<String> parts = new ArrayList<>();
    part(parts, "added", added);
    part(parts, "removed", removed);
    part(parts, "changed", changed);
    if (defaultsChanged) {
      parts.add("defaults changed");
    }
    return parts.isEmpty() ? "no tenant changed" : String.join(", ", parts);
  }

  private static void part(List<String> parts, String what, List<String> tenants) {
    if (tenants.isEmpty()) {
      return;
    }
    List<String> shown = tenants.size() > SHOWN ? tenants.subList(0, SHOWN) : tenants;
    String more = tenants.size() > SHOWN ? " and " + (tenants.size() - SHOWN) + " more" : "";
    parts.add(what + " " + shown + more);
  }

  static boolean defaultsChanged(Overrides before, Overrides after) {
    return !Objects.equals(before.defaults(), after.defaults());
  }
}
