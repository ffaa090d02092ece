package io.mimiredge.rls.overload;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The doors' concurrency limits: the HTTP pass-through doors ({@code push}: remote write and OTLP),
 * the HTTP shadow doors ({@code shadow}), Envoy's gRPC doors ({@code grpc}), each adaptive, and the
 * pass-through doors' forwards to the distributor in flight ({@code forwards}, fixed: what bounds
 * it is the distributor, not this process). A refusal answers at once: HTTP 503 with {@code
 * Retry-After: retryAfter}, gRPC {@code UNAVAILABLE}.
 */
public record Overload(
    DoorLimiter push,
    DoorLimiter shadow,
    DoorLimiter grpc,
    DoorLimiter forwards,
    Duration retryAfter) {
  public Overload {
    Objects.requireNonNull(push, "push");
    Objects.requireNonNull(shadow, "shadow");
    Objects.requireNonNull(grpc, "grpc");
    Objects.requireNonNull(forwards, "forwards");
    Objects.requireNonNull(retryAfter, "retryAfter");
  }

  /** Every limiter, for metrics and the overview. */
  public List<DoorLimiter> all() {
    return List.of(push, shadow, grpc, forwards);
  }

  /** {@code Retry-After}'s value: whole seconds, at least 1. */
  public String retryAfterSeconds() {
    return Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
  }
}
