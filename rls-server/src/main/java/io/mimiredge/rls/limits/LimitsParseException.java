package io.mimiredge.rls.limits;

import java.util.List;

/**
 * Limits that cannot be applied: not YAML at all, or values of the wrong type or range. Carries
 * every problem found, each naming the tenant, the key, the line and what was expected, so an
 * operator fixes the file in one go. Nothing is applied when this is thrown.
 */
public final class LimitsParseException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public LimitsParseException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem on its own, in file order. */
  public List<String> problems() {
    return problems;
  }
}
