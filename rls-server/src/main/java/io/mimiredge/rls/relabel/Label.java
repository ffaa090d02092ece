package io.mimiredge.rls.relabel;

import java.util.Objects;

/**
 * A label of a series being relabeled: its name and value, and where they came from: {@code origin}
 * is the index of the input label they were read from (so that the caller can keep that label's own
 * bytes, which a string may not spell: invalid UTF-8), -1 for a label a rule made.
 */
public record Label(String name, String value, int origin) {
  public Label {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }

  static Label made(String name, String value) {
    return new Label(name, value, -1);
  }
}
