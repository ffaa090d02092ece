package io.mimiredge.rls.admin.resources;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mimiredge.rls.limits.LimitKey;
import io.mimiredge.rls.limits.LimitsParseException;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.OverridesParser;
import io.mimiredge.rls.limits.TenantLimits;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the JSON bodies of limit and mode changes. A body of Mimir keys goes through the very
 * parser of the limits file ({@link OverridesParser}), so values are checked exactly as in the
 * file, with the same messages. Stricter than the file in one way: an unknown key is refused (the
 * file must ignore Mimir's other limits, but a typo in an API call should not pass silently).
 * Stateless; thread-safe.
 */
final class LimitsBodies {
  static final int MAX_BODY_BYTES = 64 * 1024;
  private static final String EDGE = "edge_enforcement";
  private static final String PLACEHOLDER = "t";
  private static final Pattern PROBLEM_PREFIX =
      Pattern.compile("^overrides\\." + PLACEHOLDER + "\\.(\\S+?)(?: \\(line \\d+\\))?: ");
  private static final int MAX_EXPONENT = 1000;

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .build();

  /** A parsed change: the keys set, their values taken from {@code values}. */
  record Change(TenantLimits values, Set<LimitKey> keys) {}

  private LimitsBodies() {}

  /** Reads a limits body: a JSON object of Mimir keys, {@code edge_enforcement} included. */
  static Change limits(InputStream body) {
    ObjectNode o = object(body);
    List<String> problems = new ArrayList<>();
    o.fieldNames()
        .forEachRemaining(
            name -> {
              if (name.equals(EDGE)) {
                JsonNode edge = o.get(name);
                if (edge.isObject()) {
                  edge.fieldNames()
                      .forEachRemaining(
                          sub -> {
                            if (LimitKey.fromYamlPath(EDGE + "." + sub).isEmpty()) {
                              problems.add(unknown(EDGE + "." + sub));
                            }
                          });
                }
              } else if (LimitKey.fromYamlPath(name).isEmpty()) {
                problems.add(unknown(name));
              }
            });
    if (!problems.isEmpty()) {
      throw new ProblemException(400, "invalid limits", problems);
    }
    return parse(o, "limits", false);
  }

  /** Reads a mode body: {@code {"mode": "enforce|shadow|off"}}. */
  static Change mode(InputStream body) {
    ObjectNode o = object(body);
    if (!o.has("mode") || o.size() != 1) {
      throw new ProblemException(
          400,
          "invalid mode change",
          List.of("expected exactly one field, mode: one of enforce, shadow, off"));
    }
    ObjectNode wrapped = JSON.createObjectNode();
    wrapped.putObject(EDGE).set("mode", o.get("mode"));
    return parse(wrapped, "mode change", true);
  }

  private static Change parse(ObjectNode o, String what, boolean modeOnly) {
    List<String> problems = new ArrayList<>();
    checkNumbers(o, "", problems);
    if (!problems.isEmpty()) {
      throw new ProblemException(400, "invalid " + what, problems);
    }
    ObjectNode root = JSON.createObjectNode();
    root.putObject("overrides").set(PLACEHOLDER, o);
    Overrides parsed;
    try {
      // JSON is YAML: the limits file's parser, with its checks and messages.
      parsed = OverridesParser.parse(JSON.writeValueAsString(root), TenantLimits.MIMIR_DEFAULTS);
    } catch (LimitsParseException e) {
      throw new ProblemException(
          400,
          "invalid " + what + ", nothing was changed",
          e.problems().stream().map(p -> rewrite(p, modeOnly)).toList());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree read from JSON writes back as JSON", e);
    }
    Overrides.Tenant t = parsed.tenants().get(PLACEHOLDER);
    if (t == null) {
      throw new ProblemException(
          400,
          "invalid " + what + ": it sets no limit (null values are ignored)",
          List.of(
              "to remove a tenant's admin override, use DELETE /api/tenants/{id}/limits; known"
                  + " keys: "
                  + knownKeys()));
    }
    return new Change(t.limits(), t.explicit());
  }

  private static ObjectNode object(InputStream body) {
    byte[] bytes;
    try {
      bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      throw ProblemException.badRequest("could not read the request body: " + e.getMessage());
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw new ProblemException(413, "body larger than " + MAX_BODY_BYTES + " bytes");
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw ProblemException.badRequest("expected a JSON object body, got an empty body");
    }
    JsonNode n;
    try {
      n = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw ProblemException.badRequest("body is not valid JSON: " + e.getOriginalMessage());
    }
    if (!(n instanceof ObjectNode o)) {
      throw ProblemException.badRequest(
          "expected a JSON object body, got " + n.getNodeType().name().toLowerCase());
    }
    return o;
  }

  /**
   * Numbers whose plain form would be huge (1e999999999) are refused before they are written out
   * for the parser: a bound on memory, not on meaning (anything that large is out of range).
   */
  private static void checkNumbers(JsonNode n, String path, List<String> problems) {
    if (n.isObject()) {
      n.fields()
          .forEachRemaining(
              e ->
                  checkNumbers(
                      e.getValue(),
                      path.isEmpty() ? e.getKey() : path + "." + e.getKey(),
                      problems));
    } else if (n.isArray()) {
      n.forEach(c -> checkNumbers(c, path, problems));
    } else if (n.isNumber()) {
      BigDecimal d = n.decimalValue();
      if (Math.abs((long) d.precision() - d.scale()) > MAX_EXPONENT
          || Math.abs((long) d.scale()) > MAX_EXPONENT) {
        problems.add(path + ": number out of range");
      }
    }
  }

  /** "overrides.t.ingestion_rate (line 1): ..." → "ingestion_rate: ...". */
  private static String rewrite(String problem, boolean modeOnly) {
    Matcher m = PROBLEM_PREFIX.matcher(problem);
    if (!m.find()) {
      return problem;
    }
    String key = m.group(1);
    if (modeOnly && key.equals(EDGE + ".mode")) {
      key = "mode";
    }
    return key + ": " + problem.substring(m.end());
  }

  private static String unknown(String key) {
    return key + ": unknown key; expected one of " + knownKeys();
  }

  private static String knownKeys() {
    return Arrays.stream(LimitKey.values())
        .map(LimitKey::yamlPath)
        .collect(Collectors.joining(", "));
  }
}
