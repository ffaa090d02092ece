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
  BASIC_AUTH_USER("basicAuthUser");

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
        "tenantFrom must be header or basicAuthUser, got '" + text + "'");
  }
}
