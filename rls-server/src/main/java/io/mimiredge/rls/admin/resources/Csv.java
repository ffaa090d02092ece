package io.mimiredge.rls.admin.resources;

import java.math.BigDecimal;
import java.util.List;

/** RFC 4180 CSV: CRLF line ends, fields quoted when they hold a comma, quote or line break. */
final class Csv {
  private final StringBuilder out = new StringBuilder();

  /** Appends one record. Nulls are empty fields. */
  Csv row(List<?> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(field(fields.get(i)));
    }
    out.append("\r\n");
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  static String field(Object v) {
    if (v == null) {
      return "";
    }
    String s =
        v instanceof Double d
            ? BigDecimal.valueOf(d).stripTrailingZeros().toPlainString()
            : String.valueOf(v);
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
