package io.mimiredge.rls;

import ch.qos.logback.access.common.spi.IAccessEvent;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.core.setup.AdminFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.lifecycle.AutoCloseableManager;
import io.dropwizard.logging.common.ConsoleAppenderFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.logging.json.AccessJsonLayoutBaseFactory;
import io.dropwizard.logging.json.EventJsonLayoutBaseFactory;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import io.dropwizard.util.DataSize;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mimiredge.api.tenant.TenantFrom;
import io.mimiredge.rls.config.EnforcementFactory;
import io.mimiredge.rls.config.GrpcFactory;
import io.mimiredge.rls.config.KubernetesLimitsFactory;
import io.mimiredge.rls.config.LimitsFactory;
import io.mimiredge.rls.config.MetricsFactory;
import io.mimiredge.rls.config.OverloadFactory;
import io.mimiredge.rls.config.RedisStoreFactory;
import io.mimiredge.rls.config.ReplicasFactory;
import io.mimiredge.rls.config.RlsAdminFactory;
import io.mimiredge.rls.config.UpstreamFactory;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.StateStore;
import io.mimiredge.rls.enforce.TenantResolver;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.enforce.redis.FailoverBucketStore;
import io.mimiredge.rls.enforce.redis.RedisBucketStore;
import io.mimiredge.rls.enforce.replicas.ReplicaCount;
import io.mimiredge.rls.grpc.GrpcServer;
import io.mimiredge.rls.ha.local.LocalHaTracker;
import io.mimiredge.rls.ha.redis.RedisHaTracker;
import io.mimiredge.rls.health.LimitsHealthCheck;
import io.mimiredge.rls.http.RequestIds;
import io.mimiredge.rls.internal.Lifecycle;
import io.mimiredge.rls.internal.Periodic;
import io.mimiredge.rls.limits.LimitsSource;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.limits.source.BundledLimitsSource;
import io.mimiredge.rls.limits.source.ConfigMapLimitsSource;
import io.mimiredge.rls.limits.source.FileLimitsSource;
import io.mimiredge.rls.metrics.RlsMetrics;
import io.mimiredge.rls.otlp.OtlpScanner;
import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import io.mimiredge.rls.upstream.UpstreamObserver;
import io.mimiredge.rls.upstream.UpstreamProbe;
import io.mimiredge.rls.upstream.jetty.JettyUpstream;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The RLS configuration file ({@code server rls.yml}), validated at start. Every setting has a
 * default, and the defaults are the embedded default the jar runs on without a file: the bundled
 * example overrides, in-memory state, upstream {@code http://127.0.0.1:9009}, HTTP on 8080 (admin
 * 8081), JSON logs on the console. {@code rls-server/rls.example.yml} documents every key.
 *
 * <p>The {@code build...()} methods turn the settings into the service's parts.
 */
public class RlsConfiguration extends Configuration {
  /** How often idle buckets and HA elections are evicted. */
  private static final Duration HOUSEKEEPING = Duration.ofMinutes(1);

  @NotEmpty
  @Pattern(regexp = "[!#$%&'*+.^_`|~0-9A-Za-z-]+", message = "must be an HTTP header name")
  private String tenantHeader = "X-Scope-OrgID";

  @NotNull private TenantFrom tenantFrom = TenantFrom.HEADER;
  @NotEmpty private String noAuthTenant = TenantFrom.MIMIR_NO_AUTH_TENANT;

  @Min(1)
  @Max(10_000)
  private int replicas = 1;

  @Valid @NotNull private LimitsFactory limits = new LimitsFactory();
  @Valid @NotNull private EnforcementFactory enforcement = new EnforcementFactory();
  @Valid @NotNull private UpstreamFactory upstream = new UpstreamFactory();
  @Valid @NotNull private MetricsFactory metrics = new MetricsFactory();
  @Valid @NotNull private OverloadFactory overload = new OverloadFactory();
  @Valid @NotNull private GrpcFactory grpc = new GrpcFactory();
  @Valid private ReplicasFactory replicaDiscovery;
  @Valid private RedisStoreFactory redis;

  public RlsConfiguration() {
    setAdminFactory(new RlsAdminFactory());
    jsonLogs();
  }

