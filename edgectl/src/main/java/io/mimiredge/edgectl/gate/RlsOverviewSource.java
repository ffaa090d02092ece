package io.mimiredge.edgectl.gate;

import io.mimiredge.edgectl.config.Durations;
import io.mimiredge.edgectl.rls.Overview;
import io.mimiredge.edgectl.rls.RlsClient;
import java.io.IOException;
import java.time.Duration;

/** Readings from the RLS' {@code GET /api/overview}, window chosen by name ("5m"). */
public final class RlsOverviewSource implements GateSource {
  private final RlsClient rls;

  public RlsOverviewSource(RlsClient rls) {
    this.rls = rls;
  }

  @Override
  public String name() {
    return "rls";
  }

  @Override
  public Readings read(Duration window) throws IOException {
    Overview o = rls.overview();
    String key = Durations.format(window);
    Overview.Window w = o.windows().get(key);
    if (w == null) {
      throw new IOException(
          "RLS overview has no window '"
              + key
              + "' (has "
              + o.windows().keySet()
              + "; set gates.window)");
    }
    Double requests = w.requests() == null ? null : w.requests().doubleValue();
    boolean traffic = requests != null && requests > 0;
    Double errorRate = traffic && w.errors() != null ? w.errors() / requests : null;
    long denied = w.deniedTotal() + (w.shadowDenied() == null ? 0 : w.shadowDenied());
    Double denyRate = traffic ? denied / requests : null;
    Double p99 =
        w.latency() == null || w.latency().p99Ms() == null ? null : w.latency().p99Ms() / 1000.0;
    return new Readings(requests, errorRate, p99, denyRate);
  }
}
