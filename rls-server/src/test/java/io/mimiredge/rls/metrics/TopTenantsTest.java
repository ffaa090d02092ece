package io.mimiredge.rls.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopTenantsTest {
  @Test
  void firstTenantsAreInUntilTheFirstRotation() {
    TopTenants top = new TopTenants(2);

    assertThat(top.label("a", 1)).isEqualTo("a");
    assertThat(top.label("b", 1)).isEqualTo("b");
    assertThat(top.label("c", 1)).isEqualTo(TopTenants.OTHER);
  }

  @Test
  void rotationKeepsTheBusiestAndReportsWhoDroppedOut() {
    TopTenants top = new TopTenants(2);
    top.label("a", 1);
    top.label("b", 1);
    top.label("c", 1000);
    top.label("b", 500);

    assertThat(top.rotate()).containsExactly("a");
    assertThat(top.current()).containsExactlyInAnyOrder("b", "c");
    assertThat(top.label("a", 1)).isEqualTo(TopTenants.OTHER);
  }

  @Test
  void zeroMeansEveryoneIsOther() {
    TopTenants top = new TopTenants(0);

    assertThat(top.label("a", 1)).isEqualTo(TopTenants.OTHER);
  }
}
