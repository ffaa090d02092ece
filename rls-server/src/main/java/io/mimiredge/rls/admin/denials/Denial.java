package io.mimiredge.rls.admin.denials;

import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.remotewrite.Protocol;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One recent denial: counts and Mimir's message, never body bytes or label values. Immutable.
 *
 * @param seq position in the log, increasing
 * @param time when it was recorded
 * @param tenant the tenant ID; null when the tenant header was missing or invalid
 * @param door where the request came in
 * @param reason why it was (or would have been) refused
 * @param status the HTTP status enforcement answers
 * @param verdict {@link Verdict#DENY}, or {@link Verdict#SHADOW_DENY} when it was let through
 * @param items items the ingestion limit counted
 * @param series series in the request; 0 when no body was scanned
 * @param retryAfterSeconds the Retry-After given; 0 when none
 * @param message the decision's message (Mimir's wording: limits and counts only)
 * @param notCounted what Mimir would not count of the request, and why ({@link
 *     io.mimiredge.rls.remotewrite.WriteRequestStats#notCounted}); empty when nothing was scanned
 * @param protocol the write protocol of the request; null when nothing was scanned
 */
public record Denial(
    long seq,
    Instant time,
    String tenant,
    Door door,
    Reason reason,
    int status,
    Verdict verdict,
    long items,
    long series,
    long retryAfterSeconds,
    String message,
    Map<String, Long> notCounted,
    Protocol protocol) {
  public Denial {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(door, "door");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(message, "message");
    notCounted = Map.copyOf(notCounted);
  }
}