  /** JSON lines on the console for the application log and the request log, unless configured. */
  private void jsonLogs() {
    if (getLoggingFactory() instanceof DefaultLoggingFactory logging) {
      ConsoleAppenderFactory<ILoggingEvent> console = new ConsoleAppenderFactory<>();
      console.setLayout(new EventJsonLayoutBaseFactory());
      logging.setAppenders(List.of(console));
    }
    if (getServerFactory() instanceof AbstractServerFactory server
        && server.getRequestLogFactory() instanceof LogbackAccessRequestLogFactory requests) {
      ConsoleAppenderFactory<IAccessEvent> console = new ConsoleAppenderFactory<>();
      AccessJsonLayoutBaseFactory layout = new AccessJsonLayoutBaseFactory();
      layout.setResponseHeaders(java.util.Set.of(RequestIds.HEADER)); // ties a request to its logs
      console.setLayout(layout);
      requests.setAppenders(List.of(console));
    }
  }

  /**
   * Sets {@code enforcement.maxRequestHeaderBytes} on every application connector (HTTP and HTTPS),
   * before the server is built.
   */
  public void applyMaxRequestHeaderBytes() {
    DataSize max = enforcement.getMaxRequestHeaderBytes();
    List<ConnectorFactory> connectors = List.of();
    if (getServerFactory() instanceof DefaultServerFactory f) {
      connectors = f.getApplicationConnectors();
    } else if (getServerFactory() instanceof SimpleServerFactory f) {
      connectors = List.of(f.getConnector());
    }
    for (ConnectorFactory c : connectors) {
      if (c instanceof HttpConnectorFactory http) {
        http.setMaxRequestHeaderSize(max);
      }
    }
  }

  /** The request header that names the tenant (and carries it upstream). */
  @JsonProperty
  public String getTenantHeader() {
    return tenantHeader;
  }

  @JsonProperty
  public void setTenantHeader(String tenantHeader) {
    this.tenantHeader = tenantHeader;
  }

  /** {@code header}, {@code basicAuthUser} or {@code none} (Mimir without multitenancy). */
  @JsonProperty
  public TenantFrom getTenantFrom() {
    return tenantFrom;
  }

  @JsonProperty
  public void setTenantFrom(TenantFrom tenantFrom) {
    this.tenantFrom = tenantFrom;
  }

  /** With {@code tenantFrom: none}, every write's tenant: Mimir's {@code no_auth_tenant}. */
  @JsonProperty
  public String getNoAuthTenant() {
    return noAuthTenant;
  }

  @JsonProperty
  public void setNoAuthTenant(String noAuthTenant) {
    this.noAuthTenant = noAuthTenant;
  }

  /** RLS replicas sharing each tenant's rates (each enforces rate / replicas). */
  @JsonProperty
  public int getReplicas() {
    return replicas;
  }

  @JsonProperty
  public void setReplicas(int replicas) {
    this.replicas = replicas;
  }

  @JsonProperty
  public LimitsFactory getLimits() {
    return limits;
  }

  @JsonProperty
  public void setLimits(LimitsFactory limits) {
    this.limits = limits;
  }

  @JsonProperty
  public EnforcementFactory getEnforcement() {
    return enforcement;
  }

  @JsonProperty
  public void setEnforcement(EnforcementFactory enforcement) {
    this.enforcement = enforcement;
  }

  @JsonProperty
  public UpstreamFactory getUpstream() {
    return upstream;
  }

  @JsonProperty
  public void setUpstream(UpstreamFactory upstream) {
    this.upstream = upstream;
  }

  /**
   * The forwards' bound must be what refuses: past the upstream client's own capacity (its
   * connections plus its queue, {@code JettyUpstream}) a forward would fail as a 502 instead.
   */
  @JsonIgnore
  @io.dropwizard.validation.ValidationMethod(
      message =
          "overload.maxForwards must not exceed what the upstream client holds:"
              + " upstream.maxConnections + max(1024, 4 x upstream.maxConnections)")
  public boolean isForwardBoundWithinTheUpstreamClient() {
    int connections = upstream.getMaxConnections();
    return overload.getMaxForwards() <= connections + Math.max(1024, 4 * connections);
  }

  /** {@code overload:} the doors' concurrency limits and what is refused past them. */
  @JsonProperty
  public OverloadFactory getOverload() {
    return overload;
  }

  @JsonProperty
  public void setOverload(OverloadFactory overload) {
    this.overload = overload;
  }

  @JsonProperty
  public MetricsFactory getMetrics() {
    return metrics;
  }

  @JsonProperty
  public void setMetrics(MetricsFactory metrics) {
    this.metrics = metrics;
  }

  @JsonProperty
  public GrpcFactory getGrpc() {
    return grpc;
  }

