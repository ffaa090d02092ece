package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Decision latency percentiles in milliseconds; null without decisions. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Latency(Double p50Ms, Double p99Ms, long count) {}
