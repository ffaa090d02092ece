package io.mimiredge.edgectl.gate;

import io.mimiredge.api.admin.RolloutPreview;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.edgectl.config.Durations;
import io.mimiredge.edgectl.rls.RlsClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks the gates of a rung. On {@code direct} the only gate is the shadow endpoint's health (the
 * next rung, mirror, only copies traffic to it); on every other rung each source's readings meet
 * each threshold. A source that cannot be read fails its gates: no data is not a pass. Thread-safe.
 */
public final class GateChecker {
  private final List<GateSource> sources;
  private final Thresholds thresholds;
  private final RlsClient rls;
  private final List<String> shadowServers;
  private final SplitBy splitBy;
  private final int connectTimeoutMillis;

  /**
   * @param rls the RLS, for shadow health on direct and the impact preview; null when none
   * @param splitBy how canaries split, for the preview
   */
  public GateChecker(
      List<GateSource> sources,
      Thresholds thresholds,
      RlsClient rls,
      List<String> shadowServers,
      SplitBy splitBy) {
    this.sources = List.copyOf(sources);
    this.thresholds = thresholds;
    this.rls = rls;
    this.shadowServers = List.copyOf(shadowServers);
    this.splitBy = splitBy;
    this.connectTimeoutMillis = 1000;
  }

  public Thresholds thresholds() {
    return thresholds;
  }

  /**
   * The gates of {@code rung}; with {@code next} (the rung a promotion would go to) and an RLS,
   * also the RLS' preview of who {@code next} would start denying, and the {@code
   * newly-denied-tenants} gate when {@code gates.maxNewlyDeniedTenants} is set. Without {@code
   * next} (the top of the ladder, a watch, a rollback) there is nothing to preview, and no such
   * gate.
   */
  public GateReport check(Phase rung, Optional<Phase> next) {
    if (rung.kind() == Phase.Kind.DIRECT) {
      return new GateReport(rung.token(), shadowHealth(), null);
    }
    List<GateResult> results = readings();
    if (next.isEmpty()) {
      return new GateReport(rung.token(), results, null);
    }
    RolloutPreview preview = null;
    String problem = "no rls.url";
    if (rls != null) {
      try {
        preview = preview(rung, next.get());
      } catch (IOException | RuntimeException e) {
        problem = "unreachable: " + e.getMessage();
      }
    }
    Integer max = thresholds.maxNewlyDeniedTenants();
    if (max != null) {
      String threshold = "<= " + max + " tenants";
      if (preview == null) {
        results.add(new GateResult("newly-denied-tenants", "rls", null, problem, threshold, false));
      } else {
        results.add(
            new GateResult(
                "newly-denied-tenants",
                "rls",
                (double) preview.tenantsDenied(),
                preview.tenantsDenied()
                    + " of "
                    + preview.tenantsReached()
                    + " at "
                    + next.get().token(),
                threshold,
                preview.tenantsDenied() <= max));
      }
    }
    return new GateReport(rung.token(), results, preview);
  }

  /**
   * The RLS' preview of who {@code to} would start denying, from {@code from}, over the gates'
   * window (when the RLS keeps it per tenant: 1m, 5m, 1h; else 5m).
   *
   * @throws IOException when there is no RLS or it does not answer
   */
  public RolloutPreview preview(Phase from, Phase to) throws IOException {
    if (rls == null) {
      throw new IOException("no rls.url");
    }
    return rls.preview(from, to, splitBy, previewWindow());
  }

  /** The gates' window when the RLS keeps it per tenant (1m, 5m, 1h), else 5m. */
  private String previewWindow() {
    String w = Durations.format(thresholds.window());
    return List.of("1m", "5m", "1h").contains(w) ? w : "5m";
  }

