package io.mimiredge.edgectl.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TenantSplitTest {
  @Test
  void tenantSplitEdgeCases() {
    // per-tenant agreement with NGINX itself is checked live in LiveTrafficTest
    assertThat(TenantSplit.murmur2(new byte[0])).isZero();
    assertThat(TenantSplit.enforced("anything", 100)).isTrue();
    assertThat(TenantSplit.share(List.of(), 50)).isZero();
  }
}
