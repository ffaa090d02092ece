package io.mimiredge.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  void returnsOnceTheConditionHolds() {
    AtomicInteger polls = new AtomicInteger();

    Await.await("the third poll", () -> polls.incrementAndGet() == 3, Duration.ofMinutes(1));

    assertThat(polls).hasValue(3);
  }

  @Test
  void returnsTheFirstAcceptedValue() {
    AtomicInteger polls = new AtomicInteger();

    int v =
        Await.await("a value over 2", polls::incrementAndGet, n -> n > 2, Duration.ofMinutes(1));

    assertThat(v).isEqualTo(3);
  }

  @Test
  void failsNamingWhatItWaitedForAndHowLong() {
    assertThatThrownBy(() -> Await.await("the moon", () -> false, Duration.ofMillis(30)))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("the moon: not within 30 ms (waited ")
        .hasMessageNotContaining("last value");
    assertThatThrownBy(
            () -> Await.await("a positive number", () -> -1, n -> n > 0, Duration.ofMillis(30)))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("a positive number: not within")
        .hasMessageEndingWith("; last value: -1)");
  }

  @Test
  void anExceptionOfTheConditionEndsTheWaitAtOnce() {
    AtomicInteger polls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                Await.await(
                    "never",
                    () -> {
                      polls.incrementAndGet();
                      throw new IllegalStateException("broken");
                    },
                    Duration.ofMinutes(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("broken");
    assertThat(polls).hasValue(1);
  }

  @Test
  void refusesANonPositiveBound() {
    assertThatThrownBy(() -> Await.await("x", () -> true, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("within must be positive");
  }
}
