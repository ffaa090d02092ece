package io.mimiredge.rls.relabel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A relabeling regex as Prometheus compiles it ({@code model/relabel/relabel.go}, {@code
 * NewRegexp}: Go's RE2 syntax, anchored at both ends, {@code .} matching a newline), run on Java's
 * engine. Go and Java agree on the captures of an anchored match (both take the leftmost-first
 * alternative, Perl's), but not on every piece of syntax, so the pattern is translated piece by
 * piece:
 *
 * <ul>
 *   <li>{@code $} outside a class is the end of the text ({@code \z}): Java's {@code $} would also
 *       match before a final newline;
 *   <li>{@code \s} is Go's {@code [\t\n\f\r ]} (Java's adds \x0B), {@code \v} the vertical tab
 *       (Java's is a class), octal {@code \123} a character (Java's is a back reference);
 *   <li>{@code [[:alpha:]]} and the other ASCII classes become Java's {@code \p{Alpha}}; a {@code
 *       [} or {@code &} inside a class is a literal, as in Go (Java nests and intersects);
 *   <li>{@code \p{Greek}} names a script or a category alike ({@code \p{IsGreek}});
 *   <li>named groups {@code (?P<name>...)} and {@code (?<name>...)} become plain groups whose names
 *       are kept here, for {@link #expand}: Java allows no {@code _} in a group's name.
 * </ul>
 *
 * What Go refuses (a back reference, a look-around, a possessive or nested repetition, {@code \Z},
 * an unknown escape) is an {@link IllegalArgumentException} with Go's message, as Mimir refuses the
 * runtime config. What Go accepts and Java cannot run alike ({@code (?U)}, {@code (?m)}, {@code
 * \C}) is an {@link UnsupportedOperationException}: the edge cannot mirror that rule. Immutable and
 * thread-safe.
 */
public final class GoRegex {
  // RE2's ASCII classes ([:name:]) as Java writes them; negated ([:^name:]) with \P or \W
  private static final Map<String, String> POSIX =
      Map.ofEntries(
          Map.entry("alnum", "\\p{Alnum}"),
          Map.entry("alpha", "\\p{Alpha}"),
          Map.entry("ascii", "\\p{ASCII}"),
          Map.entry("blank", "\\p{Blank}"),
          Map.entry("cntrl", "\\p{Cntrl}"),
          Map.entry("digit", "\\p{Digit}"),
          Map.entry("graph", "\\p{Graph}"),
          Map.entry("lower", "\\p{Lower}"),
          Map.entry("print", "\\p{Print}"),
          Map.entry("punct", "\\p{Punct}"),
          Map.entry("space", "\\p{Space}"),
          Map.entry("upper", "\\p{Upper}"),
          Map.entry("word", "\\w"),
          Map.entry("xdigit", "\\p{XDigit}"));

  private static final String GO_SPACE = "\\t\\n\\f\\r ";

  private final String source;
  private final Pattern pattern;
  private final List<String> groupNames; // index i: the name of group i + 1, "" when unnamed

  private GoRegex(String source, Pattern pattern, List<String> groupNames) {
    this.source = source;
    this.pattern = pattern;
    this.groupNames = groupNames;
  }

  /** Prometheus' {@code NewRegexp(s)}: {@code ^(?s:s)$}. */
  public static GoRegex compile(String source) {
    List<String> names = new ArrayList<>();
    String translated = new Translator(source, names).translate();
    try {
      Pattern p =
          Pattern.compile("(?s:" + translated + ")", Pattern.UNIX_LINES | Pattern.UNICODE_CASE);
      return new GoRegex(source, p, List.copyOf(names));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "error parsing regexp: " + e.getDescription() + ": `" + source + "`", e);
    }
  }

  /** The regex as written in the config. */
  public String source() {
    return source;
  }

  /** Whether the whole of {@code s} matches ({@code Regex.MatchString}, anchored). */
  public boolean matches(String s) {
    return pattern.matcher(s).matches();
  }

  /** The match of the whole of {@code s}, or null ({@code FindStringSubmatchIndex}, anchored). */
  public Matcher match(String s) {
    Matcher m = pattern.matcher(s);
    return m.matches() ? m : null;
  }

  /**
   * Go's {@code Regexp.ExpandString(nil, template, s, match)}: {@code $$} is a {@code $}; {@code
   * $name} and {@code ${name}} (letters, digits, {@code _}) are the group of that number or name,
   * empty when there is none or it did not take part; a malformed {@code $} stays as it is.
   */
  public String expand(String template, Matcher match) {
    StringBuilder out = new StringBuilder(template.length() + 16);
    int i = 0;
    int n = template.length();
    while (i < n) {
      int dollar = template.indexOf('$', i);
      if (dollar < 0) {
        break;
      }
      out.append(template, i, dollar);
      i = dollar + 1;
      if (i < n && template.charAt(i) == '$') {
        out.append('$');
        i++;
        continue;
      }
      boolean brace = i < n && template.charAt(i) == '{';
      int nameStart = brace ? i + 1 : i;
      int j = nameStart;
      while (j < n) {
        int c = template.codePointAt(j);
        if (!Character.isLetter(c) && !Character.isDigit(c) && c != '_') {
          break;
        }
        j += Character.charCount(c);
      }
      if (j == nameStart || (brace && (j >= n || template.charAt(j) != '}'))) {
        out.append('$'); // malformed: the $ is text
        continue;
      }
      String name = template.substring(nameStart, j);
      i = brace ? j + 1 : j;
      int group = groupIndex(name);
      if (group >= 0 && group <= match.groupCount() && match.start(group) >= 0) {
        out.append(match.group(group));
      }
    }
    out.append(template, i, n);
    return out.toString();
  }

  /** The group a template name refers to: a number (no leading zero), else a name; -1 if none. */
  private int groupIndex(String name) {
    long num = 0;
    for (int k = 0; k < name.length(); k++) {
      char c = name.charAt(k);
      if (c < '0' || c > '9' || num >= 100_000_000) {
        num = -1;
        break;
      }
      num = num * 10 + (c - '0');
    }
    if (name.charAt(0) == '0' && name.length() > 1) {
      num = -1;
    }
    if (num >= 0) {
      return (int) num;
    }
    int at = groupNames.indexOf(name);
    return at < 0 ? -1 : at + 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GoRegex r && r.source.equals(source);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }

  @Override
  public String toString() {
    return source;
  }

  /** RE2 syntax to Java's, one piece at a time. */
  private static final class Translator {
    private final String s;
    private final List<String> names;
    private final StringBuilder out = new StringBuilder();
    private int i;

    Translator(String s, List<String> names) {
      this.s = s;
      this.names = names;
    }

    String translate() {
      int n = s.length();
      while (i < n) {
        char c = s.charAt(i);
        switch (c) {
          case '\\' -> escape(false);
          case '[' -> charClass();
          case '(' -> group();
          case '$' -> {
            out.append("\\z");
            i++;
          }
          case '*', '+', '?' -> {
            out.append(c);
            i++;
            repetitionSuffix();
          }
          case '{' -> braces();
          default -> {
            out.append(c);
            i++;
          }
        }
      }
      return out.toString();
    }

    /** After a repetition: a lazy {@code ?} is fine, another repetition is Go's error. */
    private void repetitionSuffix() {
      if (i < s.length() && s.charAt(i) == '?') {
        out.append('?');
        i++;
      }
      if (i < s.length() && (s.charAt(i) == '*' || s.charAt(i) == '+' || s.charAt(i) == '?')) {
        throw bad("invalid nested repetition operator", s.substring(i - 1, i + 1));
      }
    }

    /** {@code {n}}, {@code {n,}}, {@code {n,m}} repeat (at most 1000); anything else is text. */
    private void braces() {
      int close = s.indexOf('}', i);
      String inner = close < 0 ? null : s.substring(i + 1, close);
      // Go's parseRepeat: decimal counts without a leading zero, else the brace is a literal
      if (inner == null || !inner.matches("(0|[1-9][0-9]*)(,(0|[1-9][0-9]*)?)?")) {
        out.append("\\{");
        i++;
        return;
      }
      String[] parts = inner.split(",", -1);
      for (String p : parts) {
        if (!p.isEmpty() && (p.length() > 4 || Integer.parseInt(p) > 1000)) {
          throw bad("invalid repeat count", s.substring(i, close + 1));
        }
      }
      if (parts.length == 2
          && !parts[1].isEmpty()
          && Integer.parseInt(parts[1]) < Integer.parseInt(parts[0])) {
        throw bad("invalid repeat count", s.substring(i, close + 1));
      }
      out.append(s, i, close + 1);
      i = close + 1;
      repetitionSuffix();
    }

    private void group() {
      if (!s.startsWith("(?", i)) {
        names.add("");
        out.append('(');
        i++;
        return;
      }
      int nameAt = s.startsWith("(?P<", i) ? i + 4 : s.startsWith("(?<", i) ? i + 3 : -1;
      if (nameAt >= 0 && !s.startsWith("(?<=", i) && !s.startsWith("(?<!", i)) {
        int close = s.indexOf('>', nameAt);
        String name = close < 0 ? "" : s.substring(nameAt, close);
        if (name.isEmpty() || !name.matches("[A-Za-z0-9_]+")) {
          throw bad("invalid named capture", s.substring(i, close < 0 ? s.length() : close + 1));
        }
        if (names.contains(name)) {
          throw bad("duplicate capture group name", name);
        }
        names.add(name);
        out.append('(');
        i = close + 1;
        return;
      }
      // (?flags) or (?flags:...): Go knows i, m, s and U, and - to clear them
      int j = i + 2;
      while (j < s.length() && "imsU-".indexOf(s.charAt(j)) >= 0) {
        j++;
      }
      if (j >= s.length() || (s.charAt(j) != ')' && s.charAt(j) != ':')) {
        throw bad(
            "invalid or unsupported Perl syntax", s.substring(i, Math.min(s.length(), j + 1)));
      }
      String flags = s.substring(i + 2, j);
      if (flags.indexOf('U') >= 0 || flags.indexOf('m') >= 0) {
        throw new UnsupportedOperationException(
            "the regex flag " + (flags.indexOf('U') >= 0 ? "U" : "m") + " is not mirrored");
      }
      out.append(s, i, j + 1);
      i = j + 1;
    }

    /** An escape outside a class ({@code inClass} false) or inside one. */
    private void escape(boolean inClass) {
      if (i + 1 >= s.length()) {
        throw bad("trailing backslash at end of expression", "");
      }
      char e = s.charAt(i + 1);
      switch (e) {
        case 'd', 'D', 'w', 'W', 'f', 't', 'n', 'r', 'a' -> pass(2);
        case 'b', 'B', 'A', 'z' -> {
          if (inClass) {
            throw bad("invalid escape sequence", "\\" + e);
          }
          pass(2);
        }
        case 's' -> {
          // a class of its own inside a class too: a '-' after it stays a character, as in Go
          out.append("[" + GO_SPACE + "]");
          i += 2;
        }
        case 'S' -> {
          if (inClass) {
            throw new UnsupportedOperationException("\\S inside a class is not mirrored");
          }
          out.append("[^" + GO_SPACE + "]");
          i += 2;
        }
        case 'v' -> {
          out.append("\\x0B");
          i += 2;
        }
        case 'x' -> hex();
        case 'p', 'P' -> unicodeClass(e);
        case 'Q' -> {
          int end = s.indexOf("\\E", i + 2);
          String literal = end < 0 ? s.substring(i + 2) : s.substring(i + 2, end);
          out.append(Pattern.quote(literal));
          i = end < 0 ? s.length() : end + 2;
        }
        case 'C' -> throw new UnsupportedOperationException("\\C is not mirrored");
        case '0', '1', '2', '3', '4', '5', '6', '7' -> octal();
        default -> {
          if (e < 0x80 && !Character.isLetterOrDigit(e)) {
            out.append('\\').append(e); // escaped punctuation: the character itself
            i += 2;
          } else {
            throw bad("invalid escape sequence", "\\" + e);
          }
        }
      }
    }

    private void pass(int chars) {
      out.append(s, i, i + chars);
      i += chars;
    }

    private void hex() {
      int j = i + 2;
      if (j < s.length() && s.charAt(j) == '{') {
        int close = s.indexOf('}', j);
        String digits = close < 0 ? "" : s.substring(j + 1, close).replaceFirst("^0+(?=.)", "");
        if (!digits.matches("[0-9A-Fa-f]{1,6}") || Integer.parseInt(digits, 16) > 0x10FFFF) {
          throw bad("invalid escape sequence", s.substring(i, Math.min(s.length(), j + 2)));
        }
        out.append("\\x{").append(digits).append('}');
        i = close + 1;
      } else if (j + 2 <= s.length() && s.substring(j, j + 2).matches("[0-9A-Fa-f]{2}")) {
        pass(4);
      } else {
        throw bad("invalid escape sequence", s.substring(i, Math.min(s.length(), j + 2)));
      }
    }

    /** Go: {@code \1}-{@code \7} only before another octal digit; up to three digits. */
    private void octal() {
      int j = i + 1;
      if (s.charAt(j) != '0'
          && (j + 1 >= s.length() || s.charAt(j + 1) < '0' || s.charAt(j + 1) > '7')) {
        throw bad("invalid escape sequence", s.substring(i, j + 1));
      }
      int end = j;
      while (end < s.length() && end < j + 3 && s.charAt(end) >= '0' && s.charAt(end) <= '7') {
        end++;
      }
      int code = Integer.parseInt(s.substring(j, end), 8);
      out.append(String.format(Locale.ROOT, "\\x{%x}", code));
      i = end;
    }

    private void unicodeClass(char p) {
      int j = i + 2;
      String name;
      int end;
      if (j < s.length() && s.charAt(j) == '{') {
        int close = s.indexOf('}', j);
        if (close < 0) {
          throw bad("invalid character class range", s.substring(i));
        }
        name = s.substring(j + 1, close);
        end = close + 1;
      } else if (j < s.length()) {
        name = s.substring(j, j + 1);
        end = j + 1;
      } else {
        throw bad("invalid character class range", s.substring(i));
      }
      boolean negate = p == 'P';
      if (name.startsWith("^")) {
        negate = !negate;
        name = name.substring(1);
      }
      if (name.equals("Any")) {
        out.append(negate ? "[^\\x{0}-\\x{10FFFF}]" : "[\\x{0}-\\x{10FFFF}]");
      } else if (name.matches("[A-Za-z_]+")) {
        out.append(negate ? "\\P{Is" : "\\p{Is").append(name).append('}');
      } else {
        throw bad("invalid character class range", s.substring(i, end));
      }
      i = end;
    }

    /** A bracketed class: {@code [:name:]}, literal {@code [} and {@code &}, a first {@code ]}. */
    private void charClass() {
      out.append('[');
      i++;
      if (i < s.length() && s.charAt(i) == '^') {
        out.append('^');
        i++;
      }
      boolean first = true;
      while (true) {
        if (i >= s.length()) {
          throw bad("missing closing ]", s);
        }
        char c = s.charAt(i);
        if (c == ']' && !first) {
          out.append(']');
          i++;
          return;
        }
        first = false;
        if (c == '[' && s.startsWith("[:", i)) {
          int close = s.indexOf(":]", i + 2);
          String name = close < 0 ? null : s.substring(i + 2, close);
          boolean negate = name != null && name.startsWith("^");
          String bare = negate ? name.substring(1) : name;
          if (bare != null && POSIX.containsKey(bare)) {
            out.append(posix(bare, negate));
            i = close + 2;
            continue;
          }
          out.append("\\[");
          i++;
        } else if (c == '\\') {
          escape(true);
        } else if (c == '[' || c == '&' || c == ']') {
          out.append('\\').append(c);
          i++;
        } else {
          out.append(c);
          i++;
        }
      }
    }

    private static String posix(String name, boolean negate) {
      String c = POSIX.get(name);
      return negate ? "\\" + Character.toUpperCase(c.charAt(1)) + c.substring(2) : c;
    }

    private IllegalArgumentException bad(String what, String at) {
      return new IllegalArgumentException(
          "error parsing regexp: " + what + (at.isEmpty() ? "" : ": `" + at + "`"));
    }
  }
}
