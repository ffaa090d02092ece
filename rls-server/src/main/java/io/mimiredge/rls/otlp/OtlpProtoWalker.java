package io.mimiredge.rls.otlp;

import static io.mimiredge.rls.remotewrite.RemoteWriteException.Kind.BAD_BODY;

import com.google.protobuf.WireFormat;
import io.mimiredge.rls.remotewrite.RemoteWriteException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A walk over an {@code ExportMetricsServiceRequest} in protobuf wire format ({@code
 * opentelemetry/proto/collector/metrics/v1/metrics_service.proto}) that hands each resource,
 * metric, data point and exemplar to an {@link OtlpTranslation}, without building any of them: it
 * reads tags, lengths, offsets and the few scalars the counting needs (timestamps, flags, bucket
 * counts, a histogram's scale).
 *
 * <p>Protobuf's merge rules are followed where they change what is counted: a message field that
 * occurs twice is merged (its repeated fields concatenated, its scalars last-wins), and of a {@code
 * oneof} the last member on the wire wins (so a metric's data is the last run of one data field). A
 * resource is read before its scope metrics whatever their order on the wire, since its attributes
 * decide labels of every point under it. Varints of at most 10 bytes, field number 0 refused,
 * groups skipped to their own end tag, as protobuf decoders read them. Reused by one thread;
 * allocates nothing per walk. Not thread-safe.
 */
final class OtlpProtoWalker {
  // ExportMetricsServiceRequest, ResourceMetrics, Resource, ScopeMetrics
  private static final int RESOURCE_METRICS = 1;
  private static final int RESOURCE = 1;
  private static final int SCOPE_METRICS = 2;
  private static final int RESOURCE_ATTRIBUTES = 1;
  private static final int SCOPE = 1;
  private static final int METRICS = 2;
  // InstrumentationScope
  private static final int SCOPE_NAME = 1;
  private static final int SCOPE_VERSION = 2;
  private static final int SCOPE_ATTRIBUTES = 3;
  // Metric
  private static final int NAME = 1;
  private static final int DESCRIPTION = 2;
  private static final int UNIT = 3;
  static final int GAUGE = 5;
  static final int SUM = 7;
  static final int HISTOGRAM = 9;
  static final int EXPONENTIAL_HISTOGRAM = 10;
  static final int SUMMARY = 11;
  // Gauge, Sum, Histogram, ExponentialHistogram, Summary
  private static final int DATA_POINTS = 1;
  private static final int TEMPORALITY = 2;
  private static final int MONOTONIC = 3;
  // KeyValue, AnyValue
  private static final int KEY = 1;
  private static final int VALUE = 2;
  private static final int STRING_VALUE = 1; // AnyValue.string_value
  // the data points: field numbers differ by type (see pointFields)
  private static final int TIME = 3;
  // ExponentialHistogramDataPoint.Buckets
  private static final int BUCKET_COUNTS = 2;
  // Exemplar
  private static final int EXEMPLAR_TIME = 2;
  private static final int SPAN_ID = 4;
  private static final int TRACE_ID = 5;
  private static final int EXEMPLAR_ATTRIBUTES = 7;

  private static final int MAX_DEPTH = 100; // protobuf decoders' default recursion limit
  private static final String TRUNCATED = "ended unexpectedly in the middle of a field";

  private final OtlpTranslation out;
  private byte[] buf;
  private int start;
  private int total;
  private int pos;
  private int limit;
  private int depth;

  OtlpProtoWalker(OtlpTranslation out) {
    this.out = out;
  }

  /** Walks {@code buf[offset, offset + length)}, handing everything to the translation. */
  void walk(byte[] buf, int offset, int length) throws RemoteWriteException {
    this.buf = buf;
    this.start = offset;
    this.pos = offset;
    this.limit = offset + length;
    this.total = limit;
    this.depth = 0;
    int tag;
    while ((tag = readTag()) != 0) {
      if (tag == lenTag(RESOURCE_METRICS)) {
        int end = enter();
        resourceMetrics();
        leave(end);
      } else {
        skip(tag);
      }
    }
  }

  private void resourceMetrics() throws RemoteWriteException {
    int from = pos;
    out.startResource();
    int tag;
    while ((tag = readTag()) != 0) { // first the resource (its fields merged), wherever it is
      if (tag == lenTag(RESOURCE)) {
        int e = enter();
        while ((tag = readTag()) != 0) {
          if (tag == lenTag(RESOURCE_ATTRIBUTES)) {
            keyValue(OtlpTranslation.Owner.RESOURCE);
          } else {
            skip(tag);
          }
        }
        leave(e);
      } else {
        skip(tag);
      }
    }
    pos = from;
    while ((tag = readTag()) != 0) {
      if (tag == lenTag(SCOPE_METRICS)) {
        int e = enter();
        scopeMetrics();
        leave(e);
      } else {
        skip(tag);
      }
    }
    out.endResource();
  }

  /**
   * A scope's metrics. The scope itself is read only as its decoder reads it (its labels come only
   * with {@code otel_promote_scope_metadata}, not mirrored), so nothing depends on its place.
   */
  private void scopeMetrics() throws RemoteWriteException {
    int tag;
    while ((tag = readTag()) != 0) {
      if (tag == lenTag(METRICS)) {
        int e = enter();
        metric();
        leave(e);
      } else if (tag == lenTag(SCOPE)) {
        int e = enter();
        while ((tag = readTag()) != 0) {
          switch (WireFormat.getTagFieldNumber(tag)) {
            case SCOPE_NAME, SCOPE_VERSION -> stringField(tag);
            case SCOPE_ATTRIBUTES -> {
              requireLen(tag);
              keyValue(OtlpTranslation.Owner.SCOPE);
            }
            default -> skip(tag);
          }
        }
        leave(e);
      } else {
        skip(tag);
      }
    }
  }

  private void metric() throws RemoteWriteException {
    int nameAt = pos;
    int nameLength = 0;
    int unitAt = pos;
    int unitLength = 0;
    int descriptionAt = pos;
    int descriptionLength = 0;
    int type = 0;
    int dataAt = pos; // the last data message's bytes
    int dataLength = 0;
    int tag;
    while ((tag = readTag()) != 0) {
      int field = WireFormat.getTagFieldNumber(tag);
      switch (field) {
        case NAME -> {
          nameLength = stringField(tag);
          nameAt = pos - nameLength;
        }
        case UNIT -> {
          unitLength = stringField(tag);
          unitAt = pos - unitLength;
        }
        case DESCRIPTION -> {
          descriptionLength = stringField(tag);
          descriptionAt = pos - descriptionLength;
        }
        case GAUGE, SUM, HISTOGRAM, EXPONENTIAL_HISTOGRAM, SUMMARY -> {
          // pdata's Metric.UnmarshalProto replaces the data at each occurrence (no merge, even
          // of the same type): only the last one counts
          type = field;
          dataLength = stringField(tag);
          dataAt = pos - dataLength;
        }
        default -> skip(tag);
      }
    }
    int end = pos;
    // the temporality and monotonicity (scalars: the last on the wire wins)
    int temporality = 0;
    boolean monotonic = false;
    if (type != 0) {
      int outer = enterRange(dataAt, dataLength);
      while ((tag = readTag()) != 0) {
        if (tag == varintTag(TEMPORALITY)) {
          temporality = (int) readVarint();
        } else if (tag == varintTag(MONOTONIC)) {
          monotonic = readVarint() != 0;
        } else {
          skip(tag);
        }
      }
      leave(outer);
    }
    boolean keep =
        out.metric(
            buf,
            nameAt,
            nameLength,
            unitAt,
            unitLength,
            OtlpTranslation.hashOf(buf, descriptionAt, descriptionLength),
            type,
            temporality,
            monotonic);
    if (keep && type != 0) {
      int outer = enterRange(dataAt, dataLength);
      while ((tag = readTag()) != 0) {
        if (tag == lenTag(DATA_POINTS)) {
          int pe = enter();
          point(type);
          leave(pe);
        } else {
          skip(tag);
        }
      }
      leave(outer);
    }
    out.endMetric();
    pos = end;
  }

  /** One data point of a metric of {@code type}; field numbers as in metrics.proto. */
  private void point(int type) throws RemoteWriteException {
    int attributes;
    int exemplars;
    int flags;
    switch (type) {
      case GAUGE, SUM, SUMMARY -> {
        attributes = 7;
        exemplars = type == SUMMARY ? -1 : 5;
        flags = 8;
      }
      case HISTOGRAM -> {
        attributes = 9;
        exemplars = 8;
        flags = 10;
      }
      default -> { // EXPONENTIAL_HISTOGRAM
        attributes = 1;
        exemplars = 11;
        flags = 10;
      }
    }
    out.startPoint();
    long time = 0;
    long bounds = 0;
    long bucketCounts = 0;
    boolean hasSum = false;
    long quantiles = 0;
    int scale = 0;
    int tag;
    while ((tag = readTag()) != 0) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (field == attributes) {
        requireLen(tag);
        keyValue(OtlpTranslation.Owner.POINT);
      } else if (field == TIME) {
        time = fixed64(tag);
      } else if (field == flags) {
        requireWire(tag, WireFormat.WIRETYPE_VARINT);
        readVarint(); // a point without a recorded value counts all the same
      } else if (field == exemplars) {
        requireLen(tag);
        exemplar();
      } else if (type == HISTOGRAM && field == 5) { // optional double sum
        fixed64(tag);
        hasSum = true;
      } else if (type == HISTOGRAM && field == 6) { // repeated fixed64 bucket_counts
        bucketCounts += packedFixed(tag, 8);
      } else if (type == HISTOGRAM && field == 7) { // repeated double explicit_bounds
        long n = packedFixed(tag, 8);
        if (out.wantsValues()) {
          reportBounds(pos - 8 * (int) n, n);
        }
        bounds += n;
      } else if (type == SUMMARY && field == 6) { // repeated ValueAtQuantile
        requireLen(tag);
        int skipped = readLength();
        if (out.wantsValues()) {
          out.quantile(quantileOf(pos, pos + skipped));
        }
        pos += skipped;
        quantiles++;
      } else if (type == EXPONENTIAL_HISTOGRAM && field == 6) { // sint32 scale
        requireWire(tag, WireFormat.WIRETYPE_VARINT);
        int raw = (int) readVarint();
        scale = (raw >>> 1) ^ -(raw & 1);
      } else if (type == EXPONENTIAL_HISTOGRAM && (field == 8 || field == 9)) { // Buckets
        requireLen(tag);
        int e = enter();
        while ((tag = readTag()) != 0) {
          if (WireFormat.getTagFieldNumber(tag) == BUCKET_COUNTS) {
            skipVarints(tag); // the bucket counts are not needed (no bucket limit for OTLP)
          } else {
            skip(tag);
          }
        }
        leave(e);
      } else {
        skip(tag);
      }
    }
    out.endPoint(time, Math.min(bounds, bucketCounts), hasSum, quantiles, scale);
  }

  private void exemplar() throws RemoteWriteException {
    int e = enter();
    long time = 0;
    boolean labels = false;
    boolean value = false;
    int tag;
    while ((tag = readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case EXEMPLAR_TIME -> time = fixed64(tag);
        case 3, 6 -> { // as_double, as_int
          fixed64(tag);
          value = true;
        }
        case SPAN_ID, TRACE_ID -> labels |= stringField(tag) > 0;
        case EXEMPLAR_ATTRIBUTES -> {
          stringField(tag); // a KeyValue: one label more
          labels = true;
        }
        default -> skip(tag);
      }
    }
    leave(e);
    out.exemplar(time, labels, value);
  }

  /**
   * A {@code KeyValue} (its length not yet read): the key, and of the value the kind and, for a
   * string, where it is.
   */
  private void keyValue(OtlpTranslation.Owner owner) throws RemoteWriteException {
    if (stringKeyValue(owner)) {
      return;
    }
    int e = enter();
    int keyAt = pos;
    int keyLength = 0;
    int kind = 0; // AnyValue's field number of the value, 0 for none
    int valueAt = pos;
    int valueLength = 0;
    long intValue = 0;
    int tag;
    while ((tag = readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case KEY -> {
          keyLength = stringField(tag);
          keyAt = pos - keyLength;
        }
        case VALUE -> { // AnyValue, merged: its oneof's last member wins
          requireLen(tag);
          int ve = enter();
          while ((tag = readTag()) != 0) {
            int f = WireFormat.getTagFieldNumber(tag);
            if (f >= 1 && f <= 7) {
              kind = f;
              switch (f) {
                case 2, 3 -> {
                  requireWire(tag, WireFormat.WIRETYPE_VARINT);
                  intValue = readVarint();
                }
                case 4 -> intValue = fixed64(tag);
                default -> {
                  valueLength = stringField(tag);
                  valueAt = pos - valueLength;
                }
              }
            } else {
              skip(tag);
            }
          }
          leave(ve);
        }
        default -> skip(tag);
      }
    }
    leave(e);
    out.attribute(owner, buf, keyAt, keyLength, kind, valueAt, valueLength, intValue);
  }

  /**
   * The shape nearly every attribute has, read at once: a {@code KeyValue} of exactly a key and an
   * {@code AnyValue} of exactly a string, in that order, every length one byte ({@code 0a kl key 12
   * vl 0a sl value} with {@code vl = sl + 2}). Anything else (another order, more fields, a longer
   * length, a truncated body) returns false having read nothing, for the general walk; what this
   * reports is what that walk would.
   */
  private boolean stringKeyValue(OtlpTranslation.Owner owner) {
    int p = pos;
    byte[] b = buf;
    if (limit - p < 7 || depth + 2 > MAX_DEPTH) {
      return false;
    }
    int n = b[p];
    int keyLength = b[p + 2];
    if (n < 0 || b[p + 1] != lenTag(KEY) || keyLength < 0 || n > limit - p - 1) {
      return false;
    }
    int v = p + 3 + keyLength; // the value's tag
    int end = p + 1 + n;
    if (end - v < 4 || b[v] != lenTag(VALUE) || b[v + 2] != lenTag(STRING_VALUE)) {
      return false;
    }
    int valueLength = b[v + 3];
    if (valueLength < 0 || b[v + 1] != valueLength + 2 || v + 4 + valueLength != end) {
      return false;
    }
    pos = end;
    out.attribute(owner, b, p + 3, keyLength, STRING_VALUE, v + 4, valueLength, 0);
    return true;
  }

  // ---- wire format ----

  private static final VarHandle LITTLE_ENDIAN_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static int lenTag(int field) {
    return (field << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  }

  private static int varintTag(int field) {
    return field << 3;
  }

  private int readTag() throws RemoteWriteException {
    if (pos >= limit) {
      return 0;
    }
    int first = buf[pos];
    if (first >= 8) { // one byte, a field number of 1 to 15: nearly every tag of OTLP
      pos++;
      return first;
    }
    int tag = (int) readVarint();
    if (WireFormat.getTagFieldNumber(tag) == 0) {
      throw bad("invalid tag (zero)");
    }
    return tag;
  }

  private long readVarint() throws RemoteWriteException {
    if (pos < limit && buf[pos] >= 0) { // one byte: lengths and small values
      return buf[pos++];
    }
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw bad(TRUNCATED);
      }
      byte b = buf[pos++];
      result |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw bad("malformed varint (more than 10 bytes)");
  }

  private int readLength() throws RemoteWriteException {
    long n = readVarint();
    if (n < 0 || n > limit - pos) {
      throw bad(
          "a length-delimited field declares "
              + Long.toUnsignedString(n)
              + " bytes, only "
              + (limit - pos)
              + " left");
    }
    return (int) n;
  }

  /** Enters a length-delimited message; returns the enclosing limit, to pass to leave. */
  private int enter() throws RemoteWriteException {
    int n = readLength();
    if (++depth > MAX_DEPTH) {
      throw bad("too many levels of nesting");
    }
    int outer = limit;
    limit = pos + n;
    return outer;
  }

  /** Enters the message in {@code buf[at, at + length)}, already checked to fit; see enter. */
  private int enterRange(int at, int length) throws RemoteWriteException {
    if (++depth > MAX_DEPTH) {
      throw bad("too many levels of nesting");
    }
    int outer = limit;
    pos = at;
    limit = at + length;
    return outer;
  }

  private void leave(int outer) {
    pos = limit;
    limit = outer;
    depth--;
  }

  /** A string or bytes field: moves past it and returns its length (it ends at pos). */
  private int stringField(int tag) throws RemoteWriteException {
    requireLen(tag);
    int n = readLength();
    pos += n;
    return n;
  }

  private long fixed64(int tag) throws RemoteWriteException {
    requireWire(tag, WireFormat.WIRETYPE_FIXED64);
    if (limit - pos < 8) {
      throw bad(TRUNCATED);
    }
    long v = (long) LITTLE_ENDIAN_LONGS.get(buf, pos);
    pos += 8;
    return v;
  }

  /** A repeated fixed-width field, packed or not: how many values it holds. */
  private long packedFixed(int tag, int width) throws RemoteWriteException {
    int wire = WireFormat.getTagWireType(tag);
    if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      int n = readLength();
      if (n % width != 0) {
        throw bad("a packed fixed" + width * 8 + " field of " + n + " bytes");
      }
      pos += n;
      return n / width;
    }
    requireWire(tag, width == 8 ? WireFormat.WIRETYPE_FIXED64 : WireFormat.WIRETYPE_FIXED32);
    if (limit - pos < width) {
      throw bad(TRUNCATED);
    }
    pos += width;
    return 1;
  }

  /** The {@code n} doubles that end at {@code pos}, explicit bounds, to the translation. */
  private void reportBounds(int from, long n) {
    for (int i = 0; i < n; i++) {
      out.bound(Double.longBitsToDouble((long) LITTLE_ENDIAN_LONGS.get(buf, from + 8 * i)));
    }
  }

  /**
   * A {@code ValueAtQuantile} in {@code buf[from, to)}: its {@code quantile} (field 1), 0 unset.
   */
  private double quantileOf(int from, int to) throws RemoteWriteException {
    int saved = pos;
    int savedLimit = limit;
    pos = from;
    limit = to;
    double q = 0;
    int tag;
    while ((tag = readTag()) != 0) {
      if (WireFormat.getTagFieldNumber(tag) == 1) {
        q = Double.longBitsToDouble(fixed64(tag));
      } else {
        skip(tag);
      }
    }
    pos = saved;
    limit = savedLimit;
    return q;
  }

  /** A repeated varint field, packed or not, skipped; a packed one must end with a varint's end. */
  private void skipVarints(int tag) throws RemoteWriteException {
    if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
      readVarint();
      return;
    }
    requireLen(tag);
    int n = readLength();
    if (n > 0 && buf[pos + n - 1] < 0) {
      throw bad("a packed varint field ends inside a varint");
    }
    pos += n;
  }

  private void requireLen(int tag) throws RemoteWriteException {
    requireWire(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  }

  private void requireWire(int tag, int wire) throws RemoteWriteException {
    if (WireFormat.getTagWireType(tag) != wire) {
      throw bad(
          "field "
              + WireFormat.getTagFieldNumber(tag)
              + " has wire type "
              + WireFormat.getTagWireType(tag)
              + ", expected "
              + wire);
    }
  }

  private void skip(int tag) throws RemoteWriteException {
    switch (WireFormat.getTagWireType(tag)) {
      case WireFormat.WIRETYPE_VARINT -> readVarint();
      case WireFormat.WIRETYPE_FIXED64 -> skipRaw(8);
      case WireFormat.WIRETYPE_FIXED32 -> skipRaw(4);
      case WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
        int n = readLength(); // read before pos, which the length moves
        pos += n;
      }
      case WireFormat.WIRETYPE_START_GROUP -> skipGroup(tag);
      default ->
          throw bad(
              "field "
                  + WireFormat.getTagFieldNumber(tag)
                  + ": unexpected wire type "
                  + WireFormat.getTagWireType(tag));
    }
  }

  private void skipRaw(int n) throws RemoteWriteException {
    if (limit - pos < n) {
      throw bad(TRUNCATED);
    }
    pos += n;
  }

  private void skipGroup(int startTag) throws RemoteWriteException {
    if (++depth > MAX_DEPTH) {
      throw bad("too many levels of nesting");
    }
    int end = (WireFormat.getTagFieldNumber(startTag) << 3) | WireFormat.WIRETYPE_END_GROUP;
    int tag;
    while ((tag = readTag()) != 0) {
      if (tag == end) {
        depth--;
        return;
      }
      if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_END_GROUP) {
        break;
      }
      skip(tag);
    }
    throw bad("end-group tag did not match expected tag");
  }

  private RemoteWriteException bad(String what) {
    return new RemoteWriteException(
        BAD_BODY,
        "malformed ExportMetricsServiceRequest: "
            + what
            + ", at byte "
            + (pos - start)
            + " of "
            + (total - start));
  }
}
