package io.mimiredge.rls.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeenPairsTest {
  @Test
  void aPairIsNewOnceUntilCleared() {
    SeenPairs seen = new SeenPairs(1 << 16);
    for (int round = 0; round < 2; round++) {
      for (long k = 0; k < 20_000; k++) { // grows past the retained size, then starts small
        assertThat(seen.add(k * 7, k % 3)).isTrue();
      }
      for (long k = 0; k < 20_000; k++) {
        assertThat(seen.add(k * 7, k % 3)).isFalse();
        assertThat(seen.add(k * 7, 3)).isTrue(); // another millisecond
      }
      seen.clear();
    }
  }

  @Test
  void pastItsBoundEveryPairIsNew() {
    SeenPairs seen = new SeenPairs(10);
    for (long k = 0; k < 10; k++) {
      assertThat(seen.add(k, 0)).isTrue();
    }
    assertThat(seen.add(3, 0)).isFalse(); // remembered
    assertThat(seen.add(11, 0)).isTrue();
    assertThat(seen.add(11, 0)).isTrue(); // not remembered: counted again
  }
}
