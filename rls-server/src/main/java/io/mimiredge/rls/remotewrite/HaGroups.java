package io.mimiredge.rls.remotewrite;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The series of one request by their HA cluster and replica, for Mimir's per-sample dedupe ({@code
 * ha_dedupe_per_sample.go}, {@code getReplicasAndInfos}): what each (cluster, replica) would add to
 * the ingestion limiter if its series are kept, and its first violation. Group 0 holds the series
 * that are not HA ones (a label missing or empty, or a replica over {@code
 * max_label_value_length}), which Mimir always keeps. Reused per request; looked up by an
 * open-addressing table, so a request of many replicas costs one probe per series. Not thread-safe.
 */
final class HaGroups {
  private int n;
  private byte[][] clusters = new byte[4][];
  private byte[][] replicas = new byte[4][];
  private long[] hashes = new long[4];
  private long[] series = new long[4];
  private long[] items = new long[4];
  private long[][] exemplars = new long[4][]; // kept exemplars' timestamps, reused
  private int[] exemplarCount = new int[4];
  private long[] validated = new long[4]; // earliest sample of the series validation sees
  private Violation[] firstViolation = new Violation[4];
  private long[] firstActual = new long[4];
  private long[] firstSeries = new long[4];
  private long[] earliest = new long[4]; // getReplicasAndInfos' earliestSampleTimestamp
  private int[] table = new int[16]; // group index + 1, 0 = empty
  private int last; // the group last found: consecutive series mostly share one

  void clear() {
    if (n > 1) {
      Arrays.fill(table, 0);
    }
    n = 1; // the non-HA group
    last = 0;
    reset(0);
  }

  /**
   * The group of a series whose cluster is {@code cb[clusterAt, +clusterLength)} and replica {@code
   * rb[replicaAt, +replicaLength)}; created when new.
   */
  int group(
      byte[] cb, int clusterAt, int clusterLength, byte[] rb, int replicaAt, int replicaLength) {
    if (last > 0
        && same(clusters[last], cb, clusterAt, clusterLength)
        && same(replicas[last], rb, replicaAt, replicaLength)) {
      return last;
    }
    long h = hash(cb, clusterAt, clusterLength) * 31 + hash(rb, replicaAt, replicaLength);
    int mask = table.length - 1;
    for (int i = (int) mix(h) & mask; ; i = (i + 1) & mask) {
      int g = table[i] - 1;
      if (g < 0) {
        g =
            add(
                Arrays.copyOfRange(cb, clusterAt, clusterAt + clusterLength),
                Arrays.copyOfRange(rb, replicaAt, replicaAt + replicaLength),
                h);
        table[i] = g + 1;
        if (2 * n > table.length) {
          rehash();
        }
        return last = g;
      }
      if (hashes[g] == h
          && same(clusters[g], cb, clusterAt, clusterLength)
          && same(replicas[g], rb, replicaAt, replicaLength)) {
        return last = g;
      }
    }
  }

  /**
   * {@code count} series of group {@code g} from {@code seriesIndex} on: what they add when kept,
   * their violation (null when valid).
   */
  void series(int g, long seriesIndex, long count, long seriesItems, Violation v, long a) {
    series[g] += count;
    items[g] += seriesItems;
    if (v != null && firstViolation[g] == null) {
      firstViolation[g] = v;
      firstActual[g] = a;
      firstSeries[g] = seriesIndex;
    }
  }

  /** A series of group {@code g} that validation sees, its earliest sample at {@code millis}. */
  void validated(int g, long millis) {
    if (millis < validated[g]) {
      validated[g] = millis;
    }
  }

  /** Exemplars of a valid series of group {@code g}: their timestamps {@code ts[from, to)}. */
  void exemplars(int g, long[] ts, int from, int to) {
    int n = exemplarCount[g];
    int m = n + to - from;
    long[] a = exemplars[g];
    if (a == null || a.length < m) {
      a = exemplars[g] = Arrays.copyOf(a == null ? new long[0] : a, Math.max(8, 2 * m));
    }
    System.arraycopy(ts, from, a, n, to - from);
    exemplarCount[g] = m;
  }

  /** A series of group {@code g} whose first sample or histogram is at {@code millis}. */
  void firstSample(int g, long millis) {
    if (millis < earliest[g]) {
      earliest[g] = millis;
    }
  }

  /** The groups that hold a series, in the order first seen. */
  List<WriteRequestStats.HaGroup> result() {
    List<WriteRequestStats.HaGroup> out = new ArrayList<>(n);
    for (int g = 0; g < n; g++) {
      if (series[g] == 0) {
        continue;
      }
      out.add(
          new WriteRequestStats.HaGroup(
              g == 0 ? null : new String(clusters[g], StandardCharsets.UTF_8),
              g == 0 ? null : new String(replicas[g], StandardCharsets.UTF_8),
              series[g],
              items[g],
              sortedExemplars(g),
              validated[g],
              firstViolation[g],
              firstActual[g],
              firstSeries[g],
              earliest[g]));
    }
    return out;
  }

  private static final long[] NONE = {};

  private long[] sortedExemplars(int g) {
    if (exemplarCount[g] == 0) {
      return NONE;
    }
    long[] out = Arrays.copyOf(exemplars[g], exemplarCount[g]);
    Arrays.sort(out);
    return out;
  }

  private int add(byte[] cluster, byte[] replica, long h) {
    if (n == clusters.length) {
      int m = 2 * n;
      clusters = Arrays.copyOf(clusters, m);
      replicas = Arrays.copyOf(replicas, m);
      hashes = Arrays.copyOf(hashes, m);
      series = Arrays.copyOf(series, m);
      items = Arrays.copyOf(items, m);
      exemplars = Arrays.copyOf(exemplars, m);
      exemplarCount = Arrays.copyOf(exemplarCount, m);
      validated = Arrays.copyOf(validated, m);
      firstViolation = Arrays.copyOf(firstViolation, m);
      firstActual = Arrays.copyOf(firstActual, m);
      firstSeries = Arrays.copyOf(firstSeries, m);
      earliest = Arrays.copyOf(earliest, m);
    }
    int g = n++;
    clusters[g] = cluster;
    replicas[g] = replica;
    hashes[g] = h;
    reset(g);
    return g;
  }

  private void reset(int g) {
    series[g] = 0;
    items[g] = 0;
    exemplarCount[g] = 0;
    validated[g] = Long.MAX_VALUE;
    firstViolation[g] = null;
    firstActual[g] = 0;
    firstSeries[g] = 0;
    earliest[g] = Long.MAX_VALUE;
  }

  private void rehash() {
    table = new int[2 * table.length];
    int mask = table.length - 1;
    for (int g = 1; g < n; g++) {
      int i = (int) mix(hashes[g]) & mask;
      while (table[i] != 0) {
        i = (i + 1) & mask;
      }
      table[i] = g + 1;
    }
  }

  private static boolean same(byte[] a, byte[] b, int at, int length) {
    return a.length == length && Arrays.equals(a, 0, length, b, at, at + length);
  }

  private static long hash(byte[] b, int at, int length) {
    long h = 1125899906842597L;
    for (int i = at; i < at + length; i++) {
      h = 31 * h + b[i];
    }
    return h;
  }

  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
