package io.mimiredge.edgectl.rls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mimiredge.edgectl.rollout.Phase;
import io.mimiredge.edgectl.rollout.SplitBy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
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

  /** {@code GET /api/overview}, see {@link Overview} for the fields read. */
  public Overview overview() throws IOException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/overview")).GET());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("GET " + uri("/api/overview") + " answered " + r.statusCode());
    }
    return JSON.readValue(r.body(), Overview.class);
  }

  /**
   * Tenant ids from {@code GET /api/tenants}: an array of strings, or of objects with {@code id}
   * (or {@code tenant}), or an object with such an array under {@code tenants}.
   */
  public List<String> tenants() throws IOException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/tenants")).GET());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("GET " + uri("/api/tenants") + " answered " + r.statusCode());
    }
    JsonNode n = JSON.readTree(r.body());
    if (n.isObject() && n.has("tenants")) {
      n = n.get("tenants");
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode t : n) {
      if (t.isTextual()) {
        ids.add(t.asText());
      } else if (t.has("id")) {
        ids.add(t.get("id").asText());
      } else if (t.has("tenant")) {
        ids.add(t.get("tenant").asText());
      }
    }
    return ids;
  }

  /**
   * {@code PUT /api/rollout} with {@code {"phase": "direct|mirror|canary|full", "percent": 0..100,
   * "splitBy": "tenant|request"}}; {@code percent} is the share of traffic enforced.
   */
  public void putRollout(Phase phase, SplitBy splitBy) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("phase", phase.kind().name().toLowerCase(java.util.Locale.ROOT));
    body.put("percent", phase.enforcedPercent());
    body.put("splitBy", splitBy.token());
    HttpRequest.Builder put =
        HttpRequest.newBuilder(uri("/api/rollout"))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (adminToken != null) {
      put.header("Authorization", "Bearer " + adminToken);
    }
    HttpResponse<String> r = send(put);
    if (r.statusCode() / 100 != 2) {
      throw new IOException(
          "PUT "
              + uri("/api/rollout")
              + " answered "
              + r.statusCode()
              + (r.statusCode() == 401 || r.statusCode() == 403
                  ? " (set the RLS admin token in $"
                      + "EDGECTL_RLS_ADMIN_TOKEN or rls.adminTokenEnv)"
                  : ""));
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
