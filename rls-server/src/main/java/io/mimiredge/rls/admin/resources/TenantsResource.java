package io.mimiredge.rls.admin.resources;

import io.mimiredge.api.admin.TenantDetail;
import io.mimiredge.api.admin.TenantPage;
import io.mimiredge.api.admin.TenantRow;
import io.mimiredge.rls.admin.AdminChange;
import io.mimiredge.rls.limits.LimitKey;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.util.AbstractList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /api/tenants}: the tenants known, one tenant's limits with their sources, and the admin
 * API's changes to a tenant (bearer token required; each change goes to the audit log).
 * Thread-safe: reads take snapshots; writes go through {@code LiveLimits}, which serializes them.
 */
@Path("/api/tenants")
@Produces(MediaType.APPLICATION_JSON)
public final class TenantsResource {
  static final int MAX_LIMIT = 10_000;

  private static final Comparator<TenantRow> BY_ID = Comparator.comparing(TenantRow::id);
  private static final Comparator<TenantRow> BY_ID_DESCENDING = BY_ID.reversed();
  private static final Map<String, Comparator<TenantRow>> SORTS = sorts();

  private final AdminContext ctx;
  private final TenantReports reports;

  public TenantsResource(AdminContext ctx) {
    this.ctx = ctx;
    this.reports = new TenantReports(ctx);
  }

  /**
   * Tenants known from the limits file, the admin overrides and the traffic seen.
   *
   * @param limit page size, 1–10000; absent = all
   * @param offset tenants to skip (default 0)
   * @param sort {@code id} (default), {@code requests}, {@code items}, {@code denials}, {@code
   *     shadowDenials}, {@code lastSeen}, {@code fill} or {@code mode}; a leading {@code -} sorts
   *     descending
   * @param q only tenants whose ID contains this, ignoring case
   */
  @GET
  public TenantPage list(
      @QueryParam("limit") String limit,
      @QueryParam("offset") String offset,
      @QueryParam("sort") String sort,
      @QueryParam("q") String q) {
    Integer pageSize =
        limit == null || limit.isBlank() ? null : Params.intIn("limit", limit, 1, MAX_LIMIT);
    int skip =
        offset == null || offset.isBlank()
            ? 0
            : Params.intIn("offset", offset, 0, Integer.MAX_VALUE);
    String sortBy = sort == null || sort.isBlank() ? "id" : sort.trim();
    boolean descending = sortBy.startsWith("-");
    Comparator<TenantRow> order = SORTS.get(descending ? sortBy.substring(1) : sortBy);
    if (order == null) {
      throw ProblemException.badRequest(
          "sort must be one of "
              + String.join(", ", SORTS.keySet())
              + " (a leading - sorts descending), got '"
              + Params.shown(sortBy)
              + "'");
    }
    if (descending) {
      order = order == BY_ID ? BY_ID_DESCENDING : order.reversed();
    }
    String needle = q == null || q.isBlank() ? null : q.trim().toLowerCase(Locale.ROOT);
    List<String> ids = reports.ids(); // sorted by ID, rebuilt only when the tenant set changed
    if (needle != null) {
      ids = ids.stream().filter(id -> id.toLowerCase(Locale.ROOT).contains(needle)).toList();
    }
    int total = ids.size();
    int from = (int) Math.min(skip, total);
    int to = pageSize == null ? total : (int) Math.min((long) from + pageSize, total);
    List<TenantRow> page;
    if (order == BY_ID || order == BY_ID_DESCENDING) {
      // the index is the order: build the rows on the page only
      List<String> ordered = order == BY_ID ? ids : reversed(ids);
      page = ordered.subList(from, to).stream().map(id -> reports.source(id).row()).toList();
    } else {
      // a live figure (rates, fill, denials) is the order: every row is read, then sorted
      page =
          ids.stream()
              .map(id -> reports.source(id).row())
              .sorted(order.thenComparing(TenantRow::id))
              .toList()
              .subList(from, to);
    }
    return new TenantPage(total, skip, pageSize, sortBy, page);
  }

