package io.mimiredge.rls.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.DenialResponse;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.enforce.TenantResolver;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.enforce.WriteResponseStats;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.limits.OverridesParser;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import io.mimiredge.rls.testing.BasicAuthCases;
import io.mimiredge.rls.testing.Rw2Fixtures;
import io.mimiredge.rls.testing.TestFixtures;
import io.mimiredge.rls.upstream.Upstream;
import io.mimiredge.rls.upstream.UpstreamResponse;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The push doors on a real Jetty (127.0.0.1, a free port), called over HTTP. */
class PushServletTest {
  private static final byte[] BODY = TestFixtures.body(TestFixtures.SMALL); // 500 samples
  private static final int MAX_REQUEST_BYTES = 64 * 1024;
  private static final String PROTOBUF = "application/x-protobuf";

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

  /** Runs the upstream's answer: later, on another thread, the way Jetty's client answers. */
  static final Executor upstreamThread =
      CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS);

  static final AtomicLong nanos = new AtomicLong();

  /** The pool push bodies are read into: it knows every buffer not yet given back. */
  static final ArrayByteBufferPool.Tracking bodies = new ArrayByteBufferPool.Tracking();

  /** How many body buffers were still held when the fake upstream answered, per forward. */
  static final List<Integer> heldWhileAnswering = new CopyOnWriteArrayList<>();

  static final Upstream upstream =
      (path, headers, body, offset, length) -> {
        UpstreamResponse r = answer;
        return CompletableFuture.supplyAsync(
            () -> {
              // read the body when answering, as Jetty's client may: it must still be this push's
              forwarded.add(
                  new Forwarded(path, headers, Arrays.copyOfRange(body, offset, offset + length)));
              heldWhileAnswering.add(bodies.getLeaks().size());
              return r;
            },
            upstreamThread);
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
                one-request:
                  request_rate: 0.0001
                  request_burst_size: 1
              """,
              TenantLimits.MIMIR_DEFAULTS);
      Enforcer enforcer =
          Enforcer.builder().overrides(overrides).buckets(new LocalBucketStore(nanos::get)).build();
      return new PushEvaluator(
          enforcer,
          new WriteRequestScanner(1 << 20),
          MAX_REQUEST_BYTES,
          () -> io.mimiredge.rls.testing.TestFixtures.NOW_MILLIS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Server server;
  static URI headerTenants;
  static URI basicAuthTenants;
  static final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Two contexts: tenants from the header, and from the basic-auth user. */
  @BeforeAll
  static void start() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    var contexts = new org.eclipse.jetty.server.handler.ContextHandlerCollection();
    contexts.addHandler(context("/header", TenantResolver.header("X-Scope-OrgID")));
    contexts.addHandler(context("/basic", TenantResolver.basicAuthUser("X-Scope-OrgID")));
    server.setHandler(contexts);
    server.start();
    String base = "http://127.0.0.1:" + connector.getLocalPort();
    headerTenants = URI.create(base + "/header");
    basicAuthTenants = URI.create(base + "/basic");
  }

  private static ServletContextHandler context(String path, TenantResolver tenants) {
    ServletContextHandler context = new ServletContextHandler(path);
    FilterHolder ids = new FilterHolder(new RequestIds());
    ids.setAsyncSupported(true);
    context.addFilter(ids, "/*", EnumSet.of(DispatcherType.REQUEST));
    ServletHolder push =
        new ServletHolder(
            new PushServlet(
                evaluator(),
                tenants,
                upstream,
                recorder,
                nanos::get,
                new io.mimiredge.rls.config.OverloadFactory()
                    .build(
                        System::nanoTime, io.mimiredge.rls.overload.DoorLimiter.ShedListener.NONE),
                bodies));
    push.setAsyncSupported(true);
    for (String p : PushServlet.PATHS) {
      context.addServlet(push, p);
    }
    return context;
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
  }

  /** Every body buffer is back in the pool once its push is answered, whatever the answer. */
  @AfterEach
  void everyBodyBufferReleased() {
    assertThat(bodies.getLeaks()).as(bodies.dumpLeaks()).isEmpty();
  }

  @BeforeEach
  void reset() {
    heldWhileAnswering.clear();
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

  /** A Prometheus-like push of {@code body} to {@code base + path}; extra headers in pairs. */
  private static HttpResponse<String> post(
      URI base, String path, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Encoding", "snappy")
            .header("Content-Type", contentType)
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .header("User-Agent", "Prometheus/2.42.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> post(URI base, String path, byte[] body, String... headers) {
    return post(base, path, PROTOBUF, body, headers);
  }

  private static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Test
  void forwardsAnAdmittedBodyByteForByteWithItsHeaders() {
    HttpResponse<String> r =
        post(headerTenants, "/api/v1/push?from=prometheus", BODY, "X-Scope-OrgID", "tenant-a");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "X-Upstream")).isEqualTo("yes");
    assertThat(header(r, RequestIds.HEADER)).isNotBlank();
    assertThat(forwarded).hasSize(1);
    Forwarded f = forwarded.get(0);
    assertThat(f.path()).isEqualTo("/header/api/v1/push?from=prometheus");
    assertThat(f.body()).isEqualTo(BODY);
    assertThat(f.header("X-Scope-OrgID")).isEqualTo("tenant-a");
    assertThat(f.header("Content-Encoding")).isEqualTo("snappy");
    assertThat(f.header("Content-Type")).isEqualTo("application/x-protobuf");
    assertThat(f.header("X-Prometheus-Remote-Write-Version")).isEqualTo("0.1.0");
    assertThat(f.header("Content-Length")).isNull();
    assertThat(f.header("Host")).isNull();
    assertThat(f.header(RequestIds.HEADER)).isEqualTo(header(r, RequestIds.HEADER));
    assertThat(pushDecisions)
        .singleElement()
        .extracting(Decision::verdict)
        .isEqualTo(Verdict.ALLOW);
    // the body's pooled buffer was still this push's while the upstream answered
    assertThat(heldWhileAnswering).containsExactly(1);
  }

  @Test
  void relaysTheUpstreamsStatusAndBody() {
    answer =
        new UpstreamResponse(
            UpstreamResponse.Outcome.RESPONSE,
            500,
            List.of(new Upstream.Header("Content-Type", "text/plain; charset=utf-8")),
            "distributor says no\n".getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> r = post(headerTenants, "/api/v1/push", BODY, "X-Scope-OrgID", "t");

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).isEqualTo("distributor says no\n");
    // Jetty writes the media type its own way: the same type, without the optional space
    assertThat(header(r, "Content-Type")).isEqualTo("text/plain;charset=utf-8");
  }

  @Test
  void upstreamFailureIsAnsweredWithItsStatusAndMessage() {
    answer =
        UpstreamResponse.failure(
            UpstreamResponse.Outcome.CONNECT_ERROR, 502, "upstream x is unreachable\n");

    HttpResponse<String> r = post(headerTenants, "/api/v1/push", BODY, "X-Scope-OrgID", "t");

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("unreachable");
    assertThat(header(r, DenialResponse.REASON_HEADER)).isEqualTo("upstream_connect_error");
  }

  /**
   * What the client's {@code Connection} header names stays on this hop (RFC 9110 7.6.1), in
   * whatever case it is written; repeated end-to-end headers go on in their order. Sent over a raw
   * socket: Java's client refuses to set {@code Connection}.
   */
  @Test
  void headersNamedByConnectionStayHereAndRepeatedOnesGoOnInOrder() throws Exception {
    String head =
        "POST /header/api/v1/push HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n"
            + "Connection: keep-alive, x-hop\r\n"
            + "Keep-Alive: timeout=5\r\n"
            + "X-Hop: not-forwarded\r\n"
            + "X-Scope-OrgID: tenant-a\r\n"
            + "Content-Type: application/x-protobuf\r\n"
            + "Content-Encoding: snappy\r\n"
            + "X-Prometheus-Remote-Write-Version: 0.1.0\r\n"
            + "X-Repeated: one\r\n"
            + "X-Repeated: two\r\n"
            + "Content-Length: "
            + BODY.length
            + "\r\n\r\n";
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", headerTenants.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(BODY);
      socket.getOutputStream().flush();
      String status =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      socket.getInputStream(), StandardCharsets.ISO_8859_1))
              .readLine();
      assertThat(status).isEqualTo("HTTP/1.1 200 OK");
    }
    assertThat(forwarded).hasSize(1);
    Forwarded f = forwarded.get(0);
    assertThat(f.headers())
        .extracting(Upstream.Header::name)
        .doesNotContain("Connection", "Keep-Alive", "X-Hop", "Host", "Content-Length");
    assertThat(f.headers())
        .filteredOn(h -> h.name().equals("X-Repeated"))
        .extracting(Upstream.Header::value)
        .containsExactly("one", "two");
    assertThat(f.header("X-Scope-OrgID")).isEqualTo("tenant-a");
    assertThat(f.body()).isEqualTo(BODY);
  }

  @Test
  void remoteWrite2IsCountedForwardedAndAnsweredWithItsWrittenHeaders() {
    String v2 = "application/x-protobuf;proto=io.prometheus.write.v2.Request";
    byte[] body = Rw2Fixtures.body(TestFixtures.SMALL);
    answer =
        new UpstreamResponse(
            UpstreamResponse.Outcome.RESPONSE,
            204,
            List.of(
                new Upstream.Header(WriteResponseStats.SAMPLES, "500"),
                new Upstream.Header(WriteResponseStats.HISTOGRAMS, "0"),
                new Upstream.Header(WriteResponseStats.EXEMPLARS, "0")),
            new byte[0]);

    HttpResponse<String> ok =
        post(headerTenants, "/api/v1/push", v2, body, "X-Scope-OrgID", "tight");
    // the distributor's headers reach Prometheus, which drops a 2xx without them
    assertThat(ok.statusCode()).isEqualTo(204);
    assertThat(header(ok, WriteResponseStats.SAMPLES)).isEqualTo("500");
    assertThat(forwarded).singleElement().extracting(Forwarded::body).isEqualTo(body);
    assertThat(pushDecisions.get(0).items()).isEqualTo(500);

    // over the ingestion rate: Mimir's 429 says what was received (pushed before the limiter)
    HttpResponse<String> denied =
        post(headerTenants, "/api/v1/push", v2, body, "X-Scope-OrgID", "tight");
    assertThat(denied.statusCode()).isEqualTo(429);
    assertThat(header(denied, WriteResponseStats.SAMPLES)).isEqualTo("500");
    assertThat(header(denied, WriteResponseStats.HISTOGRAMS)).isEqualTo("0");
    assertThat(header(denied, WriteResponseStats.EXEMPLARS)).isEqualTo("0");
    assertThat(forwarded).hasSize(1);

    // a 1.0 body declared as 2.0 does not decode: 400, nothing written
    HttpResponse<String> bad = post(headerTenants, "/api/v1/push", v2, BODY, "X-Scope-OrgID", "t");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(header(bad, DenialResponse.REASON_HEADER)).isEqualTo("bad_body");
    assertThat(header(bad, WriteResponseStats.SAMPLES)).isEqualTo("0");
    // and a 1.0 denial carries none of them
    post(headerTenants, "/api/v1/push", BODY, "X-Scope-OrgID", "tight");
    HttpResponse<String> v1 = post(headerTenants, "/api/v1/push", BODY, "X-Scope-OrgID", "tight");
    assertThat(v1.statusCode()).isEqualTo(429);
    assertThat(header(v1, WriteResponseStats.SAMPLES)).isNull();
  }

  @Test
  void anUnknownProtobufMessageIsMimirs400AndNotForwarded() {
    HttpResponse<String> r =
        post(
            headerTenants,
            "/api/v1/push",
            "application/x-protobuf;proto=io.prometheus.write.v3.Request",
            BODY,
            "X-Scope-OrgID",
            "t");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(header(r, DenialResponse.REASON_HEADER)).isEqualTo("bad_content_type");
    assertThat(r.body())
        .contains("expected prometheus.WriteRequest or io.prometheus.write.v2.Request");
    assertThat(header(r, WriteResponseStats.SAMPLES)).isNull();
    assertThat(forwarded).isEmpty();
  }

  @Test
  void missingTenantIs401AndNothingIsForwarded() {
    HttpResponse<String> r = post(headerTenants, "/api/v1/push", BODY);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("no org id");
    assertThat(header(r, DenialResponse.REASON_HEADER)).isEqualTo("missing_tenant");
    assertThat(forwarded).isEmpty();
  }

  @Test
  void badBodyIs400() {
    HttpResponse<String> r =
        post(
            headerTenants,
            "/api/v1/push",
            "not snappy at all".getBytes(StandardCharsets.US_ASCII),
            "X-Scope-OrgID",
            "t");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(header(r, DenialResponse.REASON_HEADER)).isEqualTo("bad_body");
    assertThat(forwarded).isEmpty();
  }

  @Test
  void denialCarriesMimirsMessageRetryAfterAndReason() {
    HttpResponse<String> first =
        post(headerTenants, "/api/v1/push", BODY, "X-Scope-OrgID", "tight");
    HttpResponse<String> second =
        post(headerTenants, "/api/v1/push", BODY, "X-Scope-OrgID", "tight");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(429);
    // Mimir's (calculateRetryAfter): 6 s and up to 3 s of jitter without a Retry-Attempt
    assertThat(Long.parseLong(header(second, "Retry-After"))).isBetween(6L, 9L);
    assertThat(header(second, DenialResponse.REASON_HEADER)).isEqualTo("ingestion_rate");
    assertThat(header(second, "Content-Type")).startsWith("text/plain");
    assertThat(second.body()).contains("ingestion rate limit");
    assertThat(forwarded).hasSize(1);
  }

  @Test
  void oversizeBodyIs400AsMimirsPushHandlerAnswersIt() {
    byte[] big = new byte[MAX_REQUEST_BYTES + 10];

    HttpResponse<String> r = post(headerTenants, "/api/v1/push", big, "X-Scope-OrgID", "t");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(header(r, DenialResponse.REASON_HEADER)).isEqualTo("body_too_large");
    assertThat(header(r, "Connection")).isNull(); // drained: the connection stays
    assertThat(forwarded).isEmpty();
  }

  @Test
  void basicAuthUserIsTheTenantAndIsPassedOnInTheTenantHeader() {
    String auth =
        "Basic "
            + Base64.getEncoder().encodeToString("basic:secret".getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> r =
        post(
            basicAuthTenants,
            "/api/v1/push",
            BODY,
            "Authorization",
            auth,
            "X-Scope-OrgID",
            "someone-else");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(forwarded)
        .singleElement()
        .extracting(f -> f.header("X-Scope-OrgID"))
        .isEqualTo("basic");
    assertThat(pushDecisions).singleElement().extracting(Decision::tenant).isEqualTo("basic");
  }

  /** The same table as the ext_authz door's (ExtAuthzServiceTest) and the resolver's. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.mimiredge.rls.testing.BasicAuthCases#all")
  void basicAuthIsReadByGosRule(BasicAuthCases.Case c) {
    HttpResponse<String> r =
        c.authorization() == null
            ? post(basicAuthTenants, "/api/v1/push", BODY)
            : post(basicAuthTenants, "/api/v1/push", BODY, "Authorization", c.authorization());

    if (c.namesATenant()) {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(forwarded)
          .singleElement()
          .extracting(f -> f.header("X-Scope-OrgID"))
          .isEqualTo(c.user());
    } else {
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(header(r, DenialResponse.REASON_HEADER)).isEqualTo("missing_tenant");
      assertThat(r.body()).contains("no org id");
      assertThat(forwarded).isEmpty();
    }
  }

  @Test
  void basicAuthWithoutUserIs401() {
    HttpResponse<String> r = post(basicAuthTenants, "/api/v1/push", BODY);

    assertThat(r.statusCode()).isEqualTo(401);
  }

  @Test
  void mirrorNeverForwardsAndAnswers204() {
    HttpResponse<String> r =
        post(headerTenants, "/shadow/api/v1/push", BODY, "X-Scope-OrgID", "tenant-a");

    assertThat(r.statusCode()).isEqualTo(204);
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
          post(headerTenants, "/shadow/api/v1/push", BODY, "X-Scope-OrgID", "tight").statusCode());
    }
    statuses.add(post(headerTenants, "/shadow/api/v1/push", BODY).statusCode());
    statuses.add(
        post(
                headerTenants,
                "/shadow/api/v1/push",
                "garbage".getBytes(StandardCharsets.US_ASCII),
                "X-Scope-OrgID",
                "t")
            .statusCode());

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
    post(headerTenants, "/shadow/api/v1/push", BODY, "X-Scope-OrgID", "tight");

    HttpResponse<String> r = post(headerTenants, "/api/v1/push", BODY, "X-Scope-OrgID", "tight");

    assertThat(r.statusCode()).isEqualTo(429); // the mirror's request used the burst
  }

  @Test
  void manyConcurrentPushesAreEachAnsweredWithTheirOwnUpstreamAnswer() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      pending.add(
          client.sendAsync(
              HttpRequest.newBuilder(URI.create(headerTenants + "/api/v1/push?n=" + i))
                  .header("Content-Type", PROTOBUF)
                  .header("Content-Encoding", "snappy")
                  .header("X-Scope-OrgID", "t" + i)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(BODY))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> f : pending) {
      assertThat(f.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    assertThat(forwarded).hasSize(40);
    for (Forwarded f : forwarded) {
      String n = f.path().substring(f.path().indexOf("?n=") + 3);
      assertThat(f.header("X-Scope-OrgID")).isEqualTo("t" + n);
      assertThat(f.body()).isEqualTo(BODY);
    }
  }

  @Test
  void oversizeChunkedBodyIs400AndTheConnectionServesTheNextPush() throws Exception {
    byte[] big = new byte[MAX_REQUEST_BYTES * 2];
    for (int i = 0; i < 3; i++) { // the drained rest leaves the connection usable for the next
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create(headerTenants + "/api/v1/push"))
                  .header("Content-Type", PROTOBUF)
                  .header("X-Scope-OrgID", "t")
                  .POST(
                      HttpRequest.BodyPublishers.ofInputStream( // no length: chunked
                          () -> new java.io.ByteArrayInputStream(big)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(header(r, DenialResponse.REASON_HEADER)).isEqualTo("body_too_large");
      assertThat(header(r, "Connection")).isNull();
    }
    assertThat(post(headerTenants, "/api/v1/push", BODY, "X-Scope-OrgID", "t").statusCode())
        .isEqualTo(200);
    assertThat(forwarded).hasSize(1);
  }

  /** An OTLP push of {@code points} gauge points, as the OpenTelemetry SDK sends it. */
  private static HttpResponse<byte[]> otlp(
      String path, String contentType, String encoding, int points, String tenant)
      throws Exception {
    byte[] body = io.mimiredge.rls.testing.OtlpRequests.gauge("queue.depth", points);
    if ("gzip".equals(encoding)) {
      body = io.mimiredge.rls.testing.OtlpRequests.gzip(body);
    }
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(headerTenants + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", contentType)
            .header("X-Scope-OrgID", tenant)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void otlpIsCountedAsMimirsTranslationAndForwardedOnItsOwnPath() throws Exception {
    HttpResponse<byte[]> r = otlp("/otlp/v1/metrics", PROTOBUF, "gzip", 50, "tenant-a");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(forwarded).hasSize(1);
    assertThat(forwarded.get(0).path()).isEqualTo("/header/otlp/v1/metrics");
    assertThat(forwarded.get(0).header("Content-Encoding")).isEqualTo("gzip");
    Decision d = pushDecisions.get(0);
    assertThat(d.stats().protocol().label()).isEqualTo("otlp");
    assertThat(d.items()).isEqualTo(50 + 1); // 50 samples, 1 metadata entry (no target_info)
  }

  @Test
  void anOtlpDenialIsAGoogleRpcStatusInTheRequestsFormat() throws Exception {
    HttpResponse<byte[]> pb = otlp("/otlp/v1/metrics", PROTOBUF, null, 700, "tight");
    assertThat(pb.statusCode()).isEqualTo(429);
    assertThat(header(pb, "Content-Type")).isEqualTo(PROTOBUF);
    com.google.rpc.Status status = com.google.rpc.Status.parseFrom(pb.body());
    assertThat(status.getCode()).isEqualTo(8); // ResourceExhausted
    assertThat(status.getMessage()).contains("ingestion burst size limit");
    assertThat(header(pb, "X-Edge-Enforcement-Reason")).isEqualTo("ingestion_rate");

    HttpResponse<byte[]> json = otlp("/otlp/v1/metrics", "application/json", null, 1, "tenant-a");
    assertThat(json.statusCode()).isEqualTo(400); // a protobuf body sent as JSON
    assertThat(header(json, "Content-Type")).isEqualTo("application/json");
    assertThat(new String(json.body(), StandardCharsets.UTF_8))
        .startsWith("{\"code\":400,\"message\":\"malformed OTLP/JSON");
    assertThat(forwarded).isEmpty();
  }

  @Test
  void otlpWithAnUnsupportedTypeOrEncodingIs415() throws Exception {
    HttpResponse<byte[]> type = otlp("/otlp/v1/metrics", "text/plain", null, 1, "tenant-a");
    assertThat(type.statusCode()).isEqualTo(415);
    assertThat(com.google.rpc.Status.parseFrom(type.body()).getCode()).isEqualTo(415);
    HttpResponse<byte[]> enc = otlp("/otlp/v1/metrics", PROTOBUF, "snappy", 1, "tenant-a");
    assertThat(enc.statusCode()).isEqualTo(415);
    assertThat(com.google.rpc.Status.parseFrom(enc.body()).getMessage())
        .startsWith("unsupported compression: snappy");
    assertThat(forwarded).isEmpty();
  }

  @Test
  void anOtlpRequestRefusedWith415HasTakenItsRequestTokenAsInMimir() throws Exception {
    // limitsMiddleware takes the token before the OTLP parser looks at the headers
    assertThat(otlp("/otlp/v1/metrics", "text/plain", null, 1, "one-request").statusCode())
        .isEqualTo(415);
    HttpResponse<byte[]> next = otlp("/otlp/v1/metrics", PROTOBUF, null, 1, "one-request");
    assertThat(next.statusCode()).isEqualTo(429);
    assertThat(header(next, "X-Edge-Enforcement-Reason")).isEqualTo("request_rate");
    assertThat(com.google.rpc.Status.parseFrom(next.body()).getCode()).isEqualTo(8);
  }

  @Test
  void theOtlpMirrorDecidesAsShadowAndNeverForwards() throws Exception {
    HttpResponse<byte[]> r = otlp("/shadow/otlp/v1/metrics", PROTOBUF, null, 700, "tight");
    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(forwarded).isEmpty();
    assertThat(shadowDecisions).hasSize(1);
    assertThat(shadowDecisions.get(0).verdict()).isEqualTo(Verdict.SHADOW_DENY);
    assertThat(shadowDecisions.get(0).reason()).isEqualTo(Reason.INGESTION_RATE);
  }

  @Test
  void otherMethodsAre405() throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(headerTenants + "/api/v1/push")).GET().build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(forwarded).isEmpty();
    assertThat(pushDecisions).isEmpty();
  }
}