  @JsonProperty
  public void setGrpc(GrpcFactory grpc) {
    this.grpc = grpc;
  }

  /** Optional: follow the RLS Service's ready endpoints for the replica count. */
  @JsonProperty
  public ReplicasFactory getReplicaDiscovery() {
    return replicaDiscovery;
  }

  @JsonProperty
  public void setReplicaDiscovery(ReplicasFactory replicaDiscovery) {
    this.replicaDiscovery = replicaDiscovery;
  }

  /** Optional: exact fleet-wide buckets in Redis; absent: each replica enforces its share. */
  @JsonProperty
  public RedisStoreFactory getRedis() {
    return redis;
  }

  @JsonProperty
  public void setRedis(RedisStoreFactory redis) {
    this.redis = redis;
  }

  /**
   * Whether a decision may wait on the network: with {@code redis:} the buckets and the HA
   * elections live there. Then the gRPC doors never decide on an event loop.
   */
  public boolean decisionsMayWait() {
    return redis != null;
  }

  /** Envoy's doors (ext_authz, ratelimit, health), with the same tenant settings as HTTP's. */
  public GrpcServer buildGrpcServer(
      PushEvaluator evaluator,
      DecisionRecorder recorder,
      BooleanSupplier limitsLoaded,
      io.mimiredge.rls.overload.DoorLimiter limiter,
      org.eclipse.jetty.io.ByteBufferPool bodies)
      throws io.mimiredge.rls.tls.TlsFileException {
    return grpc.build(
        evaluator,
        recorder,
        limitsLoaded,
        buildTenantResolver(),
        limiter,
        bodies,
        decisionsMayWait());
  }

  /**
   * Dropwizard's own {@code admin:} block (tasks, health checks) also holds the admin API's
   * settings: {@link RlsAdminFactory} extends Dropwizard's {@link AdminFactory}.
   */
  @Override
  @JsonProperty("admin")
  @JsonDeserialize(as = RlsAdminFactory.class)
  public void setAdminFactory(AdminFactory admin) {
    super.setAdminFactory(admin);
  }

  @JsonIgnore
  public RlsAdminFactory getAdmin() {
    return (RlsAdminFactory) getAdminFactory();
  }

  /** The limits in force, starting from the configured defaults until the source loads. */
  public LiveLimits buildLiveLimits() {
    return new LiveLimits(limits.buildDefaults());
  }

  /**
   * The configured ConfigMap or limits file, kept current; without either, the bundled example.
   * Started and stopped with the service (a start that cannot load limits fails it), with its
   * health checks ({@code limits}, and {@code limits-kubernetes} for a ConfigMap) and a ConfigMap's
   * watch metrics registered.
   */
  public LimitsSource buildLimitsSource(
      Environment environment,
      LiveLimits live,
      Clock clock,
      RlsMetrics metrics,
      Supplier<KubernetesClient> kubernetesClient) {
    LimitsSource source;
    if (limits.getKubernetes() != null) {
      ConfigMapLimitsSource configMap =
          limits
              .getKubernetes()
              .build(kubernetesClient.get(), live, limits.buildDefaults(), clock, metrics);
      KubernetesLimitsFactory.registerMetrics(metrics.registry(), configMap);
      environment
          .healthChecks()
          .register("limits-kubernetes", KubernetesLimitsFactory.healthCheck(configMap));
      source = configMap;
    } else {
      source =
          limits
              .buildFile()
              .<LimitsSource>map(
                  (Path file) ->
                      new FileLimitsSource(
                          file,
                          limits.buildDefaults(),
                          live,
                          limits.buildReloadInterval(),
                          clock,
                          metrics))
              .orElseGet(
                  () ->
                      new BundledLimitsSource(
                          LimitsFactory.BUNDLED_RESOURCE,
                          limits.buildDefaults(),
                          live,
                          clock,
                          metrics));
    }
    environment.lifecycle().manage(Lifecycle.managed(source));
    environment.healthChecks().register("limits", new LimitsHealthCheck(source));
    return source;
  }

  /**
   * How many RLS replicas share each tenant's rates: {@code replicas}, or — with {@code
   * replicaDiscovery.service} — the ready endpoints of the RLS Service, following scaling. Started
   * with the service; its metrics registered.
   */
  public ReplicaCount buildReplicaCount(
      Environment environment,
      Supplier<KubernetesClient> kubernetesClient,
      PrometheusRegistry registry) {
    ReplicasFactory f = replicaDiscovery == null ? new ReplicasFactory() : replicaDiscovery;
    f.setCount(replicas);
    ReplicaCount count = f.build(kubernetesClient);
    environment.lifecycle().manage(Lifecycle.managed(count));
    ReplicasFactory.registerMetrics(registry, count);
    return count;
  }

