package io.mimiredge.rls.limits;

import java.util.Locale;
import java.util.Optional;

/**
 * What the edge does with a request holding series that violate a validation limit: {@code
 * edge_enforcement.validation} in the overrides.
 */
public enum ValidationPolicy {
  /**
   * Let the request through: Mimir drops only the invalid series and keeps the rest, so refusing
   * the whole request at the edge would lose good data.
   */
  FORWARD,
  /** Refuse the whole request with a 400. */
  DENY;

  /** The name used in YAML and the admin API. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code forward|deny}, ignoring case. */
  public static Optional<ValidationPolicy> fromYaml(String text) {
    for (ValidationPolicy p : values()) {
      if (p.yamlName().equalsIgnoreCase(text)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
