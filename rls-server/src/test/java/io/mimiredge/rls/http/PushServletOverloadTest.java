package io.mimiredge.rls.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.concurrency.limits.limit.FixedLimit;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.DenialResponse;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.TenantResolver;
import io.mimiredge.rls.overload.DoorLimiter;
import io.mimiredge.rls.overload.Overload;
import io.mimiredge.rls.testing.TestFixtures;
import io.mimiredge.rls.upstream.Upstream;
import io.mimiredge.rls.upstream.UpstreamResponse;
import io.mimiredge.testsupport.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A distributor that does not answer: the pass-through door's forwards in flight stay within their
 * bound and the next push is refused at once (503, Retry-After, no tokens taken), while the shadow
 * door, which never forwards, keeps deciding. A real Jetty on 127.0.0.1.
 */
class PushServletOverloadTest {
  private static final byte[] BODY = TestFixtures.body(TestFixtures.SMALL);

  private final List<CompletableFuture<UpstreamResponse>> pending = new CopyOnWriteArrayList<>();
  private final List<Decision> decisions = new CopyOnWriteArrayList<>();
  private final List<String> shed = new CopyOnWriteArrayList<>();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Overload overload;
  private volatile boolean upstreamErrs; // the upstream client throws an Error, not an exception
  private Server server;
  private URI base;

  @BeforeEach
  void start() throws Exception {
    DoorLimiter.ShedListener listener = (door, cause) -> shed.add(door + "/" + cause);
    overload =
        new Overload(
            new DoorLimiter("push", "concurrency", FixedLimit.of(16), System::nanoTime, listener),
            new DoorLimiter("shadow", "concurrency", FixedLimit.of(16), System::nanoTime, listener),
            new DoorLimiter("grpc", "concurrency", FixedLimit.of(16), System::nanoTime, listener),
            new DoorLimiter("forwards", "forwards", FixedLimit.of(2), System::nanoTime, listener),
            Duration.ofSeconds(2));
    Upstream stalled =
        (path, headers, body, offset, length) -> {
          if (upstreamErrs) {
            throw new StackOverflowError("a test's");
          }
          CompletableFuture<UpstreamResponse> f = new CompletableFuture<>();
          pending.add(f);
          return f;
        };
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder push =
        new ServletHolder(
            new PushServlet(
                PushServletTest.evaluator(),
                TenantResolver.header("X-Scope-OrgID"),
                stalled,
                (door, d, nanos) -> {
                  if (door == Door.HTTP_PUSH) {
                    decisions.add(d);
                  }
                },
                System::nanoTime,
                overload,
                io.mimiredge.rls.internal.BodyPool.create()));
    push.setAsyncSupported(true);
    for (String p : PushServlet.PATHS) {
      context.addServlet(push, p);
    }
    server.setHandler(context);
    server.start();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @AfterEach
  void stop() throws Exception {
    pending.forEach(f -> f.complete(ok()));
    server.stop();
  }

  private static UpstreamResponse ok() {
    return new UpstreamResponse(UpstreamResponse.Outcome.RESPONSE, 200, List.of(), new byte[0]);
  }

  private CompletableFuture<HttpResponse<String>> post(String path) {
    return client.sendAsync(
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Encoding", "snappy")
            .header("Content-Type", "application/x-protobuf")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .header("X-Scope-OrgID", "tenant-a")
            .POST(HttpRequest.BodyPublishers.ofByteArray(BODY))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anErrorWhileForwardingGivesThePermitsBack() throws Exception {
    upstreamErrs = true;
    for (int i = 0; i < 3; i++) { // more than the forward bound (2)
      HttpResponse<String> r = post("/api/v1/push").get(20, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(r.body()).startsWith("forwarding failed: java.lang.StackOverflowError");
    }
    assertThat(overload.forwards().inFlight()).isZero();
    assertThat(overload.push().inFlight()).isZero();
    assertThat(shed).isEmpty();
  }

  @Test
  void pastTheForwardBoundAPushIsRefusedAtOnceAndTheShadowDoorStillDecides() throws Exception {
    CompletableFuture<HttpResponse<String>> first = post("/api/v1/push");
    CompletableFuture<HttpResponse<String>> second = post("/api/v1/push");
    Await.await("two forwards pending", () -> pending.size() >= 2, Duration.ofSeconds(10));
    assertThat(pending).as("two forwards waiting on the distributor").hasSize(2);
    assertThat(overload.forwards().inFlight()).isEqualTo(2);

    // The third: refused at once, while the two still wait (a 20 s timeout would show otherwise).
    HttpResponse<String> third = post("/api/v1/push").get(10, TimeUnit.SECONDS);
    assertThat(third.statusCode()).isEqualTo(503);
    assertThat(third.headers().firstValue("Retry-After")).contains("2");
    assertThat(third.headers().firstValue(DenialResponse.REASON_HEADER))
        .contains("overloaded_forwards");
    assertThat(third.body()).contains("forwards to the distributor").contains("limit (2");
    assertThat(first).isNotDone();
    assertThat(decisions).as("the refused push was not decided: no tokens").hasSize(2);
    assertThat(shed).containsExactly("forwards/forwards");
    assertThat(overload.push().inFlight()).as("the decision's permit is back").isZero();

    // The shadow door never forwards: unaffected.
    HttpResponse<String> shadow = post("/shadow/api/v1/push").get(10, TimeUnit.SECONDS);
    assertThat(shadow.statusCode()).isEqualTo(204);

    // The distributor answers: the bound frees and the next push goes through.
    pending.forEach(f -> f.complete(ok()));
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(second.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(overload.forwards().inFlight()).isZero();
    CompletableFuture<HttpResponse<String>> fourth = post("/api/v1/push");
    Await.await(
        "the fourth push's forward pending", () -> pending.size() >= 3, Duration.ofSeconds(10));
    pending.get(2).complete(ok());
    assertThat(fourth.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(overload.forwards().shed()).isEqualTo(1);
  }

  @Test
  void pastTheDoorsLimitAPushIsRefusedWithTheDoorsReason() throws Exception {
    // Hold every permit of the push door, as requests being decided would.
    List<DoorLimiter.Permit> held = new java.util.ArrayList<>();
    for (int i = 0; i < 16; i++) {
      held.add(overload.push().tryAcquire().orElseThrow());
    }
    HttpResponse<String> r = post("/api/v1/push").get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue(DenialResponse.REASON_HEADER)).contains("overloaded");
    assertThat(r.body()).contains("pushes are at their limit (16");
    assertThat(overload.forwards().inFlight()).isZero();
    assertThat(shed).containsExactly("push/concurrency");
    held.forEach(DoorLimiter.Permit::done);
  }
}
