package io.mimiredge.rls.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.enforce.TenantResolver;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.remotewrite.Protocol;
import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import io.mimiredge.rls.testing.BasicAuthCases;
import io.mimiredge.rls.testing.Rw2Fixtures;
import io.mimiredge.rls.testing.TestFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExtAuthzServiceTest {
  /** tenant-a: a burst of exactly one 500-sample fixture, refilled in 5 s. */
  private static final String OVERRIDES =
      """
      overrides:
        tenant-a:
          ingestion_rate: 100
          ingestion_burst_size: 500
        tenant-shadow:
          ingestion_rate: 100
          ingestion_burst_size: 500
          edge_enforcement:
            mode: shadow
        tenant-relabeled:
          metric_relabel_configs:
            - {action: drop, source_labels: [__name__], regex: "debug_.*"}
      """;

  private static final String FIXTURE = "000.bin"; // 500 series, 500 samples

  private InProcessDoors doors = new InProcessDoors(OVERRIDES);

  @AfterEach
  void close() throws InterruptedException {
    doors.close();
  }

  private CheckResponse check(CheckRequest r) {
    return doors.authz().check(r);
  }

  private static CheckRequest fixtureFor(String tenant) {
    return EnvoyRequests.fixture(FIXTURE, Map.of("X-Scope-OrgID", tenant));
  }

  private static Map<String, String> headers(List<HeaderValueOption> options) {
    return options.stream()
        .collect(
            Collectors.toMap(
                o -> o.getHeader().getKey(),
                o -> o.getHeader().getValue(),
                (a, b) -> a + "," + b,
                LinkedHashMap::new));
  }

  @Test
  void allowsAPushWithinTheLimits() {
    CheckResponse r = check(fixtureFor("tenant-a"));

    assertThat(r.getStatus().getCode()).isEqualTo(com.google.rpc.Code.OK_VALUE);
    assertThat(r.hasDeniedResponse()).isFalse();
    assertThat(r.getOkResponse().getResponseHeadersToAddList()).isEmpty();
    InProcessDoors.Recorded rec = doors.last();
    assertThat(rec.door()).isEqualTo(Door.EXT_AUTHZ);
    assertThat(rec.decision().verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(rec.decision().tenant()).isEqualTo("tenant-a");
    assertThat(rec.decision().items()).isEqualTo(500);
    assertThat(rec.decision().stats().series()).isEqualTo(500);
  }

  /** The client's Retry-Attempt doubles Mimir's backoff: the third attempt waits 24 s ± 12 s. */
  @Test
  void retryAfterFollowsTheClientsRetryAttemptAsMimirs() {
    check(fixtureFor("tenant-a"));

    CheckResponse r =
        check(
            EnvoyRequests.fixture(
                FIXTURE, Map.of("X-Scope-OrgID", "tenant-a", "Retry-Attempt", "3")));

    assertThat(r.getDeniedResponse().getStatus().getCode()).isEqualTo(StatusCode.TooManyRequests);
    assertThat(Long.parseLong(headers(r.getDeniedResponse().getHeadersList()).get("retry-after")))
        .isBetween(12L, 36L);
  }

  @Test
  void answers429WithRetryAfterOnceTheBurstIsSpent() {
    check(fixtureFor("tenant-a"));

    CheckResponse r = check(fixtureFor("tenant-a"));

    assertThat(r.getStatus().getCode()).isNotEqualTo(com.google.rpc.Code.OK_VALUE);
    assertThat(r.hasDeniedResponse()).isTrue();
    assertThat(r.getDeniedResponse().getStatus().getCode()).isEqualTo(StatusCode.TooManyRequests);
    Map<String, String> h = headers(r.getDeniedResponse().getHeadersList());
    // Mimir's Retry-After (calculateRetryAfter): 6 s and up to 3 s of jitter on a first attempt
    assertThat(Long.parseLong(h.get("retry-after"))).isBetween(6L, 9L);
    assertThat(h).containsEntry("x-edge-enforcement-reason", "ingestion_rate");
    assertThat(r.getDeniedResponse().getBody())
        .contains("err-mimir-tenant-max-ingestion-rate")
        .endsWith("\n");
    assertThat(doors.last().decision().verdict()).isEqualTo(Verdict.DENY);
    assertThat(doors.last().decision().reason()).isEqualTo(Reason.INGESTION_RATE);

    doors.advanceSeconds(5);
    assertThat(check(fixtureFor("tenant-a")).hasDeniedResponse()).isFalse();
  }

  @Test
  void countsRemoteWrite2AndAnswers400ToAnUnknownMessage() {
    Map<String, String> v2 =
        Map.of(
            "X-Scope-OrgID",
            "tenant-a",
            "Content-Type",
            "application/x-protobuf;proto=io.prometheus.write.v2.Request");
    byte[] body = Rw2Fixtures.body(FIXTURE);
    Map<String, String> headers =
        new java.util.LinkedHashMap<>(EnvoyRequests.prometheusHeaders(body.length, v2));
    CheckResponse ok = check(EnvoyRequests.push(headers, ByteString.copyFrom(body), true));

    assertThat(ok.hasDeniedResponse()).as("%s", doors.last().decision()).isFalse();
    assertThat(doors.last().decision().items()).isEqualTo(500); // as the 1.0 capture counts
    assertThat(doors.last().decision().stats().protocol()).isEqualTo(Protocol.RW2);
    // the burst is spent: Envoy answers the 429 with the counts Mimir's would carry
    CheckResponse over = check(EnvoyRequests.push(headers, ByteString.copyFrom(body), true));
    assertThat(over.getDeniedResponse().getStatus().getCode())
        .isEqualTo(StatusCode.TooManyRequests);
    assertThat(headers(over.getDeniedResponse().getHeadersList()))
        .containsEntry("x-prometheus-remote-write-samples-written", "500")
        .containsEntry("x-prometheus-remote-write-histograms-written", "0")
        .containsEntry("x-prometheus-remote-write-exemplars-written", "0");

    CheckResponse r =
        check(
            EnvoyRequests.fixture(
                FIXTURE,
                Map.of(
                    "X-Scope-OrgID",
                    "tenant-a",
                    "Content-Type",
                    "application/x-protobuf;proto=something.Else")));
    assertThat(r.getDeniedResponse().getStatus().getCode()).isEqualTo(StatusCode.BadRequest);
    assertThat(headers(r.getDeniedResponse().getHeadersList()))
        .containsEntry("x-edge-enforcement-reason", "bad_content_type");
    assertThat(doors.last().decision().reason()).isEqualTo(Reason.BAD_CONTENT_TYPE);
  }

  /** What Envoy sends ext_authz for an OTLP push: the same, on Mimir's OTLP path. */
  private static CheckRequest otlpPush(String tenant, byte[] gzipBody) {
    return otlpPush(tenant, gzipBody, "gzip");
  }

  /** The same with the body's {@code Content-Encoding} (null: none). */
  private static CheckRequest otlpPush(String tenant, byte[] body, String encoding) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/x-protobuf");
    if (encoding != null) {
      h.put("Content-Encoding", encoding);
    }
    h.put("X-Scope-OrgID", tenant);
    CheckRequest r = EnvoyRequests.push(h, ByteString.copyFrom(body), true);
    return r.toBuilder()
        .setAttributes(
            r.getAttributes().toBuilder()
                .setRequest(
                    r.getAttributes().getRequest().toBuilder()
                        .setHttp(
                            r.getAttributes().getRequest().getHttp().toBuilder()
                                .setPath("/otlp/v1/metrics")
                                .putHeaders(":path", "/otlp/v1/metrics"))))
        .build();
  }

  /**
   * rls_check_duration_seconds of a Check runs from when its request was read (on the event loop),
   * so that a wait for a decision thread counts as it does for Envoy.
   */
  @Test
  void theRecordedTimeRunsFromTheRequestsReading() {
    AtomicLong recorded = new AtomicLong(-1);
    ExtAuthzService service =
        new ExtAuthzService(
            new PushEvaluator(doors.enforcer, new WriteRequestScanner(1 << 20), 1 << 20, () -> 0L),
            new EnvoyMapping(TenantResolver.header("X-Scope-OrgID"), "tenant"),
            (door, decision, nanos) -> recorded.set(nanos),
            () -> 6_000_000L);
    List<CheckResponse> answers = new ArrayList<>();
    StreamObserver<CheckResponse> answer =
        new StreamObserver<>() {
          @Override
          public void onNext(CheckResponse r) {
            answers.add(r);
          }

          @Override
          public void onError(Throwable t) {
            throw new AssertionError(t);
          }

          @Override
          public void onCompleted() {}
        };
    service.check(CheckRequestWire.of(fixtureFor("tenant-a")), 1_000_000L, answer);
    assertThat(answers).hasSize(1);
    assertThat(recorded.get()).isEqualTo(5_000_000L);
  }

  /**
   * What a Check may cost for an event loop to decide it ({@link DecisionThreads}): its size, but
   * no bound for a compressed OTLP body (a 64 KiB gzip may inflate to the scanner's limit) or for a
   * tenant with relabeling rules (regular expressions on every series).
   */
  @Test
  void aCompressedOtlpBodyOrARelabeledTenantIsNeverSmallEnoughForAnEventLoop() throws IOException {
    ExtAuthzService service =
        new ExtAuthzService(
            new PushEvaluator(doors.enforcer, new WriteRequestScanner(1 << 20), 1 << 20, () -> 0L),
            new EnvoyMapping(TenantResolver.header("X-Scope-OrgID"), "tenant"),
            io.mimiredge.rls.enforce.DecisionRecorder.NONE,
            System::nanoTime);
    byte[] plain = io.mimiredge.rls.testing.OtlpRequests.gauge("g", 30);
    CheckRequestWire gzip =
        CheckRequestWire.of(
            otlpPush("tenant-a", io.mimiredge.rls.testing.OtlpRequests.gzip(plain), "gzip"));
    CheckRequestWire unzipped = CheckRequestWire.of(otlpPush("tenant-a", plain, null));
    CheckRequestWire remoteWrite =
        CheckRequestWire.of(EnvoyRequests.fixture("000.bin", Map.of("X-Scope-OrgID", "t")));

    assertThat(service.decisionBytes(gzip)).isEqualTo(Integer.MAX_VALUE);
    assertThat(service.decisionBytes(unzipped)).isEqualTo(unzipped.length());
    assertThat(service.decisionBytes(remoteWrite))
        .isEqualTo(remoteWrite.length())
        .isLessThan(DecisionThreads.MAX_INLINE_BYTES);
    assertThat(
            service.decisionBytes(
                CheckRequestWire.of(
                    EnvoyRequests.fixture("000.bin", Map.of("X-Scope-OrgID", "tenant-relabeled")))))
        .isEqualTo(Integer.MAX_VALUE);
    CheckRequestWire noTenant = CheckRequestWire.of(EnvoyRequests.fixture("000.bin", Map.of()));
    assertThat(service.decisionBytes(noTenant))
        .isEqualTo(noTenant.length()); // no tenant: refused at once, nothing to fear
  }

  @Test
  void picksTheOtlpScannerByPathAndDeniesWithAGoogleRpcStatus() throws IOException {
    byte[] gzip =
        io.mimiredge.rls.testing.OtlpRequests.gzip(
            io.mimiredge.rls.testing.OtlpRequests.gauge("g", 300));
    CheckResponse ok = check(otlpPush("tenant-a", gzip));
    assertThat(ok.hasDeniedResponse()).as("%s", doors.last().decision()).isFalse();
    assertThat(doors.last().decision().stats().protocol()).isEqualTo(Protocol.OTLP);
    assertThat(doors.last().decision().items()).isEqualTo(300 + 1); // samples and metadata

    CheckResponse over = check(otlpPush("tenant-a", gzip));
    assertThat(over.getDeniedResponse().getStatus().getCode())
        .isEqualTo(StatusCode.TooManyRequests);
    assertThat(headers(over.getDeniedResponse().getHeadersList()))
        .containsEntry("content-type", "application/x-protobuf")
        .containsEntry("x-edge-enforcement-reason", "ingestion_rate");
    // the body is a protobuf string: valid UTF-8 with its message cut to 127 bytes
    com.google.rpc.Status status =
        com.google.rpc.Status.parseFrom(over.getDeniedResponse().getBodyBytes());
    assertThat(status.getCode()).isEqualTo(8);
    assertThat(status.getMessage())
        .startsWith("the request has been rejected")
        .hasSizeLessThan(128);
  }

  @Test
  void answers401WithoutATenant() {
    CheckResponse r = check(EnvoyRequests.fixture(FIXTURE, Map.of()));

    assertThat(r.getDeniedResponse().getStatus().getCode()).isEqualTo(StatusCode.Unauthorized);
    assertThat(r.getDeniedResponse().getBody()).isEqualTo("no org id\n");
    assertThat(headers(r.getDeniedResponse().getHeadersList()))
        .containsEntry("x-edge-enforcement-reason", "missing_tenant")
        .doesNotContainKey("retry-after");
    assertThat(doors.last().decision().reason()).isEqualTo(Reason.MISSING_TENANT);
  }

  @Test
  void answers400ForABodyThatIsNotRemoteWrite() {
    byte[] junk = "this is not snappy".getBytes(StandardCharsets.US_ASCII);
    CheckResponse r =
        check(
            EnvoyRequests.push(
                EnvoyRequests.prometheusHeaders(junk.length, Map.of("X-Scope-OrgID", "tenant-a")),
                ByteString.copyFrom(junk),
                true));

    assertThat(r.getDeniedResponse().getStatus().getCode()).isEqualTo(StatusCode.BadRequest);
    assertThat(headers(r.getDeniedResponse().getHeadersList()))
        .containsEntry("x-edge-enforcement-reason", "bad_body");
    assertThat(doors.last().decision().reason()).isEqualTo(Reason.BAD_BODY);
  }

  @Test
  void answers400ForABodyOverMaxRequestBytesAsMimirsPushHandler() throws InterruptedException {
    doors.close();
    doors = new InProcessDoors(OVERRIDES, b -> {}, 1000);
    CheckResponse r = check(fixtureFor("tenant-a")); // 9380 bytes

    assertThat(r.getDeniedResponse().getStatus().getCode()).isEqualTo(StatusCode.BadRequest);
    assertThat(doors.last().decision().reason()).isEqualTo(Reason.BODY_TOO_LARGE);
  }

  @Test
  void admitsAPartialBodyUnscannedAndCountsIt() {
    byte[] whole = TestFixtures.body(FIXTURE);
    ByteString cut = ByteString.copyFrom(whole, 0, 4096);
    Map<String, String> h =
        EnvoyRequests.prometheusHeaders(
            whole.length, Map.of("X-Scope-OrgID", "tenant-a", "x-envoy-auth-partial-body", "true"));

    CheckResponse r = check(EnvoyRequests.push(h, cut, true));

    assertThat(r.getStatus().getCode()).isEqualTo(com.google.rpc.Code.OK_VALUE);
    assertThat(r.hasDeniedResponse()).isFalse();
    assertThat(headers(r.getOkResponse().getResponseHeadersToAddList()))
        .containsEntry("x-edge-enforcement-reason", "partial_body");
    InProcessDoors.Recorded rec = doors.last();
    assertThat(rec.door()).isEqualTo(Door.EXT_AUTHZ);
    assertThat(rec.decision().verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(rec.decision().reason()).isEqualTo(Reason.PARTIAL_BODY);
    assertThat(rec.decision().items()).isZero();
    // nothing was consumed: the whole burst is still there for a complete request
    assertThat(check(fixtureFor("tenant-a")).hasDeniedResponse()).isFalse();
    // and the same cut body without the header is judged as it is: corrupt
    Map<String, String> plain =
        EnvoyRequests.prometheusHeaders(whole.length, Map.of("X-Scope-OrgID", "tenant-a"));
    assertThat(
            check(EnvoyRequests.push(plain, cut, true)).getDeniedResponse().getStatus().getCode())
        .isEqualTo(StatusCode.BadRequest);
  }

  @Test
  void aPartialBodyStillNeedsATenant() {
    Map<String, String> h =
        EnvoyRequests.prometheusHeaders(10, Map.of("x-envoy-auth-partial-body", "true"));

    CheckResponse r = check(EnvoyRequests.push(h, ByteString.copyFromUtf8("0123456789"), true));

    assertThat(r.getDeniedResponse().getStatus().getCode()).isEqualTo(StatusCode.Unauthorized);
  }

  @Test
  void readsTheBodyStringWhenThereIsNoRawBody() throws IOException {
    byte[] body = asciiRemoteWrite();
    assertThat(new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8))
        .isEqualTo(body);

    CheckResponse r =
        check(
            EnvoyRequests.push(
                EnvoyRequests.prometheusHeaders(body.length, Map.of("X-Scope-OrgID", "tenant-a")),
                ByteString.copyFrom(body),
                false));

    assertThat(r.hasDeniedResponse()).isFalse();
    assertThat(doors.last().decision().stats().series()).isEqualTo(1);
    assertThat(doors.last().decision().items()).isEqualTo(1);
  }

  @Test
  void takesTheTenantFromBasicAuthWhenConfigured() throws InterruptedException {
    doors.close();
    doors =
        new InProcessDoors(
            OVERRIDES, b -> b.tenants(TenantResolver.basicAuthUser("X-Scope-OrgID")));
    String auth =
        "Basic "
            + Base64.getEncoder()
                .encodeToString("tenant-a:s3cret".getBytes(StandardCharsets.UTF_8));

    CheckResponse r =
        check(
            EnvoyRequests.fixture(
                FIXTURE, Map.of("Authorization", auth, "X-Scope-OrgID", "someone-else")));

    assertThat(r.hasDeniedResponse()).isFalse();
    assertThat(doors.last().decision().tenant()).isEqualTo("tenant-a");
    // the header does not count in this mode
    CheckResponse none = check(fixtureFor("tenant-a"));
    assertThat(none.getDeniedResponse().getStatus().getCode()).isEqualTo(StatusCode.Unauthorized);
  }

  /** The same table as the HTTP door's (PushServletTest) and the resolver's. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.mimiredge.rls.testing.BasicAuthCases#all")
  void readsBasicAuthByGosRule(BasicAuthCases.Case c) throws InterruptedException {
    doors.close();
    doors =
        new InProcessDoors(
            OVERRIDES, b -> b.tenants(TenantResolver.basicAuthUser("X-Scope-OrgID")));

    CheckResponse r =
        check(
            EnvoyRequests.fixture(
                FIXTURE,
                c.authorization() == null ? Map.of() : Map.of("Authorization", c.authorization())));

    if (c.namesATenant()) {
      assertThat(r.hasDeniedResponse()).isFalse();
      assertThat(doors.last().decision().tenant()).isEqualTo(c.user());
    } else {
      assertThat(r.getDeniedResponse().getStatus().getCode()).isEqualTo(StatusCode.Unauthorized);
      assertThat(headers(r.getDeniedResponse().getHeadersList()))
          .containsEntry("x-edge-enforcement-reason", "missing_tenant");
      assertThat(r.getDeniedResponse().getBody()).contains("no org id");
    }
  }

  /**
   * Envoy joins a header sent twice with commas in {@code headers}; Mimir reads the first value
   * (dskit's ExtractOrgIDFromHTTPRequest, Go's Header.Get), so the door does too.
   */
  @Test
  void aTenantHeaderSentTwiceIsReadByItsFirstValueAsMimirReadsIt() {
    CheckResponse r = check(fixtureFor("tenant-a,tenant-a"));
    assertThat(r.hasDeniedResponse()).isFalse();
    assertThat(doors.last().decision().tenant()).isEqualTo("tenant-a");

    check(fixtureFor("tenant-a,tenant-b"));
    assertThat(doors.last().decision().tenant()).isEqualTo("tenant-a");
  }

  @Test
  void takesTheTenantFromAConfiguredHeader() throws InterruptedException {
    doors.close();
    doors = new InProcessDoors(OVERRIDES, b -> b.tenants(TenantResolver.header("X-Tenant")));

    check(EnvoyRequests.fixture(FIXTURE, Map.of("X-Tenant", "tenant-a")));

    assertThat(doors.last().decision().tenant()).isEqualTo("tenant-a");
  }

  @Test
  void readsRawHeadersWhenEnvoySendsAHeaderMap() {
    CheckRequest base = EnvoyRequests.fixture(FIXTURE, Map.of());
    AttributeContext.HttpRequest http =
        base.getAttributes().getRequest().getHttp().toBuilder()
            .clearHeaders()
            .setHeaderMap(
                HeaderMap.newBuilder()
                    .addHeaders(
                        HeaderValue.newBuilder()
                            .setKey("x-scope-orgid")
                            .setRawValue(ByteString.copyFromUtf8("tenant-a"))))
            .build();
    CheckRequest r =
        base.toBuilder()
            .setAttributes(
                base.getAttributes().toBuilder()
                    .setRequest(base.getAttributes().getRequest().toBuilder().setHttp(http)))
            .build();

    assertThat(check(r).hasDeniedResponse()).isFalse();
    assertThat(doors.last().decision().tenant()).isEqualTo("tenant-a");
  }

  @Test
  void shadowModeAdmitsWhatItWouldDenyAndRecordsShadowDeny() {
    check(fixtureFor("tenant-shadow"));

    CheckResponse r = check(fixtureFor("tenant-shadow"));

    assertThat(r.getStatus().getCode()).isEqualTo(com.google.rpc.Code.OK_VALUE);
    assertThat(r.hasDeniedResponse()).isFalse();
    assertThat(headers(r.getOkResponse().getResponseHeadersToAddList()))
        .containsEntry("x-edge-enforcement-reason", "shadow_ingestion_rate");
    assertThat(r.getOkResponse().getHeadersList()).isEmpty(); // nothing added towards Mimir
    assertThat(doors.last().decision().verdict()).isEqualTo(Verdict.SHADOW_DENY);
    assertThat(doors.last().decision().reason()).isEqualTo(Reason.INGESTION_RATE);
  }

  @Test
  void aCheckRequestWithoutAnHttpRequestIsInvalidArgument() {
    assertThatThrownBy(() -> check(CheckRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(
            () ->
                check(
                    CheckRequest.newBuilder()
                        .setAttributes(
                            AttributeContext.newBuilder()
                                .setRequest(AttributeContext.Request.getDefaultInstance()))
                        .build()))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("INVALID_ARGUMENT");
    assertThat(doors.recorded).isEmpty();
  }

  @Test
  void recordsEveryDecisionWithItsDuration() {
    check(fixtureFor("tenant-a"));
    check(fixtureFor("tenant-a"));
    check(EnvoyRequests.fixture(FIXTURE, Map.of()));

    assertThat(doors.recorded)
        .extracting(r -> r.decision().reason())
        .containsExactly(Reason.ALLOWED, Reason.INGESTION_RATE, Reason.MISSING_TENANT);
    assertThat(doors.recorded).allSatisfy(r -> assertThat(r.nanos()).isZero()); // fake clock
  }

  /**
   * A remote-write body that is valid UTF-8, as only such a body can travel in the {@code body}
   * string: one series with ASCII labels, one sample (value 0, timestamp 100), snappy-encoded with
   * literals of at most 32 bytes (tag bytes below 0x80) and a one-byte length.
   */
  static byte[] asciiRemoteWrite() throws IOException {
    ByteArrayOutputStream label1 = message(o -> strings(o, "__name__", "up"));
    ByteArrayOutputStream label2 = message(o -> strings(o, "job", "envoy"));
    ByteArrayOutputStream sample =
        message(
            o -> {
              o.writeDouble(1, 0.0);
              o.writeInt64(2, 100);
            });
    ByteArrayOutputStream series =
        message(
            o -> {
              o.writeByteArray(1, label1.toByteArray());
              o.writeByteArray(1, label2.toByteArray());
              o.writeByteArray(2, sample.toByteArray());
            });
    byte[] proto = message(o -> o.writeByteArray(1, series.toByteArray())).toByteArray();
    if (proto.length >= 128) {
      throw new IllegalStateException("keep it under 128 bytes: " + proto.length);
    }
    ByteArrayOutputStream snappy = new ByteArrayOutputStream();
    snappy.write(proto.length); // varint, one byte
    for (int off = 0; off < proto.length; off += 32) {
      int n = Math.min(32, proto.length - off);
      snappy.write((n - 1) << 2); // literal tag
      snappy.write(proto, off, n);
    }
    byte[] body = snappy.toByteArray();
    for (byte b : body) {
      if (b < 0) {
        throw new IllegalStateException("not ASCII: " + Arrays.toString(body));
      }
    }
    return body;
  }

  private interface Writer {
    void write(CodedOutputStream o) throws IOException;
  }

  private static ByteArrayOutputStream message(Writer w) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(bytes);
    w.write(o);
    o.flush();
    return bytes;
  }

  private static void strings(CodedOutputStream o, String name, String value) throws IOException {
    o.writeString(1, name);
    o.writeString(2, value);
  }
}
