package io.mimiredge.rls.grpc;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.DescriptorStatus;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.RateLimit;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.mimiredge.rls.enforce.BucketView;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.DenialResponse;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.enforce.TenantResolver;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.enforce.WriteResponseStats;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The one place that maps between Envoy's protos and the domain: where a {@code CheckRequest} keeps
 * the tenant and the body, how a {@link Decision} becomes a {@code CheckResponse}, where a {@code
 * RateLimitRequest} keeps the tenant and the hits, and how request-rate decisions become a {@code
 * RateLimitResponse}. Immutable and thread-safe.
 */
public final class EnvoyMapping {
  /** Envoy sets it to {@code true} when ext_authz got only the start of the body. */
  public static final String PARTIAL_BODY_HEADER = "x-envoy-auth-partial-body";

  /**
   * {@link DenialResponse#REASON_HEADER} as Envoy writes header names (lower-case). On a denial:
   * the reason label ({@code ingestion_rate}, ...). On an admitted request that was not plainly
   * allowed: {@code shadow_<reason>} (shadow mode would have denied it) or {@code partial_body}.
   */
  static final String REASON_HEADER = DenialResponse.REASON_HEADER.toLowerCase(Locale.ROOT);

  public static final String RATELIMIT_LIMIT_HEADER = "x-ratelimit-limit";
  public static final String RATELIMIT_REMAINING_HEADER = "x-ratelimit-remaining";
  public static final String RATELIMIT_RESET_HEADER = "x-ratelimit-reset";
  public static final String RETRY_AFTER_HEADER = "retry-after";

  /** The name of the limit in {@code current_limit}. */
  static final String REQUEST_RATE_LIMIT_NAME = "request_rate";

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long MAX_UINT32 = 0xFFFF_FFFFL;

  private static final CheckResponse ALLOWED =
      CheckResponse.newBuilder().setStatus(Status.newBuilder().setCode(Code.OK_VALUE)).build();

  private final String tenantHeader;
  private final TenantResolver tenants;
  private final String descriptorKey;

  /**
   * @param tenants how the ext_authz door finds the tenant: the HTTP door's resolver (its header in
   *     any case; Envoy sends header names lower-cased)
   * @param descriptorKey the rate-limit descriptor entry whose value is the tenant
   */
  public EnvoyMapping(TenantResolver tenants, String descriptorKey) {
    this.tenants = Objects.requireNonNull(tenants, "tenants");
    if (descriptorKey == null || descriptorKey.isEmpty()) {
      throw new IllegalArgumentException("descriptorKey must not be empty");
    }
    this.tenantHeader = tenants.tenantHeader().strip().toLowerCase(Locale.ROOT);
    this.descriptorKey = descriptorKey;
  }

  /** The tenant header, lower-cased as Envoy sends it. */
  public String tenantHeader() {
    return tenantHeader;
  }

  public String descriptorKey() {
    return descriptorKey;
  }

  // ---- ext_authz: CheckRequest in ----

  /**
   * The tenant header's value as the request carries it (the enforcer judges it), or the basic-auth
   * user, found as the HTTP door finds it ({@link TenantResolver}); null when absent. A header sent
   * twice reaches the Check joined with commas (Envoy merges a repeated header in {@code headers});
   * Mimir reads the first ({@code ExtractOrgIDFromHTTPRequest}: Go's {@code Header.Get}), so the
   * door reads what comes before the first comma, a character no tenant ID and no basic-auth
   * credential holds.
   */
  String orgId(CheckRequestWire check) {
    return tenants.resolve(name -> firstValue(check.header(name)));
  }

  static String firstValue(String joined) {
    int comma = joined == null ? -1 : joined.indexOf(',');
    return comma < 0 ? joined : joined.substring(0, comma);
  }

  /**
   * Whether the request is an OTLP push: its path (without the query) ends in Mimir's OTLP path,
   * {@code /otlp/v1/metrics}; any other write path is remote write.
   */
  static boolean otlp(CheckRequestWire check) {
    String path = check.path();
    int q = path.indexOf('?');
    return (q < 0 ? path : path.substring(0, q)).endsWith(OTLP_PATH);
  }

