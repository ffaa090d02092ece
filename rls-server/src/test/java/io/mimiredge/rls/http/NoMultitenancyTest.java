package io.mimiredge.rls.http;

import static org.assertj.core.api.Assertions.assertThat;

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
 * In front of a Mimir run with {@code multitenancy_enabled: false} ({@code tenantFrom: none}):
 * every write is Mimir's no-auth tenant, with or without a tenant header, as Mimir's auth
 * middleware makes it ({@code pkg/util/noauth}). Without this a single-tenant Mimir's writes, which
 * carry no tenant header, would all be refused 401.
 */
class NoMultitenancyTest {
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
            .overrides(
                """
                overrides:
                  solo:
                    ingestion_rate: 1000000
                    ingestion_burst_size: 10000000
                  tight:
                    ingestion_rate: 1
                    ingestion_burst_size: 5
                """)
            .settings("tenantFrom: none\nnoAuthTenant: solo\n")
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

  private static HttpResponse<String> push(String tenantHeader) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(rls.url() + "/api/v1/push"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-protobuf")
            .header("Content-Encoding", "snappy")
            .POST(HttpRequest.BodyPublishers.ofByteArray(TestFixtures.body(TestFixtures.SMALL)));
    if (tenantHeader != null) {
      r.header("X-Scope-OrgID", tenantHeader);
    }
    return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aWriteWithoutATenantHeaderIsTheNoAuthTenants() throws Exception {
    HttpResponse<String> r = push(null);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(distributor.received()).hasSize(1);
    assertThat(distributor.received().get(0).header("X-Scope-OrgID")).isNull();
  }

  @Test
  void aTenantHeaderChangesNothingAsMimirIgnoresIt() throws Exception {
    // "tight" would be refused at once with its burst of 5; Mimir would judge the write as solo's
    HttpResponse<String> r = push("tight");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(distributor.received()).hasSize(1);
  }
}
