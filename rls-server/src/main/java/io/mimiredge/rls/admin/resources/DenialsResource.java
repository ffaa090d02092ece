package io.mimiredge.rls.admin.resources;

import io.mimiredge.api.admin.Denials;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;

/** {@code GET /api/denials?tenant=&since=&limit=}: recent denials, newest first. Thread-safe. */
@Path("/api/denials")
@Produces(MediaType.APPLICATION_JSON)
public final class DenialsResource {
  static final int DEFAULT_LIMIT = 100;

  private final AdminContext ctx;

  public DenialsResource(AdminContext ctx) {
    this.ctx = ctx;
  }

  /**
   * @param tenant only this tenant's (a valid tenant ID)
   * @param since only those at or after this time: ISO-8601 or epoch seconds
   * @param limit at most this many, 1 up to the buffer's size (default 100)
   */
  @GET
  public Denials denials(
      @QueryParam("tenant") String tenant,
      @QueryParam("since") String since,
      @QueryParam("limit") String limit) {
    String t =
        tenant == null || tenant.isEmpty() ? null : TenantReports.checkTenant(tenant, "tenant");
    Instant from = since == null || since.isBlank() ? null : Params.instant("since", since);
    int capacity = ctx.denials().capacity();
    int n =
        limit == null || limit.isBlank()
            ? Math.min(DEFAULT_LIMIT, capacity)
            : Params.intIn("limit", limit, 1, capacity);
    var list = ctx.denials().recent(t, from, n).stream().map(Views::denial).toList();
    return new Denials(capacity, ctx.denials().recorded(), list.size(), list);
  }
}
