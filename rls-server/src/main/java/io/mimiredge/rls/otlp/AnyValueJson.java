package io.mimiredge.rls.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.mimiredge.rls.remotewrite.Utf8;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An array or map attribute value as the label value Mimir's OTLP translation makes of it: pdata's
 * {@code Value.AsString} (pdata 1.58 and later, Mimir pins 1.66: {@code marshalJSONNoHTMLEscape}),
 * an {@code encoding/json} {@code Encoder} with HTML escaping off over {@code AsRaw()}, its final
 * newline trimmed: a map's keys sorted, the last of two equal keys kept; bytes as base64; an empty
 * value {@code null}; floats as {@link GoFloat#asString}, but NaN and the infinities make the whole
 * value empty (the encoder's error); U+2028 and U+2029 still escaped, {@code \b} and {@code \f} as
 * such (Go 1.22), other control characters as six-character escapes. Read from the protobuf {@code
 * ArrayValue} / {@code KeyValueList} bytes or from OTLP/JSON's {@code arrayValue} / {@code
 * kvlistValue} object. Only for the relabeling path.
 */
final class AnyValueJson {
  private static final JsonFactory JSON = new JsonFactory();
  private static final Object NULL = new Object();
  private static final int MAX_DEPTH = 100; // the walkers' nesting limit, protobuf-java's default

  private AnyValueJson() {}

  /** A value that {@code encoding/json} refuses (NaN, an infinity): the whole value is "". */
  private static final class Unsupported extends Exception {
    Unsupported() {
      super(null, null, false, false);
    }
  }

  /**
   * {@code b[at, at + n)}: an {@code ArrayValue} ({@code array}) or {@code KeyValueList} message,
   * or with {@code json} the OTLP/JSON object of one; "" when it does not read.
   */
  static String of(byte[] b, int at, int n, boolean array, boolean json) {
    try {
      Object raw;
      if (json) {
        try (JsonParser p = JSON.createParser(b, at, n)) {
          p.nextToken();
          raw = array ? jsonArray(p, 0) : jsonMap(p, 0);
        }
      } else {
        CodedInputStream in = CodedInputStream.newInstance(b, at, n);
        raw = array ? protoArray(in, 0) : protoMap(in, 0);
      }
      StringBuilder s = new StringBuilder();
      write(raw, s);
      return s.toString();
    } catch (IOException | RuntimeException | Unsupported e) {
      return "";
    }
  }

  /** Nested past {@link #MAX_DEPTH}: not read (the value is ""), not a stack overflow. */
  private static void nest(int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IOException("nested deeper than " + MAX_DEPTH);
    }
  }

  // ---- protobuf ----

  private static List<Object> protoArray(CodedInputStream in, int depth) throws IOException {
    nest(depth);
    List<Object> out = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (WireFormat.getTagFieldNumber(tag) == 1) {
        out.add(protoValue(in.readBytes().newCodedInput(), depth + 1));
      } else {
        in.skipField(tag);
      }
    }
    return out;
  }

  private static Map<String, Object> protoMap(CodedInputStream in, int depth) throws IOException {
    nest(depth);
    Map<String, Object> out = new TreeMap<>(Utf8::compareAsGo);
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (WireFormat.getTagFieldNumber(tag) == 1) {
        CodedInputStream kv = in.readBytes().newCodedInput();
        String key = "";
        Object value = NULL;
        int t;
        while ((t = kv.readTag()) != 0) {
          switch (WireFormat.getTagFieldNumber(t)) {
            case 1 -> key = string(kv);
            case 2 -> value = protoValue(kv.readBytes().newCodedInput(), depth + 1);
            default -> kv.skipField(t);
          }
        }
        out.put(key, value); // AsRaw: the last of two equal keys
      } else {
        in.skipField(tag);
      }
    }
    return out;
  }

  /**
   * A protobuf string as Go holds it: not checked (pdata does not check it), its invalid bytes kept
   * ({@link Utf8#decodeEscaped}).
   */
  private static String string(CodedInputStream in) throws IOException {
    byte[] b = in.readByteArray();
    return Utf8.decodeEscaped(b, 0, b.length);
  }

  private static Object protoValue(CodedInputStream in, int depth) throws IOException {
    Object v = NULL; // an empty AnyValue: nil
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case OtlpTranslation.STRING -> v = string(in);
        case OtlpTranslation.BOOL -> v = in.readBool();
        case OtlpTranslation.INT -> v = in.readInt64();
        case OtlpTranslation.DOUBLE -> v = in.readDouble();
        case OtlpTranslation.ARRAY -> v = protoArray(in.readBytes().newCodedInput(), depth);
        case OtlpTranslation.KVLIST -> v = protoMap(in.readBytes().newCodedInput(), depth);
        case OtlpTranslation.BYTES -> v = in.readByteArray();
        default -> in.skipField(tag);
      }
    }
    return v;
  }

  // ---- OTLP/JSON ----

  /** {@code {"values": [AnyValue...]}}, the parser on its {@code {}. */
  private static List<Object> jsonArray(JsonParser p, int depth) throws IOException {
    nest(depth);
    List<Object> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      if (f.equals("values") && t == JsonToken.START_ARRAY) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          out.add(jsonValue(p, depth + 1));
        }
      } else {
        p.skipChildren();
      }
    }
    return out;
  }

  /** {@code {"values": [{"key": ..., "value": AnyValue}...]}}, the parser on its {@code {}. */
  private static Map<String, Object> jsonMap(JsonParser p, int depth) throws IOException {
    nest(depth);
    Map<String, Object> out = new TreeMap<>(Utf8::compareAsGo);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      if (f.equals("values") && t == JsonToken.START_ARRAY) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          String key = "";
          Object value = NULL;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String g = p.currentName();
            JsonToken u = p.nextToken();
            if (g.equals("key") && u == JsonToken.VALUE_STRING) {
              key = p.getText();
            } else if (g.equals("value") && u == JsonToken.START_OBJECT) {
              value = jsonValue(p, depth + 1);
            } else {
              p.skipChildren();
            }
          }
          out.put(key, value);
        }
      } else {
        p.skipChildren();
      }
    }
    return out;
  }

  /** An AnyValue object, the parser on its {@code {}. */
  private static Object jsonValue(JsonParser p, int depth) throws IOException {
    Object v = NULL;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "stringValue", "string_value" -> v = t == JsonToken.VALUE_STRING ? p.getText() : "";
        case "boolValue", "bool_value" -> v = t == JsonToken.VALUE_TRUE;
        case "intValue", "int_value" ->
            v = t == JsonToken.VALUE_STRING ? Long.parseLong(p.getText()) : p.getLongValue();
        case "doubleValue", "double_value" -> {
          if (!t.isNumeric() && t != JsonToken.VALUE_STRING) {
            throw new IOException("expected a number, got " + t); // null or a bool: no value
          }
          v = OtlpJsonWalker.number(p, t);
        }
        case "bytesValue", "bytes_value" -> v = Base64.getDecoder().decode(p.getText());
        case "arrayValue", "array_value" -> v = jsonArray(p, depth);
        case "kvlistValue", "kvlist_value" -> v = jsonMap(p, depth);
        default -> p.skipChildren();
      }
    }
    return v;
  }

  // ---- encoding/json ----

  private static void write(Object v, StringBuilder s) throws Unsupported {
    if (v == NULL) {
      s.append("null");
    } else if (v instanceof String str) {
      string(str, s);
    } else if (v instanceof Boolean bool) {
      s.append(bool);
    } else if (v instanceof Long l) {
      s.append(l);
    } else if (v instanceof Double d) {
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new Unsupported();
      }
      s.append(GoFloat.asString(d));
    } else if (v instanceof byte[] bytes) {
      s.append('"').append(Base64.getEncoder().encodeToString(bytes)).append('"');
    } else if (v instanceof List<?> list) {
      s.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          s.append(',');
        }
        write(list.get(i), s);
      }
      s.append(']');
    } else {
      s.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (!first) {
          s.append(',');
        }
        first = false;
        string((String) e.getKey(), s);
        s.append(':');
        write(e.getValue(), s);
      }
      s.append('}');
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** {@code encoding/json}'s string, HTML escaping off. */
  private static void string(String str, StringBuilder s) {
    s.append('"');
    for (int i = 0; i < str.length(); ) {
      int c = str.codePointAt(i); // a pair is one code point; an escaped byte stays itself
      i += Character.charCount(c);
      if (Utf8.escapedByte(c) >= 0) {
        s.append("\\ufffd"); // a byte of invalid UTF-8: encoding/json's escape
        continue;
      }
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        case '\b' -> s.append("\\b");
        case '\f' -> s.append("\\f");
        case 0x2028 -> s.append("\\u2028");
        case 0x2029 -> s.append("\\u2029");
        default -> {
          if (c < 0x20) {
            s.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            s.appendCodePoint(c);
          }
        }
      }
    }
    s.append('"');
  }
}
