package io.mimiredge.rls.grpc;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Where a push request's tenant ID comes from. */
public enum TenantFrom {
  /** The tenant header ({@code X-Scope-OrgID} unless configured otherwise), as Mimir reads it. */
  HEADER("header"),
  /**
   * The user name of HTTP basic auth ({@code Authorization: Basic base64(user:password)}), the way
   * Mimir's gateway maps an authenticated user to a tenant.
   */
  BASIC_AUTH_USER("basicAuthUser");

  private final String configName;

  TenantFrom(String configName) {
    this.configName = configName;
  }

  /** The name used in configuration files. */
  @JsonValue
  public String configName() {
    return configName;
  }

  /** Parses a configuration name ({@code header}, {@code basicAuthUser}). */
  @JsonCreator
  public static TenantFrom fromConfig(String name) {
    for (TenantFrom t : values()) {
      if (t.configName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "tenantFrom must be one of "
            + Arrays.stream(values()).map(TenantFrom::configName).collect(Collectors.joining(", "))
            + ", got '"
            + name
            + "'");
  }
}
