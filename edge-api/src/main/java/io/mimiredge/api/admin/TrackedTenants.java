package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** How many tenants have traffic statistics, and the most that are kept. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrackedTenants(int tracked, int max) {}
