package io.mimiredge.rls.admin.resources;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code GET /api/export/csv?what=tenants|denials}: the tenant list or every recent denial as CSV
 * with a header row. Thread-safe.
 */
@Path("/api/export/csv")
public final class ExportResource {
  static final String TEXT_CSV = "text/csv; charset=utf-8";

  private final AdminContext ctx;
  private final TenantReports reports;

  public ExportResource(AdminContext ctx) {
    this.ctx = ctx;
    this.reports = new TenantReports(ctx);
  }

  @GET
  @Produces({TEXT_CSV, "application/json"})
  public Response export(@QueryParam("what") String what) {
    String w = what == null ? "" : what.trim();
    String csv =
        switch (w) {
          case "tenants" -> tenants();
          case "denials" -> denials();
          default ->
              throw ProblemException.badRequest(
                  "what must be tenants or denials, got '" + Params.shown(w) + "'");
        };
    return Response.ok(csv, TEXT_CSV)
        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"rls-" + w + ".csv\"")
        .build();
  }

  private String tenants() {
    Csv csv = new Csv();
    csv.row(
        Arrays.asList(
            "id",
            "mode",
            "ingestion_rate",
            "ingestion_burst_size",
            "request_rate",
            "request_burst_size",
            "requests_per_second",
            "items_per_second",
            "ingestion_rate_use_percent",
            "ingestion_bucket_fill_percent",
            "request_bucket_fill_percent",
            "denied_5m",
            "shadow_denied_5m",
            "last_seen",
            "in_overrides",
            "admin_override"));
    reports.ids().stream() // sorted by ID
        .map(id -> reports.source(id).row())
        .forEach(
            r ->
                csv.row(
                    Arrays.asList(
                        r.id(),
                        r.mode(),
                        r.ingestionRate(),
                        r.ingestionBurstSize(),
                        r.requestRate(),
                        r.requestBurstSize(),
                        r.requestsPerSecond(),
                        r.itemsPerSecond(),
                        r.ingestionRateUsePercent(),
                        r.ingestionBucketFillPercent(),
                        r.requestBucketFillPercent(),
                        r.denied5m(),
                        r.shadowDenied5m(),
                        r.lastSeen(),
                        r.inOverrides(),
                        r.adminOverride())));
    return csv.toString();
  }

  private String denials() {
    Csv csv = new Csv();
    csv.row(
        Arrays.asList(
            "time",
            "tenant",
            "door",
            "reason",
            "status",
            "verdict",
            "items",
            "series",
            "retry_after_seconds",
            "message",
            "not_counted"));
    ctx.denials().recent(null, null, ctx.denials().capacity()).stream()
        .map(Views::denial)
        .forEach(
            d ->
                csv.row(
                    Arrays.asList(
                        d.time(),
                        d.tenant(),
                        d.door(),
                        d.reason(),
                        d.status(),
                        d.verdict(),
                        d.items(),
                        d.series(),
                        d.retryAfterSeconds(),
                        d.message(),
                        notCounted(d.notCounted()))));
    return csv.toString();
  }

  /** {@code reason=n;reason=n}: what Mimir would not count of the request. */
  private static String notCounted(Map<String, Long> m) {
    StringBuilder out = new StringBuilder();
    m.forEach((k, v) -> out.append(out.length() == 0 ? "" : ";").append(k).append('=').append(v));
    return out.toString();
  }
}
