package io.mimiredge.rls.http;

import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.DenialResponse;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.RetryAfterHeader;
import io.mimiredge.rls.enforce.TenantCheck;
import io.mimiredge.rls.enforce.TenantResolver;
import io.mimiredge.rls.enforce.TenantSnapshot;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.overload.DoorLimiter;
import io.mimiredge.rls.overload.Overload;
import io.mimiredge.rls.upstream.Upstream;
import io.mimiredge.rls.upstream.Upstream.Header;
import io.mimiredge.rls.upstream.UpstreamResponse;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.util.component.Container;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP push doors NGINX calls, as one plain servlet (no JAX-RS: routing, injection and entity
 * handling cost more CPU per push than the decision itself, see benchmarks/README.md).
 *
 * <ul>
 *   <li>{@code POST /api/v1/push}: decide, then forward the body byte for byte with its end-to-end
 *       headers to the upstream and relay its answer; a denial is answered here with the decision's
 *       status, Mimir's message, {@code Retry-After} and {@code X-Edge-Enforcement-Reason}. The
 *       forward is asynchronous: no request thread waits for the distributor.
 *   <li>{@code POST /shadow/api/v1/push}: NGINX's mirror target. Decides exactly as the push door
 *       (same buckets: during the mirror phase only the mirror sends traffic, and a would-be denial
 *       consumes nothing), records every would-be denial as shadow_deny whatever the tenant's mode,
 *       answers 204 at once and never forwards: NGINX holds the client's next request on the
 *       connection until the mirror answers.
 * </ul>
 *
 * <p>The body-size limit applies while reading: a declared length over it is refused unread, and no
 * more than limit + 1 bytes are ever held. This door cannot pass on what it did not read, so an
 * oversized body is refused in every mode, with Mimir's status (400 for a remote write, 413 for
 * OTLP) after what Mimir checks first ({@link PushEvaluator#unreadBodyTooLarge}).
 *
 * <p>Past capacity ({@link Overload}): a push past the door's concurrency limit, or while the
 * forwards waiting on the distributor are at their bound, is refused at once with 503, {@code
 * Retry-After} and {@code X-Edge-Enforcement-Reason: overloaded} (or {@code overloaded_forwards}),
 * before its decision, so it takes no tokens; the shadow doors have a limit of their own and never
 * wait on the distributor.
 *
 * <p>Thread-safe. Must be registered with async support (and so must every filter before it).
 */
public final class PushServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PushServlet.class);

  /** How much of an oversized body's rest is read and dropped before answering its refusal. */
  static final int DRAIN_BYTES = 1 << 20;

  private static final String UNDRAINED = PushServlet.class.getName() + ".undrained";

  /** The paths this servlet serves (exact servlet mappings, ahead of Jersey's {@code /*}). */
  public static final String PUSH_PATH = "/api/v1/push";

  public static final String SHADOW_PATH = "/shadow/api/v1/push";

  /** OTLP/HTTP metrics, decided then forwarded; and its mirror target. */
  public static final String OTLP_PATH = "/otlp/v1/metrics";

  public static final String SHADOW_OTLP_PATH = "/shadow/otlp/v1/metrics";

  /** Every path this servlet serves, for its registration. */
  public static final List<String> PATHS =
      List.of(PUSH_PATH, SHADOW_PATH, OTLP_PATH, SHADOW_OTLP_PATH);

  private final transient PushEvaluator evaluator;
  private final transient TenantResolver tenants;
  private final transient Upstream upstream;
  private final transient DecisionRecorder recorder;
  private final transient LongSupplier nanoClock;
  private final transient Overload overload;
  private final transient ByteBufferPool bodies;

  /**
   * Reads bodies into buffers of {@code bodies} (the service's {@link BodyPool}); each one is
   * released when its push is done.
   */
  public PushServlet(
      PushEvaluator evaluator,
      TenantResolver tenants,
      Upstream upstream,
      DecisionRecorder recorder,
      LongSupplier nanoClock,
      Overload overload,
      ByteBufferPool bodies) {
    this.overload = Objects.requireNonNull(overload, "overload");
    this.bodies = Objects.requireNonNull(bodies, "bodies");
    this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
    this.tenants = Objects.requireNonNull(tenants, "tenants");
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    this.recorder = Objects.requireNonNull(recorder, "recorder");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    if (evaluator.maxRequestBytes() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "maxRequestBytes must fit an array, got " + evaluator.maxRequestBytes());
    }
  }

  /**
   * Keeps the server's gzip handlers (Dropwizard puts one in front of every request) from inflating
   * what the push doors read: a gzipped OTLP body is decided by our own bounded decoder and
   * forwarded as the client sent it, {@code Content-Encoding: gzip} included, not inflated on the
   * way. A listener for the server's lifecycle: it changes the handlers as the server starts.
   */
  public static LifeCycle.Listener bodiesAsSent() {
    return new LifeCycle.Listener() {
      @Override
      public void lifeCycleStarting(LifeCycle server) {
        if (server instanceof Container c) {
          for (GzipHandler gzip : c.getContainedBeans(GzipHandler.class)) {
            gzip.addExcludedInflationPaths(PATHS.toArray(String[]::new));
          }
        }
      }
    };
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path = request.getServletPath();
    switch (path) {
      case SHADOW_PATH -> shadow(request, response, false);
      case PUSH_PATH -> push(request, response, false);
      case SHADOW_OTLP_PATH -> shadow(request, response, true);
      case OTLP_PATH -> push(request, response, true);
      default -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
    }
  }

  private void push(HttpServletRequest request, HttpServletResponse response, boolean otlp)
      throws IOException {
    // Past the door's limit, or with the distributor's forwards at their bound, refuse at once:
    // before the decision, so a refused push takes no tokens and its retry is counted once.
    Optional<DoorLimiter.Permit> door = overload.push().tryAcquire();
    if (door.isEmpty()) {
      shed(request, response, overload.push(), "pushes");
      return;
    }
    Optional<DoorLimiter.Permit> forward = overload.forwards().tryAcquire();
    if (forward.isEmpty()) {
      door.get().ignore();
      shed(request, response, overload.forwards(), "forwards to the distributor");
      return;
    }
    Outcome o;
    try {
      o = decide(Door.HTTP_PUSH, tenants.resolve(request::getHeader), request, otlp);
    } catch (RuntimeException | Error e) {
      door.get().ignore();
      forward.get().ignore();
      throw e;
    }
    door.get().done();
    if (o.failure != null) {
      forward.get().ignore();
      text(response, 400, utf8(o.failure), null);
      return;
    }
    Decision d = o.decision;
    if (!d.allowed()) {
      o.release();
      forward.get().ignore();
      LOG.debug(
          "denied: {} {}, not counted: {}",
          d.reason().label(),
          d.status(),
          d.stats() == null ? "{}" : d.stats().notCounted());
      denial(request, response, d, otlp, evaluator.retryAfterHeader());
      return;
    }
    String query = request.getQueryString();
    String target = request.getRequestURI() + (query == null ? "" : "?" + query);
    String requestId = MDC.get(RequestIds.MDC_REQUEST_ID);
    AsyncContext started = null;
    CompletableFuture<UpstreamResponse> forwarded;
    try {
      started = request.startAsync();
      started.setTimeout(0); // the upstream client's own timeout ends every exchange
      forwarded =
          upstream.forwardAsync(
              target,
              forwardedHeaders(request, d.tenant(), requestId),
              o.body.bytes(),
              o.body.offset(),
              o.body.length());
    } catch (RuntimeException | Error e) {
      o.release();
      forward.get().ignore();
      if (started == null) {
        throw e;
      }
      // asynchronous already: the container no longer answers for us (a bug in the client)
      answer(response, null, e);
      started.complete();
      return;
    }
    AsyncContext async = started;
    // The body's buffer goes back to the pool once the upstream client is done with it.
    forwarded
        .whenComplete((r, failure) -> o.release())
        .whenComplete(
            (r, failure) -> {
              // On the upstream client's thread: the request's log context goes with it.
              MDC.put(RequestIds.MDC_REQUEST_ID, requestId);
              if (d.tenant() != null) {
                MDC.put(RequestIds.MDC_TENANT, d.tenant());
              }
              try {
                answer((HttpServletResponse) async.getResponse(), r, failure);
              } finally {
                forward.get().done();
                async.complete();
                MDC.remove(RequestIds.MDC_REQUEST_ID);
                MDC.remove(RequestIds.MDC_TENANT);
              }
            });
  }

  private void answer(HttpServletResponse response, UpstreamResponse r, Throwable failure) {
    try {
      if (failure != null) { // Upstream promises never to fail; a bug if it does
        LOG.error("forwarding failed unexpectedly", failure);
        text(response, 502, utf8("forwarding failed: " + failure + "\n"), "upstream_error");
      } else if (r.outcome() != UpstreamResponse.Outcome.RESPONSE) {
        LOG.warn(
            "forwarding failed ({}): {}",
            r.outcome().label(),
            new String(r.body(), StandardCharsets.UTF_8).strip());
        text(response, r.status(), r.body(), "upstream_" + r.outcome().label());
      } else {
        relay(response, r);
      }
    } catch (IOException | RuntimeException e) {
      // Most often the client went away while the upstream answered: nothing left to tell it.
      LOG.debug("could not relay the upstream's answer: {}", e.toString());
    }
  }

  private void shadow(HttpServletRequest request, HttpServletResponse response, boolean otlp)
      throws IOException {
    Optional<DoorLimiter.Permit> door = overload.shadow().tryAcquire();
    if (door.isEmpty()) {
      shed(request, response, overload.shadow(), "shadow copies");
      return;
    }
    Outcome o;
    try {
      o = decide(Door.SHADOW, tenants.resolve(request::getHeader), request, otlp);
    } finally {
      door.get().done();
    }
    o.release(); // the mirror never forwards
    if (o.failure != null) {
      text(response, 400, utf8(o.failure), null);
      return;
    }
    if (request.getAttribute(UNDRAINED) != null) {
      response.setHeader("Connection", "close");
    }
    response.setStatus(HttpServletResponse.SC_NO_CONTENT);
  }

  /**
   * 503 at once for a request past {@code limiter}'s limit, with {@code Retry-After} and {@link
   * DenialResponse#REASON_HEADER} {@code overloaded} ({@code overloaded_forwards} for the
   * distributor's bound). A short body is drained first (as for a 413) so the client reliably reads
   * the answer.
   */
  private void shed(
      HttpServletRequest request, HttpServletResponse response, DoorLimiter limiter, String what)
      throws IOException {
    long declared = request.getContentLengthLong();
    drainOrClose(request, declared >= 0 && declared <= DRAIN_BYTES);
    if (request.getAttribute(UNDRAINED) != null) {
      response.setHeader("Connection", "close");
    }
    response.setHeader("Retry-After", overload.retryAfterSeconds());
    text(
        response,
        HttpServletResponse.SC_SERVICE_UNAVAILABLE,
        utf8(
            "the edge is overloaded: "
                + what
                + " are at their limit ("
                + limiter.limit()
                + " at once); retry later\n"),
        "forwards".equals(limiter.cause()) ? "overloaded_forwards" : "overloaded");
  }

  /**
   * After an oversized body: reads and drops up to {@link #DRAIN_BYTES} more of it (never held),
   * when {@code worthTrying}. A body drained to its end keeps the connection; one that is not is
   * marked {@link #UNDRAINED} and answered with {@code Connection: close}. Closing on unread bytes
   * makes the kernel reset the connection, and the client can lose the answer with it, so a body
   * just over the limit is drained and its client reliably gets its answer.
   */
  private static void drainOrClose(HttpServletRequest request, boolean worthTrying) {
    if (worthTrying) {
      byte[] sink = new byte[8192];
      long left = DRAIN_BYTES;
      try {
        var in = request.getInputStream();
        int n;
        while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
          left -= n;
        }
        if (left > 0 || in.read() < 0) {
          return; // the end of the body: the connection can stay
        }
      } catch (IOException e) {
        LOG.debug("could not drain an oversized body: {}", e.toString());
      }
    }
    request.setAttribute(UNDRAINED, Boolean.TRUE);
  }

  /**
   * What a door decided; {@code failure} (a message for a 400) when the request ended before a
   * decision.
   */
  private record Outcome(Decision decision, BoundedBody body, String failure) {
    void release() {
      if (body != null) {
        body.release();
      }
    }
  }

  /** Reads and decides; records the decision (as the shadow door sees it for {@code SHADOW}). */
  private Outcome decide(Door door, String orgId, HttpServletRequest request, boolean otlp) {
    long start = nanoClock.getAsLong();
    TenantCheck check = evaluator.enforcer().check(orgId); // once per request: see TenantSnapshot
    TenantSnapshot tenant = check.tenant();
    if (tenant != null) {
      MDC.put(RequestIds.MDC_TENANT, tenant.id());
    } else if (check.decision().verdict() == Verdict.DENY) {
      return record(door, check.decision(), start, null); // no point in reading the body
    }
    int max = (int) evaluator.maxRequestBytes();
    long declared = request.getContentLengthLong();
    if (declared > max) {
      // refused unread (only a short rest is drained, so the client sees the refusal)
      drainOrClose(request, declared <= DRAIN_BYTES);
      return record(door, unreadTooLarge(check, request, declared, otlp), start, null);
    }
    BoundedBody body;
    try {
      body = BoundedBody.read(request.getInputStream(), declared, max, bodies);
    } catch (IOException e) {
      LOG.info("could not read the request body: {}", e.toString());
      return new Outcome(null, null, "could not read the request body\n");
    }
    if (body.tooLarge()) {
      body.release();
      drainOrClose(request, declared < 0 || declared - body.length() <= DRAIN_BYTES);
      return record(door, unreadTooLarge(check, request, -1, otlp), start, null);
    }
    if (tenant == null) {
      return record(door, check.decision(), start, body); // let through unjudged
    }
    start = nanoClock.getAsLong(); // from the body in hand
    try {
      Decision d =
          otlp
              ? evaluator.evaluateOtlp(
                  tenant,
                  request.getContentType(),
                  request.getHeader("Content-Encoding"),
                  body.bytes(),
                  body.offset(),
                  body.length())
              : evaluator.evaluate(
                  tenant, request.getContentType(), body.bytes(), body.offset(), body.length());
      return record(door, d, start, body);
    } catch (RuntimeException | Error e) {
      body.release();
      throw e;
    }
  }

  private Decision unreadTooLarge(
      TenantCheck check, HttpServletRequest request, long bodyBytes, boolean otlp) {
    return evaluator.unreadBodyTooLarge(
        check, request.getContentType(), request.getHeader("Content-Encoding"), bodyBytes, otlp);
  }

  private Outcome record(Door door, Decision d, long start, BoundedBody body) {
    // The mirror never blocks: a denial, whatever the tenant's own mode, is a shadow denial.
    Decision recorded = door == Door.SHADOW ? d.asShadow() : d;
    recorder.record(door, recorded, nanoClock.getAsLong() - start);
    return new Outcome(recorded, body, null);
  }

  private static void denial(
      HttpServletRequest request,
      HttpServletResponse response,
      Decision d,
      boolean otlp,
      RetryAfterHeader retryAfterHeader)
      throws IOException {
    if (request.getAttribute(UNDRAINED) != null) {
      response.setHeader("Connection", "close"); // the rest of the body is not worth reading
    }
    String retryAfter =
        retryAfterHeader.value(d.status(), request.getHeader(RetryAfterHeader.RETRY_ATTEMPT));
    DenialResponse answer =
        otlp
            ? DenialResponse.otlp(d, request.getContentType(), retryAfter)
            : DenialResponse.remoteWrite(d, request.getContentType(), retryAfter);
    answer.headers().forEach(response::setHeader);
    response.setStatus(answer.status());
    response.setContentType(answer.contentType());
    write(response, answer.body());
  }

  /**
   * A text/plain answer, with {@link DenialResponse#REASON_HEADER} when {@code reason} is not null.
   */
  private static void text(HttpServletResponse response, int status, byte[] body, String reason)
      throws IOException {
    response.setStatus(status);
    response.setContentType("text/plain");
    if (reason != null) {
      response.setHeader(DenialResponse.REASON_HEADER, reason);
    }
    write(response, body);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void write(HttpServletResponse response, byte[] body) throws IOException {
    response.setContentLength(body.length);
    if (body.length > 0) {
      response.getOutputStream().write(body);
    }
  }

  /**
   * The request's end-to-end headers, in their order, read from Jetty's own fields by index (the
   * servlet API's enumerations cost an iterator per header name).
   */
  private List<Header> forwardedHeaders(
      HttpServletRequest request, String tenant, String requestId) {
    HttpFields fields = ServletContextRequest.getServletContextRequest(request).getHeaders();
    int size = fields.size();
    Set<String> named = Set.of();
    for (int i = 0; i < size; i++) {
      if (fields.getField(i).getHeader() == HttpHeader.CONNECTION) {
        named = HopByHop.connectionTokens(request.getHeaders("Connection"));
        break;
      }
    }
    List<Header> out = new ArrayList<>(size + 2);
    boolean hasRequestId = false;
    for (int i = 0; i < size; i++) {
      HttpField f = fields.getField(i);
      String name = f.getName();
      if (!HopByHop.forwarded(name, named)) {
        continue;
      }
      if (tenants.setsTenantHeader() && name.equalsIgnoreCase(tenants.tenantHeader())) {
        continue; // replaced by the basic-auth user below
      }
      hasRequestId |= name.equalsIgnoreCase(RequestIds.HEADER);
      out.add(new Header(name, f.getValue()));
    }
    if (tenants.setsTenantHeader() && tenant != null) {
      out.add(new Header(tenants.tenantHeader(), tenant));
    }
    if (!hasRequestId && requestId != null) {
      out.add(new Header(RequestIds.HEADER, requestId));
    }
    return out;
  }

  private static void relay(HttpServletResponse response, UpstreamResponse r) throws IOException {
    response.setStatus(r.status());
    for (Header h : r.headers()) {
      if (HopByHop.relayed(h.name())) {
        response.addHeader(h.name(), h.value());
      }
    }
    write(response, r.body());
  }
}
