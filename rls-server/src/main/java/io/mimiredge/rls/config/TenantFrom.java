package io.mimiredge.rls.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.mimiredge.rls.enforce.TenantResolver;

/** Where the tenant ID of an HTTP request comes from ({@code tenantFrom}). */
public enum TenantFrom {
  /** The tenant header ({@code tenantHeader}, X-Scope-OrgID by default), as Mimir reads it. */
  HEADER("header"),
  /**
   * The user name of HTTP basic auth, the way Mimir's gateway maps it, read by Go's {@code
   * parseBasicAuth} at every door ({@link io.mimiredge.rls.enforce.TenantResolver}); the tenant
   * header is then set on the forwarded request.
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

  /** The resolver this choice names, with the configured {@code tenantHeader}. */
  public TenantResolver resolver(String tenantHeader) {
    return this == BASIC_AUTH_USER
        ? TenantResolver.basicAuthUser(tenantHeader)
        : TenantResolver.header(tenantHeader);
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
