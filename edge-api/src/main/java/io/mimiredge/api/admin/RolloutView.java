package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.mimiredge.api.rollout.Rollout;

/**
 * {@code GET|PUT /api/rollout}, and the overview's {@code rollout}: a {@link Rollout} on the wire.
 *
 * @param phase {@code direct}, {@code mirror}, {@code canary} or {@code full}
 * @param percent the share of traffic enforced
 * @param splitBy {@code tenant} or {@code request}
 * @param fraction the share of each tenant's requests the edge sees ({@link Rollout#fraction()})
 * @param updatedAt when it was set
 * @param updatedBy who set it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RolloutView(
    String phase,
    int percent,
    String splitBy,
    double fraction,
    String updatedAt,
    String updatedBy) {
  public static RolloutView of(Rollout r) {
    return new RolloutView(
        r.phase().kind().token(),
        r.phase().percent(),
        r.splitBy().token(),
        r.fraction(),
        ApiTime.format(r.since()),
        r.by());
  }
}
