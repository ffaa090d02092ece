package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One rollout transition as edgectl recorded it on its target and sent it to the RLS with {@code
 * PUT /api/rollout} ({@code "event"}): when, who, what, from which phase to which, and how it
 * ended. A change made without an event (curl, an older edgectl) is recorded as action {@code set}.
 *
 * @param at when, ISO-8601
 * @param who who asked (edgectl's user)
 * @param action {@code promote}, {@code rollback}, {@code watch-rollback}, {@code
 *     emergency-rollback} or {@code set}
 * @param from the phase before ({@code canary-25})
 * @param to the phase asked for
 * @param result {@code applied}, {@code blocked}, {@code halted} or {@code rolled-back}
 * @param message why, when it did not simply apply (the failing gates); null otherwise
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RolloutEvent(
    String at, String who, String action, String from, String to, String result, String message) {}
