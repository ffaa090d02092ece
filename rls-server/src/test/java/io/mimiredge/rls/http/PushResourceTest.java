package io.mimiredge.rls.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.limits.OverridesParser;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import io.mimiredge.rls.testing.TestFixtures;
import io.mimiredge.rls.upstream.Upstream;
import io.mimiredge.rls.upstream.UpstreamResponse;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Variant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(DropwizardExtensionsSupport.class)
class PushResourceTest {
  private static final byte[] BODY = TestFixtures.body(TestFixtures.SMALL); // 500 samples
  private static final int MAX_REQUEST_BYTES = 64 * 1024;

  /** What the fake upstream received. */
  record Forwarded(String path, List<Upstream.Header> headers, byte[] body) {
    String header(String name) {
      return headers.stream()
          .filter(h -> h.name().equalsIgnoreCase(name))
          .map(Upstream.Header::value)
          .findFirst()
          .orElse(null);
    }
  }

  static final List<Forwarded> forwarded = new CopyOnWriteArrayList<>();
  static final List<Decision> shadowDecisions = new CopyOnWriteArrayList<>();
  static final List<Decision> pushDecisions = new CopyOnWriteArrayList<>();
  static volatile UpstreamResponse answer;
  static final AtomicLong nanos = new AtomicLong();

  static final Upstream upstream =
      (path, headers, body, length) -> {
        forwarded.add(new Forwarded(path, headers, Arrays.copyOf(body, length)));
        return answer;
      };

  static final DecisionRecorder recorder =
      (door, decision, n) -> (door == Door.SHADOW ? shadowDecisions : pushDecisions).add(decision);

