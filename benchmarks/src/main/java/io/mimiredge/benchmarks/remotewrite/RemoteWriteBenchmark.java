package io.mimiredge.benchmarks.remotewrite;

import com.google.protobuf.CodedInputStream;
import io.mimiredge.benchmarks.prompb.WriteRequest;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One remote-write request per operation, through each stage of the RLS's path, and through the
 * naive path for comparison. Every case decodes the same snappy bodies ({@link RequestBodies}).
 *
 * <p>Run all cases by hand (from the repository root, after {@code mvn package}): {@code java -jar
 * benchmarks/target/benchmarks.jar -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RemoteWriteBenchmark {

  /** The floor: snappy block decoding alone. */
  @Benchmark
  public int snappyDecode(RequestBodies requests, NaiveDecoder decoder) throws IOException {
    return decoder.decode(requests.next());
  }

  /**
   * What a naive implementation does: snappy decode, then build the whole request with
   * protobuf-java's generated classes (every label a String).
   */
  @Benchmark
  public WriteRequest decodeAndFullParse(RequestBodies requests, NaiveDecoder decoder)
      throws IOException {
    int length = decoder.decode(requests.next());
    return WriteRequest.parseFrom(CodedInputStream.newInstance(decoder.buffer(), 0, length));
  }
}
