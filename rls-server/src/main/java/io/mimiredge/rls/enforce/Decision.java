package io.mimiredge.rls.enforce;

import io.mimiredge.rls.limits.Mode;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The edge's answer for one request: a denial is a value, not an exception. Immutable.
 *
 * @param verdict allow, deny, or shadow_deny (which lets the request through)
 * @param reason why; a reason that {@linkplain Reason#admits() admits} ({@link Reason#ALLOWED}, or
 *     {@link Reason#PARTIAL_BODY} for a request admitted unjudged) exactly when the verdict is
 *     {@link Verdict#ALLOW}
 * @param status HTTP status: 200 when allowed; for {@link Verdict#SHADOW_DENY} the status
 *     enforcement would have answered (for metrics and logs, never for the client)
 * @param message Mimir's wording, with its {@code err-mimir-*} id where Mimir has one; never
 *     contains label values or body bytes; empty when allowed
 * @param retryAfter how long until the request would fit, whole seconds &gt;= 1; null when waiting
 *     cannot help or the reason is not a rate limit
 * @param mode the mode the request was judged in
 * @param items items the ingestion limit counts for this request (valid samples, histograms,
 *     exemplars and metadata), or the hits of a request-only check; 0 when nothing was counted
 * @param stats what the scanner counted; null when no body was scanned
 * @param tenant the tenant ID; null when missing or invalid (so bad input never becomes a label)
 */
public record Decision(
    Verdict verdict,
    Reason reason,
    int status,
    String message,
    Duration retryAfter,
    Mode mode,
    long items,
    WriteRequestStats stats,
    String tenant) {

  public Decision {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(mode, "mode");
    if ((verdict == Verdict.ALLOW) != reason.admits()) {
      throw new IllegalArgumentException("verdict " + verdict + " with reason " + reason);
    }
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must be >= 0, got " + retryAfter);
    }
  }

  /**
   * Whether the request goes on: true for {@link Verdict#ALLOW} and {@link Verdict#SHADOW_DENY}.
   */
  public boolean allowed() {
    return verdict != Verdict.DENY;
  }

  /**
   * This decision as the mirror records it: a denial, whatever the tenant's own mode, is a shadow
   * denial (in mode {@code shadow}), since the mirror never blocks; anything else as it is.
   */
  public Decision asShadow() {
    if (verdict != Verdict.DENY) {
      return this;
    }
    return new Decision(
        Verdict.SHADOW_DENY,
        reason,
        status,
        message,
        retryAfter,
        Mode.SHADOW,
        items,
        stats,
        tenant);
  }

  /** The retry-after, if any. */
  public Optional<Duration> retryAfterIfAny() {
    return Optional.ofNullable(retryAfter);
  }

  static Decision allow(String tenant, Mode mode, long items, WriteRequestStats stats) {
    return new Decision(
        Verdict.ALLOW,
        Reason.ALLOWED,
        Reason.ALLOWED.status(),
        "",
        null,
        mode,
        items,
        stats,
        tenant);
  }

  /** Admitted counting nothing: a replica of an HA pair that is not the elected one. */
  static Decision haDeduped(String tenant, Mode mode, WriteRequestStats stats) {
    return new Decision(
        Verdict.ALLOW,
        Reason.HA_DEDUPED,
        Reason.HA_DEDUPED.status(),
        "",
        null,
        mode,
        0,
        stats,
        tenant);
  }

  /** Admitted unjudged: only part of the body was sent, so nothing was counted. */
  static Decision partialBody(String tenant, Mode mode) {
    return new Decision(
        Verdict.ALLOW,
        Reason.PARTIAL_BODY,
        Reason.PARTIAL_BODY.status(),
        "",
        null,
        mode,
        0,
        null,
        tenant);
  }

  /**
   * Refused whatever the mode, with {@code status} (Mimir's for the protocol): a body the door
   * could not read whole cannot be passed on, so even shadow and off modes refuse it.
   */
  static Decision unreadBody(String message, int status, Mode mode, String tenant) {
    return new Decision(
        Verdict.DENY, Reason.BODY_TOO_LARGE, status, message, null, mode, 0, null, tenant);
  }

  /**
   * {@link #deny(Reason, String, Duration, Mode, long, WriteRequestStats, String)} with a status
   * other than the reason's own (where Mimir's answer depends on the protocol).
   */
  static Decision deny(
      Reason reason,
      int status,
      String message,
      Duration retryAfter,
      Mode mode,
      long items,
      WriteRequestStats stats,
      String tenant) {
    Verdict v = mode == Mode.SHADOW ? Verdict.SHADOW_DENY : Verdict.DENY;
    return new Decision(v, reason, status, message, retryAfter, mode, items, stats, tenant);
  }

  /** A denial, or a shadow denial in shadow mode: in shadow mode nothing is ever blocked. */
  static Decision deny(
      Reason reason,
      String message,
      Duration retryAfter,
      Mode mode,
      long items,
      WriteRequestStats stats,
      String tenant) {
    return deny(reason, reason.status(), message, retryAfter, mode, items, stats, tenant);
  }
}
