package io.mimiredge.rls;

import ch.qos.logback.access.common.spi.IAccessEvent;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.AdminFactory;
import io.dropwizard.logging.common.ConsoleAppenderFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.logging.json.AccessJsonLayoutBaseFactory;
import io.dropwizard.logging.json.EventJsonLayoutBaseFactory;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mimiredge.rls.admin.AdminConfig;
import io.mimiredge.rls.config.EnforcementConfig;
import io.mimiredge.rls.config.LimitsConfig;
import io.mimiredge.rls.config.MetricsConfig;
import io.mimiredge.rls.config.OverloadConfig;
import io.mimiredge.rls.config.TenantFrom;
import io.mimiredge.rls.config.UpstreamConfig;
import io.mimiredge.rls.enforce.BucketStore;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.TenantResolver;
import io.mimiredge.rls.enforce.redis.FailoverBucketStore;
import io.mimiredge.rls.enforce.redis.RedisBucketStore;
import io.mimiredge.rls.enforce.redis.RedisStoreFactory;
import io.mimiredge.rls.enforce.replicas.ReplicaCount;
import io.mimiredge.rls.enforce.replicas.ReplicasFactory;
import io.mimiredge.rls.grpc.GrpcConfig;
import io.mimiredge.rls.grpc.GrpcServer;
import io.mimiredge.rls.ha.HaTracker;
import io.mimiredge.rls.ha.local.LocalHaTracker;
import io.mimiredge.rls.ha.redis.RedisHaTracker;
import io.mimiredge.rls.http.RequestIds;
import io.mimiredge.rls.limits.LimitsSource;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.limits.source.BundledLimitsSource;
import io.mimiredge.rls.limits.source.FileLimitsSource;
import io.mimiredge.rls.limits.source.ReloadListener;
import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import io.mimiredge.rls.upstream.UpstreamObserver;
import io.mimiredge.rls.upstream.UpstreamProbe;
import io.mimiredge.rls.upstream.jetty.JettyUpstream;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
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
  @NotEmpty
  @Pattern(regexp = "[!#$%&'*+.^_`|~0-9A-Za-z-]+", message = "must be an HTTP header name")
  private String tenantHeader = "X-Scope-OrgID";

  @NotNull private TenantFrom tenantFrom = TenantFrom.HEADER;

  @Min(1)
  @Max(10_000)
  private int replicas = 1;

  @Valid @NotNull private LimitsConfig limits = new LimitsConfig();
  @Valid @NotNull private EnforcementConfig enforcement = new EnforcementConfig();
  @Valid @NotNull private UpstreamConfig upstream = new UpstreamConfig();
  @Valid @NotNull private MetricsConfig metrics = new MetricsConfig();
  @Valid @NotNull private OverloadConfig overload = new OverloadConfig();
  @Valid @NotNull private GrpcConfig grpc = new GrpcConfig();
  @Valid private ReplicasFactory replicaDiscovery;
  @Valid private RedisStoreFactory redis;

  public RlsConfiguration() {
    setAdminFactory(new AdminConfig());
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

  /** The request header that names the tenant (and carries it upstream). */
  @JsonProperty
  public String getTenantHeader() {
    return tenantHeader;
  }

  @JsonProperty
  public void setTenantHeader(String tenantHeader) {
    this.tenantHeader = tenantHeader;
  }

  /** {@code header} or {@code basicAuthUser}. */
  @JsonProperty
  public TenantFrom getTenantFrom() {
    return tenantFrom;
  }

  @JsonProperty
  public void setTenantFrom(TenantFrom tenantFrom) {
    this.tenantFrom = tenantFrom;
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
  public LimitsConfig getLimits() {
    return limits;
  }

  @JsonProperty
  public void setLimits(LimitsConfig limits) {
    this.limits = limits;
  }

  @JsonProperty
  public EnforcementConfig getEnforcement() {
    return enforcement;
  }

  @JsonProperty
  public void setEnforcement(EnforcementConfig enforcement) {
    this.enforcement = enforcement;
  }

  @JsonProperty
  public UpstreamConfig getUpstream() {
    return upstream;
  }

  @JsonProperty
  public void setUpstream(UpstreamConfig upstream) {
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
  public OverloadConfig getOverload() {
    return overload;
  }

  @JsonProperty
  public void setOverload(OverloadConfig overload) {
    this.overload = overload;
  }

  @JsonProperty
  public MetricsConfig getMetrics() {
    return metrics;
  }

  @JsonProperty
  public void setMetrics(MetricsConfig metrics) {
    this.metrics = metrics;
  }

  @JsonProperty
  public GrpcConfig getGrpc() {
    return grpc;
  }

  @JsonProperty
  public void setGrpc(GrpcConfig grpc) {
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

  /** Envoy's doors (ext_authz, ratelimit, health), with the same tenant settings as HTTP's. */
  public GrpcServer buildGrpcServer(
      PushEvaluator evaluator,
      DecisionRecorder recorder,
      BooleanSupplier limitsLoaded,
      io.mimiredge.rls.overload.DoorLimiter limiter)
      throws io.mimiredge.rls.tls.TlsFileException {
    return grpc.build(evaluator, recorder, limitsLoaded, tenantHeader, tenantFrom, limiter);
  }

  /**
   * Dropwizard's own {@code admin:} block (tasks, health checks) also holds the admin API's
   * settings: {@link AdminConfig} extends Dropwizard's {@link AdminFactory}.
   */
  @Override
  @JsonProperty("admin")
  @JsonDeserialize(as = AdminConfig.class)
  public void setAdminFactory(AdminFactory admin) {
    super.setAdminFactory(admin);
  }

  @JsonIgnore
  public AdminConfig getAdmin() {
    return (AdminConfig) getAdminFactory();
  }

  /** The limits in force, starting from the configured defaults until the source loads. */
  public LiveLimits buildLiveLimits() {
    return new LiveLimits(limits.buildDefaults());
  }

  /** The configured ConfigMap or limits file, kept current; without either, the bundled example. */
  public LimitsSource buildLimitsSource(
      LiveLimits live,
      Clock clock,
      ReloadListener listener,
      Supplier<KubernetesClient> kubernetesClient) {
    if (limits.getKubernetes() != null) {
      return limits
          .getKubernetes()
          .build(kubernetesClient.get(), live, limits.buildDefaults(), clock, listener);
    }
    return limits
        .buildFile()
        .<LimitsSource>map(
            (Path file) ->
                new FileLimitsSource(
                    file,
                    limits.buildDefaults(),
                    live,
                    limits.buildReloadInterval(),
                    clock,
                    listener))
        .orElseGet(
            () ->
                new BundledLimitsSource(
                    LimitsConfig.BUNDLED_RESOURCE, limits.buildDefaults(), live, clock, listener));
  }

  /**
   * How many RLS replicas share each tenant's rates: {@code replicas}, or — with {@code
   * replicaDiscovery.service} — the ready endpoints of the RLS Service, following scaling.
   */
  public ReplicaCount buildReplicaCount(Supplier<KubernetesClient> kubernetesClient) {
    ReplicasFactory f = replicaDiscovery == null ? new ReplicasFactory() : replicaDiscovery;
    f.setCount(replicas);
    return f.build(kubernetesClient);
  }

  /** The enforcer for every door; {@code trafficFraction} is the rollout's share (1 without). */
  public Enforcer buildEnforcer(
      LiveLimits live,
      BucketStore buckets,
      HaTracker ha,
      IntSupplier replicaShare,
      java.util.function.DoubleSupplier trafficFraction) {
    return Enforcer.builder()
        .overrides(live)
        .buckets(buckets)
        .haTracker(ha)
        .replicas(replicaShare)
        .trafficFraction(trafficFraction)
        .defaultMode(enforcement.buildMode())
        .build();
  }

  /** HA elections in this process (each replica elects from what it sees). */
  public LocalHaTracker buildLocalHaTracker() {
    return new LocalHaTracker(enforcement.getMaxHaClusters());
  }

  /** HA elections shared in the buckets' Redis, with {@code local} deciding while it is down. */
  public RedisHaTracker buildRedisHaTracker(
      RedisBucketStore redisStore, FailoverBucketStore buckets, LocalHaTracker local) {
    return new RedisHaTracker(redisStore, buckets, local, enforcement.getMaxHaClusters());
  }

  /**
   * @param wallMillis the clock samples and HA elections are judged with (Unix ms)
   */
  public PushEvaluator buildPushEvaluator(Enforcer enforcer, LongSupplier wallMillis) {
    return new PushEvaluator(
        enforcer,
        new WriteRequestScanner(enforcement.buildMaxDecodedBytes()),
        enforcement.buildMaxRequestBytes(),
        wallMillis);
  }

  public TenantResolver buildTenantResolver() {
    return TenantResolver.of(tenantFrom, tenantHeader);
  }

  /** The pooled client to the distributor. */
  public JettyUpstream buildUpstream(UpstreamObserver observer, LongSupplier nanoClock) {
    return JettyUpstream.builder()
        .baseUri(upstream.buildUri())
        .connectTimeout(upstream.buildConnectTimeout())
        .timeout(upstream.buildTimeout())
        .maxConnections(upstream.getMaxConnections())
        .observer(observer)
        .nanoClock(nanoClock)
        .build();
  }

  public UpstreamProbe buildUpstreamProbe(Clock clock) {
    return new UpstreamProbe(
        upstream.buildUri(), upstream.buildConnectTimeout(), upstream.buildHealthCacheFor(), clock);
  }
}
