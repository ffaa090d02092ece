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
 * The push doors in the whole application (Dropwizard's handlers in front of them, its gzip handler
 * among them): a body is decided and forwarded exactly as the client encoded it, gzip included,
 * never inflated on the way.
 */
class PushDoorEncodingTest {
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
}
