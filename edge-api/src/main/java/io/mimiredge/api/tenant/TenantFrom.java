package io.mimiredge.api.tenant;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where the tenant ID of a write comes from: the RLS reads it so ({@code tenantFrom} in rls.yml),
 * and edgectl's NGINX splits a canary by tenant on the same value ({@code nginx.tenantFrom}).
 */
public enum TenantFrom {
  /** The tenant header ({@code tenantHeader}, X-Scope-OrgID by default), as Mimir reads it. */
  HEADER("header"),
  /**
   * The user name of HTTP basic auth, the way Mimir's gateway maps it (the RLS reads it as Go's
   * {@code parseBasicAuth} does at every door, and sets the tenant header on what it forwards;
   * NGINX splits on {@code $remote_user}).
   */
  BASIC_AUTH_USER("basicAuthUser"),
  /**
   * None: Mimir runs with {@code multitenancy_enabled: false}, and its auth middleware gives every
   * request its {@code no_auth_tenant} ({@code anonymous} by default), whatever headers it has
   * ({@code pkg/util/noauth}). The RLS judges every write as that tenant; a canary can only be
   * split by request.
   */
  NONE("none");

  /** Mimir's {@code -auth.no-auth-tenant} default. */
  public static final String MIMIR_NO_AUTH_TENANT = "anonymous";

  private final String yaml;

  TenantFrom(String yaml) {
    this.yaml = yaml;
  }

  @JsonValue
  public String yaml() {
    return yaml;
  }

  @JsonCreator
  public static TenantFrom fromYaml(String text) {
    for (TenantFrom t : values()) {
      if (t.yaml.equalsIgnoreCase(text)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "tenantFrom must be header, basicAuthUser or none, got '" + text + "'");
  }
}