  static PushEvaluator evaluator() {
    try {
      var overrides =
          OverridesParser.parse(
              """
              overrides:
                tight:
                  ingestion_rate: 10
                  ingestion_burst_size: 600
                basic:
                  ingestion_rate: 100000
              """,
              TenantLimits.MIMIR_DEFAULTS);
      Enforcer enforcer =
          Enforcer.builder().overrides(overrides).buckets(new LocalBucketStore(nanos::get)).build();
      return new PushEvaluator(enforcer, new WriteRequestScanner(1 << 20), MAX_REQUEST_BYTES);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static final ResourceExtension headerTenants =
      ResourceExtension.builder()
          .addResource(
              new PushResource(
                  evaluator(),
                  TenantResolver.header("X-Scope-OrgID"),
                  upstream,
                  recorder,
                  nanos::get))
          .build();

  static final ResourceExtension basicAuthTenants =
      ResourceExtension.builder()
          .addResource(
              new PushResource(
                  evaluator(),
                  TenantResolver.basicAuthUser("X-Scope-OrgID"),
                  upstream,
                  recorder,
                  nanos::get))
          .build();

  @BeforeEach
  void reset() {
    forwarded.clear();
    shadowDecisions.clear();
    pushDecisions.clear();
    answer =
        new UpstreamResponse(
            UpstreamResponse.Outcome.RESPONSE,
            200,
            List.of(new Upstream.Header("X-Upstream", "yes")),
            new byte[0]);
    nanos.addAndGet(3_600_000_000_000L); // an hour later: every bucket full again
  }

  private static Invocation.Builder push(ResourceExtension r, String path) {
    return r.target(path)
        .request()
        .header("X-Prometheus-Remote-Write-Version", "0.1.0")
        .header("User-Agent", "Prometheus/2.42.0");
  }

  private static Entity<byte[]> protobuf(byte[] body) {
    // the entity's variant sets Content-Encoding, as Prometheus does
    return Entity.entity(
        body, new Variant(MediaType.valueOf("application/x-protobuf"), (String) null, "snappy"));
  }

  @Test
  void forwardsAnAdmittedBodyByteForByteWithItsHeaders() {
    Response r =
        push(headerTenants, "/api/v1/push")
            .header("X-Scope-OrgID", "tenant-a")
            .post(protobuf(BODY));

    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(r.getHeaderString("X-Upstream")).isEqualTo("yes");
    assertThat(forwarded).hasSize(1);
    Forwarded f = forwarded.get(0);
    assertThat(f.path()).isEqualTo("/api/v1/push");
    assertThat(f.body()).isEqualTo(BODY);
    assertThat(f.header("X-Scope-OrgID")).isEqualTo("tenant-a");
    assertThat(f.header("Content-Encoding")).isEqualTo("snappy");
    assertThat(f.header("Content-Type")).isEqualTo("application/x-protobuf");
    assertThat(f.header("X-Prometheus-Remote-Write-Version")).isEqualTo("0.1.0");
    assertThat(f.header("Content-Length")).isNull();
    assertThat(f.header("Host")).isNull();
    assertThat(pushDecisions)
        .singleElement()
        .extracting(Decision::verdict)
        .isEqualTo(Verdict.ALLOW);
  }

  @Test
  void relaysTheUpstreamsStatusAndBody() {
    answer =
        new UpstreamResponse(
            UpstreamResponse.Outcome.RESPONSE,
            500,
            List.of(new Upstream.Header("Content-Type", "text/plain; charset=utf-8")),
            "distributor says no\n".getBytes(StandardCharsets.UTF_8));

    Response r =
        push(headerTenants, "/api/v1/push").header("X-Scope-OrgID", "t").post(protobuf(BODY));

    assertThat(r.getStatus()).isEqualTo(500);
    assertThat(r.readEntity(String.class)).isEqualTo("distributor says no\n");
  }

  @Test
  void upstreamFailureIsAnsweredWithItsStatusAndMessage() {
    answer =
        UpstreamResponse.failure(
            UpstreamResponse.Outcome.CONNECT_ERROR, 502, "upstream x is unreachable\n");

    Response r =
        push(headerTenants, "/api/v1/push").header("X-Scope-OrgID", "t").post(protobuf(BODY));

    assertThat(r.getStatus()).isEqualTo(502);
    assertThat(r.readEntity(String.class)).contains("unreachable");
    assertThat(r.getHeaderString(PushResource.REASON_HEADER)).isEqualTo("upstream_connect_error");
  }

  @Test
  void remoteWrite2IsRefusedWith415AndNotForwarded() {
    Response r =
        push(headerTenants, "/api/v1/push")
            .header("X-Scope-OrgID", "t")
            .post(
                Entity.entity(
                    BODY,
                    new Variant(
                        MediaType.valueOf(
                            "application/x-protobuf;proto=io.prometheus.write.v2.Request"),
                        (String) null,
                        "snappy")));

    assertThat(r.getStatus()).isEqualTo(415);
    assertThat(r.getHeaderString(PushResource.REASON_HEADER)).isEqualTo("unsupported_message");
    assertThat(forwarded).isEmpty();
  }

  @Test
  void missingTenantIs401AndNothingIsForwarded() {
    Response r = push(headerTenants, "/api/v1/push").post(protobuf(BODY));

    assertThat(r.getStatus()).isEqualTo(401);
    assertThat(r.readEntity(String.class)).contains("no org id");
    assertThat(r.getHeaderString(PushResource.REASON_HEADER)).isEqualTo("missing_tenant");
    assertThat(forwarded).isEmpty();
  }

  @Test
  void badBodyIs400() {
    Response r =
        push(headerTenants, "/api/v1/push")
            .header("X-Scope-OrgID", "t")
            .post(protobuf("not snappy at all".getBytes(StandardCharsets.US_ASCII)));

    assertThat(r.getStatus()).isEqualTo(400);
    assertThat(r.getHeaderString(PushResource.REASON_HEADER)).isEqualTo("bad_body");
    assertThat(forwarded).isEmpty();
  }

  @Test
  void denialCarriesMimirsMessageRetryAfterAndReason() {
    Response first =
        push(headerTenants, "/api/v1/push").header("X-Scope-OrgID", "tight").post(protobuf(BODY));
    Response second =
        push(headerTenants, "/api/v1/push").header("X-Scope-OrgID", "tight").post(protobuf(BODY));

    assertThat(first.getStatus()).isEqualTo(200);
    assertThat(second.getStatus()).isEqualTo(429);
    assertThat(second.getHeaderString("Retry-After")).isNotBlank();
    assertThat(Long.parseLong(second.getHeaderString("Retry-After"))).isPositive();
    assertThat(second.getHeaderString(PushResource.REASON_HEADER)).isEqualTo("ingestion_rate");
    assertThat(second.getMediaType().toString()).startsWith("text/plain");
    assertThat(second.readEntity(String.class)).contains("ingestion rate limit");
    assertThat(forwarded).hasSize(1);
  }

  @Test
  void oversizeBodyIs413() {
    byte[] big = new byte[MAX_REQUEST_BYTES + 10];

    Response r =
        push(headerTenants, "/api/v1/push").header("X-Scope-OrgID", "t").post(protobuf(big));

    assertThat(r.getStatus()).isEqualTo(413);
    assertThat(r.getHeaderString(PushResource.REASON_HEADER)).isEqualTo("body_too_large");
    assertThat(forwarded).isEmpty();
  }

  @Test
  void basicAuthUserIsTheTenantAndIsPassedOnInTheTenantHeader() {
    String auth =
        "Basic "
            + Base64.getEncoder().encodeToString("basic:secret".getBytes(StandardCharsets.UTF_8));

    Response r =
        push(basicAuthTenants, "/api/v1/push")
            .header("Authorization", auth)
            .header("X-Scope-OrgID", "someone-else")
            .post(protobuf(BODY));

    assertThat(r.getStatus()).isEqualTo(200);
    assertThat(forwarded)
        .singleElement()
        .extracting(f -> f.header("X-Scope-OrgID"))
        .isEqualTo("basic");
    assertThat(pushDecisions).singleElement().extracting(Decision::tenant).isEqualTo("basic");
  }

  @Test
  void basicAuthWithoutUserIs401() {
    Response r = push(basicAuthTenants, "/api/v1/push").post(protobuf(BODY));

    assertThat(r.getStatus()).isEqualTo(401);
  }

  @Test
  void mirrorNeverForwardsAndAnswers204() {
    Response r =
        push(headerTenants, "/shadow/api/v1/push")
            .header("X-Scope-OrgID", "tenant-a")
            .post(protobuf(BODY));

    assertThat(r.getStatus()).isEqualTo(204);
    assertThat(forwarded).isEmpty();
    assertThat(shadowDecisions)
        .singleElement()
        .extracting(Decision::verdict)
        .isEqualTo(Verdict.ALLOW);
  }

  @Test
  void mirrorRecordsWouldBeDenialsAsShadowDenyEvenForEnforcedTenants() {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      statuses.add(
          push(headerTenants, "/shadow/api/v1/push")
              .header("X-Scope-OrgID", "tight")
              .post(protobuf(BODY))
              .getStatus());
    }
    statuses.add(push(headerTenants, "/shadow/api/v1/push").post(protobuf(BODY)).getStatus());
    statuses.add(
        push(headerTenants, "/shadow/api/v1/push")
            .header("X-Scope-OrgID", "t")
            .post(protobuf("garbage".getBytes(StandardCharsets.US_ASCII)))
            .getStatus());

    assertThat(statuses).containsOnly(204);
    assertThat(forwarded).isEmpty();
    assertThat(shadowDecisions)
        .extracting(Decision::verdict, Decision::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Verdict.ALLOW, Reason.ALLOWED),
            org.assertj.core.groups.Tuple.tuple(Verdict.SHADOW_DENY, Reason.INGESTION_RATE),
            org.assertj.core.groups.Tuple.tuple(Verdict.SHADOW_DENY, Reason.MISSING_TENANT),
            org.assertj.core.groups.Tuple.tuple(Verdict.SHADOW_DENY, Reason.BAD_BODY));
  }

  @Test
  void mirrorConsumesTokensLikeEnforcement() {
    push(headerTenants, "/shadow/api/v1/push")
        .header("X-Scope-OrgID", "tight")
        .post(protobuf(BODY));

    Response r =
        push(headerTenants, "/api/v1/push").header("X-Scope-OrgID", "tight").post(protobuf(BODY));

    assertThat(r.getStatus()).isEqualTo(429); // the mirror's request used the burst
  }
}
