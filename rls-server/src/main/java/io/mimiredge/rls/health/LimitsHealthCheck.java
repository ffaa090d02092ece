package io.mimiredge.rls.health;

import com.codahale.metrics.health.HealthCheck;
import io.mimiredge.rls.limits.LimitsSource;
import java.util.Objects;
import java.util.Optional;

/** Reads the limits source again and reports whether the limits in force are its latest. */
public final class LimitsHealthCheck extends HealthCheck {
  private final LimitsSource source;

  public LimitsHealthCheck(LimitsSource source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  @Override
  protected Result check() {
    Optional<String> problem = source.check();
    return problem.isEmpty()
        ? Result.healthy("limits from " + source.location())
        : Result.unhealthy(problem.get());
  }
}
