package io.mimiredge.benchmarks.gate;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Two pieces of work timed side by side in one benchmark, for a ratio of their times taken in one
 * run: JMH reports {@link #numeratorNanos()} and {@link #denominatorNanos()} as secondary results
 * (summed over each iteration), and the gate divides them.
 *
 * <p>Two benchmarks run one after the other each meet their own stretches of a shared machine: on 2
 * cores with a neighbour's build, one of them can run 40 % slower than the other for its whole run,
 * and the ratio of their medians moves with it. Interleaved, operation by operation, a slow stretch
 * slows both halves alike. A benchmark times each half twice per operation, in the order
 * denominator, numerator, numerator, denominator, so that neither half always runs on the caches
 * the other warmed.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class PairedTimes {
  private long numerator;
  private long denominator;

  /** Nanoseconds spent in the ratio's numerator this iteration (e.g. decode + scan). */
  public long numeratorNanos() {
    return numerator;
  }

  /** Nanoseconds spent in the ratio's denominator this iteration (e.g. decode alone). */
  public long denominatorNanos() {
    return denominator;
  }

  @Setup(Level.Iteration)
  public void reset() {
    numerator = 0;
    denominator = 0;
  }

  /** Adds one operation's times of the two halves. */
  public void add(long numeratorNanos, long denominatorNanos) {
    numerator += numeratorNanos;
    denominator += denominatorNanos;
  }
}
