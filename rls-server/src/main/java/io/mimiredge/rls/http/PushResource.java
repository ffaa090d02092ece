package io.mimiredge.rls.http;

import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.DecisionRecorder;
import io.mimiredge.rls.enforce.Door;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.limits.Mode;
import io.mimiredge.rls.upstream.Upstream;
import io.mimiredge.rls.upstream.Upstream.Header;
import io.mimiredge.rls.upstream.UpstreamResponse;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP push doors NGINX calls.
 *
 * <ul>
 *   <li>{@code POST /api/v1/push}: decide, then forward the body byte for byte with its end-to-end
 *       headers to the upstream and relay its answer; a denial is answered here with the decision's
 *       status, Mimir's message, {@code Retry-After} and {@code X-Edge-Enforcement-Reason}.
 *   <li>{@code POST /shadow/api/v1/push}: NGINX's mirror target. Decides exactly as the push door
 *       (same buckets: during the mirror phase only the mirror sends traffic, and a would-be denial
 *       consumes nothing), records every would-be denial as shadow_deny whatever the tenant's mode,
 *       answers 204 at once and never forwards: NGINX holds the client's next request on the
 *       connection until the mirror answers.
 * </ul>
 *
 * <p>The body-size limit applies while reading: a declared length over it is refused unread, and no
 * more than limit + 1 bytes are ever held. This door cannot pass on what it did not read, so an
 * oversized body is refused with 413 in every mode (like NGINX's {@code client_max_body_size}).
 *
 * <p>Thread-safe.
 */
@Path("/")
public final class PushResource {
  private static final Logger LOG = LoggerFactory.getLogger(PushResource.class);
  static final String REASON_HEADER = "X-Edge-Enforcement-Reason";

  /** Headers that describe one connection, not the message (RFC 9110 7.6.1), and framing. */
  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host",
          "content-length",
          "expect");

  private static final Set<String> NOT_RELAYED =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "content-length",
          "date",
          "server");

  private final PushEvaluator evaluator;
  private final TenantResolver tenants;
  private final Upstream upstream;
  private final DecisionRecorder recorder;
  private final LongSupplier nanoClock;

  public PushResource(
      PushEvaluator evaluator,
      TenantResolver tenants,
      Upstream upstream,
      DecisionRecorder recorder,
      LongSupplier nanoClock) {
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

  @POST
  @Path("api/v1/push")
  public Response push(@Context HttpHeaders headers, @Context UriInfo uri, InputStream in) {
    String orgId = tenants.resolve(headers::getHeaderString);
    Outcome o = decide(Door.HTTP_PUSH, orgId, headers, in);
    if (o.response != null) {
      return o.response;
    }
    Decision d = o.decision;
    if (!d.allowed()) {
      LOG.debug("denied: {} {}", d.reason().label(), d.status());
      return denial(d);
    }
    String target = uri.getRequestUri().getRawPath();
    String query = uri.getRequestUri().getRawQuery();
    UpstreamResponse r =
        upstream.forward(
            query == null ? target : target + "?" + query,
            forwardedHeaders(headers, d.tenant()),
            o.body.bytes(),
            o.body.length());
    if (r.outcome() != UpstreamResponse.Outcome.RESPONSE) {
      LOG.warn("forwarding failed ({}): {}", r.outcome().label(), text(r.body()).strip());
      return Response.status(r.status())
          .type(MediaType.TEXT_PLAIN_TYPE)
          .entity(r.body())
          .header(REASON_HEADER, "upstream_" + r.outcome().label())
          .build();
    }
    return relay(r);
  }

  @POST
  @Path("shadow/api/v1/push")
  public Response shadow(@Context HttpHeaders headers, InputStream in) {
    String orgId = tenants.resolve(headers::getHeaderString);
    decide(Door.SHADOW, orgId, headers, in);
    return Response.noContent().build();
  }

  /** What a door decided; {@code response} set when the request ended before a decision. */
  private record Outcome(Decision decision, BoundedBody body, Response response) {}

  /** Reads and decides; records the decision (as the shadow door sees it for {@code SHADOW}). */
  private Outcome decide(Door door, String orgId, HttpHeaders headers, InputStream in) {
    long start = nanoClock.getAsLong();
    Decision tenant = evaluator.enforcer().checkTenant(orgId);
    if (tenant.tenant() != null) {
      MDC.put(RequestIds.MDC_TENANT, tenant.tenant());
    }
    if (tenant.verdict() == Verdict.DENY) {
      return record(door, tenant, start, null); // no point in reading the body
    }
    int max = (int) evaluator.maxRequestBytes();
    long declared = headers.getLength();
    if (declared > max) {
      return record(door, tooLarge(orgId, declared), start, null); // refused unread
    }
    BoundedBody body;
    try {
      body = BoundedBody.read(in, declared, max);
    } catch (IOException e) {
      LOG.info("could not read the request body: {}", e.toString());
      return new Outcome(
          null,
          null,
          Response.status(400)
              .type(MediaType.TEXT_PLAIN_TYPE)
              .entity("could not read the request body\n")
              .build());
    }
    if (body.tooLarge()) {
      return record(door, tooLarge(orgId, -1), start, null);
    }
    start = nanoClock.getAsLong(); // from the body in hand
    Decision d =
        evaluator.evaluate(
            orgId, headers.getHeaderString("Content-Type"), body.bytes(), 0, body.length());
    return record(door, d, start, body);
  }

  private Outcome record(Door door, Decision d, long start, BoundedBody body) {
    Decision recorded = door == Door.SHADOW ? asShadow(d) : d;
    recorder.record(door, recorded, nanoClock.getAsLong() - start);
    return new Outcome(recorded, body, null);
  }

  /** The mirror never blocks: a denial, whatever the tenant's own mode, is a shadow denial. */
  static Decision asShadow(Decision d) {
    if (d.verdict() != Verdict.DENY) {
      return d;
    }
    return new Decision(
        Verdict.SHADOW_DENY,
        d.reason(),
        d.status(),
        d.message(),
        d.retryAfter(),
        Mode.SHADOW,
        d.items(),
        d.stats(),
        d.tenant());
  }

  /** 413 in every mode: what was not read cannot be forwarded. */
  private Decision tooLarge(String orgId, long bytes) {
    long max = evaluator.maxRequestBytes();
    Decision d = evaluator.enforcer().bodyTooLarge(orgId, bytes, max);
    if (d.verdict() == Verdict.DENY) {
      return d;
    }
    String message =
        d.message().isEmpty()
            ? "the request body is larger than the " + max + " bytes this edge accepts"
            : d.message();
    return new Decision(
        Verdict.DENY,
        Reason.BODY_TOO_LARGE,
        Reason.BODY_TOO_LARGE.status(),
        message,
        null,
        d.mode(),
        0,
        null,
        d.tenant());
  }

  static Response denial(Decision d) {
    Response.ResponseBuilder b =
        Response.status(d.status())
            .type(MediaType.TEXT_PLAIN_TYPE)
            .entity(d.message() + "\n")
            .header(REASON_HEADER, d.reason().label());
    d.retryAfterIfAny().ifPresent(r -> b.header("Retry-After", Long.toString(r.toSeconds())));
    if (d.reason() == Reason.BODY_TOO_LARGE) {
      b.header("Connection", "close"); // the rest of the body is not worth reading
    }
    return b.build();
  }

  private List<Header> forwardedHeaders(HttpHeaders headers, String tenant) {
    Set<String> named = connectionTokens(headers);
    List<Header> out = new ArrayList<>();
    boolean hasRequestId = false;
    for (Map.Entry<String, List<String>> e : headers.getRequestHeaders().entrySet()) {
      String name = e.getKey();
      String lower = name.toLowerCase(Locale.ROOT);
      if (NOT_FORWARDED.contains(lower) || named.contains(lower)) {
        continue;
      }
      if (tenants.setsTenantHeader() && lower.equalsIgnoreCase(tenants.tenantHeader())) {
        continue; // replaced by the basic-auth user below
      }
      hasRequestId |= lower.equals("x-request-id");
      for (String v : e.getValue()) {
        out.add(new Header(name, v));
      }
    }
    if (tenants.setsTenantHeader() && tenant != null) {
      out.add(new Header(tenants.tenantHeader(), tenant));
    }
    String requestId = MDC.get(RequestIds.MDC_REQUEST_ID);
    if (!hasRequestId && requestId != null) {
      out.add(new Header(RequestIds.HEADER, requestId));
    }
    return out;
  }

  private static Set<String> connectionTokens(HttpHeaders headers) {
    List<String> values = headers.getRequestHeader("Connection");
    if (values == null || values.isEmpty()) {
      return Set.of();
    }
    Set<String> tokens = new java.util.HashSet<>();
    for (String v : values) {
      for (String t : v.split(",")) {
        tokens.add(t.strip().toLowerCase(Locale.ROOT));
      }
    }
    return tokens;
  }

  private static Response relay(UpstreamResponse r) {
    Response.ResponseBuilder b = Response.status(r.status());
    for (Header h : r.headers()) {
      if (!NOT_RELAYED.contains(h.name().toLowerCase(Locale.ROOT))) {
        b.header(h.name(), h.value());
      }
    }
    if (r.body().length > 0) {
      b.entity(r.body());
    }
    return b.build();
  }

  private static String text(byte[] b) {
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }
}
