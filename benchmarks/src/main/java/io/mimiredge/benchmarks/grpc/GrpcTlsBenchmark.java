package io.mimiredge.benchmarks.grpc;

import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.CallOptions;
import io.grpc.stub.ClientCalls;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What mutual TLS adds to Envoy's {@code Check}, back to back: the RLS's gRPC doors ({@link
 * GrpcDoors}) on one kept-alive channel, a push of {@code series} series per call, plaintext
 * against mutual TLS in the same run. SampleTime gives the p50 and p99 of each. {@link GrpcTlsLoad}
 * measures the same at fixed open-loop rates.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar GrpcTlsBenchmark}
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class GrpcTlsBenchmark {
  @Param({"plaintext", "mtls"})
  public String transport;

  @Param({"500"})
  public int series;

  private GrpcDoors doors;
  private byte[] requestBytes;

  @Setup(Level.Trial)
  public void start() throws Exception {
    doors = GrpcDoors.start(transport.equals("mtls"));
    requestBytes = GrpcCheckState.checkRequest(SyntheticPush.body(series, 42)).toByteArray();
    CheckResponse first = check();
    if (first.hasDeniedResponse()) {
      throw new IllegalStateException("the push was denied: " + first);
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    doors.close();
  }

  /** One Check on the kept-alive channel: after the first, no handshake, only record crypto. */
  @Benchmark
  public CheckResponse check() {
    return ClientCalls.blockingUnaryCall(
        doors.channel(), GrpcCheckState.CHECK_BYTES, CallOptions.DEFAULT, requestBytes);
  }
}
