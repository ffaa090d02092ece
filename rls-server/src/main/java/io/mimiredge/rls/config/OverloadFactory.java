package io.mimiredge.rls.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import io.mimiredge.rls.overload.DoorLimiter;
import io.mimiredge.rls.overload.Overload;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@code overload:} how many requests each door works on at once, and what happens past it: a
 * refusal at once (HTTP 503 with {@code Retry-After}, gRPC {@code UNAVAILABLE}, which Envoy turns
 * into its {@code failure_mode_allow} decision), counted in {@code rls_shed_total{door,cause}}.
 *
 * <pre>
 * overload:
 *   limit: adaptive      # adaptive (Netflix concurrency-limits' Gradient2) or fixed (maxLimit)
 *   initialLimit: 128    # per door, where the adaptive limit starts
 *   minLimit: 64         # the adaptive limit never goes below it: room for a GC pause's arrivals
 *   maxLimit: 512        # nor above it (and the fixed limit)
 *   maxForwards: 512     # pass-through forwards to the distributor in flight, past it 503 at once
 *   retryAfter: 1s
 * </pre>
 */
public class OverloadFactory {
  @NotNull
  @Pattern(regexp = "adaptive|fixed", message = "must be adaptive or fixed")
  private String limit = "adaptive";

  @Min(1)
  @Max(100_000)
  private int initialLimit = 128;

  @Min(1)
  @Max(100_000)
  private int minLimit = 64;

  @Min(1)
  @Max(100_000)
  private int maxLimit = 512;

  @Min(1)
  @Max(1_000_000)
  private int maxForwards = 512;

  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.SECONDS)
  private Duration retryAfter = Duration.seconds(1);

  /** {@code adaptive} (default) or {@code fixed}. */
  @JsonProperty
  public String getLimit() {
    return limit;
  }

  @JsonProperty
  public void setLimit(String limit) {
    this.limit = limit;
  }

  @JsonProperty
  public int getInitialLimit() {
    return initialLimit;
  }

  @JsonProperty
  public void setInitialLimit(int initialLimit) {
    this.initialLimit = initialLimit;
  }

  @JsonProperty
  public int getMinLimit() {
    return minLimit;
  }

  @JsonProperty
  public void setMinLimit(int minLimit) {
    this.minLimit = minLimit;
  }

  @JsonProperty
  public int getMaxLimit() {
    return maxLimit;
  }

  @JsonProperty
  public void setMaxLimit(int maxLimit) {
    this.maxLimit = maxLimit;
  }

  /**
   * Forwards in flight to the distributor; keep it at or below the upstream client's queue (1024)
   * plus {@code upstream.maxConnections}, so that the bound, not the client, refuses.
   */
  @JsonProperty
  public int getMaxForwards() {
    return maxForwards;
  }

  @JsonProperty
  public void setMaxForwards(int maxForwards) {
    this.maxForwards = maxForwards;
  }

  @JsonProperty
  public Duration getRetryAfter() {
    return retryAfter;
  }

  @JsonProperty
  public void setRetryAfter(Duration retryAfter) {
    this.retryAfter = retryAfter;
  }

  /** The adaptive limit's bounds in order; a fixed limit is maxLimit alone. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  @ValidationMethod(message = "overload: minLimit <= initialLimit <= maxLimit")
  public boolean isOrdered() {
    return "fixed".equals(limit) || (minLimit <= initialLimit && initialLimit <= maxLimit);
  }

  /** The doors' limiters, each with its own limit of this shape. */
  public Overload build(LongSupplier nanoClock, DoorLimiter.ShedListener listener) {
    return new Overload(
        door("push", nanoClock, listener),
        door("shadow", nanoClock, listener),
        door("grpc", nanoClock, listener),
        new DoorLimiter("forwards", "forwards", FixedLimit.of(maxForwards), nanoClock, listener),
        java.time.Duration.ofMillis(retryAfter.toMilliseconds()));
  }

  private DoorLimiter door(String name, LongSupplier nanoClock, DoorLimiter.ShedListener l) {
    return new DoorLimiter(name, "concurrency", newLimit(), nanoClock, l);
  }

  private Limit newLimit() {
    if (limit.equals("fixed")) {
      return FixedLimit.of(maxLimit);
    }
    return Gradient2Limit.newBuilder()
        .initialLimit(initialLimit)
        .minLimit(minLimit)
        .maxConcurrency(maxLimit)
        .build();
  }
}
