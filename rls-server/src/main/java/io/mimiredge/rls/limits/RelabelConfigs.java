package io.mimiredge.rls.limits;

import io.mimiredge.rls.limits.internal.Value;
import io.mimiredge.rls.relabel.RelabelAction;
import io.mimiredge.rls.relabel.RelabelRule;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code metric_relabel_configs} as Mimir loads a tenant's limits ({@code
 * pkg/util/validation/limits.go}: {@code []*relabel.Config}, decoded with known fields only, a null
 * entry refused): each entry Prometheus' {@code relabel.Config}, every field at {@code
 * DefaultRelabelConfig} unless set. Stateless.
 */
final class RelabelConfigs {
  private static final Set<String> FIELDS =
      Set.of(
          "source_labels",
          "separator",
          "regex",
          "modulus",
          "target_label",
          "replacement",
          "action");
  private static final BigInteger MAX_UINT64 =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private RelabelConfigs() {}

  /**
   * The rules; IllegalArgumentException for what Mimir refuses to load, with where it is;
   * UnsupportedOperationException for a rule Mimir loads and the edge cannot run alike.
   */
  static List<RelabelRule> parse(Value v) {
    if (!(v instanceof Value.Sequence list)) {
      throw new IllegalArgumentException(
          "expected a list of relabeling rules (source_labels, regex, action, ...), got "
              + v.describe());
    }
    List<RelabelRule> rules = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Value item = list.items().get(i);
      if (!(item instanceof Value.Mapping m)) {
        throw new IllegalArgumentException(
            item instanceof Value.Scalar s && s.kind() == Value.Kind.NULL
                ? "invalid metric_relabel_configs (entry " + (i + 1) + " is empty)"
                : "entry " + (i + 1) + ": expected a mapping, got " + item.describe());
      }
      try {
        rules.add(rule(m));
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException("entry " + (i + 1) + ": " + bad.getMessage(), bad);
      }
    }
    return rules;
  }

  private static RelabelRule rule(Value.Mapping m) {
    if (!m.problems().isEmpty()) {
      throw new IllegalArgumentException(m.problems().get(0).message());
    }
    RelabelRule.Builder b = RelabelRule.builder();
    for (Map.Entry<String, Value.Entry> e : m.entries().entrySet()) {
      String name = e.getKey();
      Value v = e.getValue().value();
      if (!FIELDS.contains(name)) {
        throw new IllegalArgumentException("field " + name + " not found in type relabel.plain");
      }
      switch (name) {
        case "source_labels" -> b.sourceLabels(strings(name, v));
        case "separator" -> b.separator(string(name, v));
        case "regex" -> b.regex(string(name, v)); // null: "" (UnmarshalYAML's MustNewRegexp(""))
        case "modulus" -> b.modulus(modulus(v));
        case "target_label" -> b.targetLabel(string(name, v));
        case "replacement" -> b.replacement(string(name, v));
        default ->
            b.action(
                RelabelAction.fromYaml(string(name, v))
                    .orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                "unknown relabel action \"" + string(name, v) + "\"")));
      }
    }
    return b.build();
  }

  /** A string field: any scalar as written (yaml decodes 1 into a string as "1"); null is "". */
  private static String string(String field, Value v) {
    if (v instanceof Value.Scalar s) {
      return s.kind() == Value.Kind.NULL ? "" : s.text();
    }
    throw new IllegalArgumentException(field + ": expected a string, got " + v.describe());
  }

  private static List<String> strings(String field, Value v) {
    if (v instanceof Value.Scalar s && s.kind() == Value.Kind.NULL) {
      return List.of();
    }
    if (!(v instanceof Value.Sequence list)) {
      throw new IllegalArgumentException(
          field + ": expected a list of label names, got " + v.describe());
    }
    List<String> out = new ArrayList<>();
    for (Value item : list.items()) {
      out.add(string(field, item));
    }
    return out;
  }

  /** A uint64, as {@code modulus} is. */
  private static long modulus(Value v) {
    if (v instanceof Value.Scalar s && s.kind() == Value.Kind.NULL) {
      return 0;
    }
    BigDecimal d = OverridesParser.number(v); // ints in any base, floats truncated as yaml.v3
    if (d != null && d.signum() >= 0) {
      BigInteger n = d.toBigInteger();
      if (n.compareTo(MAX_UINT64) <= 0) {
        return n.longValue(); // unsigned: the bits of the uint64
      }
    }
    throw new IllegalArgumentException(
        "modulus: expected an unsigned integer, got " + v.describe());
  }
}
