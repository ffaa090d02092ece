package io.mimiredge.edgectl.rollout;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mimiredge.edgectl.gate.GateResult;
import java.util.List;

/**
 * One line of history (JSON lines): when, who, what, from which phase to which, the gate readings
 * that decided it, and the result ({@code applied}, {@code blocked}, {@code failed}, {@code
 * rolled-back}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryEntry(
    String at,
    String who,
    String action,
    String from,
    String to,
    String result,
    List<GateResult> gates,
    String message) {
  public HistoryEntry {
    gates = gates == null ? List.of() : List.copyOf(gates);
  }
}
