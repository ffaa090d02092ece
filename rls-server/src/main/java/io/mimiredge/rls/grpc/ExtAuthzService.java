package io.mimiredge.rls.grpc;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.PushEvaluator;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Envoy's {@code envoy.service.auth.v3.Authorization/Check} for remote-write pushes: the tenant and
 * the body from the CheckRequest, the {@link PushEvaluator}'s decision, recorded, as the answer. A
 * CheckRequest without an HTTP request is {@code INVALID_ARGUMENT}; a denial is a normal response.
 * Thread-safe.
 */
final class ExtAuthzService extends AuthorizationGrpc.AuthorizationImplBase {
  /** Bodies up to this size are copied into a per-thread buffer that is kept; larger are not. */
  private static final int RETAINED_BUFFER_BYTES = 1 << 20;

  private static final ThreadLocal<byte[]> BUFFER =
      ThreadLocal.withInitial(() -> new byte[64 * 1024]);

  private final PushEvaluator evaluator;
  private final EnvoyMapping mapping;
  private final DecisionRecorder recorder;
  private final LongSupplier nanoClock;

  ExtAuthzService(
      PushEvaluator evaluator,
      EnvoyMapping mapping,
      DecisionRecorder recorder,
      LongSupplier nanoClock) {
    this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
    this.mapping = Objects.requireNonNull(mapping, "mapping");
    this.recorder = Objects.requireNonNull(recorder, "recorder");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  @Override
  public void check(CheckRequest request, StreamObserver<CheckResponse> response) {
    AttributeContext.HttpRequest http = EnvoyMapping.httpRequest(request);
    if (http == null) {
      response.onError(
          Status.INVALID_ARGUMENT
              .withDescription("CheckRequest has no attributes.request.http")
              .asRuntimeException());
      return;
    }
    String orgId = mapping.orgId(http);
    long start = nanoClock.getAsLong();
    Decision d;
    String contentType = EnvoyMapping.header(http, "content-type");
    boolean otlp = EnvoyMapping.otlp(http);
    if (EnvoyMapping.partialBody(http)) {
      d = evaluator.evaluatePartial(orgId);
    } else {
      ByteString body = EnvoyMapping.body(http);
      d =
          otlp
              ? evaluator.evaluateOtlp(
                  orgId,
                  contentType,
                  EnvoyMapping.header(http, "content-encoding"),
                  copy(body),
                  0,
                  body.size())
              : evaluator.evaluate(orgId, contentType, copy(body), 0, body.size());
    }
    recorder.record(Door.EXT_AUTHZ, d, nanoClock.getAsLong() - start);
    response.onNext(EnvoyMapping.checkResponse(d, contentType, otlp));
    response.onCompleted();
  }

  /** The body in an array the evaluator can read; reused per thread up to a size. */
  private static byte[] copy(ByteString body) {
    int n = body.size();
    byte[] buf = BUFFER.get();
    if (n > buf.length) {
      buf = new byte[n];
      if (n <= RETAINED_BUFFER_BYTES) {
        BUFFER.set(buf);
      }
    }
    body.copyTo(buf, 0);
    return buf;
  }
}
