package io.mimiredge.edgectl.gate;

import io.mimiredge.api.admin.Overview;
import io.mimiredge.api.admin.Window;
import io.mimiredge.edgectl.config.Durations;
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
    Window w = o.windows().get(key);
    if (w == null) {
      throw new IOException(
          "RLS overview has no window '"
              + key
              + "' (has "
              + o.windows().keySet()
              + "; set gates.window)");
    }
    double requests = w.requests();
    boolean traffic = requests > 0;
    Double errorRate = traffic ? w.errors() / requests : null;
    Double denyRate = traffic ? (w.deniedTotal() + w.shadowDenied()) / requests : null;
    Double p99 =
        w.latency() == null || w.latency().p99Ms() == null ? null : w.latency().p99Ms() / 1000.0;
    return new Readings(requests, errorRate, p99, denyRate);
  }
}