  static final String OTLP_PATH = "/otlp/v1/metrics";

  /** Whether Envoy sent only the start of the body. */
  static boolean partialBody(CheckRequestWire check) {
    String v = check.header(PARTIAL_BODY_HEADER);
    return v != null && v.strip().equalsIgnoreCase("true");
  }

  // ---- ext_authz: CheckResponse out ----

  /**
   * A decision as Envoy's answer. Denied: a {@code DeniedHttpResponse} with the decision's HTTP
   * status, its message as the body (with a newline, as Go's {@code http.Error}), {@code
   * retry-after} when set and {@link #REASON_HEADER}. Admitted: OK; a shadow denial or a partial
   * body also adds {@link #REASON_HEADER} to the response the client gets, so both are visible in
   * Envoy's access logs without changing what reaches Mimir.
   */
  static CheckResponse checkResponse(Decision d) {
    return checkResponse(d, null, false, null);
  }

  /**
   * {@link #checkResponse(Decision)} for a push sent with {@code contentType}: a denial of a remote
   * write 2.0 push carries the {@link WriteResponseStats} headers Mimir would set.
   */
  static CheckResponse checkResponse(Decision d, String contentType) {
    return checkResponse(d, contentType, false, null);
  }

  /**
   * {@link #checkResponse(Decision, String)} for a remote-write push, or for an OTLP one ({@code
   * otlp}), whose denial is a {@code google.rpc.Status} ({@link DenialResponse}), with {@code
   * retryAfter} as its {@code Retry-After} (null: none).
   */
  static CheckResponse checkResponse(
      Decision d, String contentType, boolean otlp, String retryAfter) {
    if (d.verdict() == Verdict.DENY) {
      return denied(d, contentType, otlp, retryAfter);
    }
    if (d.verdict() == Verdict.SHADOW_DENY) {
      return admitted("shadow_" + d.reason().label());
    }
    return d.reason() == Reason.ALLOWED ? ALLOWED : admitted(d.reason().label());
  }

  private static CheckResponse admitted(String reasonHeader) {
    return CheckResponse.newBuilder()
        .setStatus(Status.newBuilder().setCode(Code.OK_VALUE))
        .setOkResponse(
            OkHttpResponse.newBuilder()
                .addResponseHeadersToAdd(option(REASON_HEADER, reasonHeader)))
        .build();
  }

  private static CheckResponse denied(
      Decision d, String contentType, boolean otlp, String retryAfter) {
    DenialResponse answer =
        otlp
            ? DenialResponse.otlp(d, contentType, true, retryAfter) // the body: a protobuf string
            : DenialResponse.remoteWrite(d, contentType, retryAfter);
    DeniedHttpResponse.Builder denied =
        DeniedHttpResponse.newBuilder()
            .setStatus(HttpStatus.newBuilder().setCode(statusCode(answer.status())))
            .setBody(new String(answer.body(), StandardCharsets.UTF_8))
            .addHeaders(option("content-type", answer.contentType()));
    answer
        .headers()
        .forEach((name, value) -> denied.addHeaders(option(name.toLowerCase(Locale.ROOT), value)));
    return CheckResponse.newBuilder()
        // Any status but OK denies; Envoy answers with the DeniedHttpResponse's HTTP status.
        .setStatus(
            Status.newBuilder()
                .setCode(Code.PERMISSION_DENIED_VALUE)
                .setMessage(d.reason().label()))
        .setDeniedResponse(denied)
        .build();
  }

  /** Envoy's enum for an HTTP status; 403 (ext_authz's own default) for one it does not name. */
  static StatusCode statusCode(int httpStatus) {
    StatusCode c = StatusCode.forNumber(httpStatus);
    return c == null || c == StatusCode.Empty ? StatusCode.Forbidden : c;
  }

