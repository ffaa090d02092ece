package io.mimiredge.rls.enforce;

import io.mimiredge.rls.limits.Mode;
import io.mimiredge.rls.otlp.OtlpScanner;
import io.mimiredge.rls.remotewrite.ContentTypes;
import io.mimiredge.rls.remotewrite.Protocol;
import io.mimiredge.rls.remotewrite.RemoteWriteException;
import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The whole decision for one remote-write body, the same for every door, in Mimir's order: the
 * tenant (checked once, its limits read once: a {@link TenantSnapshot}), the Content-Type, the
 * request-rate token, the body size, the scan (with the tenant's validation limits and the time),
 * then the {@link Enforcer}'s HA, validation and ingestion checks. Every outcome, including a
 * corrupt body, is a {@link Decision}.
 *
 * <p>Thread-safe.
 */
public final class PushEvaluator {
  private final Enforcer enforcer;
  private final WriteRequestScanner scanner;
  private final OtlpScanner otlp;
  private final long maxRequestBytes;
  private final LongSupplier wallMillis;
  private final RetryAfterHeader retryAfterHeader;

  /**
   * @param maxRequestBytes the largest compressed body accepted (above it a remote write is a 400
   *     and an OTLP push a 413, as Mimir answers them)
   * @param wallMillis the wall clock in Unix milliseconds: sample timestamps are judged against it,
   *     HA elections are made with it
   */
  public PushEvaluator(
      Enforcer enforcer,
      WriteRequestScanner scanner,
      long maxRequestBytes,
      LongSupplier wallMillis) {
    this(
        enforcer, scanner, new OtlpScanner(scanner.maxDecodedBytes()), maxRequestBytes, wallMillis);
  }

  /**
   * @param otlp the scanner of OTLP bodies
   * @see #PushEvaluator(Enforcer, WriteRequestScanner, long, LongSupplier)
   */
  public PushEvaluator(
      Enforcer enforcer,
      WriteRequestScanner scanner,
      OtlpScanner otlp,
      long maxRequestBytes,
      LongSupplier wallMillis) {
    this(enforcer, scanner, otlp, maxRequestBytes, wallMillis, RetryAfterHeader.MIMIR_DEFAULTS);
  }

  /**
   * @param retryAfterHeader the {@code Retry-After} the doors set on a denial, as Mimir's
   * @see #PushEvaluator(Enforcer, WriteRequestScanner, OtlpScanner, long, LongSupplier)
   */
  public PushEvaluator(
      Enforcer enforcer,
      WriteRequestScanner scanner,
      OtlpScanner otlp,
      long maxRequestBytes,
      LongSupplier wallMillis,
      RetryAfterHeader retryAfterHeader) {
    this.retryAfterHeader = Objects.requireNonNull(retryAfterHeader, "retryAfterHeader");
    this.enforcer = Objects.requireNonNull(enforcer, "enforcer");
    this.scanner = Objects.requireNonNull(scanner, "scanner");
    this.otlp = Objects.requireNonNull(otlp, "otlp");
    this.wallMillis = Objects.requireNonNull(wallMillis, "wallMillis");
    if (maxRequestBytes <= 0) {
      throw new IllegalArgumentException("maxRequestBytes must be > 0, got " + maxRequestBytes);
    }
    this.maxRequestBytes = maxRequestBytes;
  }

  public Enforcer enforcer() {
    return enforcer;
  }

  public long maxRequestBytes() {
    return maxRequestBytes;
  }

  /**
   * A push whose body a door will not read, {@code bodyBytes} long (&lt;= 0 when unknown) over
   * {@link #maxRequestBytes}: refused whatever the mode (what was not read cannot be passed on),
   * after what Mimir checks before the body: for a remote write its Content-Type ({@code
   * isRemoteWrite2}, no token taken), then the request token ({@code limitsMiddleware}); for OTLP
   * the token, then its Content-Type and Content-Encoding (415). The refusal itself is a 400 for a
   * remote write, a 413 for OTLP ({@link Enforcer#bodyTooLarge}).
   */
  public Decision unreadBodyTooLarge(
      TenantCheck check,
      String contentType,
      String contentEncoding,
      long bodyBytes,
      boolean otlpDoor) {
    TenantSnapshot t = check.tenant();
    Protocol protocol = otlpDoor ? Protocol.OTLP : Protocol.RW1;
    if (t != null && t.mode() != Mode.OFF) {
      if (otlpDoor) {
        // a shadow denial goes on to the refusal: what was not read cannot be passed on
        Decision first = otlpBeforeBody(t, contentType, contentEncoding);
        if (first != null && first.verdict() == Verdict.DENY) {
          return first;
        }
      } else {
        Decision first;
        try {
          protocol = ContentTypes.remoteWriteProtocol(contentType);
          first = enforcer.takeRequestToken(t);
        } catch (RemoteWriteException e) {
          // Mimir refuses the Content-Type before limitsMiddleware: no token, in shadow too
          first = enforcer.badBody(t, e, Protocol.RW1);
        }
        if (first != null && first.verdict() == Verdict.DENY) {
          return first;
        }
      }
    }
    return enforcer.bodyTooLargeToRead(check, bodyBytes, maxRequestBytes, protocol);
  }

  /**
   * OTLP's checks before its body, in Mimir's order: the request token ({@code limitsMiddleware}
   * takes it before the OTLP parser reads anything), then the Content-Type and Content-Encoding
   * (415). A denial (or shadow denial), or null to go on.
   */
  private Decision otlpBeforeBody(TenantSnapshot t, String contentType, String contentEncoding) {
    Decision overRate = enforcer.takeRequestToken(t);
    if (overRate != null) {
      return overRate;
    }
    try {
      OtlpScanner.checkHeaders(contentType, contentEncoding);
    } catch (RemoteWriteException e) {
      return enforcer.badBody(t, e, Protocol.OTLP);
    }
    return null;
  }

  /** The {@code Retry-After} the doors set on a denial ({@link RetryAfterHeader}). */
  public RetryAfterHeader retryAfterHeader() {
    return retryAfterHeader;
  }

  /**
   * Decides {@code body[offset, offset + length)} for a tenant already checked ({@link
   * Enforcer#check}), sent with {@code contentType} (null when absent).
   */
  public Decision evaluate(
      TenantSnapshot tenant, String contentType, byte[] body, int offset, int length) {
    if (tenant.mode() == Mode.OFF) {
      return Decision.allow(tenant.id(), Mode.OFF, 0, null); // admitted without a scan
    }
    Protocol protocol;
    try {
      protocol = ContentTypes.remoteWriteProtocol(contentType); // Mimir's handler: first of all
    } catch (RemoteWriteException e) {
      return enforcer.badBody(tenant, e, Protocol.RW1);
    }
    Decision refused = beforeScan(tenant, length, protocol);
    if (refused != null) {
      return refused;
    }
    long now = wallMillis.getAsLong();
    WriteRequestStats stats;
    try {
      stats = scanner.scan(body, offset, length, tenant.validation(), now, protocol, tenant.id());
    } catch (RemoteWriteException e) {
      return enforcer.badBody(tenant, e, protocol);
    }
    return enforcer.decide(tenant, stats, now);
  }

  /**
   * Decides an OTLP/HTTP metrics body ({@code /otlp/v1/metrics}) sent with {@code contentType} and
   * {@code contentEncoding} (either null when absent), for a tenant already checked, in Mimir's
   * order ({@code limitsMiddleware}, then {@code OTLPHandler}'s parser): the request token, the
   * headers (415), the size (413), the scan of what Mimir's translation makes of it, the enforcer's
   * checks.
   */
  public Decision evaluateOtlp(
      TenantSnapshot tenant,
      String contentType,
      String contentEncoding,
      byte[] body,
      int offset,
      int length) {
    if (tenant.mode() == Mode.OFF) {
      return Decision.allow(tenant.id(), Mode.OFF, 0, null);
    }
    Decision refused = otlpBeforeBody(tenant, contentType, contentEncoding);
    if (refused != null) {
      return refused;
    }
    if (length > maxRequestBytes) {
      return enforcer.bodyTooLarge(tenant, length, maxRequestBytes, Protocol.OTLP);
    }
    long now = wallMillis.getAsLong();
    WriteRequestStats stats;
    try {
      stats =
          otlp.scan(
              body,
              offset,
              length,
              contentType,
              contentEncoding,
              tenant.validation(),
              now,
              tenant.id());
    } catch (RemoteWriteException e) {
      return enforcer.badBody(tenant, e, Protocol.OTLP);
    }
    return enforcer.decide(tenant, stats, now);
  }

  /**
   * {@link #evaluateOtlp(TenantSnapshot, String, String, byte[], int, int)} for a tenant header.
   */
  public Decision evaluateOtlp(
      String orgId,
      String contentType,
      String contentEncoding,
      byte[] body,
      int offset,
      int length) {
    TenantCheck c = enforcer.check(orgId);
    return c.decision() != null
        ? c.decision()
        : evaluateOtlp(c.tenant(), contentType, contentEncoding, body, offset, length);
  }

  /**
   * The request-rate token (limitsMiddleware takes it before the handler reads the body), then the
   * body size: a denial, or null to go on and scan.
   */
  private Decision beforeScan(TenantSnapshot tenant, int length, Protocol protocol) {
    Decision overRate = enforcer.takeRequestToken(tenant);
    if (overRate != null) {
      return overRate;
    }
    if (length > maxRequestBytes) {
      return enforcer.bodyTooLarge(tenant, length, maxRequestBytes, protocol);
    }
    return null;
  }

  /** Decides a push sent with tenant header {@code orgId}; see the other {@code evaluate}. */
  public Decision evaluate(String orgId, String contentType, byte[] body, int offset, int length) {
    TenantCheck c = enforcer.check(orgId);
    return c.decision() != null
        ? c.decision()
        : evaluate(c.tenant(), contentType, body, offset, length);
  }

  /** Decides a whole array sent without a Content-Type. */
  public Decision evaluate(String orgId, byte[] body) {
    return evaluate(orgId, null, body, 0, body.length);
  }

  /**
   * Decides a request of which only the start of the body arrived (Envoy's ext_authz with {@code
   * allow_partial_message}, marked by {@code x-envoy-auth-partial-body: true}). A cut body cannot
   * be scanned as if it were whole, and its items cannot be counted: the tenant is checked as
   * usual, then the request is admitted as {@link Reason#PARTIAL_BODY}, consuming nothing, for
   * Mimir to judge.
   */
  public Decision evaluatePartial(String orgId) {
    TenantCheck c = enforcer.check(orgId);
    if (c.decision() != null) {
      return c.decision();
    }
    TenantSnapshot t = c.tenant();
    return t.mode() == Mode.OFF
        ? Decision.allow(t.id(), Mode.OFF, 0, null)
        : Decision.partialBody(t.id(), t.mode());
  }
}
