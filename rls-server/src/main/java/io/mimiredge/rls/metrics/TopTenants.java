package io.mimiredge.rls.metrics;

import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Bounds the {@code tenant} label: the {@code n} busiest tenants by volume keep their name, every
 * other tenant is {@value #OTHER}. Until the first {@link #rotate()} the first {@code n} tenants
 * seen are in; each rotation then picks the busiest of the period that ended. Volumes are tracked
 * for a bounded number of tenants per period. Thread-safe; {@link #label} never locks once the set
 * is full.
 */
final class TopTenants {
  static final String OTHER = "other";

  private final int n;
  private final int maxTracked;
  private final ConcurrentHashMap<String, LongAdder> volume = new ConcurrentHashMap<>();
  private volatile Set<String> top = Set.of();

  TopTenants(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    this.n = n;
    this.maxTracked = Math.max(1000, n * 50);
  }

  /** The label for {@code tenant}, counting {@code weight} towards its volume. */
  String label(String tenant, long weight) {
    LongAdder a = volume.get(tenant);
    if (a == null && volume.size() < maxTracked) {
      a = volume.computeIfAbsent(tenant, k -> new LongAdder());
    }
    if (a != null) {
      a.add(weight);
    }
    Set<String> t = top;
    if (t.contains(tenant)) {
      return tenant;
    }
    if (t.size() < n && admit(tenant)) {
      return tenant;
    }
    return OTHER;
  }

  private synchronized boolean admit(String tenant) {
    if (top.contains(tenant)) {
      return true;
    }
    if (top.size() >= n) {
      return false;
    }
    Set<String> next = new HashSet<>(top);
    next.add(tenant);
    top = Set.copyOf(next);
    return true;
  }

  /**
   * Picks the busiest {@code n} tenants of the period that ended and starts a new period.
   *
   * @return the tenants that lost their own label
   */
  synchronized Set<String> rotate() {
    Map<String, Long> snapshot =
        volume.entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum()));
    volume.clear();
    Set<String> next =
        snapshot.entrySet().stream()
            .sorted(
                Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                    .thenComparing(Map.Entry.comparingByKey()))
            .limit(n)
            .map(Map.Entry::getKey)
            .collect(Collectors.toUnmodifiableSet());
    Set<String> dropped = new HashSet<>(top);
    dropped.removeAll(next);
    top = next;
    return dropped;
  }

  Set<String> current() {
    return top;
  }
}
