package io.mimiredge.rls.enforce;

import static io.mimiredge.rls.enforce.Verdict.ALLOW;
import static io.mimiredge.rls.enforce.Verdict.DENY;
import static io.mimiredge.rls.enforce.Verdict.SHADOW_DENY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.limits.LimitKey;
import io.mimiredge.rls.limits.Mode;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.limits.ValidationPolicy;
import io.mimiredge.rls.remotewrite.Protocol;
import io.mimiredge.rls.remotewrite.RemoteWriteException;
import io.mimiredge.rls.remotewrite.Violation;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import io.mimiredge.rls.testing.Stats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EnforcerTest {
  private static final String T = "tenant-a";
  private static final TenantLimits D = TenantLimits.MIMIR_DEFAULTS;

  private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
  private final LocalBucketStore store = new LocalBucketStore(nanos::get);

  private void advanceMillis(long ms) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  private Enforcer enforcer(TenantLimits defaults) {
    return Enforcer.builder().overrides(Overrides.of(defaults)).buckets(store).build();
  }

  private Enforcer enforcer(TenantLimits defaults, Mode defaultMode) {
    return Enforcer.builder()
        .overrides(Overrides.of(defaults))
        .buckets(store)
        .defaultMode(defaultMode)
        .build();
  }

  /** The time decisions are made at (HA elections only). */
  private static final long NOW = 1_795_400_000_000L;

  /** A valid request with this many float samples. */
  static WriteRequestStats samples(long n) {
    return Stats.ofSamples(n);
  }

  /** The whole decision for scanned stats: tenant, request token, then the rest. */
  private static Decision decide(Enforcer e, String orgId, WriteRequestStats s) {
    return e.decide(orgId, s, NOW);
  }

  private static TenantSnapshot tenant(Enforcer e, String id) {
    return e.check(id).tenant();
  }

  /** One step of a scenario: wait, push, expect. */
  record Step(
      long waitMillis, long items, Verdict verdict, Long retryAfterSeconds, String message) {
    static Step ok(long waitMillis, long items) {
      return new Step(waitMillis, items, ALLOW, null, null);
    }

    static Step denied(long waitMillis, long items, Long retryAfterSeconds, String message) {
      return new Step(waitMillis, items, DENY, retryAfterSeconds, message);
    }
  }

  static Stream<Arguments> ingestionScenarios() {
    String rate10burst5 = MimirMessages.ingestionRateLimited(10, 5);
    return Stream.of(
        arguments(
            "Mimir's test: 10/s shared by 2 replicas, burst 5 undivided",
            D.toBuilder().ingestionRate(10).ingestionBurstSize(5).build(),
            2,
            1.0,
            List.of(
                Step.ok(0, 2),
                Step.ok(0, 1),
                Step.denied(0, 3, 1L, rate10burst5),
                Step.ok(0, 2),
                Step.denied(0, 1, 1L, rate10burst5),
                Step.ok(200, 1))), // 5/s locally: one item per 200 ms
        arguments(
            "more than the burst never fits: burst-size message, no Retry-After, nothing consumed",
            D.toBuilder().ingestionRate(10).ingestionBurstSize(5).build(),
            1,
            1.0,
            List.of(
                Step.denied(0, 6, null, MimirMessages.ingestionBurstSizeLimited(5, 6)),
                Step.ok(0, 5))),
        arguments(
            "rate 0 still admits a burst per 10 s (x/time/rate spends the burst at limit 0, dskit's"
                + " recheck every 10 s restores it): a bucket twice the burst deep, refilled at a"
                + " burst per 10 s, admits whatever one distributor would",
            D.toBuilder().ingestionRate(0).ingestionBurstSize(5).build(),
            1,
            1.0,
            List.of(
                Step.ok(0, 5),
                Step.ok(0, 5),
                Step.denied(0, 1, 2L, MimirMessages.ingestionRateLimited(0, 5)),
                Step.ok(2_000, 1),
                Step.denied(0, 6, null, MimirMessages.ingestionBurstSizeLimited(5, 6)),
                Step.ok(10_000, 5))),
        arguments(
            "rate 0 with a burst factor: a burst of 0, nothing ever fits (burst-size message)",
            D.toBuilder().ingestionRate(0).ingestionBurstFactor(2).build(),
            1,
            1.0,
            List.of(Step.denied(0, 1, null, MimirMessages.ingestionBurstSizeLimited(0, 1)))),
        arguments(
            "burst 0 denies everything with the burst-size message",
            D.toBuilder().ingestionBurstSize(0).build(),
            1,
            1.0,
            List.of(Step.denied(0, 1, null, MimirMessages.ingestionBurstSizeLimited(0, 1)))),
        arguments(
            "refill over time, capped at the burst",
            D.toBuilder().ingestionRate(100).ingestionBurstSize(100).build(),
            1,
            1.0,
            List.of(
                Step.ok(0, 100),
                Step.denied(0, 1, 1L, null),
                Step.ok(500, 50),
                Step.denied(0, 1, 1L, null),
                Step.ok(60_000, 100),
                Step.denied(0, 1, 1L, null))),
        arguments(
            "Retry-After is the wait rounded up to whole seconds",
            D.toBuilder().ingestionRate(1).ingestionBurstSize(10).build(),
            1,
            1.0,
            List.of(
                Step.ok(0, 10),
                Step.denied(0, 3, 3L, null),
                Step.denied(0, 10, 10L, null),
                Step.denied(2500, 3, 1L, null),
                Step.ok(500, 3))),
        arguments(
            "10000/s over 3 replicas: 10000 items every 3 s, burst undivided",
            D,
            3,
            1.0,
            List.of(
                Step.ok(0, 200_000),
                Step.denied(0, 1, 1L, MimirMessages.ingestionRateLimited(10_000, 200_000)),
                Step.ok(3000, 10_000),
                Step.denied(0, 1, 1L, null))),
        arguments(
            "canary fraction 0.5 and 2 replicas: 100/s becomes 25/s, burst undivided",
            D.toBuilder().ingestionRate(100).ingestionBurstSize(100).build(),
            2,
            0.5,
            List.of(
                Step.ok(0, 100),
                Step.ok(1000, 25),
                Step.denied(0, 1, 1L, null),
                Step.denied(0, 50, 2L, null),
                Step.ok(2000, 50))),
        arguments(
            "burst factor multiplies the local rate: 1000/s, 2 replicas, factor 3 -> burst 1500",
            D.toBuilder().ingestionRate(1000).ingestionBurstFactor(3).build(),
            2,
            1.0,
            List.of(
                Step.ok(0, 1500),
                Step.denied(0, 1, 1L, MimirMessages.ingestionRateLimited(1000, 3000)),
                Step.denied(
                    10_000, 1501, null, MimirMessages.ingestionBurstSizeLimited(1500, 1501)),
                Step.ok(0, 1500))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ingestionScenarios")
  void ingestionRateFollowsMimir(
      String name, TenantLimits limits, int replicas, double fraction, List<Step> steps) {
    Enforcer e =
        Enforcer.builder()
            .overrides(Overrides.of(limits))
            .buckets(store)
            .replicas(replicas)
            .trafficFraction(fraction)
            .build();
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      advanceMillis(s.waitMillis());
      Decision d = decide(e, T, samples(s.items()));
      String step = "step " + i + " " + s;
      assertThat(d.verdict()).as(step).isEqualTo(s.verdict());
      assertThat(d.items()).as(step).isEqualTo(s.items());
      assertThat(d.retryAfter())
          .as(step)
          .isEqualTo(
              s.retryAfterSeconds() == null ? null : Duration.ofSeconds(s.retryAfterSeconds()));
      if (s.verdict() == DENY) {
        assertThat(d.reason()).as(step).isEqualTo(Reason.INGESTION_RATE);
        assertThat(d.status()).isEqualTo(429);
        assertThat(d.allowed()).isFalse();
        if (s.message() != null) {
          assertThat(d.message()).as(step).isEqualTo(s.message());
        }
      } else {
        assertThat(d.reason()).isEqualTo(Reason.ALLOWED);
        assertThat(d.status()).isEqualTo(200);
        assertThat(d.message()).isEmpty();
      }
      assertThat(d.tenant()).isEqualTo(T);
      assertThat(d.mode()).isEqualTo(Mode.ENFORCE);
    }
  }

  @Test
  void shadowEvaluatesExactlyLikeEnforce() {
    AtomicLong shadowNanos = new AtomicLong(nanos.get());
    LocalBucketStore shadowStore = new LocalBucketStore(shadowNanos::get);
    TenantLimits limits =
        D.toBuilder()
            .ingestionRate(50)
            .ingestionBurstSize(200)
            .requestRate(2)
            .requestBurstSize(3)
            .build();
    Enforcer enforce = Enforcer.builder().overrides(Overrides.of(limits)).buckets(store).build();
    Enforcer shadow =
        Enforcer.builder()
            .overrides(Overrides.of(limits))
            .buckets(shadowStore)
            .defaultMode(Mode.SHADOW)
            .build();
    Random random = new Random(42);
    int shadowDenials = 0;
    for (int i = 0; i < 500; i++) {
      long wait = random.nextInt(400);
      long items = random.nextInt(120);
      nanos.addAndGet(wait * 1_000_000);
      shadowNanos.addAndGet(wait * 1_000_000);
      Decision a = decide(enforce, T, samples(items));
      Decision b = decide(shadow, T, samples(items));
      assertThat(b.verdict()).isEqualTo(a.verdict() == DENY ? SHADOW_DENY : ALLOW);
      assertThat(b.allowed()).isTrue();
      assertThat(b.reason()).isEqualTo(a.reason());
      assertThat(b.status()).isEqualTo(a.status());
      assertThat(b.message()).isEqualTo(a.message());
      assertThat(b.retryAfter()).isEqualTo(a.retryAfter());
      assertThat(b.mode()).isEqualTo(Mode.SHADOW);
      assertThat(shadowStore.view(Enforcer.ingestionKey(T)).map(BucketView::availableTokens))
          .isEqualTo(store.view(Enforcer.ingestionKey(T)).map(BucketView::availableTokens));
      assertThat(shadowStore.view(Enforcer.requestKey(T)).map(BucketView::availableTokens))
          .isEqualTo(store.view(Enforcer.requestKey(T)).map(BucketView::availableTokens));
      shadowDenials += b.verdict() == SHADOW_DENY ? 1 : 0;
    }
    assertThat(shadowDenials).isGreaterThan(50); // the sequence exercised both limits
  }

  /** distributor.go limitsMiddleware: AllowN(now, user, 1) before the body, never given back. */
  @Test
  void ingestionDenialKeepsTheRequestTokenSpentAsMimir() {
    Enforcer e =
        enforcer(
            D.toBuilder()
                .ingestionRate(1)
                .ingestionBurstSize(10)
                .requestRate(1)
                .requestBurstSize(3)
                .build());
    assertThat(decide(e, T, samples(8)).verdict()).isEqualTo(ALLOW);
    assertThat(e.requestBucket(T).orElseThrow().availableTokens()).isEqualTo(2);

    Decision tooMany = decide(e, T, samples(5));
    assertThat(tooMany.reason()).isEqualTo(Reason.INGESTION_RATE);
    assertThat(e.requestBucket(T).orElseThrow().availableTokens()).isEqualTo(1); // spent
    assertThat(e.ingestionBucket(T).orElseThrow().availableTokens()).isEqualTo(2);

    assertThat(decide(e, T, samples(2)).verdict()).isEqualTo(ALLOW);
    Decision requests = decide(e, T, samples(0));
    assertThat(requests.reason()).isEqualTo(Reason.REQUEST_RATE);
    assertThat(requests.status()).isEqualTo(429);
    assertThat(requests.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(requests.message()).isEqualTo(MimirMessages.requestRateLimited(1, 3));
    assertThat(requests.items()).isZero(); // refused before the body is read
    assertThat(e.ingestionBucket(T).orElseThrow().availableTokens()).isZero();

    advanceMillis(1000);
    assertThat(decide(e, T, samples(1)).verdict()).isEqualTo(ALLOW);
  }

  @Test
  void requestRateZeroMeansNoRequestLimit() {
    Enforcer e = enforcer(D);
    for (int i = 0; i < 1000; i++) {
      assertThat(decide(e, T, samples(1)).verdict()).isEqualTo(ALLOW);
    }
    assertThat(e.requestBucket(T)).isEmpty();
  }

  @Test
  void requestBurstZeroMeansUnboundedBurstAsMimir() {
    Enforcer e = enforcer(D.toBuilder().requestRate(1).build());
    for (int i = 0; i < 1000; i++) {
      assertThat(decide(e, T, samples(1)).verdict()).isEqualTo(ALLOW);
    }
  }

  @Test
  void requestRateIsSharedByReplicas() {
    Enforcer e =
        Enforcer.builder()
            .overrides(Overrides.of(D.toBuilder().requestRate(4).requestBurstSize(1).build()))
            .buckets(store)
            .replicas(() -> 2)
            .build();
    assertThat(decide(e, T, samples(1)).verdict()).isEqualTo(ALLOW);
    advanceMillis(499);
    assertThat(decide(e, T, samples(1)).verdict()).isEqualTo(DENY);
    advanceMillis(1);
    assertThat(decide(e, T, samples(1)).verdict()).isEqualTo(ALLOW);
  }

  @Test
  void limitsChangedAtRuntimeKeepTheTokens() {
    AtomicReference<Overrides> current =
        new AtomicReference<>(
            Overrides.of(D.toBuilder().ingestionRate(1).ingestionBurstSize(100).build()));
    Enforcer e = Enforcer.builder().overrides(current::get).buckets(store).build();
    assertThat(decide(e, T, samples(60)).verdict()).isEqualTo(ALLOW);

    current.set(
        current.get().withDefaults(D.toBuilder().ingestionRate(1).ingestionBurstSize(200).build()));
    assertThat(decide(e, T, samples(41)).verdict()).isEqualTo(DENY); // 40 left, not a fresh 200
    assertThat(e.ingestionBucket(T).orElseThrow().spec()).isEqualTo(new BucketSpec(200, 1));
    assertThat(decide(e, T, samples(140)).message())
        .isEqualTo(MimirMessages.ingestionRateLimited(1, 200));

    current.set(
        current.get().withDefaults(D.toBuilder().ingestionRate(1).ingestionBurstSize(20).build()));
    assertThat(decide(e, T, samples(0)).verdict()).isEqualTo(ALLOW);
    assertThat(e.ingestionBucket(T)).map(BucketView::availableTokens).contains(40L);
    assertThat(decide(e, T, samples(21)).verdict()).isEqualTo(DENY); // burst-size now
    assertThat(decide(e, T, samples(20)).verdict()).isEqualTo(ALLOW); // capped at the new burst
  }

  @Test
  void offModeAdmitsWithoutEvaluatingOrConsuming() {
    TenantLimits limits =
        D.toBuilder()
            .ingestionBurstSize(0)
            .requestRate(1)
            .validation(ValidationPolicy.DENY)
            .build();
    Overrides o =
        Overrides.of(limits)
            .withTenant(T, limits.toBuilder().mode(Mode.OFF).build(), Set.of(LimitKey.MODE));
    Enforcer e = Enforcer.builder().overrides(o).buckets(store).build();
    WriteRequestStats bad =
        Stats.builder()
            .samples(100)
            .invalid(Violation.MAX_LABEL_NAMES_PER_SERIES, 3, 30, 31)
            .build();
    Decision d = decide(e, T, bad);
    assertThat(d.verdict()).isEqualTo(ALLOW);
    assertThat(d.mode()).isEqualTo(Mode.OFF);
    assertThat(d.items()).isEqualTo(70);
    assertThat(e.decideRequestOnly(T, 5).verdict()).isEqualTo(ALLOW);
    TenantSnapshot t = tenant(e, T);
    assertThat(
            e.badBody(
                t, new RemoteWriteException(RemoteWriteException.Kind.BAD_BODY, "x"), Protocol.RW1))
        .extracting(Decision::verdict)
        .isEqualTo(ALLOW);
    assertThat(e.bodyTooLarge(t, 100, 10, Protocol.RW1).verdict()).isEqualTo(ALLOW);
    assertThat(store.size()).isZero();
    assertThat(decide(e, "tenant-b", samples(1)).verdict()).isEqualTo(DENY); // others enforced
  }

  static Stream<Arguments> validationCases() {
    return Stream.of(
        arguments(
            "too many labels (validate_test.go TestValidateLabels: too many labels)",
            Stats.builder()
                .samples(100)
                .invalid(Violation.MAX_LABEL_NAMES_PER_SERIES, 2, 20, 35)
                .invalid(Violation.LABEL_NAME_TOO_LONG, 1, 10, 2000)
                .build(),
            Reason.MAX_LABEL_NAMES_PER_SERIES,
            "received a series whose number of labels exceeds the limit (actual: 35, limit: 30)"
                + " (err-mimir-max-label-names-per-series). To adjust the related per-tenant"
                + " limit, configure -validation.max-label-names-per-series, or contact your"
                + " service administrator."),
        arguments(
            "label name too long",
            Stats.builder()
                .samples(100)
                .invalid(Violation.LABEL_NAME_TOO_LONG, 1, 10, 2000)
                .build(),
            Reason.LABEL_NAME_TOO_LONG,
            MimirMessages.violation(Violation.LABEL_NAME_TOO_LONG, 2000, D.validationLimits())),
        arguments(
            "label value too long",
            Stats.builder()
                .samples(100)
                .invalid(Violation.LABEL_VALUE_TOO_LONG, 4, 40, 5000)
                .build(),
            Reason.LABEL_VALUE_TOO_LONG,
            "received a series whose label value length of 5000 exceeds the limit of 2048"
                + " (err-mimir-label-value-too-long). To adjust the related per-tenant limit,"
                + " configure -validation.max-length-label-value, or contact your service"
                + " administrator."),
        arguments(
            "sample too far in the future (validate.go validateSample)",
            Stats.builder()
                .samples(100)
                .invalid(Violation.TOO_FAR_IN_FUTURE, 1, 10, 1_795_401_000_000L)
                .build(),
            Reason.TOO_FAR_IN_FUTURE,
            "received a sample whose timestamp is too far in the future, timestamp:"
                + " 1795401000000 (err-mimir-too-far-in-future). To adjust the related"
                + " per-tenant limit, configure -validation.create-grace-period, or contact your"
                + " service administrator."),
        arguments(
            "metadata unit too long (validate_test.go TestValidateMetadata: with a long unit)",
            Stats.builder()
                .samples(100)
                .metadata(3)
                .invalid(Violation.METADATA_UNIT_TOO_LONG, 1, 0, 1025)
                .build(),
            Reason.METADATA_UNIT_TOO_LONG,
            "received a metric metadata whose unit name length exceeds the limit"
                + " (err-mimir-unit-too-long). To adjust the related per-tenant limit, configure"
                + " -validation.max-metadata-length, or contact your service administrator."));
  }

  @ParameterizedTest(name = "deny policy: {0}")
  @MethodSource("validationCases")
  void denyPolicyRefusesTheFirstViolatedLimit(
      String name, WriteRequestStats stats, Reason reason, String message) {
    Enforcer e =
        enforcer(
            D.toBuilder()
                .validation(ValidationPolicy.DENY)
                .requestRate(1)
                .requestBurstSize(1)
                .build());
    Decision d = decide(e, T, stats);
    assertThat(d.verdict()).isEqualTo(DENY);
    assertThat(d.reason()).isEqualTo(reason);
    assertThat(d.status()).isEqualTo(400);
    assertThat(d.message()).isEqualTo(message);
    assertThat(d.retryAfter()).isNull();
    assertThat(d.stats()).isSameAs(stats);
    assertThat(d.items()).isEqualTo(stats.items());
    // the request token was taken first (Mimir's order); no ingestion token kept: the edge answers
    // the 400 itself, so nothing reaches Mimir's limiter
    assertThat(e.requestBucket(T).orElseThrow().availableTokens()).isZero();
    assertThat(e.ingestionBucket(T).map(BucketView::availableTokens).orElse(200_000L))
        .isEqualTo(200_000L);
  }

  /**
   * distributor.go prePushValidationMiddleware: the ingestion limiter over the valid rest comes
   * before the first validation error (a 429, which senders retry, not the 400 they drop); with
   * nothing valid, the 400 at once.
   */
  @Test
  void denyPolicyAnswersTheIngestionRateBeforeTheInvalidSeries() {
    Enforcer e =
        enforcer(
            D.toBuilder()
                .validation(ValidationPolicy.DENY)
                .ingestionRate(10)
                .ingestionBurstSize(100)
                .build());
    WriteRequestStats bad =
        Stats.builder()
            .samples(100)
            .invalid(Violation.MAX_LABEL_NAMES_PER_SERIES, 3, 30, 31)
            .build(); // 70 valid samples

    Decision fits = decide(e, T, bad);
    assertThat(fits.status()).isEqualTo(400);
    assertThat(fits.reason()).isEqualTo(Reason.MAX_LABEL_NAMES_PER_SERIES);
    assertThat(e.ingestionBucket(T).orElseThrow().availableTokens()).isEqualTo(100); // given back

    assertThat(decide(e, T, samples(60)).verdict()).isEqualTo(ALLOW); // 40 left
    Decision over = decide(e, T, bad);
    assertThat(over.verdict()).isEqualTo(DENY);
    assertThat(over.status()).isEqualTo(429);
    assertThat(over.reason()).isEqualTo(Reason.INGESTION_RATE);
    assertThat(over.retryAfter()).isEqualTo(Duration.ofSeconds(3));

    WriteRequestStats nothingValid =
        Stats.builder()
            .samples(10)
            .invalid(Violation.MAX_LABEL_NAMES_PER_SERIES, 1, 10, 31)
            .build();
    Decision none = decide(e, T, nothingValid);
    assertThat(none.status()).isEqualTo(400); // no limiter when nothing is left to write
    assertThat(e.ingestionBucket(T).orElseThrow().availableTokens()).isEqualTo(40);
  }

  @ParameterizedTest(name = "forward policy: {0}")
  @MethodSource("validationCases")
  void forwardPolicyAdmitsAndCountsOnlyValidItems(
      String name, WriteRequestStats stats, Reason reason, String message) {
    Enforcer e = enforcer(D.toBuilder().ingestionBurstSize(1000).build());
    Decision d = decide(e, T, stats);
    assertThat(d.verdict()).isEqualTo(ALLOW);
    assertThat(d.items()).isEqualTo(stats.items()).isLessThan(stats.receivedItems());
    assertThat(e.ingestionBucket(T).orElseThrow().availableTokens())
        .isEqualTo(1000 - stats.items());
  }

  @Test
  void validationDenialInShadowModeIsAShadowDenial() {
    Enforcer e =
        Enforcer.builder()
            .overrides(Overrides.of(D.toBuilder().validation(ValidationPolicy.DENY).build()))
            .buckets(store)
            .defaultMode(Mode.SHADOW)
            .build();
    Decision d =
        decide(
            e,
            T,
            Stats.builder()
                .samples(100)
                .invalid(Violation.MAX_LABEL_NAMES_PER_SERIES, 1, 10, 31)
                .build());
    assertThat(d.verdict()).isEqualTo(SHADOW_DENY);
    assertThat(d.status()).isEqualTo(400);
    assertThat(d.allowed()).isTrue();
    // consumed nothing, like the denial it stands for
    assertThat(e.ingestionBucket(T).map(BucketView::availableTokens).orElse(200_000L))
        .isEqualTo(200_000L);
  }

  private static WriteRequestStats haRequest(String replica, long samples) {
    return Stats.builder().samples(samples).ha("c1", replica).build();
  }

  /**
   * distributor_test.go TestDistributor_PushHAInstances, ha_dedupe_per_request.go: the elected
   * replica is counted; the other is admitted (Mimir answers it 202) counting nothing, after its
   * request token was taken.
   */
  @Test
  void aReplicaThatIsNotElectedIsAdmittedCountingNothing() {
    Enforcer e =
        enforcer(
            D.toBuilder()
                .ingestionRate(100)
                .ingestionBurstSize(100)
                .requestRate(10)
                .requestBurstSize(10)
                .build()
                .toBuilder()
                .acceptHaSamples(true)
                .build());
    Decision elected = decide(e, T, haRequest("r1", 60));
    assertThat(elected.reason()).isEqualTo(Reason.ALLOWED);
    assertThat(elected.items()).isEqualTo(60);

    Decision other = decide(e, T, haRequest("r2", 60));
    assertThat(other.verdict()).isEqualTo(ALLOW);
    assertThat(other.reason()).isEqualTo(Reason.HA_DEDUPED);
    assertThat(other.status()).isEqualTo(200); // forwarded: Mimir's own election decides
    assertThat(other.items()).isZero();
    assertThat(e.ingestionBucket(T).orElseThrow().availableTokens()).isEqualTo(40);
    assertThat(e.requestBucket(T).orElseThrow().availableTokens()).isEqualTo(8); // both spent

    // r1 again: counted, and over the rate as both replicas together would have been
    assertThat(decide(e, T, haRequest("r1", 60)).reason()).isEqualTo(Reason.INGESTION_RATE);
    assertThat(e.haElections(T, NOW))
        .extracting(io.mimiredge.rls.ha.HaTracker.Election::replica)
        .containsExactly("r1");
  }

  @Test
  void failoverCountsTheOtherReplicaOnceTheElectedOneIsSilent() {
    Enforcer e = enforcer(D.toBuilder().acceptHaSamples(true).build());
    assertThat(e.decide(T, haRequest("r1", 5), NOW).items()).isEqualTo(5);
    assertThat(e.decide(T, haRequest("r2", 5), NOW + 29_000).reason()).isEqualTo(Reason.HA_DEDUPED);
    Decision failover = e.decide(T, haRequest("r2", 5), NOW + 30_000);
    assertThat(failover.reason()).isEqualTo(Reason.ALLOWED);
    assertThat(failover.items()).isEqualTo(5);
    assertThat(e.decide(T, haRequest("r1", 5), NOW + 31_000).reason()).isEqualTo(Reason.HA_DEDUPED);
  }

  /**
   * ha_dedupe_per_request.go with ha_tracker_sample_failover_timeout
   * (HATrackerUseSampleTimeForFailover): the request's earliest sample, capped at now, is the
   * sample time the tracker compares with the elected replica's last-seen time (ha_tracker.go
   * updateKVStore).
   */
  @Test
  void aSampleFailoverTimeoutCountsTheOtherReplicaOnlyOnceItsEarliestSampleIsThatMuchNewer() {
    Enforcer e =
        enforcer(
            D.toBuilder()
                .acceptHaSamples(true)
                .haTrackerSampleFailoverTimeout(Duration.ofSeconds(40))
                .build());
    assertThat(e.decide(T, haRequest("r1", 5, NOW - 20_000), NOW).items()).isEqualTo(5);
    // silent for the 30 s failover timeout, but r2's earliest sample is 10 s past r1's last seen
    assertThat(e.decide(T, haRequest("r2", 5, NOW + 10_000), NOW + 30_000).reason())
        .isEqualTo(Reason.HA_DEDUPED);
    // samples from the future count as now: 30 s, still short of 40
    assertThat(e.decide(T, haRequest("r2", 5, NOW + 90_000), NOW + 30_000).reason())
        .isEqualTo(Reason.HA_DEDUPED);
    // no sample at all (metadata only): the sample time is now, 40 s
    Decision failover =
        e.decide(T, Stats.builder().series(0).metadata(2).ha("c1", "r2").build(), NOW + 40_000);
    assertThat(failover.reason()).isEqualTo(Reason.ALLOWED);
    assertThat(failover.items()).isEqualTo(2);
    assertThat(e.decide(T, haRequest("r1", 5, NOW + 40_000), NOW + 41_000).reason())
        .isEqualTo(Reason.HA_DEDUPED);
  }

  private static WriteRequestStats haRequest(String replica, long samples, long earliest) {
    return Stats.builder().samples(samples).ha("c1", replica).earliestSample(earliest).build();
  }

  /** TestHaDedupeMiddleware: a new cluster over ha_max_clusters is Mimir's 400. */
  @Test
  void aNewClusterOverTheLimitIsRefusedWithMimirsMessage() {
    Enforcer e = enforcer(D.toBuilder().acceptHaSamples(true).haMaxClusters(1).build());
    assertThat(decide(e, T, Stats.builder().samples(1).ha("c1", "r1").build()).verdict())
        .isEqualTo(ALLOW);
    Decision d = decide(e, T, Stats.builder().samples(1).ha("c2", "r1").build());
    assertThat(d.verdict()).isEqualTo(DENY);
    assertThat(d.reason()).isEqualTo(Reason.TOO_MANY_HA_CLUSTERS);
    assertThat(d.status()).isEqualTo(400);
    assertThat(d.message()).isEqualTo(MimirMessages.tooManyHaClusters(1));
    assertThat(e.ingestionBucket(T).orElseThrow().availableTokens()).isEqualTo(199_999);
  }

  /** wrapPushWithMiddlewares: HA dedupe runs before validation. */
  @Test
  void aDeduplicatedReplicaIsNotRefusedForItsInvalidSeries() {
    Enforcer e =
        enforcer(
            D.toBuilder().validation(ValidationPolicy.DENY).build().toBuilder()
                .acceptHaSamples(true)
                .build());
    decide(e, T, haRequest("r1", 1));
    WriteRequestStats invalid =
        Stats.builder()
            .samples(10)
            .ha("c1", "r2")
            .invalid(Violation.LABEL_VALUE_TOO_LONG, 1, 1, 3000)
            .build();
    assertThat(decide(e, T, invalid).reason()).isEqualTo(Reason.HA_DEDUPED);
  }

  @Test
  void aRequestWithoutHaLabelsIsCountedWhateverTheTenant() {
    Enforcer e = enforcer(D.toBuilder().acceptHaSamples(true).build());
    decide(e, T, haRequest("r1", 1));
    assertThat(decide(e, T, samples(7)).items()).isEqualTo(7);
  }

  static Stream<Arguments> tenantHeaders() {
    return Stream.of(
        arguments(null, Reason.MISSING_TENANT, 401, "no org id"),
        arguments("", Reason.MISSING_TENANT, 401, "no org id"),
        arguments("a|b", Reason.INVALID_TENANT, 401, "multiple org IDs present"),
        arguments("..", Reason.INVALID_TENANT, 401, "tenant ID is '.' or '..'"),
        arguments(
            "x".repeat(151),
            Reason.INVALID_TENANT,
            401,
            "tenant ID is too long: max 150 characters"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("tenantHeaders")
  void refusesMissingAndInvalidTenants(String orgId, Reason reason, int status, String message) {
    Enforcer e = enforcer(D);
    for (Decision d :
        List.of(
            e.check(orgId).decision(),
            decide(e, orgId, samples(1)),
            e.decideRequestOnly(orgId, 1))) {
      assertThat(d.verdict()).isEqualTo(DENY);
      assertThat(d.reason()).isEqualTo(reason);
      assertThat(d.status()).isEqualTo(status);
      assertThat(d.message()).isEqualTo(message);
      assertThat(d.tenant()).isNull();
    }
    assertThat(store.size()).isZero();
  }

  @Test
  void checkGivesAValidTenantOneSnapshotOfItsLimits() {
    TenantLimits limits = D.toBuilder().ingestionRate(5).build();
    Overrides o = Overrides.of(D).withTenant(T, limits, Set.of(LimitKey.INGESTION_RATE));
    TenantCheck c = Enforcer.builder().overrides(o).buckets(store).build().check(T);
    assertThat(c.decision()).isNull();
    assertThat(c.tenant().id()).isEqualTo(T);
    assertThat(c.tenant().mode()).isEqualTo(Mode.ENFORCE);
    assertThat(c.tenant().limits().ingestionRate()).isEqualTo(5);
    assertThat(c.tenant().validation()).isSameAs(o.entryFor(T).validation()); // built once
  }

  @Test
  void shadowModeNeverBlocksAnything() {
    Enforcer e =
        Enforcer.builder()
            .overrides(Overrides.of(D.toBuilder().ingestionBurstSize(0).build()))
            .buckets(store)
            .defaultMode(Mode.SHADOW)
            .build();
    List<Decision> all =
        List.of(
            e.check(null).decision(),
            e.check("a b").decision(),
            decide(e, T, samples(1)),
            e.bodyTooLarge(tenant(e, T), 100, 10, Protocol.RW1),
            e.bodyTooLarge(tenant(e, T), 100, 10, Protocol.OTLP),
            e.badBody(
                tenant(e, T),
                new RemoteWriteException(RemoteWriteException.Kind.DECODED_TOO_LARGE, "big"),
                Protocol.RW2),
            e.badBody(
                tenant(e, T),
                new RemoteWriteException(RemoteWriteException.Kind.DECODED_TOO_LARGE, "big"),
                Protocol.OTLP),
            e.badBody(
                tenant(e, T),
                new RemoteWriteException(RemoteWriteException.Kind.BAD_BODY, "bad"),
                Protocol.RW1));
    assertThat(all).allSatisfy(d -> assertThat(d.verdict()).isEqualTo(SHADOW_DENY));
    assertThat(all)
        .extracting(Decision::status)
        .containsExactly(401, 401, 429, 400, 413, 400, 413, 400);
  }

  @Test
  void aBodyTooLargeToReadIsRefusedInEveryMode() {
    Enforcer enforce = enforcer(D);
    Decision denied = enforce.bodyTooLargeToRead(enforce.check(T), 100, 10, Protocol.RW1);
    assertThat(denied).isEqualTo(enforce.bodyTooLarge(tenant(enforce, T), 100, 10, Protocol.RW1));

    Enforcer shadow = enforcer(D, Mode.SHADOW);
    Decision shadowed = shadow.bodyTooLargeToRead(shadow.check(T), 100, 10, Protocol.RW1);
    assertThat(shadowed.verdict()).isEqualTo(DENY);
    assertThat(shadowed.reason()).isEqualTo(Reason.BODY_TOO_LARGE);
    assertThat(shadowed.status()).isEqualTo(400); // Mimir's push handler: a parse error
    assertThat(shadowed.mode()).isEqualTo(Mode.SHADOW);
    assertThat(shadowed.tenant()).isEqualTo(T);
    assertThat(shadowed.message()).isEqualTo(MimirMessages.messageSizeTooLarge(100, 10, true));
    // a tenantless request the shadow mode let through
    Decision tenantless = shadow.bodyTooLargeToRead(shadow.check(null), -1, 10, Protocol.RW1);
    assertThat(tenantless.verdict()).isEqualTo(DENY);
    assertThat(tenantless.reason()).isEqualTo(Reason.BODY_TOO_LARGE);
    assertThat(tenantless.tenant()).isNull();
    assertThat(tenantless.message())
        .isEqualTo("the request body is larger than the 10 bytes this edge accepts");

    Enforcer off = enforcer(D, Mode.OFF);
    Decision offDenied = off.bodyTooLargeToRead(off.check(T), 100, 10, Protocol.OTLP);
    assertThat(offDenied.verdict()).isEqualTo(DENY);
    assertThat(offDenied.status()).isEqualTo(413); // OTLP's, as pkg/distributor/otel.go
    assertThat(offDenied.mode()).isEqualTo(Mode.OFF);
    assertThat(offDenied.message())
        .isEqualTo("the request body is larger than the 10 bytes this edge accepts");
  }

  @Test
  void theMirrorRecordsADenialAsAShadowDenial() {
    Enforcer e = enforcer(D.toBuilder().ingestionBurstSize(0).build());
    Decision denied = decide(e, T, samples(1));
    assertThat(denied.verdict()).isEqualTo(DENY);

    Decision mirrored = denied.asShadow();

    assertThat(mirrored.verdict()).isEqualTo(SHADOW_DENY);
    assertThat(mirrored.mode()).isEqualTo(Mode.SHADOW);
    assertThat(mirrored)
        .usingRecursiveComparison()
        .ignoringFields("verdict", "mode")
        .isEqualTo(denied);
    Decision allowed = decide(enforcer(D), T, samples(1));
    assertThat(allowed.asShadow()).isSameAs(allowed);
  }

  @Test
  void bodyProblemsMapToMimirsStatusesAndWording() {
    Enforcer e = enforcer(D);
    TenantSnapshot t = tenant(e, T);
    // pkg/distributor/push.go: a parse error without a status of its own is a 400
    Decision big = e.bodyTooLarge(t, 60_000_000, 52_428_800, Protocol.RW1);
    assertThat(big.reason()).isEqualTo(Reason.BODY_TOO_LARGE);
    assertThat(big.status()).isEqualTo(400);
    assertThat(big.message())
        .startsWith(
            "the incoming push request has been rejected because its message size of 60000000"
                + " bytes (compressed) is larger than the allowed limit of 52428800 bytes"
                + " (err-mimir-distributor-max-write-message-size)");
    // pkg/distributor/otel.go: distributorMaxOTLPRequestSizeErr, 413
    Decision bigOtlp = e.bodyTooLarge(t, 60_000_000, 52_428_800, Protocol.OTLP);
    assertThat(bigOtlp.reason()).isEqualTo(Reason.BODY_TOO_LARGE);
    assertThat(bigOtlp.status()).isEqualTo(413);
    assertThat(bigOtlp.message())
        .isEqualTo(
            "the incoming OTLP request has been rejected because its message size of 60000000"
                + " bytes (compressed) is larger than the allowed limit of 52428800 bytes"
                + " (err-mimir-distributor-max-otlp-request-size). To adjust the related limit,"
                + " configure -distributor.max-otlp-request-size, or contact your service"
                + " administrator.");

    Decision bad =
        e.badBody(
            t,
            new RemoteWriteException(RemoteWriteException.Kind.BAD_BODY, "snappy: corrupt input"),
            Protocol.RW1);
    assertThat(bad.reason()).isEqualTo(Reason.BAD_BODY);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.message()).isEqualTo("snappy: corrupt input");
    assertThat(bad.reason().label()).isEqualTo(RemoteWriteException.Kind.BAD_BODY.reason());

    Decision decoded =
        e.badBody(
            t,
            new RemoteWriteException(RemoteWriteException.Kind.DECODED_TOO_LARGE, "too big"),
            Protocol.RW1);
    assertThat(decoded.reason()).isEqualTo(Reason.DECODED_TOO_LARGE);
    assertThat(decoded.status()).isEqualTo(400);
    assertThat(decoded.reason().label())
        .isEqualTo(RemoteWriteException.Kind.DECODED_TOO_LARGE.reason());
  }

  @Test
  void requestOnlyChecksUseHits() {
    Enforcer e =
        enforcer(D.toBuilder().requestRate(10).requestBurstSize(10).ingestionRate(0).build());
    assertThat(e.decideRequestOnly(T, 6).verdict()).isEqualTo(ALLOW); // ingestion not consulted
    assertThat(e.decideRequestOnly(T, 0).items()).isEqualTo(1); // 0 means 1
    Decision d = e.decideRequestOnly(T, 4);
    assertThat(d.verdict()).isEqualTo(DENY);
    assertThat(d.reason()).isEqualTo(Reason.REQUEST_RATE);
    assertThat(d.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(d.items()).isEqualTo(4);
    Decision never = e.decideRequestOnly(T, 11);
    assertThat(never.verdict()).isEqualTo(DENY);
    assertThat(never.retryAfter()).isNull();
    assertThat(enforcer(D).decideRequestOnly(T, 1000).verdict()).isEqualTo(ALLOW); // no limit
  }

  @Test
  void modePrecedenceIsTenantThenDefaultModeThenDefaults() {
    TenantLimits defaults = D.toBuilder().mode(Mode.SHADOW).build();
    Overrides o =
        Overrides.of(defaults)
            .withTenant(
                "enforced", defaults.toBuilder().mode(Mode.ENFORCE).build(), Set.of(LimitKey.MODE))
            .withTenant(
                "other",
                defaults.toBuilder().requestRate(1).build(),
                Set.of(LimitKey.REQUEST_RATE));
    Enforcer plain = Enforcer.builder().overrides(o).buckets(store).build();
    assertThat(plain.modeFor("enforced")).isEqualTo(Mode.ENFORCE);
    assertThat(plain.modeFor("other")).isEqualTo(Mode.SHADOW);
    assertThat(plain.modeFor("unknown")).isEqualTo(Mode.SHADOW);
    Enforcer off = Enforcer.builder().overrides(o).buckets(store).defaultMode(Mode.OFF).build();
    assertThat(off.modeFor("enforced")).isEqualTo(Mode.ENFORCE);
    assertThat(off.modeFor("other")).isEqualTo(Mode.OFF);
    assertThat(off.check(null).decision().verdict()).isEqualTo(ALLOW);
  }

  @Test
  void nonsenseFromTheReplicaAndFractionSourcesIsIgnored() {
    Enforcer e =
        Enforcer.builder()
            .overrides(Overrides.of(D.toBuilder().ingestionRate(10).ingestionBurstSize(10).build()))
            .buckets(store)
            .replicas(() -> 0)
            .trafficFraction(() -> Double.NaN)
            .build();
    assertThat(decide(e, T, samples(10)).verdict()).isEqualTo(ALLOW);
    advanceMillis(1000);
    assertThat(decide(e, T, samples(10)).verdict()).isEqualTo(ALLOW); // full rate: 10/s
  }

  @Test
  void builderRefusesBadSettings() {
    assertThatThrownBy(() -> Enforcer.builder().buckets(store).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("overrides is required");
    assertThatThrownBy(() -> Enforcer.builder().overrides(Overrides.of(D)).build())
        .hasMessage("buckets is required");
    assertThatThrownBy(() -> Enforcer.builder().replicas(0))
        .hasMessage("replicas must be >= 1, got 0");
    assertThatThrownBy(() -> Enforcer.builder().trafficFraction(0))
        .hasMessage("trafficFraction must be in (0, 1], got 0.0");
    assertThatThrownBy(() -> Enforcer.builder().trafficFraction(1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentPushesNeverExceedBurstPlusRateTimesElapsed() throws Exception {
    long burst = 5000;
    double rate = 1000;
    Enforcer e =
        enforcer(
            D.toBuilder()
                .ingestionRate(rate)
                .ingestionBurstSize((int) burst)
                .requestRate(400)
                .requestBurstSize(50)
                .build());
    long start = nanos.get();
    int threads = 8;
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong admitted = new AtomicLong();
    AtomicInteger requests = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long seed = t;
      workers.add(
          pool.submit(
              () -> {
                Random r = new Random(seed);
                go.await();
                while (!stop.get()) {
                  long items = 1 + r.nextInt(40);
                  Decision d = decide(e, T, samples(items));
                  requests.incrementAndGet();
                  if (d.verdict() == ALLOW) {
                    admitted.addAndGet(items);
                  }
                }
                return null;
              }));
    }
    go.countDown();
    for (int ms = 0; ms < 2000; ms++) {
      advanceMillis(1);
      if (ms % 50 == 0) {
        Thread.sleep(1);
      }
    }
    stop.set(true);
    for (Future<?> f : workers) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    double elapsed = (nanos.get() - start) / 1e9;
    assertThat(requests.get()).isGreaterThan(100);
    assertThat((double) admitted.get()).isLessThanOrEqualTo(burst + rate * elapsed);
    // tokens never leak: what is left plus what was admitted never exceeds what was available
    long left = e.ingestionBucket(T).orElseThrow().availableTokens();
    assertThat(admitted.get() + left).isLessThanOrEqualTo((long) (burst + rate * elapsed));
  }
}
