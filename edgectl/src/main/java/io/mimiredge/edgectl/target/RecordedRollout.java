package io.mimiredge.edgectl.target;

import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.Rollout;
import io.mimiredge.api.rollout.SplitBy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a target records the rollout: four strings, as annotations on the NGINX ConfigMap or in the
 * local {@code state.json}. The keys and forms ({@code canary-25}, ISO instants) are what targets
 * written by earlier versions hold, so they stay.
 */
public final class RecordedRollout {
  /** The keys, in the order they are written. */
  public static final List<String> KEYS = List.of("phase", "splitBy", "since", "by");

  private RecordedRollout() {}

  /** A target nothing was ever applied to runs direct. */
  public static Rollout initial() {
    return new Rollout(Phase.DIRECT, SplitBy.TENANT, Instant.EPOCH, "nobody");
  }

  public static Map<String, String> toMap(Rollout r) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("phase", r.phase().token());
    m.put("splitBy", r.splitBy().token());
    m.put("since", r.since().toString());
    m.put("by", r.by());
    return m;
  }

  /** Missing keys read as direct, split by tenant, since the epoch, by "unknown". */
  public static Rollout fromMap(Map<String, String> m) {
    return new Rollout(
        Phase.parse(m.getOrDefault("phase", "direct")),
        SplitBy.parse(m.getOrDefault("splitBy", "tenant")),
        Instant.parse(m.getOrDefault("since", Instant.EPOCH.toString())),
        m.getOrDefault("by", "unknown"));
  }
}
