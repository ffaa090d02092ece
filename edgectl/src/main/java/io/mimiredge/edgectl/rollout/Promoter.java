package io.mimiredge.edgectl.rollout;

import io.mimiredge.api.admin.RolloutEvent;
import io.mimiredge.api.rollout.Ladder;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.Rollout;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.edgectl.EdgectlException;
import io.mimiredge.edgectl.gate.GateChecker;
import io.mimiredge.edgectl.gate.GateReport;
import io.mimiredge.edgectl.gate.GateResult;
import io.mimiredge.edgectl.render.UnifiedDiff;
import io.mimiredge.edgectl.rls.RlsClient;
import io.mimiredge.edgectl.target.Target;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The rollout rules: promote one rung (or to a named rung) only when the gates on the current rung
 * pass, watch after applying and step back on failure, roll back gracefully down the ladder or at
 * once to direct. Every change is recorded. Not thread-safe: one per command.
 */
public final class Promoter {
  private final Target target;
  private final Function<Phase, String> renderer;
  private final GateChecker gates;
  private final RlsClient rls;
  private final Ladder ladder;
  private final SplitBy splitBy;
  private final Clock clock;
  private final Sleeper sleeper;
  private final String who;
  private final Duration gateInterval;
  private final PrintWriter out;

  private Promoter(Builder b) {
    this.target = b.target;
    this.renderer = b.renderer;
    this.gates = b.gates;
    this.rls = b.rls;
    this.ladder = b.ladder;
    this.splitBy = b.splitBy;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.who = b.who;
    this.gateInterval = b.gateInterval;
    this.out = b.out;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** What {@code promote} decided. */
  public record Promotion(Phase from, Phase to, boolean applied, GateReport gates, String diff) {}

  /**
   * Promotes from the current rung to {@code requested} (or the next rung). Throws {@link
   * EdgectlException.GateFailed} when the current rung's gates fail, or when {@code watch} sees
   * them fail after applying (then the previous rung is back in place).
   */
  public Promotion promote(Optional<Phase> requested, boolean dryRun, Duration watch) {
    requireGates("promote");
    Phase from = target.state().phase();
    Phase to =
        requested.orElseGet(
            () ->
                ladder
                    .next(from)
                    .orElseThrow(
                        () ->
                            new EdgectlException.Usage(
                                "already at " + from + ", the top of the ladder")));
    if (to.compareTo(from) <= 0) {
      throw new EdgectlException.Usage(
          "promote goes up: " + to + " is not above the current " + from + " (use rollback)");
    }
    String next = renderer.apply(to);
    if (dryRun) {
      String diff =
          UnifiedDiff.diff(
              "current (" + from + ")", target.currentConfig(), "promoted (" + to + ")", next);
      return new Promotion(from, to, false, null, diff);
    }
    GateReport report = gates.check(from, Optional.of(to));
    if (!report.passed()) {
      record(
          HistoryEntry.Action.PROMOTE,
          from,
          to,
          HistoryEntry.Result.BLOCKED,
          report.results(),
          report.failures());
      throw new EdgectlException.GateFailed(
          "gates on " + from + " failed, not promoting to " + to + ": " + report.failures());
    }
    apply(to, next);
    record(
        HistoryEntry.Action.PROMOTE, from, to, HistoryEntry.Result.APPLIED, report.results(), null);
    out.println("promoted " + from + " -> " + to + " on " + target.describe());
    out.flush();
    if (watch != null && !watch.isZero()) {
      watch(from, to, watch);
    }
    return new Promotion(from, to, true, report, null);
  }

  private void watch(Phase previous, Phase current, Duration watch) {
    Instant end = clock.instant().plus(watch);
    out.println("watching the gates on " + current + " for " + watch.toSeconds() + "s");
    out.flush();
    while (clock.instant().isBefore(end)) {
      Duration left = Duration.between(clock.instant(), end);
      pause(left.compareTo(gateInterval) < 0 ? left : gateInterval);
      GateReport report = gates.check(current, Optional.empty());
      if (!report.passed()) {
        apply(previous, renderer.apply(previous));
        record(
            HistoryEntry.Action.WATCH_ROLLBACK,
            current,
            previous,
            HistoryEntry.Result.ROLLED_BACK,
            report.results(),
            report.failures());
        throw new EdgectlException.GateFailed(
            "gates on "
                + current
                + " failed while watching; rolled back to "
                + previous
                + ": "
                + report.failures());
      }
    }
    out.println("gates held on " + current + " for " + watch.toSeconds() + "s");
    out.flush();
  }

  /**
   * Straight to direct from the kept known-good file: no gates, no RLS, no Prometheus. {@code
   * fallbackDirect} is used only if the target has never kept one.
   */
  public Phase emergency(Supplier<Optional<String>> fallbackDirect, boolean scaleDown) {
    Phase from;
    try {
      from = target.state().phase();
    } catch (RuntimeException e) {
      from = null; // an unreadable state must not stop the way back
    }
    target.emergencyDirect(
        fallbackDirect, new Rollout(Phase.DIRECT, splitBy, clock.instant(), who), scaleDown);
    String fromText = from == null ? "unknown" : from.token();
    HistoryEntry entry =
        new HistoryEntry(
            clock.instant().toString(),
            who,
            HistoryEntry.Action.EMERGENCY_ROLLBACK,
            fromText,
            "direct",
            HistoryEntry.Result.APPLIED,
            List.of(),
            scaleDown ? "scale-down" : null);
    try {
      target.record(entry);
    } catch (RuntimeException e) {
      out.println("warning: rolled back, but the history was not written: " + e.getMessage());
    }
    notifyRls(Phase.DIRECT, entry);
    return from;
  }

  /**
   * Down the ladder to {@code floor} (mirror by default), one rung at a time, waiting {@code
   * stepWait} and checking the gates between steps. Stops with {@link EdgectlException.GateFailed}
   * when they fail, leaving the operator to choose the emergency rollback.
   */
  public Phase gracefulRollback(Phase floor, Duration stepWait) {
    requireGates("a graceful rollback");
    Phase current = target.state().phase();
    if (current.compareTo(floor) <= 0) {
      out.println("already at " + current + ", at or below " + floor + ": nothing to do");
      return current;
    }
    while (current.compareTo(floor) > 0) {
      Phase lower = ladder.previous(current);
      if (lower.compareTo(floor) < 0) {
        lower = floor;
      }
      apply(lower, renderer.apply(lower));
      record(
          HistoryEntry.Action.ROLLBACK,
          current,
          lower,
          HistoryEntry.Result.APPLIED,
          List.of(),
          null);
      out.println("rolled back " + current + " -> " + lower);
      out.flush();
      current = lower;
      if (current.compareTo(floor) > 0) {
        pause(stepWait);
        GateReport report = gates.check(current, Optional.empty());
        if (!report.passed()) {
          record(
              HistoryEntry.Action.ROLLBACK,
              current,
              current,
              HistoryEntry.Result.HALTED,
              report.results(),
              report.failures());
          throw new EdgectlException.GateFailed(
              "gates on "
                  + current
                  + " failed during the graceful rollback ("
                  + report.failures()
                  + "); stopped here. For straight to direct: edgectl rollback --emergency");
        }
      }
    }
    return current;
  }

  private void requireGates(String what) {
    if (gates == null) {
      throw new IllegalStateException(
          what + " checks gates, and this Promoter was built without them (emergency() only)");
    }
  }

  private void apply(Phase phase, String config) {
    String direct = renderer.apply(Phase.DIRECT);
    target.apply(config, direct, new Rollout(phase, splitBy, clock.instant(), who));
  }

  /**
   * Best effort: the rollout is NGINX's config; the RLS is told the phase in force after {@code
   * entry} (with it, and the gates, for its rollout page), but its absence stops nothing.
   */
  private void notifyRls(Phase phase, HistoryEntry entry) {
    if (rls == null) {
      return;
    }
    // what NGINX runs now, as the target recorded it (its split may differ from the config's when
    // a blocked promotion changed nothing); the phase the caller knows if the state is unreadable
    Rollout inForce;
    try {
      inForce = target.state();
    } catch (RuntimeException e) {
      inForce = new Rollout(phase, splitBy, clock.instant(), who);
    }
    try {
      rls.putRollout(
          inForce.phase(),
          inForce.splitBy(),
          new RolloutEvent(
              entry.at(),
              entry.who(),
              entry.action().token(),
              entry.from(),
              entry.to(),
              entry.result().token(),
              entry.message()),
          gates == null ? null : gates.thresholds().toApi());
    } catch (IOException | RuntimeException e) {
      out.println("warning: could not tell the RLS the new phase (" + e.getMessage() + ")");
      out.flush();
    }
  }

  private void record(
      HistoryEntry.Action action,
      Phase from,
      Phase to,
      HistoryEntry.Result result,
      List<GateResult> readings,
      String message) {
    HistoryEntry entry =
        new HistoryEntry(
            clock.instant().toString(),
            who,
            action,
            from.token(),
            to.token(),
            result,
            readings,
            message);
    try {
      target.record(entry);
    } finally {
      // told even when the history could not be written: NGINX has already changed; a blocked
      // promotion changed nothing, the phase in force is still the one it started from
      notifyRls(result == HistoryEntry.Result.BLOCKED ? from : to, entry);
    }
  }

  private void pause(Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EdgectlException("interrupted while waiting");
    }
  }

