package io.mimiredge.api.rollout;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ordered rungs above {@code direct}. The default is {@code mirror, canary 10, 25, 50, 75, 100,
 * full}. Rungs not on the ladder (e.g. {@code --canary 30}) still have a next and a previous rung:
 * the nearest ones on the ladder.
 */
public record Ladder(List<Phase> rungs) {
  public static final Ladder DEFAULT =
      new Ladder(
          List.of(
              Phase.MIRROR,
              Phase.canary(10),
              Phase.canary(25),
              Phase.canary(50),
              Phase.canary(75),
              Phase.canary(100),
              Phase.FULL));

  public Ladder {
    List<Phase> all = new ArrayList<>();
    for (Phase p : rungs) {
      if (p.kind() == Phase.Kind.DIRECT) {
        continue; // direct is always the bottom rung
      }
      if (!all.isEmpty() && all.get(all.size() - 1).compareTo(p) >= 0) {
        throw new IllegalArgumentException(
            "ladder must go strictly up (direct, mirror, canary N ascending, full); got "
                + p
                + " after "
                + all.get(all.size() - 1));
      }
      all.add(p);
    }
    if (all.isEmpty()) {
      throw new IllegalArgumentException("ladder needs at least one rung above direct");
    }
    all.add(0, Phase.DIRECT);
    rungs = List.copyOf(all);
  }

  public static Ladder parse(List<String> rungs) {
    if (rungs == null || rungs.isEmpty()) {
      return DEFAULT;
    }
    return new Ladder(rungs.stream().map(Phase::parse).toList());
  }

  /** The next rung up, or empty at the top. */
  public Optional<Phase> next(Phase current) {
    return rungs.stream().filter(p -> p.compareTo(current) > 0).findFirst();
  }

  /** The next rung down; {@code direct} is the bottom. */
  public Phase previous(Phase current) {
    Phase prev = Phase.DIRECT;
    for (Phase p : rungs) {
      if (p.compareTo(current) < 0) {
        prev = p;
      }
    }
    return prev;
  }

  /** Every rung strictly above {@code from} up to and including {@code to}. */
  public List<Phase> between(Phase from, Phase to) {
    return rungs.stream().filter(p -> p.compareTo(from) > 0 && p.compareTo(to) <= 0).toList();
  }
}
