package io.mimiredge.api.rollout;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * NGINX's {@code split_clients}, computed here: MurmurHash2 of the key (as {@code
 * ngx_murmur_hash2}), compared with the cumulative percentage scaled to 32 bits. Lets {@code
 * status} show which tenants a canary really enforces: with few tenants the share is coarse.
 */
public final class TenantSplit {
  private TenantSplit() {}

  /**
   * True when NGINX's {@code split_clients "$key" { P% enforce; * direct; }} enforces {@code key}.
   */
  public static boolean enforced(String key, int percent) {
    long threshold = (long) percent * 100L * 0xffffffffL / 10000L;
    long hash = Integer.toUnsignedLong(murmur2(key.getBytes(StandardCharsets.UTF_8)));
    return hash < threshold;
  }

  /** The share (0..1) of {@code tenants} a tenant-split canary at {@code percent} enforces. */
  public static double share(Collection<String> tenants, int percent) {
    if (tenants.isEmpty()) {
      return 0;
    }
    long n = tenants.stream().filter(t -> enforced(t, percent)).count();
    return (double) n / tenants.size();
  }

  static int murmur2(byte[] data) {
    int len = data.length;
    int h = len;
    int i = 0;
    while (len >= 4) {
      int k =
          (data[i] & 0xff)
              | (data[i + 1] & 0xff) << 8
              | (data[i + 2] & 0xff) << 16
              | (data[i + 3] & 0xff) << 24;
      k *= 0x5bd1e995;
      k ^= k >>> 24;
      k *= 0x5bd1e995;
      h *= 0x5bd1e995;
      h ^= k;
      i += 4;
      len -= 4;
    }
    switch (len) {
      case 3:
        h ^= (data[i + 2] & 0xff) << 16;
      // fall through
      case 2:
        h ^= (data[i + 1] & 0xff) << 8;
      // fall through
      case 1:
        h ^= data[i] & 0xff;
        h *= 0x5bd1e995;
        break;
      default:
        break;
    }
    h ^= h >>> 13;
    h *= 0x5bd1e995;
    h ^= h >>> 15;
    return h;
  }
}
