package io.mimiredge.rls.admin;

import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.limits.Mode;
import java.time.Duration;

/** Decisions for tests, built directly (the Enforcer's own factories are package-private). */
public final class Decisions {
  private Decisions() {}

  public static Decision allow(String tenant, long items) {
    return new Decision(
        Verdict.ALLOW, Reason.ALLOWED, 200, "", null, Mode.ENFORCE, items, null, tenant);
  }

  public static Decision deny(String tenant, Reason reason, long items, String message) {
    return new Decision(
        Verdict.DENY,
        reason,
        reason.status(),
        message,
        reason.status() == 429 ? Duration.ofSeconds(3) : null,
        Mode.ENFORCE,
        items,
        null,
        tenant);
  }

  public static Decision shadowDeny(String tenant, Reason reason, long items) {
    return new Decision(
        Verdict.SHADOW_DENY,
        reason,
        reason.status(),
        "would be denied",
        null,
        Mode.SHADOW,
        items,
        null,
        tenant);
  }
}
