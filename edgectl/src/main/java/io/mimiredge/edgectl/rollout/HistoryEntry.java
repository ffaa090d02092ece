package io.mimiredge.edgectl.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import io.mimiredge.edgectl.gate.GateResult;
import java.util.List;
import java.util.Objects;

/**
 * One line of history (JSON lines): when, who, what, from which phase to which, the gate readings
 * that decided it, and the result.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryEntry(
    String at,
    String who,
    Action action,
    String from,
    String to,
    Result result,
    List<GateResult> gates,
    String message) {
  public HistoryEntry {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(result, "result");
    gates = gates == null ? List.of() : List.copyOf(gates);
  }

  /** What edgectl did. */
  public enum Action {
    /** {@code edgectl promote}: one rung up. */
    PROMOTE("promote"),
    /** {@code edgectl rollback}: down the ladder a rung at a time. */
    ROLLBACK("rollback"),
    /**
     * {@code edgectl promote --watch}: the gates failed on the new rung, back to the one before.
     */
    WATCH_ROLLBACK("watch-rollback"),
    /** {@code edgectl rollback --emergency}: straight to direct. */
    EMERGENCY_ROLLBACK("emergency-rollback");

    private final String token;

    Action(String token) {
      this.token = token;
    }

    @JsonValue
    public String token() {
      return token;
    }

    @JsonCreator
    public static Action parse(String text) {
      for (Action a : values()) {
        if (a.token.equals(text)) {
          return a;
        }
      }
      throw new IllegalArgumentException("unknown history action '" + text + "'");
    }

    @Override
    public String toString() {
      return token;
    }
  }

  /** How it ended. */
  public enum Result {
    /** The new phase is in effect. */
    APPLIED("applied"),
    /** A gate failed before the promotion: nothing changed. */
    BLOCKED("blocked"),
    /** A gate failed between the steps of a rollback: it stopped on the phase shown. */
    HALTED("halted"),
    /** A gate failed while watching: the phase before is back in effect. */
    ROLLED_BACK("rolled-back");

    private final String token;

    Result(String token) {
      this.token = token;
    }

    @JsonValue
    public String token() {
      return token;
    }

    @JsonCreator
    public static Result parse(String text) {
      for (Result r : values()) {
        if (r.token.equals(text)) {
          return r;
        }
      }
      throw new IllegalArgumentException("unknown history result '" + text + "'");
    }

    @Override
    public String toString() {
      return token;
    }
  }
}
