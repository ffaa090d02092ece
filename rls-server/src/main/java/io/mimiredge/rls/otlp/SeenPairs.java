package io.mimiredge.rls.otlp;

import java.util.Arrays;

/**
 * The (series hash, millisecond) pairs a request has produced, to count each once (the points'
 * series and target_info's): open addressing over two parallel {@code long} arrays, reused request
 * after request (no object per entry). Bounded: past {@code maxEntries} it stops remembering, and
 * every pair counts as new (the request is counted as if it had no more repeats). Not thread-safe.
 */
final class SeenPairs {
  private final int maxEntries;
  private long[] keys = new long[64];
  private long[] times = new long[64];
  private boolean[] used = new boolean[64];
  private int size;

  SeenPairs(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /**
   * Forgets every pair; keeps arrays up to {@value #RETAINED_SLOTS} slots, so that one thread's
   * large request does not hold its table for good.
   */
  void clear() {
    if (keys.length > RETAINED_SLOTS) {
      keys = new long[64];
      times = new long[64];
      used = new boolean[64];
    } else if (size > 0) {
      Arrays.fill(used, false);
    }
    size = 0;
  }

  /** 16,384 slots: 272 KiB, what 8,192 series of one request need. */
  static final int RETAINED_SLOTS = 1 << 14;

  /** Adds the pair; true when it was not there (or no longer fits), false for a repeat. */
  boolean add(long key, long time) {
    int mask = keys.length - 1;
    int i = slot(key, time) & mask;
    while (used[i]) {
      if (keys[i] == key && times[i] == time) {
        return false;
      }
      i = (i + 1) & mask;
    }
    if (size >= maxEntries) {
      return true;
    }
    used[i] = true;
    keys[i] = key;
    times[i] = time;
    if (++size * 2 > keys.length) {
      grow();
    }
    return true;
  }

  private static int slot(long key, long time) {
    long h = (key ^ Long.rotateLeft(time, 29)) * 0x9E37_79B9_7F4A_7C15L;
    return (int) (h ^ (h >>> 32));
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldTimes = times;
    boolean[] oldUsed = used;
    int n = 2 * oldKeys.length;
    keys = new long[n];
    times = new long[n];
    used = new boolean[n];
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldUsed[j]) {
        int i = slot(oldKeys[j], oldTimes[j]) & (n - 1);
        while (used[i]) {
          i = (i + 1) & (n - 1);
        }
        used[i] = true;
        keys[i] = oldKeys[j];
        times[i] = oldTimes[j];
      }
    }
  }
}
