package io.mimiredge.rls.admin;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One change made through the admin API, for the audit log. Never holds a secret. Immutable.
 *
 * @param time when it was applied
 * @param who the caller: remote address (and forwarded-for, when a proxy said)
 * @param action what was done: {@code set_limits}, {@code set_mode}, {@code clear_limits}, {@code
 *     set_rollout}
 * @param tenant the tenant changed; null for rollout changes
 * @param values the keys set and their new values, in order
 */
public record AdminChange(
    Instant time, String who, String action, String tenant, Map<String, String> values) {
  public AdminChange {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(who, "who");
    Objects.requireNonNull(action, "action");
    values = Map.copyOf(values);
  }
}
