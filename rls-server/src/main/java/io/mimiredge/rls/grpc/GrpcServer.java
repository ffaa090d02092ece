package io.mimiredge.rls.grpc;

import io.dropwizard.lifecycle.Managed;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.TenantResolver;
import io.mimiredge.rls.internal.BodyPool;
import io.mimiredge.rls.overload.DoorLimiter;
import io.mimiredge.rls.overload.SheddingInterceptor;
import io.mimiredge.rls.tls.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.ByteBufferPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RLS's gRPC doors for Envoy on one port: {@code envoy.service.auth.v3.Authorization}
 * (ext_authz {@code Check}), {@code envoy.service.ratelimit.v3.RateLimitService} ({@code
 * ShouldRateLimit}) and {@code grpc.health.v1.Health}.
 *
 * <p>Health is {@code SERVING} (for the whole server and each service) only while the limits are
 * loaded, polled from the supplier (and on {@link #refreshHealth()}); {@code NOT_SERVING} for good
 * once {@link #stop()} begins, so Envoy's health checks drain the host first. Stop then refuses new
 * calls, lets running ones finish for the shutdown grace, and cancels what is left.
 *
 * <p>Calls are read, refused by the concurrency limit, parsed and completed on the transport's
 * threads (Netty's event loops); an admitted call is decided and answered where {@link
 * DecisionThreads} says: on that event loop while it has time to spare (when allowed, {@link
 * Builder#decideOnEventLoop}), else on a thread of its own.
 *
 * <p>The largest message accepted is the evaluator's {@code maxRequestBytes} plus the message
 * overhead (headers and the rest of the CheckRequest); a larger one fails with {@code
 * RESOURCE_EXHAUSTED} before any of it is decided.
 *
 * <p>Thread-safe; {@link #start()} and {@link #stop()} are meant to be called once each.
 */
public final class GrpcServer implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcServer.class);

  /** The health service names answered: the whole server ({@code ""}) and each door. */
  static final List<String> HEALTH_SERVICES =
      List.of(
          HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
          AuthorizationGrpc.SERVICE_NAME,
          RateLimitServiceGrpc.SERVICE_NAME);

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private final BooleanSupplier limitsLoaded;
  private final Duration shutdownGrace;
  private final Duration healthPollInterval;
  private final int maxInboundMessageBytes;
  private final String description;
  private final ServerTls tls; // null: plaintext
  private final DecisionThreads decisions;
  private final Object lifecycle = new Object();
  private ScheduledExecutorService healthPoller;
  private volatile boolean started;
  private volatile boolean stopping;

  private GrpcServer(Builder b) {
    this.limitsLoaded = b.limitsLoaded;
    this.shutdownGrace = b.shutdownGrace;
    this.healthPollInterval = b.healthPollInterval;
    this.decisions = new DecisionThreads(b.decideOnEventLoop, b.nanoClock);
    this.maxInboundMessageBytes =
        (int) Math.min(Integer.MAX_VALUE, b.evaluator.maxRequestBytes() + b.messageOverheadBytes);
    EnvoyMapping mapping = new EnvoyMapping(b.tenants, b.descriptorKey);
    ServerBuilder<?> sb =
        b.transport != null
            ? b.transport
            : NettyServerBuilder.forAddress(
                    new InetSocketAddress(b.host, b.port),
                    b.tls == null ? InsecureServerCredentials.create() : b.tls.grpcCredentials())
                // Envoy may keep its gRPC connections alive with pings; don't answer them with
                // GOAWAY (grpc-java's default allows one ping per 5 minutes).
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxConcurrentCallsPerConnection(b.maxConcurrentCallsPerConnection);
    this.tls = b.tls;
    this.description =
        b.transport != null
            ? "in-process"
            : b.host
                + ":"
                + b.port
                + (tls == null ? ", plaintext" : tls.clientAuth() ? ", mutual TLS" : ", TLS");
    // Calls are read, shed and completed on the transport's threads; decisions are made there or
    // handed over once (DecisionThreads).
    sb.directExecutor();
    // Check requests read into pooled buffers, their bodies parsed as views of them.
    io.grpc.ServerServiceDefinition check =
        PooledCheckRequests.bind(
            new ExtAuthzService(b.evaluator, mapping, b.recorder, b.nanoClock),
            b.bodies,
            decisions);
    RateLimitService rateLimitService =
        new RateLimitService(b.evaluator.enforcer(), mapping, b.domain, b.recorder, b.nanoClock);
    io.grpc.ServerServiceDefinition rateLimit =
        io.grpc.ServerServiceDefinition.builder(RateLimitServiceGrpc.getServiceDescriptor())
            .addMethod(
                RateLimitServiceGrpc.getShouldRateLimitMethod(),
                decisions.unary(
                    rateLimitService::shouldRateLimit,
                    RateLimitRequest::getSerializedSize,
                    request -> {}))
            .build();
    if (b.limiter != null) {
      // one concurrency limit over both deciding services; health always answers
      SheddingInterceptor shedding = new SheddingInterceptor(b.limiter);
      check = io.grpc.ServerInterceptors.intercept(check, shedding);
      rateLimit = io.grpc.ServerInterceptors.intercept(rateLimit, shedding);
    }
    this.server =
        sb.maxInboundMessageSize(maxInboundMessageBytes)
            .addService(check)
            .addService(rateLimit)
            .addService(health.getHealthService())
            .build();
    HEALTH_SERVICES.forEach(s -> health.setStatus(s, ServingStatus.NOT_SERVING));
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void start() throws IOException {
    synchronized (lifecycle) {
      if (started) {
        throw new IllegalStateException("gRPC server already started");
      }
      server.start();
      started = true;
      if (tls != null) {
        tls.start();
      }
      refreshHealth();
      if (!healthPollInterval.isZero()) {
        healthPoller =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "grpc-health-poller");
                  t.setDaemon(true);
                  return t;
                });
        long ms = healthPollInterval.toMillis();
        healthPoller.scheduleWithFixedDelay(this::refreshHealth, ms, ms, TimeUnit.MILLISECONDS);
      }
      LOG.info(
          "gRPC doors (ext_authz, ratelimit, health) listening on {} (port {}), max message {}"
              + " bytes",
          description,
          port(),
          maxInboundMessageBytes);
    }
  }

  /**
   * Marks everything {@code NOT_SERVING}, refuses new calls, waits up to the shutdown grace for
   * running calls, then cancels the rest.
   */
  @Override
  public void stop() throws InterruptedException {
    synchronized (lifecycle) {
      if (!started || stopping) {
        return;
      }
      stopping = true;
      health.enterTerminalState(); // NOT_SERVING everywhere, and no later change
      if (healthPoller != null) {
        healthPoller.shutdownNow();
      }
      try {
        server.shutdown();
        if (!server.awaitTermination(shutdownGrace.toNanos(), TimeUnit.NANOSECONDS)) {
          LOG.warn(
              "gRPC calls still running after the {} shutdown grace; cancelling", shutdownGrace);
          server.shutdownNow();
          server.awaitTermination(5, TimeUnit.SECONDS);
        }
      } finally {
        decisions.close();
        if (tls != null) {
          tls.close();
        }
      }
      LOG.info("gRPC doors stopped");
    }
  }

  /** Sets health from the limits-loaded supplier now (the poller also does, every interval). */
  public void refreshHealth() {
    if (stopping) {
      return;
    }
    ServingStatus s;
    try {
      s = limitsLoaded.getAsBoolean() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    } catch (RuntimeException e) {
      LOG.warn("limits-loaded check failed; reporting NOT_SERVING", e);
      s = ServingStatus.NOT_SERVING;
    }
    for (String service : HEALTH_SERVICES) {
      health.setStatus(service, s);
    }
  }

  /** Whether the server is started, not stopping, and its limits are loaded. */
  public boolean serving() {
    return started && !stopping && limitsLoaded.getAsBoolean();
  }

  /** The port listened on, once started (the real one when configured as 0); -1 in-process. */
  public int port() {
    return server.getPort();
  }

  /** The doors' TLS, when configured. */
  public Optional<ServerTls> tls() {
    return Optional.ofNullable(tls);
  }

  /** The largest inbound message accepted, in bytes. */
  public int maxInboundMessageBytes() {
    return maxInboundMessageBytes;
  }

  /** Builds a {@link GrpcServer}; checks each setting at once. Not thread-safe. */
  public static final class Builder {
    private PushEvaluator evaluator;
    private DecisionRecorder recorder;
    private BooleanSupplier limitsLoaded;
    private ServerBuilder<?> transport;
    private ServerTls tls;
    private String host = "0.0.0.0";
    private int port = 9091;
    private TenantResolver tenants = TenantResolver.header("X-Scope-OrgID");
    private String domain = "mimir_remote_write";
    private String descriptorKey = "tenant";
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private Duration healthPollInterval = Duration.ofSeconds(1);
    private long messageOverheadBytes = 2 << 20; // GrpcFactory's default
    private LongSupplier nanoClock = System::nanoTime;
    private boolean decideOnEventLoop;
    private DoorLimiter limiter;
    private ByteBufferPool bodies = BodyPool.create();
    private int maxConcurrentCallsPerConnection = Integer.MAX_VALUE;

    private Builder() {}

    /**
     * HTTP/2's {@code MAX_CONCURRENT_STREAMS} on the Netty port (default: unbounded); more calls on
     * one connection wait on the client's side.
     */
    public Builder maxConcurrentCallsPerConnection(int n) {
      if (n < 1) {
        throw new IllegalArgumentException(
            "maxConcurrentCallsPerConnection must be >= 1, got " + n);
      }
      this.maxConcurrentCallsPerConnection = n;
      return this;
    }

    /** The pool {@code Check} requests are read into (default: a {@link BodyPool} of its own). */
    public Builder bodies(ByteBufferPool pool) {
      this.bodies = Objects.requireNonNull(pool, "bodies");
      return this;
    }

    /** Decides pushes; its {@code maxRequestBytes} sizes the largest message accepted. */
    public Builder evaluator(PushEvaluator evaluator) {
      this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
      return this;
    }

    /** Receives every decision made, with its door. */
    public Builder recorder(DecisionRecorder recorder) {
      this.recorder = Objects.requireNonNull(recorder, "recorder");
      return this;
    }

    /** Whether the limits are loaded: health is SERVING only while true. */
    public Builder limitsLoaded(BooleanSupplier limitsLoaded) {
      this.limitsLoaded = Objects.requireNonNull(limitsLoaded, "limitsLoaded");
      return this;
    }

    /** Listen with Netty on this address (the default: 0.0.0.0:9091); port 0 picks a free one. */
    public Builder bind(String host, int port) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      this.host = host;
      this.port = port;
      this.transport = null;
      return this;
    }

    /**
     * Serve on this transport instead of a Netty port, e.g. an {@code InProcessServerBuilder} in
     * tests; the services and the message-size limit are added to it.
     */
    public Builder transport(ServerBuilder<?> transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * Serve TLS (and require client certificates when it has a client CA); started and closed with
     * the server. Not with {@link #transport}.
     */
    public Builder tls(ServerTls tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** The deciding calls' concurrency limit (see {@link SheddingInterceptor}); none by default. */
    public Builder limiter(DoorLimiter limiter) {
      this.limiter = limiter;
      return this;
    }

    /** How the tenant is found: the HTTP door's resolver (default: the X-Scope-OrgID header). */
    public Builder tenants(TenantResolver tenants) {
      this.tenants = Objects.requireNonNull(tenants, "tenants");
      return this;
    }

    /** The rate-limit domain served (default {@code mimir_remote_write}). */
    public Builder domain(String domain) {
      if (domain == null || domain.isEmpty()) {
        throw new IllegalArgumentException("domain must not be empty");
      }
      this.domain = domain;
      return this;
    }

    /** The descriptor entry carrying the tenant (default {@code tenant}). */
    public Builder descriptorKey(String descriptorKey) {
      if (descriptorKey == null || descriptorKey.isEmpty()) {
        throw new IllegalArgumentException("descriptorKey must not be empty");
      }
      this.descriptorKey = descriptorKey;
      return this;
    }

    /** How long running calls may finish after stop begins (default 10 s). */
    public Builder shutdownGrace(Duration grace) {
      Objects.requireNonNull(grace, "shutdownGrace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("shutdownGrace must be >= 0, got " + grace);
      }
      this.shutdownGrace = grace;
      return this;
    }

    /** How often health follows the limits-loaded supplier (default 1 s; zero: never polled). */
    public Builder healthPollInterval(Duration interval) {
      Objects.requireNonNull(interval, "healthPollInterval");
      if (interval.isNegative() || (!interval.isZero() && interval.toMillis() < 1)) {
        throw new IllegalArgumentException(
            "healthPollInterval must be zero or >= 1ms, got " + interval);
      }
      this.healthPollInterval = interval;
      return this;
    }

    /**
     * Room in the largest message for what comes with the body: headers and the rest of the
     * CheckRequest (default 1 MiB; Envoy's own header limit defaults to 60 KiB).
     */
    public Builder messageOverheadBytes(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("messageOverheadBytes must be >= 0, got " + bytes);
      }
      this.messageOverheadBytes = bytes;
      return this;
    }

    /**
     * Whether a small request may be decided on the event loop that read it while that loop has
     * time to spare (see {@link DecisionThreads}); default false: every decision is handed to a
     * thread of its own. Never true where a decision may wait on the network (Redis).
     */
    public Builder decideOnEventLoop(boolean decideOnEventLoop) {
      this.decideOnEventLoop = decideOnEventLoop;
      return this;
    }

    /**
     * Monotonic nanoseconds for decision durations and the event loops' deciding budgets (default
     * {@code System::nanoTime}).
     */
    public Builder nanoClock(LongSupplier nanoClock) {
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    public GrpcServer build() {
      if (evaluator == null) {
        throw new IllegalStateException("evaluator is required");
      }
      if (recorder == null) {
        throw new IllegalStateException("recorder is required");
      }
      if (limitsLoaded == null) {
        throw new IllegalStateException("limitsLoaded is required");
      }
      return new GrpcServer(this);
    }
  }
}
