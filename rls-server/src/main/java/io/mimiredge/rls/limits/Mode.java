package io.mimiredge.rls.limits;

import java.util.Locale;
import java.util.Optional;

/** How the edge treats a tenant: {@code edge_enforcement.mode} in the overrides. */
public enum Mode {
  /** Evaluate and block what Mimir would refuse. */
  ENFORCE,
  /** Evaluate exactly as {@link #ENFORCE}, count would-be denials, never block. */
  SHADOW,
  /** Admit without evaluating and without consuming tokens. */
  OFF;

  /** The name used in YAML, metrics and the admin API. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code enforce|shadow|off}, ignoring case. */
  public static Optional<Mode> fromYaml(String text) {
    for (Mode m : values()) {
      if (m.yamlName().equalsIgnoreCase(text)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