  private static HeaderValueOption option(String name, String value) {
    return HeaderValueOption.newBuilder()
        .setHeader(header(name, value))
        .setAppendAction(HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
        .build();
  }

  private static HeaderValue header(String name, String value) {
    return HeaderValue.newBuilder().setKey(name).setValue(value).build();
  }

  // ---- ratelimit: RateLimitRequest in ----

  /**
   * The value of the descriptor's tenant entry, or null when it has none; Mimir's no-auth tenant,
   * whatever the descriptor, when Mimir runs without multitenancy.
   */
  String tenant(RateLimitDescriptor descriptor) {
    if (tenants.onlyTenant() != null) {
      return tenants.onlyTenant();
    }
    for (RateLimitDescriptor.Entry e : descriptor.getEntriesList()) {
      if (e.getKey().equals(descriptorKey)) {
        return e.getValue();
      }
    }
    return null;
  }

  /**
   * The hits a descriptor adds: its own {@code hits_addend} when set (it overrides the request's),
   * else the request's; 0 counts as 1, as Envoy defines it.
   */
  static long hits(RateLimitRequest request, RateLimitDescriptor descriptor) {
    long hits =
        descriptor.hasHitsAddend()
            ? descriptor.getHitsAddend().getValue()
            : Integer.toUnsignedLong(request.getHitsAddend());
    if (hits < 0) {
      return Long.MAX_VALUE; // a uint64 beyond Long.MAX_VALUE: never fits
    }
    return Math.max(1, hits);
  }

  // ---- ratelimit: RateLimitResponse out ----

  /**
   * One descriptor's outcome.
   *
   * @param decision the request-rate decision
   * @param bucket the tenant's request bucket after the decision; null when no request limit
   *     applies (then the status carries no limit and adds no headers)
   */
  record Outcome(Decision decision, BucketView bucket) {
    Outcome {
      Objects.requireNonNull(decision, "decision");
    }
  }

  /**
   * The answer for a request's descriptors, in order: {@code OVER_LIMIT} for each denied one (and
   * overall when any is), with {@code current_limit}, {@code limit_remaining} and {@code
   * duration_until_reset} where a limit applies. The rate-limit headers (and {@code retry-after}
   * when over the limit, {@link #REASON_HEADER} when denied or shadow-denied) describe the most
   * restrictive descriptor: a denied one first, then a shadow-denied one, then the one with the
   * fewest requests left.
   */
  static RateLimitResponse rateLimitResponse(List<Outcome> outcomes) {
    RateLimitResponse.Builder r = RateLimitResponse.newBuilder();
    RateLimitResponse.Code overall = RateLimitResponse.Code.OK;
    Outcome shown = null;
    DescriptorStatus shownStatus = null;
    for (Outcome o : outcomes) {
      DescriptorStatus s = descriptorStatus(o);
      r.addStatuses(s);
      if (s.getCode() == RateLimitResponse.Code.OVER_LIMIT) {
        overall = RateLimitResponse.Code.OVER_LIMIT;
      }
      if (shown == null || moreRestrictive(o, s, shown, shownStatus)) {
        shown = o;
        shownStatus = s;
      }
    }
    r.setOverallCode(overall);
    if (shown != null) {
      addHeaders(r, shown, shownStatus);
    }
    return r.build();
  }

  static DescriptorStatus descriptorStatus(Outcome o) {
    DescriptorStatus.Builder s =
        DescriptorStatus.newBuilder()
            .setCode(
                o.decision().verdict() == Verdict.DENY
                    ? RateLimitResponse.Code.OVER_LIMIT
                    : RateLimitResponse.Code.OK);
    BucketView b = o.bucket();
    if (b != null) {
      long untilFull = nanosUntilFull(b);
      s.setCurrentLimit(rateLimit(b.spec().ratePerSecond()))
          .setLimitRemaining((int) Math.min(Math.max(0, b.availableTokens()), MAX_UINT32))
          .setDurationUntilReset(
              com.google.protobuf.Duration.newBuilder()
                  .setSeconds(untilFull / NANOS_PER_SECOND)
                  .setNanos((int) (untilFull % NANOS_PER_SECOND)));
    }
    return s.build();
  }

  /**
   * A rate in requests per second as Envoy's {@code RateLimit}: the shortest unit in which it is a
   * whole number of requests (10/s → 10 per SECOND, 0.5/s → 30 per MINUTE), else the shortest in
   * which it is at least one request, rounded.
   */
  static RateLimit rateLimit(double perSecond) {
    RateLimit.Unit[] units = {
      RateLimit.Unit.SECOND, RateLimit.Unit.MINUTE, RateLimit.Unit.HOUR, RateLimit.Unit.DAY
    };
    for (RateLimit.Unit u : units) {
      double v = perSecond * unitSeconds(u);
      if (v >= 1 && Math.abs(v - Math.rint(v)) <= 1e-9 * v) {
        return rateLimit(v, u);
      }
    }
    for (RateLimit.Unit u : units) {
      double v = perSecond * unitSeconds(u);
      if (v >= 1) {
        return rateLimit(v, u);
      }
    }
    return rateLimit(1, RateLimit.Unit.DAY);
  }

  private static RateLimit rateLimit(double requests, RateLimit.Unit unit) {
    long n = Math.min(Math.round(requests), MAX_UINT32);
    return RateLimit.newBuilder()
        .setName(REQUEST_RATE_LIMIT_NAME)
        .setRequestsPerUnit((int) n) // uint32
        .setUnit(unit)
        .build();
  }

  static long unitSeconds(RateLimit.Unit unit) {
    return switch (unit) {
      case SECOND -> 1;
      case MINUTE -> 60;
      case HOUR -> 3_600;
      case DAY -> 86_400;
      case WEEK -> 7 * 86_400;
      case MONTH -> 30 * 86_400;
      case YEAR -> 365 * 86_400;
      default -> throw new IllegalArgumentException("no length for unit " + unit);
    };
  }

  /** How long until the bucket is full again: a token bucket's "reset". */
  static long nanosUntilFull(BucketView b) {
    long missing = b.spec().capacity() - Math.max(0, b.availableTokens());
    if (missing <= 0) {
      return 0;
    }
    double nanos = Math.ceil(missing / b.spec().ratePerSecond() * NANOS_PER_SECOND);
    return nanos >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) nanos;
  }

