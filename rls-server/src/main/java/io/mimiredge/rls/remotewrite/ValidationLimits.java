package io.mimiredge.rls.remotewrite;

/**
 * The per-series validation limits the scanner checks while it walks a request, with Mimir's
 * semantics: a series violates a limit when its value is strictly greater than the limit.
 * Immutable.
 */
public record ValidationLimits(
    int maxLabelNamesPerSeries,
    int maxLabelNameLength,
    int maxLabelValueLength,
    int maxMetadataLength) {

  /** No limit at all: the scanner only gathers statistics. */
  public static final ValidationLimits NONE =
      new ValidationLimits(
          Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);

  /** Mimir's defaults: 30 label names, 1024-byte names, 2048-byte values, 1024-byte metadata. */
  public static final ValidationLimits MIMIR_DEFAULTS = new ValidationLimits(30, 1024, 2048, 1024);

  public ValidationLimits {
    requireNonNegative("maxLabelNamesPerSeries", maxLabelNamesPerSeries);
    requireNonNegative("maxLabelNameLength", maxLabelNameLength);
    requireNonNegative("maxLabelValueLength", maxLabelValueLength);
    requireNonNegative("maxMetadataLength", maxMetadataLength);
  }

  private static void requireNonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + value);
    }
  }
}
