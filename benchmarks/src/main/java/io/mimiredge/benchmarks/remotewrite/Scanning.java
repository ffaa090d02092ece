package io.mimiredge.benchmarks.remotewrite;

import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The RLS's scanner, as the service builds it. Shared by the benchmark's threads, as in the
 * service: each thread decodes into its own reused buffer.
 */
@State(Scope.Benchmark)
public class Scanning {

  /** The service's default {@code maxDecodedBytes} (100 MiB), as {@code inspect} uses it. */
  public static final int MAX_DECODED_BYTES = 100 << 20;

  /**
   * The time requests are judged at: minutes after the captured requests' samples (Nov 2026; the
   * generated ones are some hours older), so that every timestamp is inside Mimir's default grace
   * periods.
   */
  public static final long NOW_MILLIS = 1_795_460_000_000L;

  private WriteRequestScanner scanner;

  @Setup(Level.Trial)
  public void create() {
    scanner = new WriteRequestScanner(MAX_DECODED_BYTES);
  }

  public WriteRequestScanner scanner() {
    return scanner;
  }
}
