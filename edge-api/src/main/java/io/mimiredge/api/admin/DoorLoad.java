package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A door's concurrency limit now, what holds a permit, and how many requests it refused since the
 * start ({@code forwards}: the pass-through doors' forwards to the distributor).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DoorLoad(int limit, int inFlight, long shed) {}
