package io.mimiredge.rls.relabel;

import io.mimiredge.rls.remotewrite.Utf8;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One relabeling rule of {@code metric_relabel_configs}, as Prometheus reads and validates it
 * ({@code model/relabel/relabel.go}: {@code DefaultRelabelConfig}, {@code Config.Validate}) and
 * runs it ({@code relabel}). Built by {@link Builder}, which refuses what {@code Validate} refuses,
 * with its message. Immutable and thread-safe.
 */
public final class RelabelRule {
  /** {@code DefaultRelabelConfig.Regex}. */
  public static final String DEFAULT_REGEX = "(.*)";

  public static final String DEFAULT_SEPARATOR = ";";
  public static final String DEFAULT_REPLACEMENT = "$1";

  private static final GoRegex DEFAULT = GoRegex.compile(DEFAULT_REGEX);
  private static final Pattern LEGACY_NAME = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_]*$");

  private final List<String> sourceLabels;
  private final String separator;
  private final GoRegex regex;
  private final boolean regexDefault; // no regex key: DefaultRelabelConfig's own (the fast path)
  private final long modulus;
  private final String targetLabel;
  private final String replacement;
  private final RelabelAction action;

  // what each action computes of a string, made once (a method reference allocates per call)
  private final Function<String, Object> matcher;
  private final Function<String, Object> mapper = this::mapped;
  private final Function<String, Object> replacer = v -> replacement(v, false);
  private final Function<String, Object> utf8Replacer = v -> replacement(v, true);
  private final Function<String, Object> lower = v -> mapCase(v, false);
  private final Function<String, Object> upper = v -> mapCase(v, true);
  private final Function<String, Object> hasher = v -> Long.toUnsignedString(hashMod(v));

  private RelabelRule(Builder b) {
    sourceLabels = List.copyOf(b.sourceLabels);
    separator = b.separator;
    regex = b.regex;
    regexDefault = b.regexDefault;
    modulus = b.modulus;
    targetLabel = b.targetLabel;
    replacement = b.replacement;
    action = b.action;
    GoRegex r = regex;
    matcher = r::matches;
  }

  public static Builder builder() {
    return new Builder();
  }

  public RelabelAction action() {
    return action;
  }

  /**
   * {@code relabel(cfg, lb)}: applies the rule to the labels in {@code lb}; false when it drops the
   * series. {@code memo} keeps what the rule made of each string it was given (a source value or a
   * label name): the same string, the same outcome.
   */
  boolean apply(LabelsBuilder lb, boolean utf8Names, Map<String, Object> memo) {
    String val = sourceValue(lb);
    switch (action) {
      case DROP, KEEP -> { // drop what matches, keep only what matches
        if (matches(val, memo) == (action == RelabelAction.DROP)) {
          return false;
        }
      }
      case DROPEQUAL, KEEPEQUAL -> {
        if (lb.get(targetLabel).equals(val) == (action == RelabelAction.DROPEQUAL)) {
          return false;
        }
      }
      case REPLACE -> {
        if (val.isEmpty()
            && regexDefault
            && !targetLabel.contains("$")
            && !replacement.contains("$")) {
          lb.set(targetLabel, replacement); // the fast path: no match, no check of the name
        } else if (memoized(memo, val, utf8Names ? utf8Replacer : replacer)
            instanceof String[] tr) {
          if (tr[1].isEmpty()) {
            lb.del(tr[0]);
          } else {
            lb.set(tr[0], tr[1]);
          }
        }
      }
      case LOWERCASE -> lb.set(targetLabel, (String) memoized(memo, val, lower));
      case UPPERCASE -> lb.set(targetLabel, (String) memoized(memo, val, upper));
      case HASHMOD -> lb.set(targetLabel, (String) memoized(memo, val, hasher));
      case LABELMAP -> {
        for (Label l : lb.range()) {
          if (memoized(memo, l.name(), mapper) instanceof String name) {
            lb.set(name, l.value());
          }
        }
      }
      case LABELDROP, LABELKEEP -> {
        for (Label l : lb.range()) {
          if (matches(l.name(), memo) == (action == RelabelAction.LABELDROP)) {
            lb.del(l.name());
          }
        }
      }
    }
    return true;
  }

  private boolean matches(String s, Map<String, Object> memo) {
    return (Boolean) memoized(memo, s, matcher);
  }

  /** Longer strings are not remembered: a memo's memory stays small whatever senders send. */
  private static final int MEMO_MAX_KEY = 256;

  private static Object memoized(
      Map<String, Object> memo, String key, Function<String, Object> outcome) {
    return key.length() > MEMO_MAX_KEY ? outcome.apply(key) : memo.computeIfAbsent(key, outcome);
  }

  /** The source labels' values joined by the separator; a missing label is "". */
  private String sourceValue(LabelsBuilder lb) {
    if (sourceLabels.isEmpty()) {
      return "";
    }
    if (sourceLabels.size() == 1) {
      return lb.get(sourceLabels.get(0));
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < sourceLabels.size(); i++) {
      if (i > 0) {
        sb.append(separator);
      }
      sb.append(lb.get(sourceLabels.get(i)));
    }
    return sb.toString();
  }

  /**
   * What {@code replace} does with a source value: the target and the value ({@code String[2]}; an
   * empty value deletes the target), or {@link #NOTHING} when the regex does not match or the
   * target is no label name.
   */
  private Object replacement(String val, boolean utf8Names) {
    Matcher m = regex.match(val);
    if (m == null) {
      return NOTHING;
    }
    String target = regex.expand(targetLabel, m);
    if (utf8Names ? target.isEmpty() : !LEGACY_NAME.matcher(target).matches()) {
      return NOTHING;
    }
    return new String[] {target, regex.expand(replacement, m)};
  }

  /** What {@code labelmap} renames a label to, or {@link #NOTHING} when the name does not match. */
  private Object mapped(String name) {
    Matcher m = regex.match(name);
    // ReplaceAllString of an anchored regex: the whole name, expanded
    return m == null ? NOTHING : regex.expand(replacement, m);
  }

  private static final Object NOTHING = new Object();

  /** md5 of the value; its last 8 bytes, big-endian, modulo the modulus (unsigned). */
  private long hashMod(String val) {
    byte[] hash;
    try {
      // the value's bytes as Go holds them, a byte of invalid UTF-8 included (Utf8.decodeEscaped)
      hash = MessageDigest.getInstance("MD5").digest(Utf8.escapedBytes(val));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has MD5", e);
    }
    long x = 0;
    for (int i = 8; i < 16; i++) {
      x = (x << 8) | (hash[i] & 0xff);
    }
    return Long.remainderUnsigned(x, modulus);
  }

  /**
   * Go's {@code strings.ToLower}/{@code ToUpper}: each code point mapped alone ({@code
   * unicode.ToLower}), where Java's String methods apply the full mappings (ß to SS); a byte of
   * invalid UTF-8 becomes U+FFFD, as {@code strings.Map} writes it.
   */
  private static String mapCase(String s, boolean upper) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            c ->
                sb.appendCodePoint(
                    Utf8.escapedByte(c) >= 0
                        ? 0xFFFD
                        : upper ? Character.toUpperCase(c) : Character.toLowerCase(c)));
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RelabelRule r
        && r.sourceLabels.equals(sourceLabels)
        && r.separator.equals(separator)
        && r.regex.equals(regex)
        && r.regexDefault == regexDefault
        && r.modulus == modulus
        && r.targetLabel.equals(targetLabel)
        && r.replacement.equals(replacement)
        && r.action == action;
  }

  @Override
  public int hashCode() {
    return Objects.hash(sourceLabels, separator, regex, modulus, targetLabel, replacement, action);
  }

  @Override
  public String toString() {
    return action.yamlName()
        + (sourceLabels.isEmpty() ? "" : " " + sourceLabels)
        + " regex="
        + regex
        + (targetLabel.isEmpty() ? "" : " target_label=" + targetLabel);
  }

  /**
   * A rule's fields, each at Prometheus' default until set; {@link #build} validates as {@code
   * Config.Validate}.
   */
  public static final class Builder {
    private List<String> sourceLabels = List.of();
    private String separator = DEFAULT_SEPARATOR;
    private GoRegex regex = DEFAULT;
    private boolean regexDefault = true;
    private long modulus;
    private String targetLabel = "";
    private String replacement = DEFAULT_REPLACEMENT;
    private RelabelAction action = RelabelAction.REPLACE;

    private Builder() {}

    public Builder sourceLabels(List<String> v) {
      sourceLabels = List.copyOf(v);
      return this;
    }

    public Builder separator(String v) {
      separator = Objects.requireNonNull(v);
      return this;
    }

    /** The regex as written; Go's syntax errors are thrown here. */
    public Builder regex(String v) {
      regex = GoRegex.compile(v);
      regexDefault = false;
      return this;
    }

    public Builder modulus(long v) {
      modulus = v;
      return this;
    }

    public Builder targetLabel(String v) {
      targetLabel = Objects.requireNonNull(v);
      return this;
    }

    public Builder replacement(String v) {
      replacement = Objects.requireNonNull(v);
      return this;
    }

    public Builder action(RelabelAction v) {
      action = Objects.requireNonNull(v);
      return this;
    }

    /**
     * The rule as Mimir loads it: Prometheus' {@code Config.Validate} is not called on a tenant's
     * rules (since mimir-prometheus' {@code UnmarshalYAML} stopped calling it), so a rule it would
     * refuse runs as written; only a {@code hashmod} by 0, which panics in Mimir, is refused here
     * as {@link UnsupportedOperationException}: the edge cannot mirror a panic.
     */
    public RelabelRule build() {
      if (modulus == 0 && action == RelabelAction.HASHMOD) {
        throw new UnsupportedOperationException(
            "hashmod with modulus 0 (Mimir fails every write of the tenant)");
      }
      return new RelabelRule(this);
    }
  }
}
