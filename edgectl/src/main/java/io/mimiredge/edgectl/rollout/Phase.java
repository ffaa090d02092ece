package io.mimiredge.edgectl.rollout;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rung of the rollout: {@code direct}, {@code mirror}, {@code canary N} (1..100 % enforced) or
 * {@code full}. Ordered from least to most enforced.
 */
public record Phase(Kind kind, int percent) implements Comparable<Phase> {
  public enum Kind {
    DIRECT,
    MIRROR,
    CANARY,
    FULL
  }

  public static final Phase DIRECT = new Phase(Kind.DIRECT, 0);
  public static final Phase MIRROR = new Phase(Kind.MIRROR, 0);
  public static final Phase FULL = new Phase(Kind.FULL, 100);

  private static final Pattern CANARY = Pattern.compile("canary[-_ :]?(\\d{1,3})%?");

  public Phase {
    if (kind == null) {
      throw new IllegalArgumentException("phase kind is required");
    }
    if (kind == Kind.CANARY && (percent < 1 || percent > 100)) {
      throw new IllegalArgumentException(
          "canary percent must be 1..100, got " + percent + " (use direct or mirror for 0)");
    }
    if (kind != Kind.CANARY) {
      percent = kind == Kind.FULL ? 100 : 0;
    }
  }

  public static Phase canary(int percent) {
    return new Phase(Kind.CANARY, percent);
  }

  /** Parses {@code direct}, {@code mirror}, {@code full}, {@code canary 25}, {@code canary-25}. */
  public static Phase parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("phase is required");
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "direct":
        return DIRECT;
      case "mirror":
        return MIRROR;
      case "full":
        return FULL;
      default:
        Matcher m = CANARY.matcher(t);
        if (m.matches()) {
          return canary(Integer.parseInt(m.group(1)));
        }
        throw new IllegalArgumentException(
            "unknown phase '" + text + "'; expected direct, mirror, canary N (1..100) or full");
    }
  }

  /** The one-word form used in headers, file names and annotations: {@code canary-25}. */
  public String token() {
    return kind == Kind.CANARY ? "canary-" + percent : kind.name().toLowerCase(Locale.ROOT);
  }

  /** The share of traffic that goes through enforcement, 0..100. */
  public int enforcedPercent() {
    return switch (kind) {
      case DIRECT, MIRROR -> 0;
      case CANARY -> percent;
      case FULL -> 100;
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
