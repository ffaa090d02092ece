package io.mimiredge.rls.grpc;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.mimiredge.rls.enforce.BucketView;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.limits.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Envoy's {@code envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit}: request-rate
 * limiting per tenant ({@code request_rate}, {@code request_burst_size}), one decision per
 * descriptor.
 *
 * <p>{@code INVALID_ARGUMENT}, before anything is consumed, for: a domain other than the configured
 * one (this service answers for one domain; a typo in Envoy's config must show up as errors in
 * Envoy's {@code ratelimit.error} stat, not silently disable the limit), no descriptors, a
 * descriptor without the tenant entry, and a tenant ID the enforcer refuses (its denial is
 * recorded; a 429 would misstate it). With Envoy's default {@code failure_mode_deny: false} such
 * requests go through, counted as errors. Thread-safe.
 */
final class RateLimitService extends RateLimitServiceGrpc.RateLimitServiceImplBase {
  private final Enforcer enforcer;
  private final EnvoyMapping mapping;
  private final String domain;
  private final DecisionRecorder recorder;
  private final LongSupplier nanoClock;

  RateLimitService(
      Enforcer enforcer,
      EnvoyMapping mapping,
      String domain,
      DecisionRecorder recorder,
      LongSupplier nanoClock) {
    this.enforcer = Objects.requireNonNull(enforcer, "enforcer");
    this.mapping = Objects.requireNonNull(mapping, "mapping");
    if (domain == null || domain.isEmpty()) {
      throw new IllegalArgumentException("domain must not be empty");
    }
    this.domain = domain;
    this.recorder = Objects.requireNonNull(recorder, "recorder");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  @Override
  public void shouldRateLimit(
      RateLimitRequest request, StreamObserver<RateLimitResponse> response) {
    if (!domain.equals(request.getDomain())) {
      invalid(response, "domain '" + request.getDomain() + "' is not served; expected " + domain);
      return;
    }
    if (request.getDescriptorsCount() == 0) {
      invalid(response, "no descriptors");
      return;
    }
    List<String> tenants = new ArrayList<>(request.getDescriptorsCount());
    for (int i = 0; i < request.getDescriptorsCount(); i++) {
      String tenant = mapping.tenant(request.getDescriptors(i));
      if (tenant == null) {
        invalid(response, "descriptor " + i + " has no '" + mapping.descriptorKey() + "' entry");
        return;
      }
      long start = nanoClock.getAsLong();
      Decision refused = enforcer.check(tenant).decision();
      if (refused != null && refused.verdict() == Verdict.DENY) {
        recorder.record(Door.RATELIMIT, refused, nanoClock.getAsLong() - start);
        invalid(response, "descriptor " + i + ": " + refused.message());
        return;
      }
      tenants.add(tenant);
    }
    List<EnvoyMapping.Outcome> outcomes = new ArrayList<>(tenants.size());
    for (int i = 0; i < tenants.size(); i++) {
      RateLimitDescriptor descriptor = request.getDescriptors(i);
      long start = nanoClock.getAsLong();
      Decision d =
          enforcer.decideRequestOnly(tenants.get(i), EnvoyMapping.hits(request, descriptor));
      recorder.record(Door.RATELIMIT, d, nanoClock.getAsLong() - start);
      outcomes.add(new EnvoyMapping.Outcome(d, requestBucket(d)));
    }
    response.onNext(EnvoyMapping.rateLimitResponse(outcomes));
    response.onCompleted();
  }

  /** The tenant's request bucket after the decision, or null when no request limit applies. */
  private BucketView requestBucket(Decision d) {
    if (d.tenant() == null
        || d.mode() == Mode.OFF
        || enforcer.limitsFor(d.tenant()).requestRate() <= 0) {
      return null;
    }
    return enforcer.requestBucket(d.tenant()).orElse(null);
  }

  private static void invalid(StreamObserver<RateLimitResponse> response, String message) {
    response.onError(Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException());
  }
}
