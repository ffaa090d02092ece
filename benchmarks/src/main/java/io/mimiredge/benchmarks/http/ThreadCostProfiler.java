package io.mimiredge.benchmarks.http;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler for a server running inside the benchmark's JVM: the bytes allocated and the CPU
 * time spent per operation by the server's own threads only — those whose names start with one of
 * the prefixes in the system property {@value #THREADS_PROPERTY} (comma-separated; default {@link
 * #SERVER_THREADS}: Dropwizard's Jetty pool, {@code dw-}, and the upstream client's pool, {@code
 * upstream-}) — not by the benchmark thread that plays the client, nor by the stub distributor.
 * JMH's {@code -prof gc} counts every thread of the JVM. A benchmark of other servers sets the
 * property in its fork's JVM arguments.
 *
 * <p>Results: {@code rls.alloc.norm} (bytes per operation) and {@code rls.cpu.norm} (microseconds
 * of CPU per operation, user + system, from {@code ThreadMXBean}). A thread that ends during an
 * iteration takes its counts with it (Jetty retires idle threads after a minute: rare within one).
 *
 * <p>Usage: {@code -prof io.mimiredge.benchmarks.http.ThreadCostProfiler}.
 */
public final class ThreadCostProfiler implements InternalProfiler {
  /** Thread-name prefixes of the server's threads. */
  static final List<String> SERVER_THREADS = List.of("dw-", "upstream-");

  /** The system property that names other prefixes. */
  public static final String THREADS_PROPERTY = "threadcost.threads";

  private final List<String> prefixes = prefixes(System.getProperty(THREADS_PROPERTY));

  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private Map<Long, long[]> before = Map.of();

  /**
   * The server threads' counts when the benchmark's iteration ended, if it said so: JMH tears a
   * trial down before it calls the profilers after the last iteration, when the server's threads
   * are gone.
   */
  private static volatile Map<Long, long[]> ended;

  public ThreadCostProfiler() {
    threads.setThreadAllocatedMemoryEnabled(true);
    threads.setThreadCpuTimeEnabled(true);
  }

  @Override
  public String getDescription() {
    return "bytes allocated and CPU spent per operation by the server's threads ("
        + String.join("*, ", prefixes)
        + "*)";
  }

  /**
   * Takes the counts at the end of an iteration; a benchmark whose server stops in its trial's
   * teardown calls this from its {@code @TearDown(Level.Iteration)}.
   */
  public static void iterationEnded() {
    ended = SNAPSHOTS.snapshot();
  }

  private static final ThreadCostProfiler SNAPSHOTS = new ThreadCostProfiler();

  @Override
  public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
    ended = null;
    before = snapshot();
  }

  @Override
  public Collection<? extends Result<?>> afterIteration(
      BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
    Map<Long, long[]> after = ended;
    long[] cost = difference(before, after == null ? snapshot() : after);
    long bytes = cost[0];
    long cpuNanos = cost[1];
    long ops = result.getMetadata().getMeasuredOps();
    List<Result<?>> out = new ArrayList<>();
    if (ops > 0) {
      out.add(
          new ScalarResult("rls.alloc.norm", (double) bytes / ops, "B/op", AggregationPolicy.AVG));
      out.add(
          new ScalarResult(
              "rls.cpu.norm", cpuNanos / 1000.0 / ops, "us/op", AggregationPolicy.AVG));
    }
    return out;
  }

  /** {allocated bytes, CPU nanoseconds} of the server's threads since {@code before}. */
  long[] since(Map<Long, long[]> before) {
    return difference(before, snapshot());
  }

  private static long[] difference(Map<Long, long[]> before, Map<Long, long[]> after) {
    long bytes = 0;
    long cpuNanos = 0;
    for (Map.Entry<Long, long[]> e : after.entrySet()) {
      long[] was = before.getOrDefault(e.getKey(), new long[2]);
      bytes += e.getValue()[0] - was[0];
      cpuNanos += e.getValue()[1] - was[1];
    }
    return new long[] {bytes, cpuNanos};
  }

  /** Per server thread: {allocated bytes, CPU nanoseconds} so far. */
  Map<Long, long[]> snapshot() {
    Map<Long, long[]> out = new HashMap<>();
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      Thread t = e.getKey();
      if (!isServerThread(t.getName(), prefixes)) {
        continue;
      }
      long id = t.getId();
      long bytes = threads.getThreadAllocatedBytes(id);
      long cpu = threads.getThreadCpuTime(id);
      if (bytes >= 0 && cpu >= 0) {
        out.put(id, new long[] {bytes, cpu});
      }
    }
    return out;
  }

  static List<String> prefixes(String property) {
    if (property == null || property.isBlank()) {
      return SERVER_THREADS;
    }
    return java.util.Arrays.stream(property.split(",")).map(String::strip).toList();
  }

  static boolean isServerThread(String name, List<String> prefixes) {
    for (String prefix : prefixes) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