  private static <T> List<T> reversed(List<T> list) {
    return new AbstractList<>() {
      @Override
      public T get(int i) {
        return list.get(list.size() - 1 - i);
      }

      @Override
      public int size() {
        return list.size();
      }
    };
  }

  /** One tenant: every limit with its source, rates, bucket fill, recent denials. */
  @GET
  @Path("/{id}")
  public TenantDetail get(@PathParam("id") String id) {
    return reports.detail(TenantReports.checkTenant(id, "tenant ID in path"));
  }

  /**
   * Sets admin-API limits on top of the tenant's overrides: a JSON object of Mimir keys, checked
   * like the limits file; on any problem nothing is applied. Merges with earlier admin values.
   */
  @PUT
  @Path("/{id}/limits")
  @RequiresToken
  @Consumes(MediaType.WILDCARD)
  public TenantDetail putLimits(
      @PathParam("id") String id,
      InputStream body,
      @Context HttpServletRequest request,
      @Context HttpHeaders headers) {
    String tenant = TenantReports.checkTenant(id, "tenant ID in path");
    LimitsBodies.Change c = LimitsBodies.limits(body);
    ctx.limits().setAdmin(tenant, c.values(), c.keys());
    audit("set_limits", tenant, c, request, headers);
    return reports.detail(tenant);
  }

  /** Sets the tenant's mode: {@code {"mode": "enforce|shadow|off"}}. */
  @PUT
  @Path("/{id}/mode")
  @RequiresToken
  @Consumes(MediaType.WILDCARD)
  public TenantDetail putMode(
      @PathParam("id") String id,
      InputStream body,
      @Context HttpServletRequest request,
      @Context HttpHeaders headers) {
    String tenant = TenantReports.checkTenant(id, "tenant ID in path");
    LimitsBodies.Change c = LimitsBodies.mode(body);
    ctx.limits().setAdmin(tenant, c.values(), c.keys());
    audit("set_mode", tenant, c, request, headers);
    return reports.detail(tenant);
  }

  /** Removes the tenant's admin override (limits and mode), so its overrides apply again. */
  @DELETE
  @Path("/{id}/limits")
  @RequiresToken
  public TenantDetail deleteLimits(
      @PathParam("id") String id,
      @Context HttpServletRequest request,
      @Context HttpHeaders headers) {
    String tenant = TenantReports.checkTenant(id, "tenant ID in path");
    if (!ctx.limits().clearAdmin(tenant)) {
      throw new ProblemException(404, "tenant " + tenant + " has no admin override");
    }
    ctx.audit()
        .changed(
            new AdminChange(
                ctx.clock().instant(),
                Callers.describe(request, headers.getRequestHeaders()),
                "clear_limits",
                tenant,
                Map.of()));
    return reports.detail(tenant);
  }

  private void audit(
      String action,
      String tenant,
      LimitsBodies.Change c,
      HttpServletRequest request,
      HttpHeaders headers) {
    Map<String, String> values = new LinkedHashMap<>();
    for (LimitKey k : c.keys()) {
      values.put(k.yamlPath(), String.valueOf(k.shownValueIn(c.values())));
    }
    ctx.audit()
        .changed(
            new AdminChange(
                ctx.clock().instant(),
                Callers.describe(request, headers.getRequestHeaders()),
                action,
                tenant,
                values));
  }

  private static Map<String, Comparator<TenantRow>> sorts() {
    Map<String, Comparator<TenantRow>> m = new LinkedHashMap<>();
    m.put("id", BY_ID);
    m.put("requests", Comparator.comparingDouble(TenantRow::requestsPerSecond));
    m.put("items", Comparator.comparingDouble(TenantRow::itemsPerSecond));
    m.put("denials", Comparator.comparingLong(TenantRow::denied5m));
    m.put("shadowDenials", Comparator.comparingLong(TenantRow::shadowDenied5m));
    m.put(
        "lastSeen",
        Comparator.comparing(
            TenantRow::lastSeen, Comparator.nullsFirst(Comparator.<String>naturalOrder())));
    m.put("fill", Comparator.comparingDouble(TenantRow::ingestionBucketFillPercent));
    m.put("mode", Comparator.comparing(TenantRow::mode));
    return m;
  }
}
