package io.mimiredge.rls.otlp;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * A {@code float64} spelled as Go spells it where Mimir's OTLP translation makes it a label value:
 * the shortest decimal that reads back as the same double (Go's {@code strconv} with precision -1;
 * of two such decimals the closer one), in fixed notation for {@code le} and {@code quantile}
 * ({@code strconv.FormatFloat(v, 'f', -1, 64)}), or as pdata's {@code Value.AsString} spells a
 * double attribute ({@code float64AsString}: fixed, with an exponent below 1e-6 or from 1e21 on, as
 * JavaScript does). Java's {@code Double.toString} is not it: another notation, and on JDK 17 not
 * always the shortest digits. Only for the relabeling path, which builds every label as a string.
 */
final class GoFloat {
  private GoFloat() {}

  /** {@code strconv.FormatFloat(v, 'f', -1, 64)}. */
  static String fixed(double v) {
    String special = special(v);
    if (special != null) {
      return special;
    }
    if (v == 0) {
      return zero(v);
    }
    return shortest(v).toPlainString();
  }

  /**
   * pdata's {@code float64AsString}: fixed notation, or Go's {@code 'e'} with the exponent's
   * leading zero removed when the magnitude is below 1e-6 or at least 1e21; {@code NaN}, {@code
   * Infinity} and {@code -Infinity} as JavaScript spells them.
   */
  static String asString(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "Infinity" : "-Infinity";
    }
    if (v == 0) {
      return zero(v);
    }
    double abs = Math.abs(v);
    BigDecimal d = shortest(v);
    if (abs >= 1e-6 && abs < 1e21) {
      return d.toPlainString();
    }
    // d.ddde±XX as Go writes it, then "e-09" cleaned to "e-9" (and "e+09" kept, as pdata does)
    String digits = d.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - d.scale();
    StringBuilder s = new StringBuilder(digits.length() + 8);
    if (v < 0) {
      s.append('-');
    }
    s.append(digits.charAt(0));
    if (digits.length() > 1) {
      s.append('.').append(digits, 1, digits.length());
    }
    s.append('e').append(exponent < 0 ? '-' : '+');
    int e = Math.abs(exponent);
    if (e < 10 && exponent >= 0) {
      s.append('0');
    }
    s.append(e);
    return s.toString();
  }

  private static String special(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return null;
  }

  private static String zero(double v) {
    return Double.doubleToRawLongBits(v) < 0 ? "-0" : "0";
  }

  /**
   * The shortest decimal that reads back as {@code v} (finite, not zero), its trailing zeros
   * stripped; of two of that length the one closer to {@code v}. A correctly rounded decimal of p
   * digits is the closest of p digits, but next to a power of two the interval that reads back as
   * {@code v} is narrower below it than above, so the neighbours at p digits are tried too.
   */
  static BigDecimal shortest(double v) {
    BigDecimal exact = new BigDecimal(v);
    for (int p = 1; p <= 17; p++) {
      BigDecimal d = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (d.doubleValue() == v) {
        return d.stripTrailingZeros();
      }
      BigDecimal unit = d.ulp();
      BigDecimal best = null;
      for (BigDecimal c : new BigDecimal[] {d.add(unit), d.subtract(unit)}) {
        if (c.precision() == p
            && c.doubleValue() == v
            && (best == null
                || c.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
          best = c;
        }
      }
      if (best != null) {
        return best.stripTrailingZeros();
      }
    }
    return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
  }

  /**
   * Spellings remembered by the double's bits, direct-mapped (a new one takes its slot): label
   * values repeat from point to point. Not thread-safe.
   */
  static final class Cache {
    private final boolean fixed;
    private final int shift;
    private final long[] bits;
    private final String[] spellings;

    /**
     * @param fixed {@link #fixed} spellings, else {@link #asString}
     * @param slots a power of two
     */
    Cache(boolean fixed, int slots) {
      this.fixed = fixed;
      this.shift = 64 - Integer.numberOfTrailingZeros(slots);
      this.bits = new long[slots];
      this.spellings = new String[slots];
    }

    String get(double v) {
      long b = Double.doubleToRawLongBits(v);
      int slot = (int) ((b * 0x9E37_79B9_7F4A_7C15L) >>> shift);
      String s = spellings[slot];
      if (s == null || bits[slot] != b) {
        s = fixed ? fixed(v) : asString(v);
        bits[slot] = b;
        spellings[slot] = s;
      }
      return s;
    }
  }
}
