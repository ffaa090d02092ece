package io.mimiredge.rls.http;

import io.mimiredge.api.admin.Health;
import io.mimiredge.rls.health.RlsHealth;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Objects;

/**
 * {@code GET /api/health}: the health report as JSON; 200 when all is well, 503 otherwise.
 *
 * <p>{@code GET /api/health/ready}: the same report for a readiness probe, 503 only when this
 * replica cannot decide (limits never loaded, a door not serving). A degraded replica — a bad
 * limits update kept out, the distributor unreachable, Redis down — still decides correctly, and
 * taking every replica out of service for it would stop all writes at once.
 */
@Path("/api/health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {
  private final RlsHealth health;

  public HealthResource(RlsHealth health) {
    this.health = Objects.requireNonNull(health, "health");
  }

  @GET
  public Response get() {
    Health r = health.report();
    return Response.status(r.healthy() ? 200 : 503)
        .entity(r)
        .header("Cache-Control", "no-store")
        .build();
  }

  @GET
  @Path("ready")
  public Response ready() {
    Health r = health.report();
    return Response.status(r.status() == Health.Status.DOWN ? 503 : 200)
        .entity(r)
        .header("Cache-Control", "no-store")
        .build();
  }
}
