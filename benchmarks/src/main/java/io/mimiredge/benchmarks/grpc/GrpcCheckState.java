package io.mimiredge.benchmarks.grpc;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.grpc.GrpcServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The RLS's gRPC doors on an in-process server, with limits high enough that every request is
 * scanned, counted and admitted, and an ext_authz CheckRequest shaped as Envoy sends it ({@code
 * raw_body}, lower-cased headers) around a synthetic push of {@link #series} series.
 */
@State(Scope.Benchmark)
public class GrpcCheckState {
  /** Series in the push, one sample each. */
  @Param({"2000"})
  public int series;

  /**
   * {@code direct}: the call runs on the caller's thread (the cost of gRPC framing, protobuf and
   * the decision alone); {@code pool}: grpc-java's default server executor, one thread hop, as in
   * production.
   */
  @Param({"direct", "pool"})
  public String serverExecutor;

  PushEvaluator evaluator;
  ManagedChannel channel;
  CheckRequest request;
  byte[] body;

  /** The CheckRequest as Envoy puts it on the wire. */
  byte[] requestBytes;

  /**
   * {@code Check} with the request as serialized bytes, so the server parses them as it would off
   * the network (in-process gRPC hands a protobuf message over unserialized otherwise).
   */
  static final MethodDescriptor<byte[], CheckResponse> CHECK_BYTES =
      AuthorizationGrpc.getCheckMethod().toBuilder(
              new BytesMarshaller(), ProtoUtils.marshaller(CheckResponse.getDefaultInstance()))
          .build();

  private GrpcServer server;
  private final AtomicReference<Decision> last = new AtomicReference<>();

  @Setup(Level.Trial)
  public void start() throws Exception {
    body = SyntheticPush.body(series, 42);
    evaluator = GrpcDoors.generousEvaluator();
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder transport = InProcessServerBuilder.forName(name);
    if (serverExecutor.equals("direct")) {
      transport.directExecutor();
    }
    server =
        GrpcServer.builder()
            .transport(transport)
            .evaluator(evaluator)
            .recorder((door, d, nanos) -> last.lazySet(d))
            .limitsLoaded(() -> true)
            .healthPollInterval(Duration.ZERO)
            .shutdownGrace(Duration.ofSeconds(1))
            .build();
    server.start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    request = checkRequest(body);
    requestBytes = request.toByteArray();

    CheckResponse first =
        ClientCalls.blockingUnaryCall(channel, CHECK_BYTES, CallOptions.DEFAULT, requestBytes);
    Decision d = last.get();
    if (first.hasDeniedResponse()
        || d.verdict() != Verdict.ALLOW
        || d.stats().series() != series
        || d.items() != series) {
      throw new IllegalStateException("the synthetic push was not admitted whole: " + d);
    }
    System.out.printf(
        "%n# %d series: %d bytes compressed, %d decoded, CheckRequest %d bytes, max %d labels%n",
        series,
        body.length,
        d.stats().uncompressedBytes(),
        request.getSerializedSize(),
        d.stats().maxLabelsPerSeries());
  }

  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    channel.shutdownNow();
    server.stop();
  }

  /** Passes bytes through as they are. */
  private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static CheckRequest checkRequest(byte[] body) {
    AttributeContext.HttpRequest http =
        AttributeContext.HttpRequest.newBuilder()
            .setId("1234567890123456789")
            .setMethod("POST")
            .setPath("/api/v1/push")
            .setHost("mimir.example:8080")
            .setScheme("http")
            .setProtocol("HTTP/1.1")
            .setSize(body.length)
            .putHeaders(":method", "POST")
            .putHeaders(":path", "/api/v1/push")
            .putHeaders(":authority", "mimir.example:8080")
            .putHeaders(":scheme", "http")
            .putHeaders("content-encoding", "snappy")
            .putHeaders("content-type", "application/x-protobuf")
            .putHeaders("content-length", Integer.toString(body.length))
            .putHeaders("user-agent", "Prometheus/2.42.0+ds")
            .putHeaders("x-prometheus-remote-write-version", "0.1.0")
            .putHeaders("x-request-id", "3e5c8f0a-6f0e-4d7e-9a51-3c2b7f1d9e11")
            .putHeaders("x-scope-orgid", "tenant-a")
            .setRawBody(ByteString.copyFrom(body))
            .build();
    return CheckRequest.newBuilder()
        .setAttributes(
            AttributeContext.newBuilder()
                .setRequest(AttributeContext.Request.newBuilder().setHttp(http)))
        .build();
  }
}
