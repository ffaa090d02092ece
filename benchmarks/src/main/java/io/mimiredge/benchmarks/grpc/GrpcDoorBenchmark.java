package io.mimiredge.benchmarks.grpc;

import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.CallOptions;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.mimiredge.benchmarks.http.ThreadCostProfiler;
import io.mimiredge.benchmarks.requests.Fixtures;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Envoy's {@code Check} through the RLS's gRPC door on a real Netty port (plaintext, {@link
 * GrpcDoors}), one call at a time on a kept-alive channel, with the captured requests of {@code
 * testdata/remote-write} round robin as {@code raw_body}. Run with {@link ThreadCostProfiler} to
 * read what the server's own threads ({@code grpc-default-*}, its event loops, where it decides a
 * small call while they have time, and {@code rls-grpc-decide-*}, where it decides the rest; the
 * client has event loops of its own) allocate and spend per {@code Check}.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar GrpcDoorBenchmark \
 *   -prof io.mimiredge.benchmarks.http.ThreadCostProfiler
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xms512m",
      "-Xmx512m",
      "-D" + ThreadCostProfiler.THREADS_PROPERTY + "=grpc-default-,rls-grpc-decide-"
    })
public class GrpcDoorBenchmark {
  private GrpcDoors doors;
  private byte[][] requests;
  private int next;

  @Setup(Level.Trial)
  public void start() throws Exception {
    doors = GrpcDoors.start(false);
    List<byte[]> bodies = Fixtures.bodies();
    requests = new byte[bodies.size()][];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = GrpcCheckState.checkRequest(bodies.get(i)).toByteArray();
    }
    for (byte[] r : requests) {
      CheckResponse first =
          ClientCalls.blockingUnaryCall(
              doors.channel(), GrpcCheckState.CHECK_BYTES, CallOptions.DEFAULT, r);
      if (first.getStatus().getCode() != 0) {
        throw new IllegalStateException("a captured push was not admitted: " + first);
      }
    }
  }

  /** The last iteration's counts are taken before the trial's teardown stops the server. */
  @TearDown(Level.Iteration)
  public void iterationEnded() {
    ThreadCostProfiler.iterationEnded();
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    doors.close();
  }

  /**
   * One call of gRPC's own health service on the same server (the smallest unary call it serves, no
   * decision, nothing of ours): what grpc-java and Netty themselves allocate and spend per call,
   * the floor under {@link #check}'s figures.
   */
  @Benchmark
  public HealthCheckResponse health() {
    return HealthGrpc.newBlockingStub(doors.channel()).check(HEALTH);
  }

  private static final HealthCheckRequest HEALTH = HealthCheckRequest.getDefaultInstance();

  /** One Check, answered. */
  @Benchmark
  public CheckResponse check() {
    byte[] request = requests[next];
    next = next + 1 == requests.length ? 0 : next + 1;
    return ClientCalls.blockingUnaryCall(
        doors.channel(), GrpcCheckState.CHECK_BYTES, CallOptions.DEFAULT, request);
  }
}
