package io.mimiredge.api.rollout;

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

  @Test
  void aTenantSplitCanaryEnforcesWhatItsSmallerRungsDidAndMore() {
    // split_clients compares one hash with a growing threshold: a tenant enforced at 10 % stays
    // enforced at every higher percent, which is what "the tenants the next rung adds" rests on
    for (int t = 0; t < 1000; t++) {
      String tenant = "tenant-" + t;
      boolean before = false;
      for (int p = 1; p <= 100; p++) {
        boolean now = TenantSplit.enforced(tenant, p);
        assertThat(!before || now).as("%s at %d%%", tenant, p).isTrue();
        before = now;
      }
    }
  }

  @Test
  void eachPhaseSaysWhatShareOfATenantItEnforces() {
    String in = "tenant-in";
    String out = "tenant-out";
    for (int t = 0; !TenantSplit.enforced(in, 10) || TenantSplit.enforced(out, 50); t++) {
      in = "tenant-in-" + t;
      out = "tenant-out-" + t;
    }
    assertThat(Phase.DIRECT.enforcedShare(in, SplitBy.TENANT)).isZero();
    assertThat(Phase.MIRROR.enforcedShare(in, SplitBy.REQUEST)).isZero();
    assertThat(Phase.FULL.enforcedShare(out, SplitBy.TENANT)).isEqualTo(1);
    assertThat(Phase.canary(10).enforcedShare(in, SplitBy.TENANT)).isEqualTo(1);
    assertThat(Phase.canary(50).enforcedShare(out, SplitBy.TENANT)).isZero();
    assertThat(Phase.canary(25).enforcedShare(out, SplitBy.REQUEST)).isEqualTo(0.25);
  }
}