  private List<GateResult> shadowHealth() {
    List<GateResult> out = new ArrayList<>();
    if (rls != null) {
      String reading;
      boolean ok;
      try {
        ok = rls.healthy();
        reading = ok ? "healthy" : "unhealthy";
      } catch (IOException e) {
        ok = false;
        reading = "unreachable (" + e.getClass().getSimpleName() + ")";
      }
      out.add(
          new GateResult(
              "shadow-health", "rls " + rls.base() + "/api/health", null, reading, "2xx", ok));
    }
    for (String server : shadowServers) {
      String hostPort = server.split(" ")[0];
      int colon = hostPort.lastIndexOf(':');
      String host = colon > 0 ? hostPort.substring(0, colon) : hostPort;
      int port = colon > 0 ? Integer.parseInt(hostPort.substring(colon + 1)) : 80;
      boolean ok;
      String reading;
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
        ok = true;
        reading = "accepting";
      } catch (IOException e) {
        ok = false;
        reading = "refused/unreachable";
      }
      out.add(new GateResult("shadow-upstream", hostPort, null, reading, "accepting TCP", ok));
    }
    if (out.isEmpty()) {
      out.add(
          new GateResult(
              "shadow-health",
              "none",
              null,
              "no rls.url and no shadow upstream",
              "configured",
              false));
    }
    return out;
  }

  private List<GateResult> readings() {
    List<GateResult> out = new ArrayList<>();
    if (sources.isEmpty()) {
      out.add(
          new GateResult(
              "sources",
              "none",
              null,
              "no gate source configured",
              "rls.url or prometheus.url",
              false));
      return out;
    }
    String windowText = Durations.format(thresholds.window());
    for (GateSource s : sources) {
      Readings r;
      try {
        r = s.read(thresholds.window());
      } catch (IOException | RuntimeException e) {
        String why = "unreachable: " + e.getMessage();
        out.add(
            new GateResult(
                "requests",
                s.name(),
                null,
                why,
                ">= " + thresholds.minRequests() + " in " + windowText,
                false));
        out.add(new GateResult("error-rate", s.name(), null, why, errorThreshold(), false));
        out.add(
            new GateResult("added-latency-p99", s.name(), null, why, latencyThreshold(), false));
        out.add(new GateResult("deny-rate", s.name(), null, why, denyThreshold(), false));
        continue;
      }
      out.add(
          new GateResult(
              "requests",
              s.name(),
              r.requests(),
              r.requests() == null ? "no data" : String.format(Locale.ROOT, "%.0f", r.requests()),
              ">= " + thresholds.minRequests() + " in " + windowText,
              r.requests() != null && r.requests() >= thresholds.minRequests()));
      out.add(
          new GateResult(
              "error-rate",
              s.name(),
              r.errorRate(),
              percent(r.errorRate()),
              errorThreshold(),
              r.errorRate() != null && r.errorRate() < thresholds.maxErrorRate()));
      double maxLatency = thresholds.maxAddedLatencyP99().toNanos() / 1e9;
      out.add(
          new GateResult(
              "added-latency-p99",
              s.name(),
              r.latencyP99Seconds(),
              r.latencyP99Seconds() == null
                  ? "no data"
                  : String.format(Locale.ROOT, "%.2fms", r.latencyP99Seconds() * 1000),
              latencyThreshold(),
              r.latencyP99Seconds() != null && r.latencyP99Seconds() < maxLatency));
      out.add(
          new GateResult(
              "deny-rate",
              s.name(),
              r.denyRate(),
              percent(r.denyRate()),
              denyThreshold(),
              r.denyRate() != null && r.denyRate() <= thresholds.maxDenyRate()));
    }
    return out;
  }

  private String errorThreshold() {
    return "< " + String.format(Locale.ROOT, "%.3f%%", thresholds.maxErrorRate() * 100);
  }

  private String latencyThreshold() {
    return "< " + Durations.format(thresholds.maxAddedLatencyP99());
  }

  private String denyThreshold() {
    return "<= " + String.format(Locale.ROOT, "%.2f%%", thresholds.maxDenyRate() * 100);
  }

  private static String percent(Double fraction) {
    return fraction == null ? "no data" : String.format(Locale.ROOT, "%.3f%%", fraction * 100);
  }
}
