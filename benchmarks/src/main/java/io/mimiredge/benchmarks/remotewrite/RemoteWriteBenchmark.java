package io.mimiredge.benchmarks.remotewrite;

import com.google.protobuf.CodedInputStream;
import io.mimiredge.benchmarks.gate.PairedTimes;
import io.mimiredge.benchmarks.prompb.WriteRequest;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.relabel.RelabelAction;
import io.mimiredge.rls.relabel.RelabelRule;
import io.mimiredge.rls.relabel.SeriesRelabeling;
import io.mimiredge.rls.remotewrite.Protocol;
import io.mimiredge.rls.remotewrite.RemoteWriteException;
import io.mimiredge.rls.remotewrite.ValidationLimits;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One remote-write request per operation, through each stage of the RLS's path, and through the
 * naive path for comparison. Every case takes the same snappy bodies ({@link RequestBodies}).
 *
 * <p>All cases by hand, from the repository root after {@code mvn package}: {@code java -jar
 * benchmarks/target/benchmarks.jar RemoteWriteBenchmark -prof gc}; {@code benchmarks/gate} runs the
 * CI subset.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RemoteWriteBenchmark {

  /** The floor: the scanner's snappy block decode alone, into its reused buffer. */
  @Benchmark
  public int snappyDecode(RequestBodies requests, Scanning scanning) throws RemoteWriteException {
    byte[] body = requests.next();
    return scanning.scanner().decode(body, 0, body.length);
  }

  /** The scanner: decode, then walk the protobuf wire format, counting and validating. */
  @Benchmark
  public WriteRequestStats decodeAndScan(RequestBodies requests, Scanning scanning)
      throws RemoteWriteException {
    byte[] body = requests.next();
    return scanning
        .scanner()
        .scan(body, 0, body.length, ValidationLimits.MIMIR_DEFAULTS, Scanning.NOW_MILLIS);
  }

  /**
   * The scanner for a tenant with relabeling ({@code metric_relabel_configs}: drop the {@code go_*}
   * families, labeldrop {@code instance}; {@code drop_labels: [job]}): every series' labels go
   * through the rules, as strings. Compare with {@link #decodeAndScan}.
   */
  @Benchmark
  public WriteRequestStats decodeAndScanRelabeled(RequestBodies requests, Scanning scanning)
      throws RemoteWriteException {
    byte[] body = requests.next();
    return scanning
        .scanner()
        .scan(body, 0, body.length, RELABELED, Scanning.NOW_MILLIS, Protocol.RW1, "tenant-a");
  }

  private static final ValidationLimits RELABELED =
      ValidationLimits.builder()
          .relabeling(
              new SeriesRelabeling(
                  List.of(
                      RelabelRule.builder()
                          .sourceLabels(List.of("__name__"))
                          .regex("go_.*")
                          .action(RelabelAction.DROP)
                          .build(),
                      RelabelRule.builder()
                          .action(RelabelAction.LABELDROP)
                          .regex("instance")
                          .build()),
                  List.of("job")))
          .build();

  /** The floor for remote write 2.0: its snappy block decode alone. */
  @Benchmark
  public int snappyDecodeRw2(RequestBodies requests, Scanning scanning)
      throws RemoteWriteException {
    byte[] body = requests.nextRw2();
    return scanning.scanner().decode(body, 0, body.length);
  }

  /** The scanner on the same requests as remote write 2.0: decode, then walk symbols and refs. */
  @Benchmark
  public WriteRequestStats decodeAndScanRw2(RequestBodies requests, Scanning scanning)
      throws RemoteWriteException {
    byte[] body = requests.nextRw2();
    return scanning
        .scanner()
        .scan(
            body,
            0,
            body.length,
            ValidationLimits.MIMIR_DEFAULTS,
            Scanning.NOW_MILLIS,
            Protocol.RW2);
  }

  /**
   * scan_vs_decode taken in one run ({@link PairedTimes}): one body decoded alone and decoded and
   * scanned, each timed, interleaved. The gate divides the two times.
   */
  @Benchmark
  public WriteRequestStats pairedScanVsDecode(
      RequestBodies requests, Scanning scanning, PairedTimes times, Blackhole sink)
      throws RemoteWriteException {
    return paired(requests.next(), Protocol.RW1, scanning, times, sink);
  }

  /** rw2_scan_vs_decode taken in one run: {@link #pairedScanVsDecode} on remote write 2.0. */
  @Benchmark
  public WriteRequestStats pairedScanVsDecodeRw2(
      RequestBodies requests, Scanning scanning, PairedTimes times, Blackhole sink)
      throws RemoteWriteException {
    return paired(requests.nextRw2(), Protocol.RW2, scanning, times, sink);
  }

  private static WriteRequestStats paired(
      byte[] body, Protocol protocol, Scanning scanning, PairedTimes times, Blackhole sink)
      throws RemoteWriteException {
    var scanner = scanning.scanner();
    long t0 = System.nanoTime();
    sink.consume(scanner.decode(body, 0, body.length));
    long t1 = System.nanoTime();
    sink.consume(
        scanner.scan(
            body, 0, body.length, ValidationLimits.MIMIR_DEFAULTS, Scanning.NOW_MILLIS, protocol));
    long t2 = System.nanoTime();
    WriteRequestStats stats =
        scanner.scan(
            body, 0, body.length, ValidationLimits.MIMIR_DEFAULTS, Scanning.NOW_MILLIS, protocol);
    long t3 = System.nanoTime();
    sink.consume(scanner.decode(body, 0, body.length));
    long t4 = System.nanoTime();
    times.add((t2 - t1) + (t3 - t2), (t1 - t0) + (t4 - t3));
    return stats;
  }

  /**
   * The whole decision of one push as every door makes it, for a tenant whose buckets never run
   * dry: tenant check, decode, scan with the tenant's limits, request and ingestion buckets.
   */
  @Benchmark
  public Decision decodeScanAndDecide(RequestBodies requests, Enforcement enforcement) {
    return enforcement.evaluator().evaluate(Enforcement.GENEROUS, requests.next());
  }

  /** The same for a tenant whose ingestion bucket is empty: the rate-limit denial path. */
  @Benchmark
  public Decision decodeScanAndDeny(RequestBodies requests, Enforcement enforcement) {
    return enforcement.evaluator().evaluate(Enforcement.EXHAUSTED, requests.next());
  }

  /**
   * What a naive implementation does: snappy decode (snappy-java, into a reused buffer), then build
   * the whole request with protobuf-java's generated classes (every label a String).
   */
  @Benchmark
  public WriteRequest decodeAndFullParse(RequestBodies requests, NaiveDecoder decoder)
      throws IOException {
    int length = decoder.decode(requests.next());
    return WriteRequest.parseFrom(CodedInputStream.newInstance(decoder.buffer(), 0, length));
  }
}
