package io.mimiredge.rls;

import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.CheckCommand;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ServerCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.mimiredge.rls.admin.AdminApi;
import io.mimiredge.rls.admin.rollout.LiveRollout;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.StateStore;
import io.mimiredge.rls.enforce.replicas.ReplicaCount;
import io.mimiredge.rls.grpc.GrpcServer;
import io.mimiredge.rls.health.RlsHealth;
import io.mimiredge.rls.health.UpstreamHealthCheck;
import io.mimiredge.rls.http.HealthResource;
import io.mimiredge.rls.http.PushServlet;
import io.mimiredge.rls.http.RequestIds;
import io.mimiredge.rls.inspect.InspectCommand;
import io.mimiredge.rls.internal.BodyPool;
import io.mimiredge.rls.internal.LazyKubernetesClient;
import io.mimiredge.rls.limits.LimitsSource;
import io.mimiredge.rls.limits.LimitsUnavailableException;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.metrics.RlsMetrics;
import io.mimiredge.rls.overload.Overload;
import io.mimiredge.rls.tls.ServerTls;
import io.mimiredge.rls.tls.TlsFileException;
import io.mimiredge.rls.ui.UiServlet;
import io.mimiredge.rls.upstream.UpstreamProbe;
import io.mimiredge.rls.upstream.jetty.JettyUpstream;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletRegistration;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.EnumSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import net.sourceforge.argparse4j.inf.Namespace;
import org.eclipse.jetty.io.ByteBufferPool;

/** The RLS: {@code server [rls.yml]} runs the service, {@code inspect} explains a captured body. */
public class RlsApplication extends Application<RlsConfiguration> {
  public static void main(String[] args) throws Exception {
    new RlsApplication().run(args);
  }

  @Override
  public String getName() {
    return "rls-server";
  }

  @Override
  protected void addDefaultCommands(Bootstrap<RlsConfiguration> bootstrap) {
    bootstrap.addCommand(
        new ServerCommand<>(this) {
          @Override
          public void onError(Cli cli, Namespace namespace, Throwable e) {
            explain(cli, namespace, e, () -> super.onError(cli, namespace, e));
          }
        });
    bootstrap.addCommand(
        new CheckCommand<>(this) {
          @Override
          public void onError(Cli cli, Namespace namespace, Throwable e) {
            explain(cli, namespace, e, () -> super.onError(cli, namespace, e));
          }
        });
  }