  private static boolean moreRestrictive(
      Outcome o, DescriptorStatus s, Outcome than, DescriptorStatus thanStatus) {
    int rank = rank(o);
    int thanRank = rank(than);
    if (rank != thanRank) {
      return rank > thanRank;
    }
    return s.hasCurrentLimit()
        && (!thanStatus.hasCurrentLimit()
            || Integer.toUnsignedLong(s.getLimitRemaining())
                < Integer.toUnsignedLong(thanStatus.getLimitRemaining()));
  }

  private static int rank(Outcome o) {
    return switch (o.decision().verdict()) {
      case DENY -> 2;
      case SHADOW_DENY -> 1;
      case ALLOW -> 0;
    };
  }

  private static void addHeaders(RateLimitResponse.Builder r, Outcome o, DescriptorStatus status) {
    Decision d = o.decision();
    if (status.hasCurrentLimit()) {
      RateLimit limit = status.getCurrentLimit();
      String perUnit = Integer.toUnsignedString(limit.getRequestsPerUnit());
      // Envoy's own format for these headers: "<limit>, <limit>;w=<window seconds>".
      r.addResponseHeadersToAdd(
          header(
              RATELIMIT_LIMIT_HEADER,
              perUnit + ", " + perUnit + ";w=" + unitSeconds(limit.getUnit())));
      r.addResponseHeadersToAdd(
          header(RATELIMIT_REMAINING_HEADER, Integer.toUnsignedString(status.getLimitRemaining())));
      com.google.protobuf.Duration reset = status.getDurationUntilReset();
      long resetSeconds = reset.getSeconds() + (reset.getNanos() > 0 ? 1 : 0);
      r.addResponseHeadersToAdd(header(RATELIMIT_RESET_HEADER, Long.toString(resetSeconds)));
    }
    if (d.verdict() == Verdict.DENY) {
      r.addResponseHeadersToAdd(header(REASON_HEADER, d.reason().label()));
      if (d.retryAfter() != null) {
        r.addResponseHeadersToAdd(
            header(RETRY_AFTER_HEADER, Long.toString(d.retryAfter().toSeconds())));
      }
    } else if (d.verdict() == Verdict.SHADOW_DENY) {
      r.addResponseHeadersToAdd(header(REASON_HEADER, "shadow_" + d.reason().label()));
    }
  }
}
