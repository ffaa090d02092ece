package io.mimiredge.rls.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.UInt64Value;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.DescriptorStatus;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.RateLimit;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.enforce.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RateLimitServiceTest {
  /** tenant-a: 2 requests/s, burst 3. tenant-b: no request limit (Mimir's default). */
  private static final String OVERRIDES =
      """
      overrides:
        tenant-a:
          request_rate: 2
          request_burst_size: 3
        tenant-slow:
          request_rate: 0.5
          request_burst_size: 2
        tenant-shadow:
          request_rate: 2
          request_burst_size: 1
          edge_enforcement:
            mode: shadow
      """;

  private InProcessDoors doors = new InProcessDoors(OVERRIDES);

  @AfterEach
  void close() throws InterruptedException {
    doors.close();
  }

  private RateLimitResponse ask(String tenant, int hitsAddend) {
    return doors
        .ratelimit()
        .shouldRateLimit(
            EnvoyRequests.rateLimit(EnvoyRequests.DOMAIN, "tenant", tenant, hitsAddend));
  }

  private static Map<String, String> headers(List<HeaderValue> hs) {
    return hs.stream()
        .collect(
            Collectors.toMap(
                HeaderValue::getKey,
                HeaderValue::getValue,
                (a, b) -> a + "," + b,
                LinkedHashMap::new));
  }

  @Test
  void okThenOverLimitWithHitsAddend() {
    RateLimitResponse first = ask("tenant-a", 2);

    assertThat(first.getOverallCode()).isEqualTo(Code.OK);
    DescriptorStatus s = first.getStatuses(0);
    assertThat(s.getCode()).isEqualTo(Code.OK);
    assertThat(s.getCurrentLimit().getRequestsPerUnit()).isEqualTo(2);
    assertThat(s.getCurrentLimit().getUnit()).isEqualTo(RateLimit.Unit.SECOND);
    assertThat(s.getLimitRemaining()).isEqualTo(1);
    assertThat(s.getDurationUntilReset().getSeconds()).isEqualTo(1); // 2 tokens at 2/s
    assertThat(headers(first.getResponseHeadersToAddList()))
        .containsEntry("x-ratelimit-limit", "2, 2;w=1")
        .containsEntry("x-ratelimit-remaining", "1")
        .containsEntry("x-ratelimit-reset", "1")
        .doesNotContainKeys("retry-after", "x-edge-enforcement-reason");

    RateLimitResponse second = ask("tenant-a", 2);

    assertThat(second.getOverallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(second.getStatusesList()).hasSize(1);
    DescriptorStatus over = second.getStatuses(0);
    assertThat(over.getCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(over.getLimitRemaining()).isEqualTo(1); // a refused request takes nothing
    assertThat(over.getCurrentLimit().getRequestsPerUnit()).isEqualTo(2);
    assertThat(headers(second.getResponseHeadersToAddList()))
        .containsEntry("x-ratelimit-limit", "2, 2;w=1")
        .containsEntry("x-ratelimit-remaining", "1")
        .containsEntry("x-ratelimit-reset", "1")
        .containsEntry("retry-after", "1")
        .containsEntry("x-edge-enforcement-reason", "request_rate");
    assertThat(doors.recorded)
        .extracting(InProcessDoors.Recorded::door)
        .containsOnly(Door.RATELIMIT);
    assertThat(doors.recorded)
        .extracting(r -> r.decision().verdict(), r -> r.decision().items())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Verdict.ALLOW, 2L),
            org.assertj.core.groups.Tuple.tuple(Verdict.DENY, 2L));

    doors.advanceSeconds(1);
    assertThat(ask("tenant-a", 2).getOverallCode()).isEqualTo(Code.OK);
  }

  @Test
  void aHitsAddendOfZeroCountsAsOne() {
    assertThat(ask("tenant-a", 0).getStatuses(0).getLimitRemaining()).isEqualTo(2);
    assertThat(ask("tenant-a", 0).getStatuses(0).getLimitRemaining()).isEqualTo(1);
    assertThat(ask("tenant-a", 0).getStatuses(0).getLimitRemaining()).isEqualTo(0);
    assertThat(ask("tenant-a", 0).getOverallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(doors.recorded).extracting(r -> r.decision().items()).containsOnly(1L);
  }

  @Test
  void aDescriptorsOwnHitsAddendOverridesTheRequests() {
    RateLimitRequest r =
        RateLimitRequest.newBuilder()
            .setDomain(EnvoyRequests.DOMAIN)
            .setHitsAddend(1)
            .addDescriptors(
                EnvoyRequests.descriptor("tenant", "tenant-a").toBuilder()
                    .setHitsAddend(UInt64Value.of(3)))
            .build();

    RateLimitResponse resp = doors.ratelimit().shouldRateLimit(r);

    assertThat(resp.getStatuses(0).getLimitRemaining()).isZero();
  }

  @Test
  void aSlowRateIsStatedPerMinute() {
    RateLimitResponse r = ask("tenant-slow", 1);

    RateLimit limit = r.getStatuses(0).getCurrentLimit();
    assertThat(limit.getRequestsPerUnit()).isEqualTo(30);
    assertThat(limit.getUnit()).isEqualTo(RateLimit.Unit.MINUTE);
    assertThat(limit.getName()).isEqualTo("request_rate");
    assertThat(headers(r.getResponseHeadersToAddList()))
        .containsEntry("x-ratelimit-limit", "30, 30;w=60")
        .containsEntry("x-ratelimit-remaining", "1")
        .containsEntry("x-ratelimit-reset", "2");
  }

  @Test
  void aTenantWithoutARequestLimitIsOkWithoutLimitOrHeaders() {
    RateLimitResponse r = ask("tenant-b", 1000);

    assertThat(r.getOverallCode()).isEqualTo(Code.OK);
    assertThat(r.getStatuses(0).hasCurrentLimit()).isFalse();
    assertThat(r.getResponseHeadersToAddList()).isEmpty();
    assertThat(doors.last().decision().verdict()).isEqualTo(Verdict.ALLOW);
  }

  @Test
  void shadowModeIsOkAndRecordedAsShadowDeny() {
    ask("tenant-shadow", 1);

    RateLimitResponse r = ask("tenant-shadow", 1);

    assertThat(r.getOverallCode()).isEqualTo(Code.OK);
    assertThat(r.getStatuses(0).getCode()).isEqualTo(Code.OK);
    assertThat(headers(r.getResponseHeadersToAddList()))
        .containsEntry("x-edge-enforcement-reason", "shadow_request_rate")
        .doesNotContainKey("retry-after");
    assertThat(doors.last().decision().verdict()).isEqualTo(Verdict.SHADOW_DENY);
    assertThat(doors.last().decision().reason()).isEqualTo(Reason.REQUEST_RATE);
  }

  @Test
  void eachDescriptorIsDecidedAndTheHeadersDescribeTheTightest() {
    ask("tenant-a", 3); // tenant-a's burst is spent
    RateLimitRequest r =
        RateLimitRequest.newBuilder()
            .setDomain(EnvoyRequests.DOMAIN)
            .addDescriptors(EnvoyRequests.descriptor("tenant", "tenant-slow"))
            .addDescriptors(EnvoyRequests.descriptor("tenant", "tenant-a"))
            .build();

    RateLimitResponse resp = doors.ratelimit().shouldRateLimit(r);

    assertThat(resp.getOverallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(resp.getStatusesList())
        .extracting(DescriptorStatus::getCode)
        .containsExactly(Code.OK, Code.OVER_LIMIT);
    assertThat(headers(resp.getResponseHeadersToAddList()))
        .containsEntry("x-ratelimit-limit", "2, 2;w=1")
        .containsEntry("x-edge-enforcement-reason", "request_rate");
  }

  @Test
  void anotherDomainIsInvalidArgumentAndConsumesNothing() {
    assertInvalid(
        () ->
            doors
                .ratelimit()
                .shouldRateLimit(EnvoyRequests.rateLimit("other_domain", "tenant", "tenant-a", 3)),
        "other_domain");
    assertThat(doors.recorded).isEmpty();
    assertThat(ask("tenant-a", 3).getOverallCode()).isEqualTo(Code.OK);
  }

  @Test
  void aDescriptorWithoutTheTenantEntryIsInvalidArgument() {
    assertInvalid(
        () ->
            doors
                .ratelimit()
                .shouldRateLimit(
                    EnvoyRequests.rateLimit(EnvoyRequests.DOMAIN, "remote_address", "10.0.0.1", 1)),
        "'tenant'");
    assertInvalid(
        () ->
            doors
                .ratelimit()
                .shouldRateLimit(
                    RateLimitRequest.newBuilder()
                        .setDomain(EnvoyRequests.DOMAIN)
                        .addDescriptors(RateLimitDescriptor.getDefaultInstance())
                        .build()),
        "'tenant'");
    assertInvalid(
        () ->
            doors
                .ratelimit()
                .shouldRateLimit(
                    RateLimitRequest.newBuilder().setDomain(EnvoyRequests.DOMAIN).build()),
        "no descriptors");
    assertThat(doors.recorded).isEmpty();
  }

  @Test
  void aTenantIdTheEnforcerRefusesIsInvalidArgumentAndRecorded() {
    assertInvalid(() -> ask("a|b", 1), "multiple org IDs");
    assertThat(doors.last().decision().reason()).isEqualTo(Reason.INVALID_TENANT);
    assertThat(doors.last().door()).isEqualTo(Door.RATELIMIT);
  }

  @Test
  void theDescriptorKeyIsConfigurable() throws InterruptedException {
    doors.close();
    doors = new InProcessDoors(OVERRIDES, b -> b.descriptorKey("org_id").domain("edge"));

    RateLimitResponse r =
        doors.ratelimit().shouldRateLimit(EnvoyRequests.rateLimit("edge", "org_id", "tenant-a", 1));

    assertThat(r.getStatuses(0).getLimitRemaining()).isEqualTo(2);
  }

  private static void assertInvalid(ThrowingCallable call, String messagePart) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains(messagePart);
            });
  }
}
