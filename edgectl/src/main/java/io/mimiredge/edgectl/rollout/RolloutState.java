package io.mimiredge.edgectl.rollout;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where the rollout stands on a target: the phase, how canaries split, since when, set by whom. */
public record RolloutState(Phase phase, SplitBy splitBy, Instant since, String by) {
  /** A target nothing was ever applied to runs direct. */
  public static RolloutState initial() {
    return new RolloutState(Phase.DIRECT, SplitBy.TENANT, Instant.EPOCH, "nobody");
  }

  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("phase", phase.token());
    m.put("splitBy", splitBy.token());
    m.put("since", since.toString());
    m.put("by", by);
    return m;
  }

  public static RolloutState fromMap(Map<String, String> m) {
    return new RolloutState(
        Phase.parse(m.getOrDefault("phase", "direct")),
        SplitBy.parse(m.getOrDefault("splitBy", "tenant")),
        Instant.parse(m.getOrDefault("since", Instant.EPOCH.toString())),
        m.getOrDefault("by", "unknown"));
  }
}
