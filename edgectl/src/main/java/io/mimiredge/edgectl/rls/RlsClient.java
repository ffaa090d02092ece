package io.mimiredge.edgectl.rls;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mimiredge.api.admin.GateThresholds;
import io.mimiredge.api.admin.Overview;
import io.mimiredge.api.admin.Problem;
import io.mimiredge.api.admin.RolloutEvent;
import io.mimiredge.api.admin.RolloutPreview;
import io.mimiredge.api.admin.TenantPage;
import io.mimiredge.api.admin.TenantRow;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.SplitBy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RLS admin API, over HTTP with short timeouts: health, overview, tenants, rollout.
 * Thread-safe.
 */
public final class RlsClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http;
  private final Duration timeout;
  private final String adminToken;

  public RlsClient(String baseUrl, HttpClient http, Duration timeout) {
    this(baseUrl, http, timeout, null);
  }

  /**
   * @param adminToken the RLS admin token, sent as a bearer token on changes; null for none (the
   *     RLS then refuses {@code PUT /api/rollout})
   */
  public RlsClient(String baseUrl, HttpClient http, Duration timeout, String adminToken) {
    String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.base = URI.create(b);
    this.http = http;
    this.timeout = timeout;
    this.adminToken = adminToken == null || adminToken.isBlank() ? null : adminToken.strip();
  }

  public URI base() {
    return base;
  }

  /** {@code GET /api/health}: true on 2xx. */
  public boolean healthy() throws IOException {
    return send(HttpRequest.newBuilder(uri("/api/health")).GET()).statusCode() / 100 == 2;
  }

  /** {@code GET /api/overview}: edgectl's gates read its {@code windows}. */
  public Overview overview() throws IOException {
    return get("/api/overview", Overview.class);
  }

  /**
   * {@code GET /api/rollout/preview}: who {@code to} would start denying, seen from {@code from}
   * with canaries split by {@code splitBy}, over {@code window} (1m, 5m or 1h).
   */
  public RolloutPreview preview(Phase from, Phase to, SplitBy splitBy, String window)
      throws IOException {
    return get(
        "/api/rollout/preview?from="
            + from.token()
            + "&to="
            + to.token()
            + "&splitBy="
            + splitBy.token()
            + "&window="
            + window,
        RolloutPreview.class);
  }

  /** The IDs of every tenant the RLS knows, from {@code GET /api/tenants} (one page: all). */
  public List<String> tenants() throws IOException {
    return get("/api/tenants", TenantPage.class).tenants().stream().map(TenantRow::id).toList();
  }

  /**
   * {@code PUT /api/rollout} with the phase's kind, the percent it enforces and the split, and
   * (when not null) the transition that led there and edgectl's gate thresholds, for the RLS'
   * rollout page.
   *
   * @throws IOException when the RLS refuses it, with the RLS' own message and problems
   */
  public void putRollout(Phase phase, SplitBy splitBy, RolloutEvent event, GateThresholds gates)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("phase", phase.kind().token());
    body.put("percent", phase.percent());
    body.put("splitBy", splitBy.token());
    if (event != null) {
      body.put("event", event);
    }
    if (gates != null) {
      body.put("gates", gates);
    }
    HttpRequest.Builder put =
        HttpRequest.newBuilder(uri("/api/rollout"))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (adminToken != null) {
      put.header("Authorization", "Bearer " + adminToken);
    }
    HttpResponse<String> r = send(put);
    if (r.statusCode() == 400
        && (event != null || gates != null)
        && r.body().contains("unknown field")
        && (r.body().contains("event:") || r.body().contains("gates:"))) {
      // an RLS from before the rollout page: the phase alone, which it knows
      putRollout(phase, splitBy, null, null);
      return;
    }
    if (r.statusCode() / 100 != 2) {
      throw new IOException(
          "PUT "
              + uri("/api/rollout")
              + " answered "
              + r.statusCode()
              + problem(r)
              + (r.statusCode() == 401 || r.statusCode() == 403
                  ? " (set the RLS admin token in $"
                      + "EDGECTL_RLS_ADMIN_TOKEN or rls.adminTokenEnv)"
                  : ""));
    }
  }

  private <T> T get(String path, Class<T> type) throws IOException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri(path)).GET());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("GET " + uri(path) + " answered " + r.statusCode() + problem(r));
    }
    return JSON.readValue(r.body(), type);
  }

  /** The admin API's own message and problems, when the body is its error JSON; else nothing. */
  private static String problem(HttpResponse<String> r) {
    try {
      Problem p = JSON.readValue(r.body(), Problem.class);
      if (p.message() == null || p.message().isBlank()) {
        return "";
      }
      return ": " + p.message() + (p.problems().isEmpty() ? "" : " " + p.problems());
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws IOException {
    try {
      return http.send(b.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