  /**
   * Where the buckets and HA elections live: in this process (each replica enforces its share), or
   * with {@code redis:} shared by the fleet (exact, so the rate is not divided) with this process's
   * as the fallback while Redis is away. Idle entries are evicted every minute; a Redis connection
   * is probed, closed at stop, and has its metrics and a {@code redis} health check.
   */
  public StateStore buildStateStore(
      Environment environment,
      Clock clock,
      LongSupplier nanoClock,
      ReplicaCount replicas,
      PrometheusRegistry registry) {
    LocalBucketStore local = new LocalBucketStore(nanoClock);
    environment.lifecycle().manage(new Periodic("bucket-eviction", HOUSEKEEPING, local::evictFull));
    LocalHaTracker localHa = new LocalHaTracker(enforcement.getMaxHaClusters());
    if (redis == null) {
      environment
          .lifecycle()
          .manage(
              new Periodic("ha-eviction", HOUSEKEEPING, () -> localHa.evictIdle(clock.millis())));
      return new StateStore("local", false, local, replicas, localHa, () -> true, null);
    }
    RedisBucketStore connection = redis.buildRedisStore();
    FailoverBucketStore store =
        redis.build(connection, local, replicas, FailoverBucketStore.Listener.NONE);
    environment.lifecycle().manage(Lifecycle.managed(store));
    environment.lifecycle().manage(new AutoCloseableManager(connection));
    RedisStoreFactory.registerMetrics(registry, store);
    environment.healthChecks().register("redis", RedisStoreFactory.healthCheck(store));
    RedisHaTracker sharedHa =
        new RedisHaTracker(connection, store, localHa, enforcement.getMaxHaClusters());
    environment
        .lifecycle()
        .manage(
            new Periodic("ha-eviction", HOUSEKEEPING, () -> sharedHa.evictIdle(clock.millis())));
    // The Redis bucket is the whole fleet's (share 1); the fallback divides itself. Redis away:
    // the local share decides, and health says degraded, never down.
    return new StateStore(
        "redis",
        true,
        store,
        () -> 1,
        sharedHa,
        () -> !store.status().degraded(),
        redis.transportSecurity());
  }

  /** The enforcer for every door; {@code trafficFraction} is the rollout's share (1 without). */
  public Enforcer buildEnforcer(
      LiveLimits live, StateStore state, java.util.function.DoubleSupplier trafficFraction) {
    return Enforcer.builder()
        .overrides(live)
        .buckets(state.buckets())
        .haTracker(state.ha())
        .replicas(state.replicaShare())
        .trafficFraction(trafficFraction)
        .defaultMode(enforcement.buildMode())
        .build();
  }

  /**
   * @param wallMillis the clock samples and HA elections are judged with (Unix ms)
   */
  public PushEvaluator buildPushEvaluator(Enforcer enforcer, LongSupplier wallMillis) {
    WriteRequestScanner scanner = new WriteRequestScanner(enforcement.buildMaxDecodedBytes());
    return new PushEvaluator(
        enforcer,
        scanner,
        new OtlpScanner(scanner.maxDecodedBytes()),
        enforcement.buildMaxRequestBytes(),
        wallMillis,
        enforcement.getRetryAfterHeader().build());
  }

  public TenantResolver buildTenantResolver() {
    return TenantResolver.of(tenantFrom, tenantHeader, noAuthTenant);
  }

  /** The pooled client to the distributor. */
  public JettyUpstream buildUpstream(UpstreamObserver observer, LongSupplier nanoClock) {
    return JettyUpstream.builder()
        .baseUri(upstream.buildUri())
        .connectTimeout(upstream.buildConnectTimeout())
        .timeout(upstream.buildTimeout())
        .maxConnections(upstream.getMaxConnections())
        // what the doors read, and room for the headers the edge sets on the forward
        .maxRequestHeaderBytes(
            Math.toIntExact(enforcement.getMaxRequestHeaderBytes().toBytes() + (64 << 10)))
        .observer(observer)
        .nanoClock(nanoClock)
        .build();
  }

  public UpstreamProbe buildUpstreamProbe(Clock clock) {
    return new UpstreamProbe(
        upstream.buildUri(), upstream.buildConnectTimeout(), upstream.buildHealthCacheFor(), clock);
  }
}
