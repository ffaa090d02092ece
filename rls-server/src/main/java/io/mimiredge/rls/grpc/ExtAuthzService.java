package io.mimiredge.rls.grpc;

import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.Verdict;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Envoy's {@code envoy.service.auth.v3.Authorization/Check} for remote-write pushes: the tenant and
 * the body from the CheckRequest, the {@link PushEvaluator}'s decision, recorded, as the answer. A
 * CheckRequest without an HTTP request is {@code INVALID_ARGUMENT}; a denial is a normal response.
 * Thread-safe.
 */
final class ExtAuthzService extends AuthorizationGrpc.AuthorizationImplBase {
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
    check(CheckRequestWire.of(request), response);
  }

  /**
   * What deciding {@code check} may cost, in bytes, for {@link DecisionThreads} to judge whether an
   * event loop may decide it: the message's size, which bounds a remote-write body's decoded size
   * (snappy expands at most about 21 times); but {@link Integer#MAX_VALUE}, never decided on an
   * event loop, for an OTLP body with a {@code Content-Encoding} (gzip, zstd, lz4), which may
   * inflate up to the scanner's {@code maxDecodedBytes}, and for a tenant with {@code
   * metric_relabel_configs}, whose regular expressions run on every series (Java's engine
   * backtracks where Mimir's RE2 does not: a rule can take far longer than the body's size says).
   */
  int decisionBytes(CheckRequestWire check) {
    int n = check.length();
    if (n > DecisionThreads.MAX_INLINE_BYTES) {
      return n;
    }
    if (EnvoyMapping.otlp(check)) {
      String encoding = check.header("content-encoding");
      if (encoding != null && !encoding.isBlank()) {
        return Integer.MAX_VALUE;
      }
    }
    String orgId = mapping.orgId(check);
    if (orgId != null && !evaluator.enforcer().limitsFor(orgId).metricRelabelConfigs().isEmpty()) {
      return Integer.MAX_VALUE;
    }
    return n;
  }

  /** The clock its recorded times run on: a request's reading is stamped by it too. */
  LongSupplier nanoClock() {
    return nanoClock;
  }

  /** Decides the request {@code check} is about, read now (see below). */
  void check(CheckRequestWire check, StreamObserver<CheckResponse> response) {
    check(check, nanoClock.getAsLong(), response);
  }

  /**
   * Decides the request {@code check} is about; the body is read where it lies, not copied. The
   * decision's recorded time ({@code rls_check_duration_seconds}) runs from {@code readNanos}, when
   * the request was read: a wait for a decision thread counts, as it does for the client.
   */
  void check(CheckRequestWire check, long readNanos, StreamObserver<CheckResponse> response) {
    if (!check.hasHttp()) {
      response.onError(
          Status.INVALID_ARGUMENT
              .withDescription("CheckRequest has no attributes.request.http")
              .asRuntimeException());
      return;
    }
    String orgId = mapping.orgId(check);
    long start = readNanos;
    Decision d;
    String contentType = check.header("content-type");
    boolean otlp = EnvoyMapping.otlp(check);
    if (EnvoyMapping.partialBody(check)) {
      d = evaluator.evaluatePartial(orgId);
    } else if (otlp) {
      d =
          evaluator.evaluateOtlp(
              orgId,
              contentType,
              check.header("content-encoding"),
              check.buffer(),
              check.bodyOffset(),
              check.bodyLength());
    } else {
      d =
          evaluator.evaluate(
              orgId, contentType, check.buffer(), check.bodyOffset(), check.bodyLength());
    }
    recorder.record(Door.EXT_AUTHZ, d, nanoClock.getAsLong() - start);
    String retryAfter =
        d.verdict() == Verdict.DENY
            ? evaluator
                .retryAfterHeader()
                .value(d.status(), EnvoyMapping.firstValue(check.header("retry-attempt")))
            : null;
    response.onNext(EnvoyMapping.checkResponse(d, contentType, otlp, retryAfter));
    response.onCompleted();
  }
}