  /**
   * Builds a {@link Promoter}. Target, renderer and output are required ({@link #build()} checks
   * them); gates are needed by {@code promote} and {@code gracefulRollback}, which refuse to run
   * without them, not by {@code emergency}, which talks to nothing but the target.
   */
  public static final class Builder {
    private Target target;
    private Function<Phase, String> renderer;
    private GateChecker gates;
    private RlsClient rls;
    private Ladder ladder = Ladder.DEFAULT;
    private SplitBy splitBy = SplitBy.TENANT;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.REAL;
    private String who = "unknown";
    private Duration gateInterval = Duration.ofSeconds(30);
    private PrintWriter out;

    private Builder() {}

    public Builder target(Target v) {
      this.target = Objects.requireNonNull(v, "target");
      return this;
    }

    public Builder renderer(Function<Phase, String> v) {
      this.renderer = Objects.requireNonNull(v, "renderer");
      return this;
    }

    public Builder gates(GateChecker v) {
      this.gates = Objects.requireNonNull(v, "gates");
      return this;
    }

    /** Optional: told each new phase, best effort. */
    public Builder rls(RlsClient v) {
      this.rls = v;
      return this;
    }

    public Builder ladder(Ladder v) {
      this.ladder = Objects.requireNonNull(v, "ladder");
      return this;
    }

    public Builder splitBy(SplitBy v) {
      this.splitBy = Objects.requireNonNull(v, "splitBy");
      return this;
    }

    public Builder clock(Clock v) {
      this.clock = Objects.requireNonNull(v, "clock");
      return this;
    }

    public Builder sleeper(Sleeper v) {
      this.sleeper = Objects.requireNonNull(v, "sleeper");
      return this;
    }

    public Builder who(String v) {
      this.who = Objects.requireNonNull(v, "who");
      return this;
    }

    public Builder gateInterval(Duration v) {
      if (v == null || v.isNegative() || v.isZero()) {
        throw new IllegalArgumentException("gate interval must be > 0, got " + v);
      }
      this.gateInterval = v;
      return this;
    }

    public Builder out(PrintWriter v) {
      this.out = Objects.requireNonNull(v, "out");
      return this;
    }

    public Promoter build() {
      List<String> missing = new ArrayList<>();
      if (target == null) {
        missing.add("target");
      }
      if (renderer == null) {
        missing.add("renderer");
      }
      if (out == null) {
        missing.add("out");
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException("Promoter needs " + String.join(", ", missing));
      }
      return new Promoter(this);
    }
  }
}
