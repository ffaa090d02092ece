package io.mimiredge.rls.otlp;

import static io.mimiredge.rls.remotewrite.RemoteWriteException.Kind.BAD_BODY;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.mimiredge.rls.remotewrite.RemoteWriteException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A walk over an {@code ExportMetricsServiceRequest} in OTLP/JSON with Jackson's streaming parser,
 * handing the same events as {@link OtlpProtoWalker} to an {@link OtlpTranslation}. Field names in
 * lowerCamelCase or snake_case (pdata's reader takes both), 64-bit integers as strings or numbers,
 * enums as numbers or names, unknown fields skipped. Objects whose meaning depends on a field that
 * may come after them (a resource's scope metrics, a metric's data) are skipped and walked again
 * once the enclosing object is read, from their byte offsets. Reused by one thread. Not
 * thread-safe.
 */
final class OtlpJsonWalker {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100).build())
          .build();

  private final OtlpTranslation out;
  private byte[] buf;

  /** Key and value bytes of the resource being walked (labels keep pointing into it). */
  private byte[] arena = new byte[4096];

  private int arenaUsed;

  /** Where the parser being read starts in {@link #buf}: Jackson's offsets are relative to it. */
  private int base;

  OtlpJsonWalker(OtlpTranslation out) {
    this.out = out;
  }

  void walk(byte[] buf, int offset, int length) throws RemoteWriteException {
    this.buf = buf;
    this.base = offset;
    try (JsonParser p = JSON.createParser(buf, offset, length)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken t = p.nextToken();
        if (is(f, "resourceMetrics", "resource_metrics") && t == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            resourceMetrics(p);
          }
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw bad("data after the top-level object");
      }
    } catch (IOException | RuntimeException e) {
      throw bad(e.getMessage());
    }
  }

  private void resourceMetrics(JsonParser p) throws IOException {
    out.startResource();
    arenaUsed = 0;
    long[] scopes = null; // byte ranges of scopeMetrics arrays, walked once the resource is read
    int nScopes = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      if (f.equals("resource") && t == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String g = p.currentName();
          JsonToken u = p.nextToken();
          if (g.equals("attributes") && u == JsonToken.START_ARRAY) {
            attributes(p, OtlpTranslation.Owner.RESOURCE);
          } else {
            p.skipChildren();
          }
        }
      } else if (is(f, "scopeMetrics", "scope_metrics") && t == JsonToken.START_ARRAY) {
        if (scopes == null) {
          scopes = new long[2];
        } else if (nScopes == scopes.length) {
          scopes = Arrays.copyOf(scopes, 2 * nScopes);
        }
        scopes[nScopes++] = range(p);
      } else {
        p.skipChildren();
      }
    }
    int outer = base;
    for (int i = 0; i < nScopes; i++) {
      try (JsonParser q = sub(scopes[i])) {
        q.nextToken(); // [
        while (q.nextToken() == JsonToken.START_OBJECT) {
          scopeMetrics(q);
        }
      }
      base = outer;
    }
    out.endResource();
  }

  private void scopeMetrics(JsonParser p) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      if (f.equals("metrics") && t == JsonToken.START_ARRAY) {
        while (p.nextToken() == JsonToken.START_OBJECT) {
          metric(p);
        }
      } else {
        p.skipChildren(); // the scope: its labels only with otel_promote_scope_metadata
      }
    }
  }

  private void metric(JsonParser p) throws IOException {
    int nameAt = arenaUsed;
    int nameLength = 0;
    int unitAt = arenaUsed;
    int unitLength = 0;
    long descriptionHash = OtlpTranslation.hashOf(arena, 0, 0);
    int type = 0;
    long data = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      int dataType = dataType(f);
      if (f.equals("name") && t == JsonToken.VALUE_STRING) {
        nameAt = arenaUsed;
        nameLength = text(p);
      } else if (f.equals("unit") && t == JsonToken.VALUE_STRING) {
        unitAt = arenaUsed;
        unitLength = text(p);
      } else if (f.equals("description") && t == JsonToken.VALUE_STRING) {
        int at = arenaUsed;
        int n = text(p);
        descriptionHash = OtlpTranslation.hashOf(arena, at, n);
      } else if (dataType != 0 && t == JsonToken.START_OBJECT) {
        type = dataType;
        data = range(p);
      } else {
        p.skipChildren();
      }
    }
    int temporality = 0;
    boolean monotonic = false;
    int outer = base;
    if (data >= 0) {
      try (JsonParser q = sub(data)) {
        q.nextToken();
        while (q.nextToken() == JsonToken.FIELD_NAME) {
          String f = q.currentName();
          JsonToken t = q.nextToken();
          if (is(f, "aggregationTemporality", "aggregation_temporality")) {
            temporality = temporality(q, t);
          } else if (is(f, "isMonotonic", "is_monotonic")) {
            monotonic = t == JsonToken.VALUE_TRUE;
          } else {
            q.skipChildren();
          }
        }
      }
      base = outer;
    }
    byte[] a = arena; // the name and unit are read before the points can grow the arena
    boolean keep =
        out.metric(
            a,
            nameAt,
            nameLength,
            unitAt,
            unitLength,
            descriptionHash,
            type,
            temporality,
            monotonic);
    if (keep && data >= 0) {
      try (JsonParser q = sub(data)) {
        q.nextToken();
        while (q.nextToken() == JsonToken.FIELD_NAME) {
          String f = q.currentName();
          JsonToken t = q.nextToken();
          if (is(f, "dataPoints", "data_points") && t == JsonToken.START_ARRAY) {
            while (q.nextToken() == JsonToken.START_OBJECT) {
              point(q, type);
            }
          } else {
            q.skipChildren();
          }
        }
      }
      base = outer;
    }
    out.endMetric();
  }

  private static int dataType(String f) {
    return switch (f) {
      case "gauge" -> OtlpProtoWalker.GAUGE;
      case "sum" -> OtlpProtoWalker.SUM;
      case "histogram" -> OtlpProtoWalker.HISTOGRAM;
      case "exponentialHistogram", "exponential_histogram" -> OtlpProtoWalker.EXPONENTIAL_HISTOGRAM;
      case "summary" -> OtlpProtoWalker.SUMMARY;
      default -> 0;
    };
  }

  private static int temporality(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getIntValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      return switch (p.getText()) {
        case "AGGREGATION_TEMPORALITY_DELTA", "1" -> OtlpTranslation.DELTA;
        case "AGGREGATION_TEMPORALITY_CUMULATIVE", "2" -> OtlpTranslation.CUMULATIVE;
        default -> 0;
      };
    }
    p.skipChildren();
    return 0;
  }

  private void point(JsonParser p, int type) throws IOException {
    out.startPoint();
    long time = 0;
    long bounds = 0;
    long bucketCounts = 0;
    boolean hasSum = false;
    long quantiles = 0;
    int scale = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "attributes" -> {
          if (t == JsonToken.START_ARRAY) {
            attributes(p, OtlpTranslation.Owner.POINT);
          } else {
            p.skipChildren();
          }
        }
        case "timeUnixNano", "time_unix_nano" -> time = int64(p, t);
        case "flags" -> int64(p, t); // read for its form: a flagged point counts all the same
        case "exemplars" -> {
          if (t == JsonToken.START_ARRAY && type != OtlpProtoWalker.SUMMARY) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
              exemplar(p);
            }
          } else {
            p.skipChildren();
          }
        }
        case "sum" -> hasSum = type == OtlpProtoWalker.HISTOGRAM && t != JsonToken.VALUE_NULL;
        case "bucketCounts", "bucket_counts" -> bucketCounts = count(p, t);
        case "explicitBounds", "explicit_bounds" ->
            bounds = type == OtlpProtoWalker.HISTOGRAM ? reported(p, t, false) : count(p, t);
        case "quantileValues", "quantile_values" ->
            quantiles = type == OtlpProtoWalker.SUMMARY ? reported(p, t, true) : count(p, t);
        case "scale" -> scale = (int) int64(p, t);
        default -> p.skipChildren();
      }
    }
    out.endPoint(time, Math.min(bounds, bucketCounts), hasSum, quantiles, scale);
  }

  private void exemplar(JsonParser p) throws IOException {
    long time = 0;
    boolean labels = false;
    boolean value = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "timeUnixNano", "time_unix_nano" -> time = int64(p, t);
        case "asDouble", "as_double", "asInt", "as_int" -> {
          value |= t != JsonToken.VALUE_NULL;
          p.skipChildren();
        }
        case "traceId", "trace_id", "spanId", "span_id" ->
            labels |= t == JsonToken.VALUE_STRING && !p.getText().isEmpty();
        case "filteredAttributes", "filtered_attributes" -> labels |= count(p, t) > 0;
        default -> p.skipChildren();
      }
    }
    out.exemplar(time, labels, value);
  }

  /** An array of KeyValue objects, the parser on its {@code [}. */
  private void attributes(JsonParser p, OtlpTranslation.Owner owner) throws IOException {
    while (p.nextToken() == JsonToken.START_OBJECT) {
      int keyAt = arenaUsed;
      int keyLength = 0;
      int kind = 0;
      int valueAt = arenaUsed;
      int valueLength = 0;
      long scalar = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken t = p.nextToken();
        if (f.equals("key") && t == JsonToken.VALUE_STRING) {
          keyAt = arenaUsed;
          keyLength = text(p);
        } else if (f.equals("value") && t == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String g = p.currentName();
            JsonToken u = p.nextToken();
            switch (g) {
              case "stringValue", "string_value" -> {
                kind = OtlpTranslation.STRING;
                valueAt = arenaUsed;
                valueLength = u == JsonToken.VALUE_STRING ? text(p) : 0;
              }
              case "boolValue", "bool_value" -> {
                kind = OtlpTranslation.BOOL;
                scalar = u == JsonToken.VALUE_TRUE ? 1 : 0;
              }
              case "intValue", "int_value" -> {
                kind = OtlpTranslation.INT;
                scalar = int64(p, u);
              }
              case "doubleValue", "double_value" -> {
                kind = OtlpTranslation.DOUBLE;
                scalar = Double.doubleToLongBits(number(p, u)); // "NaN" and all
              }
              case "bytesValue", "bytes_value" -> {
                kind = OtlpTranslation.BYTES;
                valueAt = arenaUsed;
                String b64 = u == JsonToken.VALUE_STRING ? p.getText() : "";
                valueLength = append(java.util.Base64.getDecoder().decode(b64));
              }
              case "arrayValue", "array_value", "kvlistValue", "kvlist_value" -> {
                kind = g.startsWith("array") ? OtlpTranslation.ARRAY : OtlpTranslation.KVLIST;
                long r = range(p);
                valueAt = arenaUsed;
                valueLength = append(buf, (int) (r >>> 32), (int) r - (int) (r >>> 32));
              }
              default -> p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
      out.attribute(owner, arena, keyAt, keyLength, kind, valueAt, valueLength, scalar);
    }
  }

  // ---- helpers ----

  private static boolean is(String f, String camel, String snake) {
    return f.equals(camel) || f.equals(snake);
  }

  /** A 64-bit integer written as a number or a string. */
  private static long int64(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getBigIntegerValue().longValue(); // fixed64 values may pass Long.MAX_VALUE
    }
    if (t == JsonToken.VALUE_STRING) {
      String s = p.getText();
      try {
        return s.startsWith("-") ? Long.parseLong(s) : Long.parseUnsignedLong(s);
      } catch (NumberFormatException e) {
        throw new IOException("not an integer: \"" + s + "\"");
      }
    }
    if (t == JsonToken.VALUE_NULL) {
      return 0;
    }
    throw new IOException("expected an integer, got " + t);
  }

  /** The number of elements of an array (the parser on its {@code [}), 0 for null. */
  private static long count(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_ARRAY) {
      p.skipChildren();
      return 0;
    }
    long n = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      p.skipChildren();
      n++;
    }
    return n;
  }

  /**
   * {@link #count}, each element read as pdata reads it (a number that is not one refuses the body,
   * whatever the tenant) and, when the translation wants them, reported: an explicit bound, or with
   * {@code quantiles} a {@code ValueAtQuantile}'s {@code quantile}.
   */
  private long reported(JsonParser p, JsonToken t, boolean quantiles) throws IOException {
    boolean report = out.wantsValues();
    out.clearValues();
    if (t != JsonToken.START_ARRAY) {
      p.skipChildren();
      return 0;
    }
    long n = 0;
    JsonToken u;
    while ((u = p.nextToken()) != JsonToken.END_ARRAY) {
      double v = quantiles ? quantile(p, u) : number(p, u);
      if (report) {
        if (quantiles) {
          out.quantile(v);
        } else {
          out.bound(v);
        }
      }
      n++;
    }
    return n;
  }

  /** A {@code ValueAtQuantile} object's {@code quantile} (0 unset), the parser past it. */
  private static double quantile(JsonParser p, JsonToken t) throws IOException {
    double q = 0;
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return q;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken v = p.nextToken();
      if (f.equals("quantile")) {
        q = number(p, v);
      } else {
        p.skipChildren();
      }
    }
    return q;
  }

  /**
   * A double as protojson writes it: a number, or a string ("NaN", "Infinity", a number); null is
   * 0; an object or an array is no number (pdata refuses the body).
   */
  static double number(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      throw new IOException("expected a number, got " + t);
    }
    if (t.isNumeric()) {
      return p.getDoubleValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      String s = p.getText();
      return switch (s) {
        case "NaN" -> Double.NaN;
        case "Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default -> {
          try {
            yield Double.parseDouble(s);
          } catch (NumberFormatException e) {
            throw new IOException("not a number: \"" + s + "\"");
          }
        }
      };
    }
    return 0;
  }

  /** The current string in UTF-8 appended to the arena; returns its length. */
  private int text(JsonParser p) throws IOException {
    return append(p.getText().getBytes(StandardCharsets.UTF_8));
  }

  private int append(byte[] b) {
    return append(b, 0, b.length);
  }

  private int append(byte[] b, int at, int n) {
    if (arenaUsed + n > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(2 * arena.length, arenaUsed + n));
    }
    System.arraycopy(b, at, arena, arenaUsed, n);
    arenaUsed += n;
    return n;
  }

  /**
   * Skips the value the parser is on (an object or array) and returns its byte range in the body,
   * start in the high half.
   */
  private long range(JsonParser p) throws IOException {
    long start = base + p.currentTokenLocation().getByteOffset();
    p.skipChildren();
    long end = base + p.currentLocation().getByteOffset();
    return (start << 32) | end;
  }

  /**
   * A parser over a range {@link #range} returned; its offsets are relative to the range's start,
   * which becomes {@link #base} until {@link #restore}.
   */
  private JsonParser sub(long range) throws IOException {
    int start = (int) (range >>> 32);
    int end = (int) range;
    base = start;
    return JSON.createParser(buf, start, end - start);
  }

  private static void expect(JsonParser p, JsonToken got, JsonToken want) throws IOException {
    if (got != want) {
      throw new IOException("expected " + want + ", got " + got);
    }
  }

  private static RemoteWriteException bad(String what) {
    return new RemoteWriteException(
        BAD_BODY, "malformed OTLP/JSON ExportMetricsServiceRequest: " + what);
  }
}
