package io.mimiredge.rls.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.PortRange;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.TenantResolver;
import io.mimiredge.rls.grpc.GrpcServer;
import io.mimiredge.rls.tls.TlsFileException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The {@code grpc:} section of the RLS configuration: where the gRPC doors for Envoy listen and how
 * they read Envoy's requests. Every setting has a default.
 *
 * <pre>
 * grpc:
 *   port: 9091
 *   bindHost: 0.0.0.0
 *   messageOverhead: 2MiB           # room for headers on top of enforcement.maxRequestBytes
 *   shutdownGrace: 10s
 *   maxConcurrentCallsPerConnection: 1000   # HTTP/2 MAX_CONCURRENT_STREAMS: more wait in Envoy
 *   decideOnEventLoop: true         # small calls decided where they are read, half the time at most
 *   tls:                            # absent: plaintext; see TlsFactory
 *     certFile: /etc/rls/tls/tls.crt
 *     keyFile: /etc/rls/tls/tls.key
 *     clientCaFile: /etc/rls/tls/ca.crt
 *   ratelimit:
 *     domain: mimir_remote_write
 *     descriptorKey: tenant
 * </pre>
 *
 * A mutable Jackson bean, read once at start.
 */
public class GrpcFactory {

  /** The {@code ratelimit:} subsection: what Envoy's rate-limit filter sends. */
  public static class RateLimit {
    @NotEmpty private String domain = "mimir_remote_write";

    @NotEmpty private String descriptorKey = "tenant";

    @JsonProperty
    public String getDomain() {
      return domain;
    }

    @JsonProperty
    public void setDomain(String domain) {
      this.domain = domain;
    }

    @JsonProperty
    public String getDescriptorKey() {
      return descriptorKey;
    }

    @JsonProperty
    public void setDescriptorKey(String descriptorKey) {
      this.descriptorKey = descriptorKey;
    }
  }

  @PortRange(min = 0)
  private int port = 9091;

  @NotEmpty private String bindHost = "0.0.0.0";

  @NotNull private DataSize messageOverhead = DataSize.mebibytes(2);

  @NotNull
  @MinDuration(value = 0, unit = TimeUnit.SECONDS)
  @MaxDuration(value = 10, unit = TimeUnit.MINUTES)
  private Duration shutdownGrace = Duration.seconds(10);

  /**
   * HTTP/2's {@code MAX_CONCURRENT_STREAMS}: the calls one client connection may have open at once;
   * Envoy holds the rest back on its side. A call past the concurrency limit is refused on the
   * event loop that read its headers, before any thread is woken; this bounds how many calls, and
   * their messages in memory, one connection can have open at once.
   */
  @jakarta.validation.constraints.Min(1)
  private int maxConcurrentCallsPerConnection = 1000;

  /**
   * Whether a small call ({@code Check} of at most 64 KiB, not a compressed OTLP body, not from a
   * tenant with {@code metric_relabel_configs}; {@code ShouldRateLimit}) may be decided on the
   * Netty event loop that read it, while that loop has decided for less than half of its time (a
   * budget of half of each 100 ms window, overruns paid back from the next): no thread woken, about
   * 11 % less CPU per {@code Check}. Past that budget, or for another call, the decision goes to a
   * thread of its own, as it always does with {@code redis:} configured (a decision may then wait
   * on the network). False: always handed over.
   */
  private boolean decideOnEventLoop = true;

  @Valid @NotNull private RateLimit ratelimit = new RateLimit();

  @Valid private TlsFactory tls; // null: plaintext

  /**
   * The gRPC server, listening on {@code bindHost:port} once started.
   *
   * @param evaluator decides pushes; its {@code maxRequestBytes} sizes the largest message
   * @param recorder receives every decision the doors make
   * @param limitsLoaded whether the limits are loaded (health is SERVING only then), e.g. {@code
   *     liveLimits::loaded}
   * @param tenants how the tenant is found (the RLS' top-level {@code tenantFrom} and {@code
   *     tenantHeader}: the HTTP door's resolver)
   * @param bodies the pool {@code Check} requests are read into (the service's {@code BodyPool})
   * @param decisionsMayWait whether a decision may wait on the network (buckets or HA elections in
   *     Redis): then none is made on an event loop, whatever {@code decideOnEventLoop} says
   */
  public GrpcServer build(
      PushEvaluator evaluator,
      DecisionRecorder recorder,
      BooleanSupplier limitsLoaded,
      TenantResolver tenants,
      io.mimiredge.rls.overload.DoorLimiter limiter,
      org.eclipse.jetty.io.ByteBufferPool bodies,
      boolean decisionsMayWait)
      throws TlsFileException {
    GrpcServer.Builder b =
        configure(GrpcServer.builder())
            .limiter(limiter)
            .bodies(bodies)
            .decideOnEventLoop(decideOnEventLoop && !decisionsMayWait);
    if (tls != null) {
      b.tls(tls.build("grpc", Clock.systemUTC()));
    }
    return b.tenants(tenants)
        .bind(bindHost, port)
        .evaluator(evaluator)
        .recorder(recorder)
        .limitsLoaded(limitsLoaded)
        .build();
  }

  /** This configuration applied to a builder, minus the listening address. */
  GrpcServer.Builder configure(GrpcServer.Builder b) {
    return b.domain(ratelimit.getDomain())
        .descriptorKey(ratelimit.getDescriptorKey())
        .messageOverheadBytes(messageOverhead.toBytes())
        .maxConcurrentCallsPerConnection(maxConcurrentCallsPerConnection)
        .shutdownGrace(java.time.Duration.ofNanos(shutdownGrace.toNanoseconds()));
  }

  @JsonProperty
  public int getPort() {
    return port;
  }

  @JsonProperty
  public void setPort(int port) {
    this.port = port;
  }

  @JsonProperty
  public String getBindHost() {
    return bindHost;
  }

  @JsonProperty
  public void setBindHost(String bindHost) {
    this.bindHost = bindHost;
  }

  @JsonProperty
  public DataSize getMessageOverhead() {
    return messageOverhead;
  }

  @JsonProperty
  public void setMessageOverhead(DataSize messageOverhead) {
    this.messageOverhead = messageOverhead;
  }

  @JsonProperty
  public Duration getShutdownGrace() {
    return shutdownGrace;
  }

  @JsonProperty
  public boolean isDecideOnEventLoop() {
    return decideOnEventLoop;
  }

  @JsonProperty
  public void setDecideOnEventLoop(boolean decideOnEventLoop) {
    this.decideOnEventLoop = decideOnEventLoop;
  }

  @JsonProperty
  public int getMaxConcurrentCallsPerConnection() {
    return maxConcurrentCallsPerConnection;
  }

  @JsonProperty
  public void setMaxConcurrentCallsPerConnection(int n) {
    this.maxConcurrentCallsPerConnection = n;
  }

  @JsonProperty
  public void setShutdownGrace(Duration shutdownGrace) {
    this.shutdownGrace = shutdownGrace;
  }

  /** TLS on the gRPC doors (mutual with a client CA); absent: plaintext. */
  @JsonProperty
  public TlsFactory getTls() {
    return tls;
  }

  @JsonProperty
  public void setTls(TlsFactory tls) {
    this.tls = tls;
  }

  @JsonProperty
  public RateLimit getRatelimit() {
    return ratelimit;
  }

  @JsonProperty
  public void setRatelimit(RateLimit ratelimit) {
    this.ratelimit = ratelimit;
  }
}
