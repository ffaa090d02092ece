package io.mimiredge.rls.enforce;

import io.mimiredge.rls.limits.Mode;
import io.mimiredge.rls.remotewrite.ContentTypes;
import io.mimiredge.rls.remotewrite.RemoteWriteException;
import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import java.util.Objects;

/**
 * The whole decision for one remote-write body, the same for every door: tenant ID, body size, scan
 * (with the tenant's validation limits), then the {@link Enforcer}'s limits. Every outcome,
 * including a corrupt body, is a {@link Decision}.
 *
 * <p>Thread-safe.
 */
public final class PushEvaluator {
  private final Enforcer enforcer;
  private final WriteRequestScanner scanner;
  private final long maxRequestBytes;

  /**
   * @param maxRequestBytes the largest compressed body accepted (413 above it)
   */
  public PushEvaluator(Enforcer enforcer, WriteRequestScanner scanner, long maxRequestBytes) {
    this.enforcer = Objects.requireNonNull(enforcer, "enforcer");
    this.scanner = Objects.requireNonNull(scanner, "scanner");
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

  /** Decides {@code body[offset, offset + length)} sent with tenant header {@code orgId}. */
  public Decision evaluate(String orgId, byte[] body, int offset, int length) {
    Decision tenant = enforcer.checkTenant(orgId);
    if (tenant.verdict() != Verdict.ALLOW || tenant.mode() == Mode.OFF) {
      return tenant; // a bad tenant ends here; an "off" tenant is admitted without a scan
    }
    if (length > maxRequestBytes) {
      return enforcer.bodyTooLarge(orgId, length, maxRequestBytes);
    }
    WriteRequestStats stats;
    try {
      stats =
          scanner.scan(
              body, offset, length, enforcer.limitsFor(tenant.tenant()).validationLimits());
    } catch (RemoteWriteException e) {
      return enforcer.badBody(orgId, e);
    }
    return enforcer.decideChecked(tenant.tenant(), stats);
  }

  /**
   * Decides a request of which only the start of the body arrived (Envoy's ext_authz with {@code
   * allow_partial_message}, marked by {@code x-envoy-auth-partial-body: true}). A cut body cannot
   * be scanned as if it were whole, and its items cannot be counted: the tenant is checked as
   * usual, then the request is admitted as {@link Reason#PARTIAL_BODY}, consuming nothing, for
   * Mimir to judge.
   */
  public Decision evaluatePartial(String orgId) {
    Decision tenant = enforcer.checkTenant(orgId);
    if (tenant.verdict() != Verdict.ALLOW || tenant.mode() == Mode.OFF) {
      return tenant;
    }
    return Decision.partialBody(tenant.tenant(), tenant.mode());
  }

  /**
   * Decides a push with its {@code Content-Type}: a remote write 2.0 message, which the scanner
   * cannot count, is refused (415) before anything else; see {@link #evaluate(String, byte[], int,
   * int)}.
   */
  public Decision evaluate(String orgId, String contentType, byte[] body, int offset, int length) {
    if (ContentTypes.isUnsupportedProtobufMessage(contentType)) {
      Decision tenant = enforcer.checkTenant(orgId);
      return tenant.verdict() != Verdict.ALLOW || tenant.mode() == Mode.OFF
          ? tenant
          : enforcer.unsupportedMessage(orgId, contentType);
    }
    return evaluate(orgId, body, offset, length);
  }

  /** Decides a whole array; see {@link #evaluate(String, byte[], int, int)}. */
  public Decision evaluate(String orgId, byte[] body) {
    return evaluate(orgId, body, 0, body.length);
  }
}
