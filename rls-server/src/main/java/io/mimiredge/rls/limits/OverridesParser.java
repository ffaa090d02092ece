package io.mimiredge.rls.limits;

import io.mimiredge.rls.limits.internal.MimirDurations;
import io.mimiredge.rls.limits.internal.Value;
import io.mimiredge.rls.limits.internal.Values;
import io.mimiredge.rls.remotewrite.LabelValueStrategy;
import io.mimiredge.rls.remotewrite.NameValidation;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads limits written with Mimir's runtime-config keys: the {@code overrides:} section of Mimir's
 * runtime YAML (every other top-level key is Mimir's business and ignored), and a defaults block
 * with the same keys. Unknown keys are ignored at every level, so one ConfigMap serves Mimir and
 * the edge. Anchors, aliases and merge keys work. Any bad value fails the whole parse, listing
 * every problem. Stateless and thread-safe.
 */
public final class OverridesParser {
  private static final String EDGE_BLOCK = "edge_enforcement";
  // Runtime configs with thousands of tenants exceed SnakeYAML's 3 MB default.
  private static final int MAX_CODE_POINTS = 64 * 1024 * 1024;
  private static final int MAX_ALIASES = 1_000_000;
  // len("(hash:)") + 64 hex digits of a BLAKE2b-256: Mimir's validation.LabelValueHashLen.
  private static final int LABEL_VALUE_HASH_LENGTH = 71;

  /**
   * Mimir settings that change what its distributor counts or refuses and that the edge does not
   * mirror, with what that means at the edge: a tenant that sets one (to anything but its default)
   * is named in the load's log and in the admin API ({@code not_mirrored}), so an operator can keep
   * it in shadow.
   */
  public static final Map<String, String> NOT_MIRRORED =
      Map.of(
          "metric_relabel_configs",
          "a rule uses what the edge cannot run as Go does (regex flag U or m, \\C, \\S in a"
              + " class, hashmod by 0): none of the tenant's rules is applied, so series Mimir"
              + " drops or relabels are counted as sent (drop_labels still applies)",
          "enforce_out_of_order_window_on_distributor",
          "samples older than the out-of-order window are counted",
          "otel_promote_scope_metadata",
          "OTLP scope labels do not count towards the label limits",
          "otel_created_timestamp_zero_ingestion_enabled",
          "OTLP created-timestamp zero samples are not counted");

  private OverridesParser() {}

  /** The {@link #NOT_MIRRORED} keys a tenant's block sets, in file order. */
  private static List<String> notMirrored(Value block) {
    if (!(block instanceof Value.Mapping m)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    m.entries()
        .forEach(
            (name, e) -> {
              if (NOT_MIRRORED.containsKey(name)
                  && isSet(e.value())
                  && (!name.equals("metric_relabel_configs") || !runnable(e.value()))) {
                out.add(name);
              }
            });
    return out;
  }

  /**
   * Whether the edge runs these relabeling rules (on every protocol) as Mimir does; a config Mimir
   * refuses fails the load elsewhere.
   */
  private static boolean runnable(Value rules) {
    try {
      RelabelConfigs.parse(rules);
      return true;
    } catch (UnsupportedOperationException cannot) {
      return false;
    } catch (IllegalArgumentException refused) {
      return true; // not this setting's naming: the load fails with the parse's message
    }
  }

  /** Whether a value sets something: not null, false, empty, 0 or a zero duration. */
  private static boolean isSet(Value v) {
    if (v instanceof Value.Sequence s) {
      return s.size() != 0;
    }
    if (v instanceof Value.Mapping m) {
      return !m.entries().isEmpty();
    }
    if (!(v instanceof Value.Scalar s) || s.kind() == Value.Kind.NULL) {
      return false;
    }
    String t = s.text().trim().toLowerCase(Locale.ROOT);
    return !(t.isEmpty()
        || t.equals("false")
        || t.equals("no")
        || t.equals("off")
        || t.matches("0+(\\.0*)?([a-z]+)?"));
  }

  /** Parses a runtime config; an empty file or {@code overrides:} without tenants = none. */
  public static Overrides parse(String yaml, TenantLimits defaults) throws LimitsParseException {
    return parse(new StringReader(yaml), defaults);
  }

  /** Parses a runtime config; an empty file or {@code overrides:} without tenants = none. */
  public static Overrides parse(Reader yaml, TenantLimits defaults) throws LimitsParseException {
    Objects.requireNonNull(defaults, "defaults");
    Value root = compose(yaml, "runtime config");
    List<String> errors = new ArrayList<>();
    Map<String, Overrides.Tenant> tenants = new LinkedHashMap<>();
    Map<String, List<String>> notMirrored = new LinkedHashMap<>();
    if (root instanceof Value.Mapping top) {
      top.problems().stream()
          .filter(p -> p.key().equals("overrides"))
          .forEach(p -> errors.add(at("overrides", p.line()) + p.message()));
      Value.Entry overrides = top.entries().get("overrides");
      Value section = overrides == null ? null : overrides.value();
      if (section instanceof Value.Mapping byTenant) {
        problems(byTenant, "overrides", errors);
        byTenant
            .entries()
            .forEach(
                (tenant, e) -> {
                  Overrides.Tenant t = tenant(tenant, e, defaults, errors);
                  if (t != null) {
                    tenants.put(tenant, t);
                  }
                  List<String> unmirrored = notMirrored(e.value());
                  if (!unmirrored.isEmpty()) {
                    notMirrored.put(tenant, unmirrored);
                  }
                });
      } else if (section != null && !isNull(section)) {
        errors.add(
            at("overrides", overrides.line())
                + "expected a mapping of tenant IDs to limits, got "
                + section.describe());
      }
    } else if (!isNull(root)) {
      errors.add(at("runtime config", root.line()) + "expected a mapping, got " + root.describe());
    }
    if (!errors.isEmpty()) {
      throw new LimitsParseException(errors);
    }
    return new Overrides(defaults, tenants, null, notMirrored);
  }

  /** Parses a defaults block (a mapping of Mimir keys) from YAML, over Mimir's defaults. */
  public static TenantLimits parseDefaults(Reader yaml) throws LimitsParseException {
    return defaults(compose(yaml, "defaults"));
  }

  /**
   * Parses a defaults block already read into Java maps (e.g. by Jackson from the service
   * configuration), over Mimir's defaults; errors carry no line numbers.
   */
  public static TenantLimits parseDefaults(Map<String, ?> block) throws LimitsParseException {
    return defaults(Values.fromJava(block));
  }

  private static TenantLimits defaults(Value v) throws LimitsParseException {
    List<String> errors = new ArrayList<>();
    TenantLimits.Builder b = TenantLimits.builder();
    if (v instanceof Value.Mapping m) {
      apply(m, "defaults", "", b, EnumSet.noneOf(LimitKey.class), errors);
    } else if (!isNull(v)) {
      errors.add(at("defaults", v.line()) + "expected a mapping, got " + v.describe());
    }
    TenantLimits limits = b.build();
    if (errors.isEmpty()) {
      crossCheck(limits, "defaults", errors);
    }
    if (!errors.isEmpty()) {
      throw new LimitsParseException(errors);
    }
    return limits;
  }

  private static Value compose(Reader yaml, String what) throws LimitsParseException {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_CODE_POINTS);
    // Every tenant of a big file may merge a shared tier (`<<: *tier`). SnakeYAML caps aliases at
    // 50 against "billion laughs"; the conversion here visits each node once, so aliases are cheap.
    options.setMaxAliasesForCollections(MAX_ALIASES);
    try {
      Node node = new Yaml(options).compose(yaml);
      return Values.fromYaml(node);
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new LimitsParseException(List.of(at(what, line) + "not valid YAML: " + e.getProblem()));
    } catch (YAMLException e) {
      throw new LimitsParseException(List.of(what + ": not valid YAML: " + e.getMessage()));
    }
  }

  private static Overrides.Tenant tenant(
      String tenant, Value.Entry e, TenantLimits defaults, List<String> errors) {
    String path = "overrides." + tenant;
    if (isNull(e.value())) {
      return null; // Mimir falls back to the defaults for a tenant without limits
    }
    if (!(e.value() instanceof Value.Mapping m)) {
      errors.add(at(path, e.line()) + "expected a mapping of limits, got " + e.value().describe());
      return null;
    }
    TenantLimits.Builder b = defaults.toBuilder();
    Set<LimitKey> explicit = EnumSet.noneOf(LimitKey.class);
    int before = errors.size();
    apply(m, path, "", b, explicit, errors);
    if (errors.size() > before || explicit.isEmpty()) {
      return null;
    }
    TenantLimits limits = b.build();
    crossCheck(limits, path, errors);
    return errors.size() > before ? null : new Overrides.Tenant(limits, explicit);
  }

  /** Applies every known key of {@code m}; {@code prefix} is "" or "edge_enforcement.". */
  private static void apply(
      Value.Mapping m,
      String path,
      String prefix,
      TenantLimits.Builder b,
      Set<LimitKey> explicit,
      List<String> errors) {
    problems(m, path, errors);
    m.entries()
        .forEach(
            (name, e) -> {
              String keyPath = path + "." + name;
              LimitKey key = LimitKey.fromYamlPath(prefix + name).orElse(null);
              if (key != null) {
                if (!isNull(e.value()) && set(key, e, keyPath, b, errors)) {
                  explicit.add(key);
                }
              } else if (prefix.isEmpty() && name.equals(EDGE_BLOCK)) {
                if (e.value() instanceof Value.Mapping edge) {
                  apply(edge, keyPath, EDGE_BLOCK + ".", b, explicit, errors);
                } else if (!isNull(e.value())) {
                  errors.add(
                      at(keyPath, e.line())
                          + "expected a mapping with mode and validation, got "
                          + e.value().describe());
                }
              }
              // anything else is one of Mimir's many other limits
            });
  }

  /** Parses and sets one value; false (with an error recorded) when it is unusable. */
  private static boolean set(
      LimitKey key, Value.Entry e, String path, TenantLimits.Builder b, List<String> errors) {
    Value v = e.value();
    Object parsed;
    String problem = null;
    try {
      parsed = value(key, v);
    } catch (IllegalArgumentException bad) {
      parsed = null;
      problem = bad.getMessage();
    }
    if (problem == null) {
      try {
        key.set(b, parsed);
      } catch (IllegalArgumentException bad) {
        problem = bad.getMessage();
      }
    }
    if (problem != null) {
      errors.add(at(path, e.line()) + problem);
      return false;
    }
    return true;
  }

  /**
   * The Java value of a YAML value for {@code key}; IllegalArgumentException says what is wrong.
   */
  private static Object value(LimitKey key, Value v) {
    return switch (key.kind()) {
      case RATE -> {
        BigDecimal n = number(v);
        if (n == null) {
          throw new IllegalArgumentException(
              nonFinite(v)
                  ? "expected a finite non-negative number, got " + v.describe()
                  : "expected a non-negative number, got " + v.describe());
        }
        double d = n.doubleValue();
        if (n.signum() < 0 || Double.isInfinite(d)) {
          throw new IllegalArgumentException(
              (n.signum() < 0
                      ? "expected a non-negative number, got "
                      : "expected a finite non-negative number, got ")
                  + v.describe());
        }
        yield d;
      }
      case COUNT -> {
        BigDecimal n = number(v);
        if (n == null || n.signum() < 0 || !isIntegral(n)) {
          throw new IllegalArgumentException(
              "expected a non-negative integer, got " + v.describe());
        }
        if (n.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
          throw new IllegalArgumentException(
              "expected a non-negative integer up to "
                  + Integer.MAX_VALUE
                  + ", got "
                  + v.describe());
        }
        yield n.intValueExact();
      }
      case BOOL -> {
        // YAML 1.1 booleans (true/false, yes/no, on/off), as Mimir's yaml.v2 decoder reads them.
        if (!(v instanceof Value.Scalar s) || s.kind() != Value.Kind.BOOL) {
          throw new IllegalArgumentException("expected true or false, got " + v.describe());
        }
        String t = s.text().toLowerCase(Locale.ROOT);
        yield t.equals("true") || t.equals("yes") || t.equals("on") || t.equals("y");
      }
      case LABEL -> {
        String t = scalarText(v);
        if (t == null
            || t.isEmpty()
            || v instanceof Value.Scalar s && s.kind() == Value.Kind.BOOL) {
          throw new IllegalArgumentException("expected a label name, got " + v.describe());
        }
        yield t;
      }
      case DURATION -> {
        String t = scalarText(v);
        if (t == null
            || !(v instanceof Value.Scalar s)
            || (s.kind() != Value.Kind.STRING && !t.equals("0"))) {
          throw new IllegalArgumentException(
              "expected a duration such as 30s, 10m or 1h30m, got " + v.describe());
        }
        try {
          yield MimirDurations.parse(t);
        } catch (IllegalArgumentException bad) {
          throw new IllegalArgumentException(
              "expected a duration such as 30s, 10m or 1h30m, got "
                  + v.describe()
                  + " ("
                  + bad.getMessage()
                  + ")");
        }
      }
      case MODE -> named(v, Mode::fromYaml, "enforce, shadow, off");
      case VALIDATION -> named(v, ValidationPolicy::fromYaml, "forward, deny");
      case STRATEGY -> named(v, LabelValueStrategy::fromYaml, "error, truncate, drop");
      case SCHEME -> named(v, NameValidation::fromYaml, "legacy, utf8");
      case CSV -> {
        // flagext.StringSliceCSV: one YAML string (a sequence is Mimir's unmarshal error), split on
        // every comma; "" is no entry
        String t = scalarText(v);
        if (t == null || !(v instanceof Value.Scalar)) {
          throw new IllegalArgumentException(
              "expected a comma-separated string such as a,b, got " + v.describe());
        }
        yield t.isEmpty() ? List.of() : List.of(t.split(",", -1));
      }
      case LIST -> {
        // flagext.StringSlice: a YAML list of strings (a null entry is "")
        if (!(v instanceof Value.Sequence list)) {
          throw new IllegalArgumentException(
              "expected a list of strings such as [a, b], got " + v.describe());
        }
        List<String> out = new ArrayList<>();
        for (Value item : list.items()) {
          if (!(item instanceof Value.Scalar s)) {
            throw new IllegalArgumentException(
                "expected a list of strings such as [a, b], got " + item.describe() + " in it");
          }
          out.add(s.kind() == Value.Kind.NULL ? "" : s.text());
        }
        yield out;
      }
      case RELABEL -> {
        try {
          yield RelabelConfigs.parse(v);
        } catch (UnsupportedOperationException cannot) {
          yield List.of(); // named as not mirrored (notMirrored): counted as sent
        }
      }
    };
  }

  private static <T> T named(
      Value v, java.util.function.Function<String, Optional<T>> parse, String expected) {
    String t = scalarText(v);
    T value = t == null ? null : parse.apply(t).orElse(null);
    if (value == null) {
      throw new IllegalArgumentException("expected one of " + expected + ", got " + v.describe());
    }
    return value;
  }

  /**
   * Checks across keys that Mimir's {@code Limits.Validate} makes: under {@code truncate} or {@code
   * drop} the hash suffix (71 bytes) must fit in {@code max_label_value_length}.
   */
  private static void crossCheck(TenantLimits l, String path, List<String> errors) {
    if (l.labelValueLengthOverLimitStrategy() != LabelValueStrategy.ERROR
        && l.maxLabelValueLength() < LABEL_VALUE_HASH_LENGTH) {
      errors.add(
          path
              + ": cannot set label_value_length_over_limit_strategy to \""
              + l.labelValueLengthOverLimitStrategy().yamlName()
              + "\": label value hash suffix would exceed max label value length of "
              + l.maxLabelValueLength());
    }
  }

  /**
   * The number a YAML int or float scalar holds, or null when it is not one. A quoted {@code "10"}
   * is a string, which Mimir's decoder refuses for a number too.
   */
  static BigDecimal number(Value v) {
    if (!(v instanceof Value.Scalar s)
        || (s.kind() != Value.Kind.INT && s.kind() != Value.Kind.FLOAT)) {
      return null;
    }
    String t = s.text().replace("_", "").toLowerCase(Locale.ROOT);
    try {
      boolean negative = t.startsWith("-");
      String digits = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
      if (digits.startsWith("0x") || digits.startsWith("0o") || digits.startsWith("0b")) {
        int radix = digits.charAt(1) == 'x' ? 16 : digits.charAt(1) == 'o' ? 8 : 2;
        BigInteger i = new BigInteger(digits.substring(2), radix);
        return new BigDecimal(negative ? i.negate() : i);
      }
      return new BigDecimal(t);
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      return null; // .inf, .nan, sexagesimal 1:30 ...
    }
  }

  private static boolean nonFinite(Value v) {
    return v instanceof Value.Scalar s
        && s.kind() == Value.Kind.FLOAT
        && s.text().toLowerCase(Locale.ROOT).matches("[-+]?(\\.inf|\\.nan|infinity|nan)");
  }

  private static boolean isIntegral(BigDecimal n) {
    return n.signum() == 0 || n.stripTrailingZeros().scale() <= 0;
  }

  private static String scalarText(Value v) {
    return v instanceof Value.Scalar s && s.kind() != Value.Kind.NULL ? s.text() : null;
  }

  private static boolean isNull(Value v) {
    return v == null || (v instanceof Value.Scalar s && s.kind() == Value.Kind.NULL);
  }

  private static void problems(Value.Mapping m, String path, List<String> errors) {
    m.problems().forEach(p -> errors.add(at(path + "." + p.key(), p.line()) + p.message()));
  }

  private static String at(String path, int line) {
    return line > 0 ? path + " (line " + line + "): " : path + ": ";
  }
}
