package io.mimiredge.rls.limits;

import io.mimiredge.rls.internal.Lifecycle;
import java.util.Optional;

/**
 * Where the overrides come from (a file, a ConfigMap mount, the bundled example). Started, it loads
 * them into {@link LiveLimits} and keeps them current; a start that cannot load anything fails with
 * {@link LimitsUnavailableException}. Implementations are thread-safe.
 */
public interface LimitsSource extends Lifecycle {
  /** Where the limits come from, for health, logs and the admin API. */
  String location();

  /**
   * Exercises the source now (reads it again) for health checks.
   *
   * @return the problem, or empty when the source can be read and its last load succeeded
   */
  Optional<String> check();

  /**
   * How the source is reached, for health: null for a local file; {@code plaintext}, {@code tls}
   * (the server's certificate verified) or {@code tls-unverified} (encrypted, but any server is
   * believed) for a remote API.
   */
  default String transport() {
    return null;
  }
}