  @Override
  public void initialize(Bootstrap<RlsConfiguration> bootstrap) {
    // ${VAR} and ${VAR:-default} in rls.yml, e.g. admin.token: ${RLS_ADMIN_TOKEN:-}
    bootstrap.setConfigurationSourceProvider(
        new SubstitutingSourceProvider(
            bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
    bootstrap.addCommand(new InspectCommand());
  }

  @Override
  public void run(RlsConfiguration configuration, Environment environment) throws TlsFileException {
    Clock clock = Clock.systemUTC();
    LongSupplier nanoClock = System::nanoTime;
    // The doors read headers as Mimir does (the server is built from the factory after run).
    configuration.applyMaxRequestHeaderBytes();

    // Metrics: /metrics on the application port, for NGINX's and Prometheus' scrapes.
    RlsMetrics metrics = RlsMetrics.serve(environment, configuration.getMetrics().getTopTenants());
    // Kubernetes, only when a part asks for it (ConfigMap limits, replica discovery).
    LazyKubernetesClient kubernetes = new LazyKubernetesClient();
    environment.lifecycle().manage(kubernetes);

    // Limits: the source loads at start (or the start fails) and keeps them current.
    LiveLimits limits = configuration.buildLiveLimits();
    LimitsSource limitsSource =
        configuration.buildLimitsSource(environment, limits, clock, metrics, kubernetes);
    // How many replicas share each tenant's rates (Mimir's global strategy).
    ReplicaCount replicas =
        configuration.buildReplicaCount(environment, kubernetes, metrics.registry());
    // Buckets and HA elections: in this process, or shared by the fleet in Redis.
    StateStore state =
        configuration.buildStateStore(environment, clock, nanoClock, replicas, metrics.registry());
    // A canary split by request shows this replica only part of each tenant's traffic: the
    // rollout (set by edgectl) scales the rates by that fraction.
    LiveRollout rollout = configuration.getAdmin().buildLiveRollout(clock);
    Enforcer enforcer = configuration.buildEnforcer(limits, state, rollout.fraction());
    PushEvaluator evaluator = configuration.buildPushEvaluator(enforcer, clock::millis);
    // Overload: each door's concurrency limit; past it a refusal at once (503, UNAVAILABLE).
    Overload overload = configuration.getOverload().build(nanoClock, metrics::shed);
    metrics.registerOverload(overload);
    AdminApi admin =
        AdminApi.builder()
            .overload(overload)
            .config(configuration.getAdmin())
            .limits(limits)
            .enforcer(enforcer)
            .rollout(rollout)
            .defaultMode(configuration.getEnforcement().buildMode())
            .clock(clock)
            .nanoTime(nanoClock)
            .onAuthFailure(metrics::adminAuthFailure)
            .build();
    DecisionRecorder recorder = metrics.andThen(admin.recorder());

    // Upstream: the distributor that admitted pushes go to; the edge's own failures (the 502/504
    // it answers itself) are the error rate edgectl gates on.
    JettyUpstream upstream =
        configuration.buildUpstream(metrics.andThen(admin.upstreamObserver()), nanoClock);
    environment.lifecycle().manage(upstream);
    UpstreamProbe probe = configuration.buildUpstreamProbe(clock);

    // Health: /api/health, and Dropwizard's health checks on the admin port.
    RlsHealth health = new RlsHealth(limits, limitsSource, probe);
    health.registerStateStore(state);
    environment.healthChecks().register("upstream", new UpstreamHealthCheck(probe));
    // Request bodies, on every door, are read into buffers of one pool.
    ByteBufferPool bodies = BodyPool.create();
    // Envoy's doors: ext_authz Check, ShouldRateLimit and gRPC health, on one port.
    GrpcServer grpc =
        configuration.buildGrpcServer(evaluator, recorder, limits::loaded, overload.grpc(), bodies);
    environment.lifecycle().manage(grpc);
    health.registerServing("grpc", grpc::serving);
    // Each TLS door's certificate in /api/health and rls_tls_certificate_expiry_seconds: the gRPC
    // doors', and the HTTPS connectors' (type: pem-https), beans of the Jetty server built after
    // run.
    Consumer<ServerTls> tlsDoor =
        ((Consumer<ServerTls>) health::registerTls).andThen(metrics::registerTls);
    grpc.tls().ifPresent(tlsDoor);
    environment
        .lifecycle()
        .addServerLifecycleListener(server -> server.getBeans(ServerTls.class).forEach(tlsDoor));

    // HTTP doors.
    FilterRegistration.Dynamic requestIds =
        environment.servlets().addFilter("request-ids", new RequestIds());
    requestIds.setAsyncSupported(true);
    requestIds.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    // The push doors are a plain async servlet (exact paths win over Jersey's /*): see PushServlet.
    ServletRegistration.Dynamic push =
        environment
            .servlets()
            .addServlet(
                "push",
                new PushServlet(
                    evaluator,
                    configuration.buildTenantResolver(),
                    upstream,
                    recorder,
                    nanoClock,
                    overload,
                    bodies));
    push.setAsyncSupported(true);
    push.addMapping(PushServlet.PATHS.toArray(String[]::new));
    environment.lifecycle().addEventListener(PushServlet.bodiesAsSent());
    environment.jersey().register(new HealthResource(health));
    admin.register(environment.jersey());

    // The admin UI at /ui/ (and / redirects there), from the jar.
    UiServlet.register(environment.servlets());
  }

  /** An operator's mistake (a bad configuration, missing limits) in one message, no stack trace. */
  private static void explain(Cli cli, Namespace namespace, Throwable e, Runnable otherwise) {
    PrintWriter err = cli.getStdErr();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConfigurationException || t instanceof LimitsUnavailableException) {
        err.println(t.getMessage());
        err.flush();
        return;
      }
    }
    otherwise.run();
  }
}
