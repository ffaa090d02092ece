package io.mimiredge.rls.enforce;

/** The ways a request reaches the RLS; a label on every decision metric. */
public enum Door {
  /** {@code POST /api/v1/push}: enforce, then forward to the distributor. */
  HTTP_PUSH("http_push"),
  /** {@code POST /shadow/api/v1/push}: NGINX's mirror; evaluate as shadow, never forward. */
  SHADOW("shadow"),
  /** Envoy's {@code envoy.service.auth.v3.Authorization/Check}. */
  EXT_AUTHZ("ext_authz"),
  /** Envoy's {@code envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit}. */
  RATELIMIT("ratelimit");

  private final String label;

  Door(String label) {
    this.label = label;
  }

  /** The stable label used in metrics, logs and the admin API. */
  public String label() {
    return label;
  }
}
