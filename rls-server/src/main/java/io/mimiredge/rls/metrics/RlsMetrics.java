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
import io.mimiredge.rls.remotewrite.Protocol;
import io.mimiredge.rls.remotewrite.Violation;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import io.mimiredge.rls.tls.ServerTls;
import io.mimiredge.rls.upstream.UpstreamObserver;
import io.mimiredge.rls.upstream.UpstreamResponse;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
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
import java.util.Set;

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

  /*
   * Data points cached by the ordinals of their labels: the hot path makes no label list and does
   * no map lookup (labelValues makes a list and hashes it on every call). Filled lazily; two
   * threads that race to fill one get the same point from labelValues.
   */
  private final DistributionDataPoint[] checkDurationPoints =
      new DistributionDataPoint[Door.values().length];
  private final DistributionDataPoint[] bodyBytesPoints =
      new DistributionDataPoint[Door.values().length];
  private final CounterDataPoint[] parseErrorPoints = new CounterDataPoint[Door.values().length];
  private final CounterDataPoint[][] protocolPoints =
      new CounterDataPoint[Protocol.values().length][Verdict.values().length];
  private final CounterDataPoint[][] itemPoints =
      new CounterDataPoint[ITEM_KINDS.length][Verdict.values().length];
  private final CounterDataPoint[] notCountedPoints = new CounterDataPoint[NOT_COUNTED.length];
  private final DistributionDataPoint[] upstreamDurationPoints =
      new DistributionDataPoint[UpstreamResponse.Outcome.values().length];

  /** {@code rls_upstream_requests_total}'s points by outcome, then by status (100-599). */
  private final CounterDataPoint[][] upstreamRequestPoints =
      new CounterDataPoint[UpstreamResponse.Outcome.values().length][600];

  /**
   * Per tenant label (the busiest tenants' names and "other"): its decision points by verdict, then
   * its item points by verdict. Emptied when the busiest tenants are re-picked.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, CounterDataPoint[]> tenantPoints =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final String[] ITEM_KINDS = {
    "float_samples", "histograms", "exemplars", "metadata"
  };
  private static final String[] NOT_COUNTED = {
    "ha_deduped", "invalid", "duplicate_timestamp", "exemplars_cleared", "exemplars_dropped"
  };

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
            .help(
                "Time from the body in hand to the decision, by door (ext_authz: from the"
                    + " Check read, a wait for a decision thread included)")
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
    Verdict verdict = decision.verdict();
    int d = door.ordinal();
    decisionPoint(door, decision).inc();
    DistributionDataPoint duration = checkDurationPoints[d];
    if (duration == null) {
      duration = checkDurationPoints[d] = checkDuration.labelValues(door.label());
    }
    duration.observe(durationNanos / 1e9);
    if (decision.reason() == Reason.BAD_BODY) {
      CounterDataPoint p = parseErrorPoints[d];
      if (p == null) {
        p = parseErrorPoints[d] = parseErrors.labelValues(door.label());
      }
      p.inc();
    }
    WriteRequestStats s = decision.stats();
    if (s != null) {
      DistributionDataPoint body = bodyBytesPoints[d];
      if (body == null) {
        body = bodyBytesPoints[d] = bodyBytes.labelValues(door.label());
      }
      body.observe(s.compressedBytes());
      CounterDataPoint[] byVerdict = protocolPoints[s.protocol().ordinal()];
      CounterDataPoint protocol = byVerdict[verdict.ordinal()];
      if (protocol == null) {
        protocol =
            byVerdict[verdict.ordinal()] =
                protocols.labelValues(s.protocol().label(), verdict.label());
      }
      protocol.inc();
      addItems(0, verdict, s.floatSamples());
      addItems(1, verdict, s.histograms());
      addItems(2, verdict, s.exemplars());
      addItems(3, verdict, s.metadata());
      notCounted(decision, s);
    }
    if (decision.tenant() != null) {
      String tenant = topTenants.label(decision.tenant(), decision.items() + 1);
      CounterDataPoint[] points = tenantPoints.get(tenant);
      if (points == null) {
        points = new CounterDataPoint[2 * Verdict.values().length];
        CounterDataPoint[] raced = tenantPoints.putIfAbsent(tenant, points);
        points = raced == null ? points : raced;
      }
      int v = verdict.ordinal();
      CounterDataPoint decided = points[v];
      if (decided == null) {
        decided = points[v] = tenantDecisions.labelValues(tenant, verdict.label());
      }
      decided.inc();
      if (decision.items() > 0) {
        int i = Verdict.values().length + v;
        CounterDataPoint items = points[i];
        if (items == null) {
          items = points[i] = tenantItems.labelValues(tenant, verdict.label());
        }
        items.inc(decision.items());
      }
    }
  }

  private void addItems(int kind, Verdict verdict, long n) {
    if (n > 0) {
      CounterDataPoint p = itemPoints[kind][verdict.ordinal()];
      if (p == null) {
        p =
            itemPoints[kind][verdict.ordinal()] =
                items.labelValues(ITEM_KINDS[kind], verdict.label());
      }
      p.inc(n);
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
      notCounted(0, s.receivedItems());
      return; // a replica Mimir deduplicates: nothing of it reaches validation
    }
    notCounted(1, s.droppedSamples() + s.invalidMetadata());
    notCounted(2, s.duplicateSamples());
    notCounted(3, s.exemplarsCleared());
    notCounted(4, s.exemplarsDropped());
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

  /** Adds {@code n} to {@code rls_not_counted_total{reason=NOT_COUNTED[reason]}}. */
  private void notCounted(int reason, long n) {
    if (n > 0) {
      CounterDataPoint p = notCountedPoints[reason];
      if (p == null) {
        p = notCountedPoints[reason] = notCounted.labelValues(NOT_COUNTED[reason]);
      }
      p.inc(n);
    }
  }

  /**
   * Re-picks the busiest tenants (call it periodically, e.g. every minute); the series of tenants
   * that lost their own label are removed.
   */
  public void rotateTenants() {
    Set<String> demoted = topTenants.rotate();
    if (!demoted.isEmpty()) {
      tenantPoints.clear(); // a demoted tenant's points are removed below: none may stay cached
    }
    for (String tenant : demoted) {
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
    int o = outcome.ordinal();
    if (status >= 100 && status < 600) {
      CounterDataPoint p = upstreamRequestPoints[o][status];
      if (p == null) {
        p =
            upstreamRequestPoints[o][status] =
                upstreamRequests.labelValues(Integer.toString(status), outcome.label());
      }
      p.inc();
    } else {
      upstreamRequests.labelValues(Integer.toString(status), outcome.label()).inc();
    }
    DistributionDataPoint duration = upstreamDurationPoints[o];
    if (duration == null) {
      duration = upstreamDurationPoints[o] = upstreamDuration.labelValues(outcome.label());
    }
    duration.observe(durationNanos / 1e9);
  }
}
