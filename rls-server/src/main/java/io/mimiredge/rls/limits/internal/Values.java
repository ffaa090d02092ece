package io.mimiredge.rls.limits.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Builds {@link Value} trees. Stateless; each call uses its own scratch state. */
public final class Values {
  private Values() {}

  /**
   * Converts a composed SnakeYAML node. Aliases share one conversion (so alias-heavy files stay
   * linear), merge keys ({@code <<: *base} or {@code <<: [*a, *b]}) are applied with YAML's
   * precedence (explicit keys, then earlier merged mappings), and explicit duplicate keys are kept
   * as problems because Mimir's own YAML decoder refuses them.
   */
  public static Value fromYaml(Node node) {
    return new YamlConverter().convert(node);
  }

  /** Converts plain Java values, e.g. a block of the service configuration read by Jackson. */
  public static Value fromJava(Object o) {
    if (o == null) {
      return new Value.Scalar(Value.Kind.NULL, "null", 0);
    }
    if (o instanceof Map<?, ?> map) {
      Map<String, Value.Entry> entries = new LinkedHashMap<>();
      map.forEach((k, v) -> entries.put(String.valueOf(k), new Value.Entry(0, fromJava(v))));
      return new Value.Mapping(entries, List.of(), 0);
    }
    if (o instanceof Collection<?> c) {
      return new Value.Sequence(0, c.stream().map(Values::fromJava).toList());
    }
    if (o.getClass().isArray()) {
      List<Value> items = new ArrayList<>();
      for (int i = 0; i < java.lang.reflect.Array.getLength(o); i++) {
        items.add(fromJava(java.lang.reflect.Array.get(o, i)));
      }
      return new Value.Sequence(0, items);
    }
    Value.Kind kind;
    if (o instanceof Integer
        || o instanceof Long
        || o instanceof Short
        || o instanceof Byte
        || o instanceof BigInteger) {
      kind = Value.Kind.INT;
    } else if (o instanceof Number) {
      kind = Value.Kind.FLOAT;
    } else if (o instanceof Boolean) {
      kind = Value.Kind.BOOL;
    } else {
      kind = Value.Kind.STRING;
    }
    String text = o instanceof BigDecimal bd ? bd.toPlainString() : String.valueOf(o);
    return new Value.Scalar(kind, text, 0);
  }

  private static final class YamlConverter {
    private final Map<Node, Value> done = new IdentityHashMap<>();
    private final Map<Node, Boolean> inProgress = new IdentityHashMap<>();

    Value convert(Node node) {
      if (node == null) {
        return new Value.Scalar(Value.Kind.NULL, "null", 0);
      }
      Value known = done.get(node);
      if (known != null) {
        return known;
      }
      int line = line(node);
      if (inProgress.put(node, Boolean.TRUE) != null) {
        // A node inside itself; SnakeYAML allows it, a limit can never be one.
        return new Value.Scalar(Value.Kind.STRING, "(recursive alias)", line);
      }
      Value v;
      if (node instanceof ScalarNode s) {
        v = new Value.Scalar(kind(s.getTag()), s.getValue(), line);
      } else if (node instanceof MappingNode m) {
        v = mapping(m, line);
      } else {
        v =
            new Value.Sequence(
                line,
                node instanceof SequenceNode q
                    ? q.getValue().stream().map(this::convert).toList()
                    : List.of());
      }
      inProgress.remove(node);
      done.put(node, v);
      return v;
    }

    private Value.Mapping mapping(MappingNode node, int line) {
      Map<String, Value.Entry> entries = new LinkedHashMap<>();
      List<Value.Problem> problems = new ArrayList<>();
      List<Node> merged = new ArrayList<>();
      for (NodeTuple t : node.getValue()) {
        Node k = t.getKeyNode();
        if (Tag.MERGE.equals(k.getTag())) {
          if (t.getValueNode() instanceof SequenceNode seq) {
            merged.addAll(seq.getValue());
          } else {
            merged.add(t.getValueNode());
          }
        } else if (k instanceof ScalarNode sk) {
          Value.Entry previous =
              entries.putIfAbsent(
                  sk.getValue(), new Value.Entry(line(k), convert(t.getValueNode())));
          if (previous != null) {
            problems.add(
                new Value.Problem(
                    sk.getValue(),
                    line(k),
                    "duplicate key, already defined at line " + previous.line()));
          }
        } else {
          problems.add(new Value.Problem("?", line(k), "expected a scalar key, got a collection"));
        }
      }
      for (Node source : merged) {
        if (convert(source) instanceof Value.Mapping m) {
          m.entries().forEach(entries::putIfAbsent); // explicit and earlier merges win
          problems.addAll(m.problems());
        } else {
          problems.add(
              new Value.Problem(
                  "<<", line(source), "a merge key expects a mapping or a list of them"));
        }
      }
      return new Value.Mapping(entries, problems, line);
    }

    private static Value.Kind kind(Tag tag) {
      if (Tag.NULL.equals(tag)) {
        return Value.Kind.NULL;
      } else if (Tag.BOOL.equals(tag)) {
        return Value.Kind.BOOL;
      } else if (Tag.INT.equals(tag)) {
        return Value.Kind.INT;
      } else if (Tag.FLOAT.equals(tag)) {
        return Value.Kind.FLOAT;
      }
      return Value.Kind.STRING;
    }

    private static int line(Node node) {
      return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }
  }
}
