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

  // Legacy name characters (prometheus/common model): bit flags per byte.
  private static final int LABEL_FIRST = 1;
  private static final int LABEL_NEXT = 2;
  private static final int METRIC_FIRST = 4;
  private static final int METRIC_NEXT = 8;
  private static final byte[] NAME_CHARS = new byte[256];

  static {
    for (int c = 0; c < 128; c++) {
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      boolean digit = c >= '0' && c <= '9';
      int flags = 0;
      if (letter) {
        flags |= LABEL_FIRST | LABEL_NEXT | METRIC_FIRST | METRIC_NEXT;
      }
      if (digit) {
        flags |= LABEL_NEXT | METRIC_NEXT;
      }
      if (c == ':') {
        flags |= METRIC_FIRST | METRIC_NEXT;
      }
      NAME_CHARS[c] = (byte) flags;
    }
  }

  /**
   * Whether {@code b[at, at + n)} is a valid metric name ({@code metric}) or label name under this
   * scheme ({@code validateLabels}: {@code model.IsValidMetricName}, {@code
   * model.LabelName.IsValid}).
   */
  public boolean valid(byte[] b, int at, int n, boolean metric) {
    return this == UTF8 ? n > 0 && Utf8.valid(b, at, at + n) : legacyValid(b, at, n, metric);
  }

  /**
   * The legacy rule: a metric name {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, a label name {@code
   * [a-zA-Z_][a-zA-Z0-9_]*}.
   */
  static boolean legacyValid(byte[] b, int at, int n, boolean metric) {
    if (n == 0) {
      return false;
    }
    int first = metric ? METRIC_FIRST : LABEL_FIRST;
    if ((NAME_CHARS[b[at] & 0xff] & first) == 0) {
      return false;
    }
    int all = metric ? METRIC_NEXT : LABEL_NEXT;
    for (int i = at + 1, end = at + n; i < end; i++) {
      all &= NAME_CHARS[b[i] & 0xff];
    }
    return all != 0;
  }

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
