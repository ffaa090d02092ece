package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A busy tenant, for the overview. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TenantRate(
    String id, double requestsPerSecond, double itemsPerSecond, long denied5m) {}
