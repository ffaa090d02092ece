package io.mimiredge.rls.metrics;

import io.dropwizard.core.setup.Environment;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.internal.Periodic;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.source.ReloadListener;
import io.mimiredge.rls.overload.DoorLimiter;
import io.mimiredge.rls.overload.Overload;
import io.mimiredge.rls.remotewrite.Violation;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import io.mimiredge.rls.tls.ServerTls;
import io.mimiredge.rls.upstream.UpstreamObserver;
import io.mimiredge.rls.upstream.UpstreamResponse;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The RLS's Prometheus metrics ({@code rls_*}), fed by the doors ({@link DecisionRecorder}), the
 * limits source ({@link ReloadListener}) and the upstream client ({@link UpstreamObserver}). Label
 * values are bounded: doors, verdicts, reasons, item kinds, status codes, and tenant names only for
 * the busiest {@code topTenants} (others are {@code tenant="other"}). Never a label value or byte
 * of a request body. Thread-safe.
 */
public final class RlsMetrics implements DecisionRecorder, ReloadListener, UpstreamObserver {
  /** Decision latency buckets (seconds), dense below the 10 ms budget. */
  private static final double[] CHECK_BUCKETS = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1
  };

  private static final double[] BODY_BUCKETS = {
    1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20
  };

  private static final double[] UPSTREAM_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  private final PrometheusRegistry registry;
  private final Counter decisions;
  private final Histogram checkDuration;
  private final Counter items;
  private final Histogram bodyBytes;
  private final Counter parseErrors;
  private final Counter notCounted;
  private final Counter protocols;
  private final Counter invalid;
  private final CounterDataPoint[] invalidPoints = new CounterDataPoint[Violation.values().length];
  private final Counter tenantDecisions;
  private final Counter tenantItems;
  private final Counter reloads;
  private final Gauge lastSuccess;
  private final Gauge tenantsWithOverrides;
  private final Counter upstreamRequests;
  private final Histogram upstreamDuration;
  private final TopTenants topTenants;

  /** Cached data points per (door, verdict, reason): the hot path does no map lookup. */
  private final CounterDataPoint[][][] decisionPoints =
      new CounterDataPoint[Door.values().length][Verdict.values().length][Reason.values().length];

  private final Counter adminAuthFailures;

  private final java.util.Map<String, ServerTls> tlsDoors =
      new java.util.concurrent.ConcurrentSkipListMap<>();

  private final Counter shed;
  private final java.util.Map<String, DoorLimiter> limiters =
      new java.util.concurrent.ConcurrentSkipListMap<>();

  /**
   * The service's metrics, served: a registry with the JVM's and Jetty's metrics beside the RLS's,
   * {@code /metrics} on the application port (NGINX's and Prometheus' scrapes), and the busiest
   * tenants re-ranked every minute.
   */
  public static RlsMetrics serve(Environment environment, int topTenants) {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    // Jetty's own metrics (requests, responses by class, threads) from Dropwizard's registry.
    DropwizardExports.builder()
        .dropwizardRegistry(environment.metrics())
        .metricFilter((name, metric) -> name.contains("jetty"))
        .register(registry);
    RlsMetrics metrics = new RlsMetrics(registry, topTenants);
    environment
        .servlets()
        .addServlet("prometheus-metrics", new PrometheusMetricsServlet(registry))
        .addMapping("/metrics");
    environment
        .lifecycle()
        .manage(new Periodic("top-tenants", Duration.ofMinutes(1), metrics::rotateTenants));
    return metrics;
  }

  /**
   * @param registry where the metrics go (the one {@code /metrics} serves)
   * @param topTenants how many tenants get their own {@code tenant} label
   */
  public RlsMetrics(PrometheusRegistry registry, int topTenants) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.topTenants = new TopTenants(topTenants);
    adminAuthFailures =
        Counter.builder()
            .name("rls_admin_auth_failures_total")
            .help("Admin API changes refused for a missing or wrong bearer token")
            .register(registry);
    shed =
        Counter.builder()
            .name("rls_shed_total")
            .help(
                "Requests refused at once because a door was at its concurrency limit (cause"
                    + " concurrency) or the forwards to the distributor at their bound (forwards)")
            .labelNames("door", "cause")
            .register(registry);
    GaugeWithCallback.builder()
        .name("rls_concurrency_limit")
        .help("How many requests a door works on at once before it refuses (adaptive or fixed)")
        .labelNames("door")
        .callback(cb -> limiters.values().forEach(l -> cb.call(l.limit(), l.door())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("rls_in_flight")
        .help("Requests a door is working on now (forwards: waiting for the distributor)")
        .labelNames("door")
        .callback(cb -> limiters.values().forEach(l -> cb.call(l.inFlight(), l.door())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("rls_tls_certificate_expiry_seconds")
        .help(
            "Seconds until the certificate a TLS door serves expires (negative once it has), by"
                + " door")
        .labelNames("door")
        .callback(cb -> tlsDoors.values().forEach(t -> cb.call(t.secondsToExpiry(), t.door())))
        .register(registry);
    decisions =
        Counter.builder()
            .name("rls_decisions_total")
            .help("Decisions made, by door, decision (allow, deny, shadow_deny) and reason")
            .labelNames("door", "decision", "reason")
            .register(registry);
    checkDuration =
        Histogram.builder()
            .name("rls_check_duration_seconds")
            .help("Time from the body in hand to the decision, by door")
            .labelNames("door")
            .classicOnly()
            .classicUpperBounds(CHECK_BUCKETS)
            .register(registry);
    items =
        Counter.builder()
            .name("rls_items_total")
            .help(
                "Items in decided requests, by kind (float_samples, histograms, exemplars,"
                    + " metadata) and decision")
            .labelNames("kind", "decision")
            .register(registry);
    bodyBytes =
        Histogram.builder()
            .name("rls_body_bytes")
            .help("Compressed size of scanned push bodies, by door")
            .labelNames("door")
            .classicOnly()
            .classicUpperBounds(BODY_BUCKETS)
            .register(registry);
    parseErrors =
        Counter.builder()
            .name("rls_parse_errors_total")
            .help("Push bodies that are not valid snappy-compressed remote-write protobuf, by door")
            .labelNames("door")
            .register(registry);
    notCounted =
        Counter.builder()
            .name("rls_not_counted_items_total")
            .help(
                "Items of decided requests that Mimir would not count against the ingestion"
                    + " rate, by why (invalid, duplicate_timestamp, exemplars_cleared,"
                    + " exemplars_dropped, ha_deduped)")
            .labelNames("why")
            .register(registry);
    protocols =
        Counter.builder()
            .name("rls_scanned_requests_total")
            .help(
                "Push bodies scanned, by write protocol (rw1: remote write 1.0, rw2: 2.0, otlp) and"
                    + " decision")
            .labelNames("protocol", "decision")
            .register(registry);
    invalid =
        Counter.builder()
            .name("rls_invalid_series_total")
            .help(
                "Series and metadata entries Mimir would drop as invalid, by reason (Mimir's"
                    + " discarded-samples reasons, metadata_* for metadata)")
            .labelNames("reason")
            .register(registry);
    tenantDecisions =
        Counter.builder()
            .name("rls_tenant_decisions_total")
            .help("Decisions by tenant (the busiest tenants; the rest as tenant=\"other\")")
            .labelNames("tenant", "decision")
            .register(registry);
    tenantItems =
        Counter.builder()
            .name("rls_tenant_items_total")
            .help("Items by tenant (the busiest tenants; the rest as tenant=\"other\")")
            .labelNames("tenant", "decision")
            .register(registry);
    reloads =
        Counter.builder()
            .name("rls_limits_reload_total")
            .help("Loads of the limits source, by result (success, error)")
            .labelNames("result")
            .register(registry);
    reloads.initLabelValues("success");
    reloads.initLabelValues("error");
    lastSuccess =
        Gauge.builder()
            .name("rls_limits_last_success_timestamp_seconds")
            .help("When the limits in force were loaded (Unix time)")
            .register(registry);
    tenantsWithOverrides =
        Gauge.builder()
            .name("rls_limits_tenants")
            .help("Tenants with overrides in the limits source")
            .register(registry);
    upstreamRequests =
        Counter.builder()
            .name("rls_upstream_requests_total")
            .help(
                "Pushes forwarded upstream, by the status the client got and outcome (response,"
                    + " connect_error, timeout, error)")
            .labelNames("code", "outcome")
            .register(registry);
    upstreamDuration =
        Histogram.builder()
            .name("rls_upstream_duration_seconds")
            .help("Time from forwarding a push to the upstream's answer or the failure")
            .labelNames("outcome")
            .classicOnly()
            .classicUpperBounds(UPSTREAM_BUCKETS)
            .register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** A request refused at a door's limit ({@link DoorLimiter.ShedListener}). */
  public void shed(String door, String cause) {
    shed.labelValues(door, cause).inc();
  }

  /**
   * The doors' limits and what holds a permit now, read at each scrape: {@code
   * rls_concurrency_limit{door}} and {@code rls_in_flight{door}}; {@code rls_shed_total} starts at
   * 0 for each door.
   */
  public void registerOverload(Overload overload) {
    for (DoorLimiter l : overload.all()) {
      limiters.put(l.door(), l);
      shed.initLabelValues(l.door(), l.cause());
    }
  }

  /** One admin change refused for a missing or wrong token. */
  public void adminAuthFailure() {
    adminAuthFailures.inc();
  }

  /**
   * Adds a door's served certificate to {@code rls_tls_certificate_expiry_seconds{door}}: seconds
   * until it expires, read at each scrape (so a rotation shows at once).
   */
  public void registerTls(ServerTls door) {
    tlsDoors.put(door.door(), door);
  }

  @Override
  public void record(Door door, Decision decision, long durationNanos) {
    String verdict = decision.verdict().label();
    decisionPoint(door, decision).inc();
    checkDuration.labelValues(door.label()).observe(durationNanos / 1e9);
    if (decision.reason() == Reason.BAD_BODY) {
      parseErrors.labelValues(door.label()).inc();
    }
    WriteRequestStats s = decision.stats();
    if (s != null) {
      bodyBytes.labelValues(door.label()).observe(s.compressedBytes());
      protocols.labelValues(s.protocol().label(), verdict).inc();
      add(items, "float_samples", verdict, s.floatSamples());
      add(items, "histograms", verdict, s.histograms());
      add(items, "exemplars", verdict, s.exemplars());
      add(items, "metadata", verdict, s.metadata());
      notCounted(decision, s);
    }
    if (decision.tenant() != null) {
      String tenant = topTenants.label(decision.tenant(), decision.items() + 1);
      tenantDecisions.labelValues(tenant, verdict).inc();
      if (decision.items() > 0) {
        tenantItems.labelValues(tenant, verdict).inc(decision.items());
      }
    }
  }

  private CounterDataPoint decisionPoint(Door door, Decision d) {
    CounterDataPoint[] byReason = decisionPoints[door.ordinal()][d.verdict().ordinal()];
    CounterDataPoint p = byReason[d.reason().ordinal()];
    if (p == null) {
      p = decisions.labelValues(door.label(), d.verdict().label(), d.reason().label());
      byReason[d.reason().ordinal()] = p; // a benign race: labelValues returns the same point
    }
    return p;
  }

  /** What Mimir would not count of a scanned request, and why. */
  private void notCounted(Decision d, WriteRequestStats s) {
    if (d.reason() == Reason.HA_DEDUPED) {
      inc(notCounted, "ha_deduped", s.receivedItems());
      return; // a replica Mimir deduplicates: nothing of it reaches validation
    }
    inc(notCounted, "invalid", s.droppedSamples() + s.invalidMetadata());
    inc(notCounted, "duplicate_timestamp", s.duplicateSamples());
    inc(notCounted, "exemplars_cleared", s.exemplarsCleared());
    inc(notCounted, "exemplars_dropped", s.exemplarsDropped());
    if (s.hasViolations()) {
      for (Violation v : Violation.values()) {
        long n = s.violations(v);
        if (n > 0) {
          CounterDataPoint p = invalidPoints[v.ordinal()];
          if (p == null) {
            p = invalid.labelValues(v.label());
            invalidPoints[v.ordinal()] = p;
          }
          p.inc(n);
        }
      }
    }
  }

  private static void inc(Counter c, String label, long n) {
    if (n > 0) {
      c.labelValues(label).inc(n);
    }
  }

  private static void add(Counter c, String kind, String verdict, long n) {
    if (n > 0) {
      c.labelValues(kind, verdict).inc(n);
    }
  }

  /**
   * Re-picks the busiest tenants (call it periodically, e.g. every minute); the series of tenants
   * that lost their own label are removed.
   */
  public void rotateTenants() {
    for (String tenant : topTenants.rotate()) {
      for (Verdict v : Verdict.values()) {
        tenantDecisions.remove(tenant, v.label());
        tenantItems.remove(tenant, v.label());
      }
    }
  }

  @Override
  public void loaded(Instant at, Overrides overrides) {
    reloads.labelValues("success").inc();
    lastSuccess.set(at.toEpochMilli() / 1000.0);
    tenantsWithOverrides.set(overrides.tenants().size());
  }

  @Override
  public void failed(Instant at, List<String> problems) {
    reloads.labelValues("error").inc();
  }

  @Override
  public void exchanged(UpstreamResponse.Outcome outcome, int status, long durationNanos) {
    upstreamRequests.labelValues(Integer.toString(status), outcome.label()).inc();
    upstreamDuration.labelValues(outcome.label()).observe(durationNanos / 1e9);
  }
}
