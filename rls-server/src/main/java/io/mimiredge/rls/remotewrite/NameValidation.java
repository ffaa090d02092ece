package io.mimiredge.rls.remotewrite;

import java.util.Locale;
import java.util.Optional;

/**
 * Mimir's {@code name_validation_scheme} (prometheus/common {@code model.ValidationScheme}): which
 * metric and label names are valid ({@code pkg/distributor/validate.go}, {@code validateLabels}).
 */
public enum NameValidation {
  /**
   * Mimir's default: metric names {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, label names {@code
   * [a-zA-Z_][a-zA-Z0-9_]*}.
   */
  LEGACY,
  /** Any non-empty valid UTF-8 name. */
  UTF8;

  /** The name in Mimir's YAML. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code legacy|utf8}, ignoring case. */
  public static Optional<NameValidation> fromYaml(String text) {
    for (NameValidation s : values()) {
      if (s.yamlName().equalsIgnoreCase(text)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
