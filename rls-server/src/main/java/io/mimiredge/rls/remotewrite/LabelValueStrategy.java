package io.mimiredge.rls.remotewrite;

import java.util.Locale;
import java.util.Optional;

/**
 * Mimir's {@code label_value_length_over_limit_strategy}: what a label value longer than {@code
 * max_label_value_length} does to its series ({@code pkg/distributor/validate.go}, {@code
 * validateLabels}). Under {@link #TRUNCATE} and {@link #DROP} Mimir rewrites the value (to a prefix
 * plus a hash, or the hash alone) and the series stays valid.
 */
public enum LabelValueStrategy {
  /** The series is invalid ({@code err-mimir-label-value-too-long}); Mimir's default. */
  ERROR,
  /** The value is cut and its hash appended; the series stays valid. */
  TRUNCATE,
  /** The value is replaced by its hash; the series stays valid. */
  DROP;

  /** The name in Mimir's YAML. */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code error|truncate|drop}, ignoring case. */
  public static Optional<LabelValueStrategy> fromYaml(String text) {
    for (LabelValueStrategy s : values()) {
      if (s.yamlName().equalsIgnoreCase(text)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
