package io.mimiredge.helm.support;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names (and the label names matched on each) in a PromQL expression. A small lexer,
 * enough for the expressions we write: strings, label matchers, ranges, grouping clauses and
 * Grafana variables are stripped; what is left that is neither a function, a keyword nor a number
 * is a metric name.
 */
public final class PromQl {
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "offset",
          "atan2",
          "inf",
          "nan");
  private static final Pattern SELECTOR =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*\\{([^}]*)\\}");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
  private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private PromQl() {}

  /** Metric name to the label names matched on it, for every selector in the expression. */
  public static Map<String, Set<String>> selectors(String expr) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    // Label values may contain braces or spaces: blank them first, keeping the quotes.
    String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
    s = s.replaceAll("\\$__[a-z_]+|\\$[a-zA-Z_]+", "1m");
    Matcher m = SELECTOR.matcher(s);
    StringBuilder rest = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      Set<String> labels = new LinkedHashSet<>();
      Matcher l = LABEL.matcher(m.group(2));
      while (l.find()) {
        labels.add(l.group(1));
      }
      if (name != null) {
        out.computeIfAbsent(name, k -> new LinkedHashSet<>()).addAll(labels);
      }
      m.appendReplacement(rest, " ");
    }
    m.appendTail(rest);
    s = rest.toString();
    s = s.replaceAll("\\[[^\\]]*\\]", " "); // ranges
    s = s.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Matcher id = IDENT.matcher(s);
    while (id.find()) {
      String word = id.group();
      int after = id.end();
      while (after < s.length() && Character.isWhitespace(s.charAt(after))) {
        after++;
      }
      boolean function = after < s.length() && s.charAt(after) == '(';
      boolean number = id.start() > 0 && Character.isDigit(s.charAt(id.start() - 1));
      if (!function && !number && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
        out.computeIfAbsent(word, k -> new LinkedHashSet<>());
      }
    }
    return out;
  }
}
