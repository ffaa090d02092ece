package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Map;

/**
 * {@code GET /api/health}: 200 when {@code status} is {@code ok}, 503 otherwise, with this body
 * either way. Registered servers ({@code "grpc": {"serving": true}}) are further top-level keys.
 *
 * @param stateStore the token buckets' store; absent when none is registered
 * @param tls each TLS door's certificate; absent without TLS
 */
@JsonPropertyOrder({"status", "limits", "upstream", "stateStore", "tls"})
public record Health(
    @JsonProperty("status") Status status,
    @JsonProperty("limits") Limits limits,
    @JsonProperty("upstream") Upstream upstream,
    @JsonProperty("stateStore") @JsonInclude(JsonInclude.Include.NON_NULL) StateStore stateStore,
    @JsonProperty("tls") @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Tls> tls,
    @JsonIgnore Map<String, Serving> servers) {

  /** Overall status: {@code ok} only when everything is; {@code degraded} still enforces. */
  public enum Status {
    OK("ok"),
    /** Enforcing, but on old limits (the last reload failed) or with the upstream unreachable. */
    DEGRADED("degraded"),
    /** No limits yet, or a registered server not serving. */
    DOWN("down");

    private final String label;

    Status(String label) {
      this.label = label;
    }

    @JsonValue
    public String label() {
      return label;
    }
  }

  /** HTTP 200 only when everything is fine. */
  public boolean healthy() {
    return status == Status.OK;
  }

  @JsonAnyGetter
  public Map<String, Serving> serversByName() {
    return servers;
  }

  /**
   * The limits: loaded, from where, the last reload; {@code transport} (absent for a file) is how a
   * remote source is reached: {@code plaintext}, {@code tls} or {@code tls-unverified}.
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Limits(
      boolean loaded,
      String source,
      String lastSuccess,
      String lastAttempt,
      String lastError,
      @JsonInclude(JsonInclude.Include.NON_NULL) String transport) {}

  /** The distributor admitted pushes go to: reachable at the last (cached) TCP connect. */
  public record Upstream(String url, boolean reachable, String checkedAt, String error) {}

  /** The token buckets' state store. */
  public record StateStore(
      String type,
      boolean shared,
      boolean reachable,
      @JsonInclude(JsonInclude.Include.NON_NULL) String transport) {}

  /**
   * A door's TLS: the served certificate's subject and expiry, whether client certificates are
   * required, and what is wrong with the files on disk (null when nothing).
   */
  public record Tls(String certificate, String expires, boolean clientAuth, String problem) {}

  /** A registered server. */
  public record Serving(boolean serving) {}
}
