package io.mimiredge.rls.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.rls.testing.OtlpRequests;
import io.mimiredge.rls.testing.TestFixtures;
import io.mimiredge.rls.testing.TestRls;
import io.mimiredge.testsupport.StubUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push doors in the whole application, with what Jetty and Dropwizard's handlers do in front of
 * them: a body is decided and forwarded exactly as the client encoded it, gzip included, never
 * inflated on the way; request headers are read as Mimir's server reads them, up to Go's {@code
 * http.DefaultMaxHeaderBytes} (1 MiB) and its 4096 bytes of slack, not Jetty's 8 KiB, on a
 * connector configured without a {@code maxRequestHeaderSize} of its own ({@code
 * enforcement.maxRequestHeaderBytes}).
 */
class PushDoorAppTest {
  @TempDir static Path dir;
  static StubUpstream distributor;
  static TestRls rls;
  static final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    distributor = StubUpstream.start("distributor", 200);
    rls =
        TestRls.builder()
            .dir(dir)
            .overrides(TestRls.ROOMY_AND_TIGHT)
            .upstream(distributor.url())
            .quietRequests()
            .start();
  }

  @AfterAll
  static void stop() {
    rls.close();
    distributor.close();
  }

  @BeforeEach
  void reset() {
    distributor.reset();
  }

  private HttpResponse<String> post(String path, String contentType, String encoding, byte[] body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(rls.url() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", contentType)
            .header("X-Scope-OrgID", "roomy")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aGzippedOtlpBodyIsForwardedAsItCame() throws Exception {
    byte[] gzipped = OtlpRequests.gzip(OtlpRequests.gauge("temperature", 50));

    HttpResponse<String> r = post("/otlp/v1/metrics", "application/x-protobuf", "gzip", gzipped);

    assertThat(r.statusCode()).isEqualTo(200);
    StubUpstream.Received got = distributor.received().get(0);
    assertThat(got.header("Content-Encoding")).isEqualTo("gzip");
    assertThat(got.body()).isEqualTo(gzipped);
  }

  @Test
  void aSnappyRemoteWriteIsForwardedAsItCame() throws Exception {
    byte[] body = TestFixtures.body(TestFixtures.SMALL);

    HttpResponse<String> r = post("/api/v1/push", "application/x-protobuf", "snappy", body);

    assertThat(r.statusCode()).isEqualTo(200);
    StubUpstream.Received got = distributor.received().get(0);
    assertThat(got.header("Content-Encoding")).isEqualTo("snappy");
    assertThat(got.body()).isEqualTo(body);
  }

  private HttpResponse<String> pushWithHeader(int bytes) throws Exception {
    return pushWithHeader("roomy", bytes);
  }

  private HttpResponse<String> pushWithHeader(String tenant, int bytes) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(rls.url() + "/api/v1/push"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-protobuf")
            .header("Content-Encoding", "snappy")
            .header("X-Scope-OrgID", tenant)
            .header("X-Big", "b".repeat(bytes))
            .POST(HttpRequest.BodyPublishers.ofByteArray(TestFixtures.body(TestFixtures.SMALL)))
            .build();
    return client.send(r, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aHeaderEightTimesJettysDefaultIsReadDecidedAndForwarded() throws Exception {
    HttpResponse<String> r = pushWithHeader(64 * 1024);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(distributor.received()).hasSize(1);
    assertThat(distributor.received().get(0).header("X-Big")).hasSize(64 * 1024);
  }

  /** Go reads MaxHeaderBytes and 4096 bytes more: a 1 MiB header with a few small ones fits. */
  @Test
  void aOneMebibyteHeaderIsReadAndDecided() throws Exception {
    HttpResponse<String> r = pushWithHeader("tight", 1024 * 1024);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(429); // its decision: over the rate
  }

  @Test
  void headersPastWhatGoReadsAre431AsGoAnswersThem() throws Exception {
    HttpResponse<String> r = pushWithHeader(1024 * 1024 + 8192);

    assertThat(r.statusCode()).isEqualTo(431);
  }
}
