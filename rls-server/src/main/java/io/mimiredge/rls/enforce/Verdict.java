package io.mimiredge.rls.enforce;

import java.util.Locale;

/** What happens to a request. */
public enum Verdict {
  /** Let it through: nothing to object to (or the tenant's mode is off). */
  ALLOW,
  /** Refuse it with the decision's status and message. */
  DENY,
  /** Shadow mode: enforcement would have refused it; let it through and count it. */
  SHADOW_DENY;

  /** Stable snake_case label for metrics and logs. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
