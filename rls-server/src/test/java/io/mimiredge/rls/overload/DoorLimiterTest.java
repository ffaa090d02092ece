package io.mimiredge.rls.overload;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DoorLimiterTest {
  private final List<String> shed = new CopyOnWriteArrayList<>();

  @Test
  void pastTheLimitARequestIsRefusedAtOnceAndCounted() {
    DoorLimiter l =
        new DoorLimiter(
            "push",
            "concurrency",
            FixedLimit.of(2),
            System::nanoTime,
            (d, c) -> shed.add(d + "/" + c));
    Optional<DoorLimiter.Permit> a = l.tryAcquire();
    Optional<DoorLimiter.Permit> b = l.tryAcquire();
    assertThat(a).isPresent();
    assertThat(b).isPresent();
    assertThat(l.inFlight()).isEqualTo(2);
    assertThat(l.tryAcquire()).isEmpty();
    assertThat(l.shed()).isEqualTo(1);
    assertThat(shed).containsExactly("push/concurrency");

    a.get().done();
    a.get().done(); // released once only
    a.get().ignore();
    assertThat(l.inFlight()).isEqualTo(1);
    Optional<DoorLimiter.Permit> c = l.tryAcquire();
    assertThat(c).isPresent();
    assertThat(l.tryAcquire()).isEmpty();
    b.get().ignore();
    c.get().done();
    assertThat(l.inFlight()).isZero();
    assertThat(l.shed()).isEqualTo(2);
  }

  @Test
  void theAdaptiveLimitFallsWhenLatencyRisesUnderLoadAndNeverBelowItsMinimum() {
    AtomicLong now = new AtomicLong();
    DoorLimiter l =
        new DoorLimiter(
            "grpc",
            "concurrency",
            Gradient2Limit.newBuilder().initialLimit(50).minLimit(5).maxConcurrency(100).build(),
            now::get,
            DoorLimiter.ShedListener.NONE);
    assertThat(l.limit()).isEqualTo(50);
    // Always near the limit (Gradient2 leaves an under-used limit alone): at 1 ms per request the
    // limit grows, then latency jumps to 40 ms (a queue building) and the limit falls.
    rounds(l, now, 300, 1_000_000);
    int before = l.limit();
    assertThat(before).isGreaterThan(50);
    rounds(l, now, 3, 40_000_000);
    assertThat(l.limit()).isLessThan(before / 2).isGreaterThanOrEqualTo(5);
    rounds(l, now, 200, 40_000_000);
    assertThat(l.limit()).isGreaterThanOrEqualTo(5);
  }

  /** {@code n} rounds: the limit's worth of requests at once, each taking {@code rtt}. */
  private static void rounds(DoorLimiter l, AtomicLong now, int n, long rtt) {
    for (int round = 0; round < n; round++) {
      List<DoorLimiter.Permit> held = new ArrayList<>();
      for (int i = 0, limit = l.limit(); i < limit; i++) {
        l.tryAcquire().ifPresent(held::add);
      }
      now.addAndGet(rtt);
      held.forEach(DoorLimiter.Permit::done);
    }
  }
}
