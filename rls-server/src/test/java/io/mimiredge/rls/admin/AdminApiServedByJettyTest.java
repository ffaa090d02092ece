package io.mimiredge.rls.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.setup.AdminFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.mimiredge.rls.admin.rollout.LiveRollout;
import io.mimiredge.rls.config.RlsAdminFactory;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.limits.TenantLimits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin API wired the way the RLS application wires it, on a real Jetty: registration, the
 * token filter, and the caller's address as who changed the rollout.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AdminApiServedByJettyTest {
  private static final String TOKEN = "jetty-test-token-0123456789";

  /** Stands in for RlsConfiguration: the admin block shared with Dropwizard's own. */
  public static class TestConfiguration extends Configuration {
    public TestConfiguration() {
      setAdminFactory(new RlsAdminFactory());
    }

    @Override
    @JsonProperty("admin")
    @JsonDeserialize(as = RlsAdminFactory.class)
    public void setAdminFactory(AdminFactory admin) {
      super.setAdminFactory(admin);
    }

    public RlsAdminFactory getAdmin() {
      return (RlsAdminFactory) getAdminFactory();
    }
  }

  /** Stands in for RlsApplication.run(): the wiring lines of the admin API. */
  public static class TestApplication extends Application<TestConfiguration> {
    @Override
    public void run(TestConfiguration configuration, Environment environment) {
      LiveLimits limits = new LiveLimits(TenantLimits.MIMIR_DEFAULTS);
      LiveRollout rollout = configuration.getAdmin().buildLiveRollout(Clock.systemUTC());
      Enforcer enforcer =
          Enforcer.builder()
              .overrides(limits)
              .buckets(new LocalBucketStore(System::nanoTime))
              .trafficFraction(rollout.fraction())
              .build();
      AdminApi admin =
          AdminApi.builder()
              .config(configuration.getAdmin())
              .limits(limits)
              .enforcer(enforcer)
              .rollout(rollout)
              .clock(Clock.systemUTC())
              .nanoTime(System::nanoTime)
              .audit(AuditLog.slf4j())
              .build();
      admin.register(environment.jersey());
      // what a door does with every decision
      admin
          .recorder()
          .record(
              Door.HTTP_PUSH,
              enforcer.decide(
                  "boot",
                  io.mimiredge.rls.testing.Stats.ofSamples(0),
                  io.mimiredge.rls.testing.TestFixtures.NOW_MILLIS),
              1_000);
    }
  }

  private final DropwizardAppExtension<TestConfiguration> app =
      new DropwizardAppExtension<>(
          TestApplication.class,
          null,
          ConfigOverride.config("server.applicationConnectors[0].port", "0"),
          ConfigOverride.config("server.applicationConnectors[0].bindHost", "127.0.0.1"),
          ConfigOverride.config("server.adminConnectors[0].port", "0"),
          ConfigOverride.config("server.adminConnectors[0].bindHost", "127.0.0.1"),
          ConfigOverride.config("admin.token", TOKEN),
          ConfigOverride.config("admin.denialBufferSize", "7"),
          ConfigOverride.config("admin.healthChecks.minThreads", "2"));

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + app.getLocalPort() + path);
  }

  @Test
  void servesTheApiAndGuardsChanges() throws Exception {
    HttpResponse<String> overview = send(HttpRequest.newBuilder(uri("/api/overview")));
    assertThat(overview.statusCode()).isEqualTo(200);
    JsonNode o = json.readTree(overview.body());
    assertThat(o.at("/windows/5m/requests").asLong()).isEqualTo(1);
    assertThat(app.getConfiguration().getAdmin().getDenialBufferSize()).isEqualTo(7);
    assertThat(app.getConfiguration().getAdminFactory().getHealthChecks().getMinThreads())
        .isEqualTo(2); // Dropwizard's own admin settings still bind
    assertThat(
            json.readTree(send(HttpRequest.newBuilder(uri("/api/denials"))).body())
                .get("capacity")
                .asInt())
        .isEqualTo(7);

    HttpResponse<String> refused =
        send(
            HttpRequest.newBuilder(uri("/api/tenants/t1/limits"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"ingestion_rate\": 5}")));
    assertThat(refused.statusCode()).isEqualTo(401);

    HttpResponse<String> put =
        send(
            HttpRequest.newBuilder(uri("/api/tenants/t1/limits"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"ingestion_rate\": 5}")));
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(json.readTree(put.body()).at("/limits/ingestion_rate/source").asText())
        .isEqualTo("admin");

    HttpResponse<String> rollout =
        send(
            HttpRequest.newBuilder(uri("/api/rollout"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"phase\": \"mirror\", \"percent\": 0, \"splitBy\": \"tenant\"}")));
    assertThat(rollout.statusCode()).isEqualTo(200);
    assertThat(json.readTree(rollout.body()).get("updatedBy").asText()).isEqualTo("127.0.0.1");

    HttpResponse<String> csv = send(HttpRequest.newBuilder(uri("/api/export/csv?what=tenants")));
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
    assertThat(csv.body()).contains("\r\nt1,enforce,5,");
  }
}
