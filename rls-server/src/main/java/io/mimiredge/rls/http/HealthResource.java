package io.mimiredge.rls.http;

import io.mimiredge.rls.health.RlsHealth;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Objects;

/** {@code GET /api/health}: the health report as JSON; 200 when all is well, 503 otherwise. */
@Path("/api/health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {
  private final RlsHealth health;

  public HealthResource(RlsHealth health) {
    this.health = Objects.requireNonNull(health, "health");
  }

  @GET
  public Response get() {
    RlsHealth.Report r = health.report();
    return Response.status(r.healthy() ? 200 : 503)
        .entity(r)
        .header("Cache-Control", "no-store")
        .build();
  }
}
