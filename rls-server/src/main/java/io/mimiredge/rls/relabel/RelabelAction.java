package io.mimiredge.rls.relabel;

import java.util.Locale;
import java.util.Optional;

/** Prometheus' relabeling actions ({@code model/relabel/relabel.go}), by their YAML names. */
public enum RelabelAction {
  REPLACE,
  KEEP,
  DROP,
  KEEPEQUAL,
  DROPEQUAL,
  HASHMOD,
  LABELMAP,
  LABELDROP,
  LABELKEEP,
  LOWERCASE,
  UPPERCASE;

  /** The name a config writes, e.g. {@code labeldrop}. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code Action.UnmarshalYAML}: the name in any case. */
  public static Optional<RelabelAction> fromYaml(String s) {
    for (RelabelAction a : values()) {
      if (a.yamlName().equals(s.toLowerCase(Locale.ROOT))) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
