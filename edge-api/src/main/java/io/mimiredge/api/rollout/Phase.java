package io.mimiredge.api.rollout;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rung of the rollout, as edgectl drives it and the RLS records it: {@code direct} (NGINX
 * writes straight to Mimir), {@code mirror} (every request copied to the shadow door, nothing
 * enforced), {@code canary N} (N % of the traffic, by tenant or by request, through the enforcing
 * doors) and {@code full}. Ordered from least to most enforced. Immutable.
 *
 * <p>The combinations allowed, checked at construction ({@link #problem}): {@code direct} and
 * {@code mirror} enforce 0 %, {@code canary} 1–100 % (edgectl's ladder is configurable; its default
 * rungs are 10, 25, 50, 75, 100), {@code full} 100 %.
 *
 * @param kind where the rollout stands
 * @param percent the share of traffic enforced
 */
public record Phase(Kind kind, int percent) implements Comparable<Phase> {
  /** The four kinds of rung. */
  public enum Kind {
    DIRECT,
    MIRROR,
    CANARY,
    FULL;

    /** {@code direct}, {@code mirror}, {@code canary}, {@code full}. */
    public String token() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code direct|mirror|canary|full}, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming what was expected
     */
    public static Kind parse(String text) {
      String t = text == null ? "" : text.strip();
      for (Kind k : values()) {
        if (k.token().equalsIgnoreCase(t)) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "expected one of direct, mirror, canary, full, got '" + text + "'");
    }
  }

  public static final Phase DIRECT = new Phase(Kind.DIRECT, 0);
  public static final Phase MIRROR = new Phase(Kind.MIRROR, 0);
  public static final Phase FULL = new Phase(Kind.FULL, 100);

  private static final Pattern CANARY = Pattern.compile("canary[-_ :]?(\\d{1,3})%?");

  /**
   * @throws IllegalArgumentException when the kind is missing or the percent does not fit it
   */
  public Phase {
    Objects.requireNonNull(kind, "phase kind is required");
    String problem = problem(kind, percent);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** A canary enforcing {@code percent} % of the traffic. */
  public static Phase canary(int percent) {
    return new Phase(Kind.CANARY, percent);
  }

  /**
   * The phase of {@code kind} with {@code percent}, or with the percent the kind implies when it is
   * null (0 for direct and mirror, 100 for full; a canary needs one).
   *
   * @throws IllegalArgumentException as {@link #problem} says
   */
  public static Phase of(Kind kind, Integer percent) {
    String problem = problem(kind, percent);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return new Phase(kind, percent != null ? percent : kind == Kind.FULL ? 100 : 0);
  }

  /**
   * What is wrong with {@code percent} for {@code kind}, or null when it is fine; a null percent
   * stands for the kind's own.
   */
  public static String problem(Kind kind, Integer percent) {
    Objects.requireNonNull(kind, "kind");
    return switch (kind) {
      case DIRECT, MIRROR ->
          percent == null || percent == 0
              ? null
              : "phase " + kind.token() + " enforces nothing: percent must be 0, got " + percent;
      case CANARY ->
          percent != null && percent >= 1 && percent <= 100
              ? null
              : "phase canary needs percent between 1 and 100"
                  + (percent == null ? "" : ", got " + percent)
                  + " (use direct or mirror for 0)";
      case FULL ->
          percent == null || percent == 100
              ? null
              : "phase full enforces everything: percent must be 100, got " + percent;
    };
  }

  /**
   * Parses the forms people and edgectl write: {@code direct}, {@code mirror}, {@code full}, {@code
   * canary 25}, {@code canary-25}, {@code canary25%}, ignoring case.
   *
   * @throws IllegalArgumentException naming what was expected
   */
  public static Phase parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("phase is required");
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    switch (t) {
      case "direct":
        return DIRECT;
      case "mirror":
        return MIRROR;
      case "full":
        return FULL;
      default:
        Matcher m = CANARY.matcher(t);
        int percent = m.matches() ? Integer.parseInt(m.group(1)) : 0;
        if (percent >= 1 && percent <= 100) {
          return canary(percent);
        }
        throw new IllegalArgumentException(
            "unknown phase '" + text + "'; expected direct, mirror, canary N (1..100) or full");
    }
  }

  /** The one-word form used in headers, file names and annotations: {@code canary-25}. */
  public String token() {
    return kind == Kind.CANARY ? "canary-" + percent : kind.token();
  }

  /** The share of traffic that goes through enforcement, 0..100. */
  public int enforcedPercent() {
    return percent;
  }

  /**
   * The share (0..1) of {@code tenant}'s writes this phase sends through enforcement: none in
   * direct and mirror, all in full; in a canary split by tenant all or none, as NGINX's {@code
   * split_clients} on the tenant header decides ({@link TenantSplit}); split by request, the
   * canary's percent of every tenant's writes.
   */
  public double enforcedShare(String tenant, SplitBy splitBy) {
    return switch (kind) {
      case DIRECT, MIRROR -> 0;
      case FULL -> 1;
      case CANARY ->
          splitBy == SplitBy.REQUEST
              ? percent / 100.0
              : TenantSplit.enforced(tenant, percent) ? 1 : 0;
    };
  }

  @Override
  public int compareTo(Phase o) {
    int c = Integer.compare(kind.ordinal(), o.kind.ordinal());
    return c != 0 ? c : Integer.compare(percent, o.percent);
  }

  @Override
  public String toString() {
    return kind == Kind.CANARY ? "canary " + percent : token();
  }
}
