package io.mimiredge.rls.limits.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML-shaped value, from a SnakeYAML node (with line numbers, aliases resolved and merge keys
 * applied) or from plain Java maps (no line numbers). Lets one parser serve both the overrides file
 * and a defaults block from the service configuration. Immutable.
 */
public sealed interface Value {

  /** 1-based line where the value starts, 0 when unknown. */
  int line();

  /** How an error message shows this value, e.g. {@code "fast"}, {@code -3}, {@code a list}. */
  String describe();

  /** What a scalar's plain text resolved to. */
  enum Kind {
    NULL,
    BOOL,
    INT,
    FLOAT,
    STRING
  }

  /** A mapping; keys are the scalar keys' text. */
  record Mapping(Map<String, Entry> entries, List<Problem> problems, int line) implements Value {
    public Mapping {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries)); // keeps file order
      problems = List.copyOf(problems);
    }

    @Override
    public String describe() {
      return "a mapping";
    }
  }

  /** A mapping entry with the line of its key. */
  record Entry(int line, Value value) {}

  /** Something wrong with the mapping itself (a duplicate key, a key that is not a scalar). */
  record Problem(String key, int line, String message) {}

  /** A list, with its entries. */
  record Sequence(int line, List<Value> items) implements Value {
    public Sequence {
      items = List.copyOf(items);
    }

    public int size() {
      return items.size();
    }

    @Override
    public String describe() {
      return "a list";
    }
  }

  /** A scalar with its text as written and what it resolved to. */
  record Scalar(Kind kind, String text, int line) implements Value {
    private static final int MAX_SHOWN = 64;

    @Override
    public String describe() {
      String shown = text.length() > MAX_SHOWN ? text.substring(0, MAX_SHOWN) + "…" : text;
      return switch (kind) {
        case NULL -> "null";
        case STRING -> '"' + shown.replace("\"", "\\\"") + '"';
        default -> shown;
      };
    }
  }
}
