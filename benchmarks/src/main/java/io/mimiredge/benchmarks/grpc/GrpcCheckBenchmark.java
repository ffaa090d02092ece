package io.mimiredge.benchmarks.grpc;

import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.CallOptions;
import io.grpc.stub.ClientCalls;
import io.mimiredge.rls.enforce.Decision;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Envoy's ext_authz {@code Check} for a 2000-series push, as a round trip through an in-process
 * gRPC server (the serialized CheckRequest parsed, body copied, snappy-decoded, scanned, limits
 * applied, CheckResponse back), next to the same decision made directly.
 *
 * <p>Run: {@code java -cp <benchmarks classpath> org.openjdk.jmh.Main GrpcCheckBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GrpcCheckBenchmark {

  /** The whole gRPC round trip of one Check, from the request's bytes to the parsed response. */
  @Benchmark
  public CheckResponse checkRoundTrip(GrpcCheckState s) {
    return ClientCalls.blockingUnaryCall(
        s.channel, GrpcCheckState.CHECK_BYTES, CallOptions.DEFAULT, s.requestBytes);
  }

  /** The decision alone, for the cost of gRPC by difference. */
  @Benchmark
  public Decision evaluateDirect(GrpcCheckState s) {
    return s.evaluator.evaluate("tenant-a", s.body);
  }
}
