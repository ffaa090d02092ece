package io.mimiredge.edgectl.target;

import io.mimiredge.api.rollout.Rollout;
import io.mimiredge.edgectl.rollout.HistoryEntry;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where NGINX runs: a local process or a Kubernetes Deployment. A target validates, applies and
 * records; it decides nothing. Not thread-safe: one edgectl command drives one target.
 *
 * <p>Failures reaching it are {@link io.mimiredge.edgectl.EdgectlException.TargetUnreachable}.
 */
public interface Target {
  /** A short description for messages ("local /etc/nginx/nginx.conf"). */
  String describe();

  /** The recorded state; {@link RecordedRollout#initial()} when nothing was ever applied. */
  Rollout state();

  /** The NGINX config in effect now (empty when none). */
  String currentConfig();

  /** Checks a config without applying it (e.g. {@code nginx -t}); throws with the reason. */
  void validate(String config);

  /**
   * Validates {@code config}, keeps the current one as the previous, keeps {@code directConfig} as
   * the known-good config for an emergency, applies {@code config} gracefully and records {@code
   * next}.
   */
  void apply(String config, String directConfig, Rollout next);

  /**
   * Straight back to the known-good direct config kept at the last apply: no rendering, no gates,
   * nothing but the target itself. {@code directConfig} is used only when none was kept.
   */
  void emergencyDirect(Supplier<Optional<String>> directConfig, Rollout next, boolean scaleDown);

  /** The phase NGINX itself reports serving, when the target can ask it. */
  Optional<String> livePhase();

  void record(HistoryEntry entry);

  List<HistoryEntry> history();
}
