package io.mimiredge.rls.health;

import com.codahale.metrics.health.HealthCheck;
import io.mimiredge.rls.upstream.UpstreamProbe;
import java.util.Objects;

/** Opens a TCP connection to the upstream now. */
public final class UpstreamHealthCheck extends HealthCheck {
  private final UpstreamProbe probe;

  public UpstreamHealthCheck(UpstreamProbe probe) {
    this.probe = Objects.requireNonNull(probe, "probe");
  }

  @Override
  protected Result check() {
    UpstreamProbe.Result r = probe.checkNow();
    return r.reachable()
        ? Result.healthy("upstream " + probe.uri() + " accepts connections")
        : Result.unhealthy(r.error());
  }
}
