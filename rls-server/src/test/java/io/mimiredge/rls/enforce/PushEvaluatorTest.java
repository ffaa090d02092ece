package io.mimiredge.rls.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.limits.Mode;
import io.mimiredge.rls.limits.OverridesParser;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PushEvaluatorTest {
  private static final Path FIXTURES = Path.of(System.getProperty("fixtures.dir"));
  private final AtomicLong nanos = new AtomicLong();
  private PushEvaluator evaluator;
  private byte[] body; // 500 series, 500 samples

  @BeforeEach
  void setUp() throws Exception {
    body = Files.readAllBytes(FIXTURES.resolve("000.bin"));
    Enforcer enforcer =
        Enforcer.builder()
            .overrides(
                OverridesParser.parse(
                    """
                    overrides:
                      tight: {ingestion_rate: 100, ingestion_burst_size: 600}
                      oneRequest: {request_rate: 0.001, request_burst_size: 1}
                      oneRequestOtlp: {request_rate: 0.001, request_burst_size: 1}
                      oneRequestShadow:
                        request_rate: 0.001
                        request_burst_size: 1
                        edge_enforcement: {mode: shadow}
                      quiet: {edge_enforcement: {mode: "off"}}
                      otlpRules:
                        metric_relabel_configs:
                          - {source_labels: [__meta_tenant_id], regex: otlpRules, action: keep}
                          - {source_labels: [__name__], regex: queue_depth, action: drop}
                      otlpNobody:
                        metric_relabel_configs:
                          - {source_labels: [__meta_tenant_id], regex: nobody, action: keep}
                    """,
                    TenantLimits.MIMIR_DEFAULTS))
            .buckets(new LocalBucketStore(nanos::get))
            .build();
    // the 9380-byte fixture fits; 10,000 bytes of anything else do not
    evaluator =
        new PushEvaluator(
            enforcer,
            new WriteRequestScanner(1 << 20),
            10_000,
            () -> io.mimiredge.rls.testing.TestFixtures.NOW_MILLIS);
  }

  @Test
  void admitsARealRequestAndCarriesWhatItCounted() {
    Decision d = evaluator.evaluate("tight", body);

    assertThat(d.verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(d.items()).isEqualTo(500);
    assertThat(d.stats().series()).isEqualTo(500);
  }

  @Test
  void anOtlpPushIsRelabeledWithItsTenantsRulesAndId() {
    byte[] otlp = io.mimiredge.rls.otlp.OtlpScannerTest.everyType().toByteArray();
    String pb = "application/x-protobuf";
    Decision plain = evaluator.evaluateOtlp("someone", pb, null, otlp, 0, otlp.length);
    Decision rules = evaluator.evaluateOtlp("otlpRules", pb, null, otlp, 0, otlp.length);
    Decision nobody = evaluator.evaluateOtlp("otlpNobody", pb, null, otlp, 0, otlp.length);

    assertThat(plain.verdict()).isEqualTo(Verdict.ALLOW);
    // the two queue_depth samples dropped by the rule; the rest kept for this tenant's id
    assertThat(rules.items()).isEqualTo(plain.items() - 2);
    assertThat(rules.stats().removedSeries()).isEqualTo(2);
    // every series dropped for another tenant's id: the families' metadata only
    assertThat(nobody.stats().removedSeries()).isEqualTo(plain.stats().series());
    assertThat(nobody.items()).isEqualTo(plain.stats().metadata());
  }

  @Test
  void deniesTheSecondRequestOnceTheBurstIsSpent() {
    evaluator.evaluate("tight", body);
    Decision d = evaluator.evaluate("tight", body);

    assertThat(d.verdict()).isEqualTo(Verdict.DENY);
    assertThat(d.status()).isEqualTo(429);
    assertThat(d.retryAfter()).isNotNull();

    nanos.addAndGet(4_000_000_000L); // 400 more tokens: 100 left + 400 = 500
    assertThat(evaluator.evaluate("tight", body).verdict()).isEqualTo(Verdict.ALLOW);
  }

  /** pkg/distributor/push.go: the size is a parse error, which the push handler makes a 400. */
  @Test
  void refusesAnOversizedBodyBeforeLookingAtItWithMimirs400() {
    Decision d = evaluator.evaluate("tight", new byte[10_001]);

    assertThat(d.reason()).isEqualTo(Reason.BODY_TOO_LARGE);
    assertThat(d.status()).isEqualTo(400);
    assertThat(d.message()).contains("err-mimir-distributor-max-write-message-size");
    assertThat(d.stats()).isNull();
  }

  /** limitsMiddleware takes the request token before the handler parses (and sizes) the body. */
  @Test
  void theRequestRateComesBeforeTheBodySize() {
    assertThat(evaluator.evaluate("oneRequest", new byte[10_001]).status()).isEqualTo(400);

    Decision d = evaluator.evaluate("oneRequest", new byte[10_001]);

    assertThat(d.reason()).isEqualTo(Reason.REQUEST_RATE);
    assertThat(d.status()).isEqualTo(429);
  }

  /**
   * A body a door will not read gets what Mimir answers first: a remote write's Content-Type
   * (isRemoteWrite2, no token), then the request token, then the size (400); OTLP's token, then its
   * headers (415), then the size (413).
   */
  @Test
  void anUnreadBodyIsRefusedAfterWhatMimirChecksFirst() {
    TenantCheck c = evaluator.enforcer().check("oneRequest");
    String other = "application/x-protobuf;proto=something.Else";

    Decision badType = evaluator.unreadBodyTooLarge(c, other, null, 20_000, false);
    assertThat(badType.reason()).isEqualTo(Reason.BAD_CONTENT_TYPE); // and no token taken:
    Decision tooLarge = evaluator.unreadBodyTooLarge(c, null, null, 20_000, false);
    assertThat(tooLarge.reason()).isEqualTo(Reason.BODY_TOO_LARGE);
    assertThat(tooLarge.status()).isEqualTo(400);
    Decision overRate = evaluator.unreadBodyTooLarge(c, null, null, 20_000, false);
    assertThat(overRate.reason()).isEqualTo(Reason.REQUEST_RATE);

    TenantCheck o = evaluator.enforcer().check("oneRequestOtlp");
    Decision unsupported = evaluator.unreadBodyTooLarge(o, "text/plain", null, 20_000, true);
    assertThat(unsupported.status()).isEqualTo(415); // after the token:
    assertThat(
            evaluator.unreadBodyTooLarge(o, "application/x-protobuf", null, 20_000, true).reason())
        .isEqualTo(Reason.REQUEST_RATE);
    TenantCheck t = evaluator.enforcer().check("tight");
    Decision otlpTooLarge =
        evaluator.unreadBodyTooLarge(t, "application/x-protobuf", null, 20_000, true);
    assertThat(otlpTooLarge.reason()).isEqualTo(Reason.BODY_TOO_LARGE);
    assertThat(otlpTooLarge.status()).isEqualTo(413);
  }

  /**
   * Shadow mode takes what enforce mode would take: a remote write refused for its Content-Type
   * takes no request token, read or not.
   */
  @Test
  void anUnreadBodyWithABadContentTypeTakesNoTokenInShadowEither() {
    TenantCheck c = evaluator.enforcer().check("oneRequestShadow");
    String other = "application/x-protobuf;proto=something.Else";

    Decision refused = evaluator.unreadBodyTooLarge(c, other, null, 20_000, false);
    assertThat(refused.verdict()).isEqualTo(Verdict.DENY); // unread: refused in every mode
    assertThat(refused.reason()).isEqualTo(Reason.BODY_TOO_LARGE);

    // the tenant's one token is still there
    assertThat(evaluator.evaluate("oneRequestShadow", body).verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(evaluator.evaluate("oneRequestShadow", body).reason())
        .isEqualTo(Reason.REQUEST_RATE);
  }

  @Test
  void aCorruptBodyIsA400() {
    byte[] truncated = java.util.Arrays.copyOf(body, body.length / 2);

    Decision d = evaluator.evaluate("tight", truncated);

    assertThat(d.reason()).isEqualTo(Reason.BAD_BODY);
    assertThat(d.status()).isEqualTo(400);
  }

  @Test
  void aSnappyBombIsRefusedAsTooLargeDecoded() {
    byte[] bomb = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x0f, 0, 0}; // 4 GiB

    Decision d = evaluator.evaluate("tight", bomb);

    assertThat(d.reason()).isEqualTo(Reason.DECODED_TOO_LARGE);
    assertThat(d.status()).isEqualTo(400); // a remote write's, as Mimir's push handler
  }

  @Test
  void aMissingTenantIsA401WhateverTheBody() {
    assertThat(evaluator.evaluate(null, new byte[3]).status()).isEqualTo(401);
    assertThat(evaluator.evaluate("", body).reason()).isEqualTo(Reason.MISSING_TENANT);
    assertThat(evaluator.evaluate("a/b", body).reason()).isEqualTo(Reason.INVALID_TENANT);
  }

  @Test
  void anOffTenantIsAdmittedWithoutAScan() {
    Decision d = evaluator.evaluate("quiet", new byte[] {1, 2, 3});

    assertThat(d.verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(d.mode()).isEqualTo(Mode.OFF);
    assertThat(d.stats()).isNull();
  }

  @Test
  void readsTheContentTypeAsMimirDoesBeforeAnything() {
    String v2 = "application/x-protobuf;proto=io.prometheus.write.v2.Request";
    String other = "application/x-protobuf;proto=something.Else";

    // Mimir's isRemoteWrite2: an unknown message is a 400, never a 415, and takes no token
    Decision d = evaluator.evaluate("tight", other, body, 0, body.length);
    assertThat(d.reason()).isEqualTo(Reason.BAD_CONTENT_TYPE);
    assertThat(d.status()).isEqualTo(400);
    assertThat(d.message()).contains("got " + other + " content type");
    // a 1.0 body declared as 2.0 fails to decode, as in Mimir
    Decision wrong = evaluator.evaluate("tight", v2, body, 0, body.length);
    assertThat(wrong.reason()).isEqualTo(Reason.BAD_BODY);
    assertThat(wrong.message()).contains("Remote Write 1.0 field Timeseries");
    assertThat(evaluator.evaluate((String) null, v2, body, 0, body.length).status()).isEqualTo(401);
    assertThat(
            evaluator
                .evaluate(
                    "tight",
                    "application/x-protobuf;proto=prometheus.WriteRequest",
                    body,
                    0,
                    body.length)
                .verdict())
        .isEqualTo(Verdict.ALLOW);
  }
}
