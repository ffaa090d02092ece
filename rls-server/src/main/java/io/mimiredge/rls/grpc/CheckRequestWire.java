package io.mimiredge.rls.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.mimiredge.rls.remotewrite.Utf8;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Envoy's {@code CheckRequest} read where it lies: protobuf's reader walks the message and keeps,
 * for the HTTP request it is about ({@code attributes.request.http}), where its path, its body and
 * each of its headers are in the buffer; a header's value becomes a {@code String} only when it is
 * asked for. protobuf-java's parse builds the whole message instead (a builder per level, a {@code
 * String} for every header's name and value and a map entry for each): about a third of what the
 * gRPC door allocated per {@code Check}.
 *
 * <p>What it reads is what protobuf-java's parse of {@code CheckRequest} reads: a message field
 * that occurs twice merges (so headers and header maps add up, and the last path or body wins); in
 * {@code headers}, a key's last entry wins; a field with an unexpected wire type is an unknown
 * field, skipped like any other; a malformed message (truncated, a bad varint, a tag 0, a group
 * that does not close, a wire type 6 or 7) is {@link InvalidProtocolBufferException}, and so is a
 * string of the HTTP request that is not UTF-8 (proto3 strings, which protobuf-java checks). One
 * difference: the parts outside the path to the HTTP request (the peers, context extensions,
 * metadata, the TLS session) are skipped whole, as protobuf skips an unknown field, so a defect
 * inside one of them (which protobuf-java would refuse) goes unnoticed; they decide nothing here.
 * And an unknown group nested close to protobuf's recursion limit (100) inside the HTTP request is
 * counted from where it starts, not from the top of the message (Envoy sends no groups).
 *
 * <p>The buffer is read, never written, and must not change while the instance is in use. An
 * instance may be read into again ({@link #readInto}) once its previous message is no longer used,
 * keeping its arrays. Not thread-safe.
 */
final class CheckRequestWire {
  private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;

  // CheckRequest
  private static final int ATTRIBUTES = tag(1);
  // AttributeContext
  private static final int REQUEST = tag(4);
  // AttributeContext.Request
  private static final int HTTP = tag(2);
  // AttributeContext.HttpRequest
  private static final int ID = tag(1);
  private static final int METHOD = tag(2);
  private static final int HEADERS = tag(3);
  private static final int PATH = tag(4);
  private static final int HOST = tag(5);
  private static final int SCHEME = tag(6);
  private static final int QUERY = tag(7);
  private static final int FRAGMENT = tag(8);
  private static final int PROTOCOL = tag(10);
  private static final int BODY = tag(11);
  private static final int RAW_BODY = tag(12);
  private static final int HEADER_MAP = tag(13);
  // a map<string, string> entry
  private static final int KEY = tag(1);
  private static final int VALUE = tag(2);
  // config.core.v3.HeaderMap, HeaderValue
  private static final int HEADER_VALUES = tag(1);
  private static final int RAW_VALUE = tag(3);

  // The message being read: which one, to know what its fields mean.
  private static final int IN_CHECK = 0;
  private static final int IN_ATTRIBUTES = 1;
  private static final int IN_REQUEST = 2;
  private static final int IN_HTTP = 3;
  private static final int IN_ENTRY = 4;
  private static final int IN_HEADER_MAP = 5;
  private static final int IN_HEADER_VALUE = 6;

  // A span of the buffer is its start and its length, packed in a long (start << 32 | length); an
  // absent field is the empty span 0, as protobuf reads an absent scalar as empty.

  private byte[] buf;
  private int offset;
  private int length;
  private CodedInputStream in;

  private boolean http;
  private long path;
  private long body;
  private long rawBody;
  private boolean headerMap;
  // headers: key and value spans, two longs per entry, in wire order
  private long[] headers = new long[32];
  private int headerCount;
  // header_map: key, value and raw_value spans, three longs per entry, in wire order
  private long[] rawHeaders;
  private int rawHeaderCount;
  // the entry being read
  private long key;
  private long value;
  private long rawValue;

  private CheckRequestWire() {}

  /** An instance with no message yet, to {@link #readInto}. */
  static CheckRequestWire empty() {
    return new CheckRequestWire();
  }

  private static int tag(int field) {
    return field << 3 | LEN; // protobuf's tag: the field number, then the wire type
  }

  /**
   * Reads the {@code CheckRequest} in {@code buf[offset, offset + length)}, which stays the
   * instance's (not copied).
   *
   * @throws InvalidProtocolBufferException where protobuf-java's parse would refuse it
   */
  static CheckRequestWire read(byte[] buf, int offset, int length)
      throws InvalidProtocolBufferException {
    CheckRequestWire r = new CheckRequestWire();
    r.readInto(buf, offset, length);
    return r;
  }

  /**
   * {@link #read} into this instance: whatever it held before is forgotten (its arrays are kept).
   * After a refusal it holds no message until it reads one.
   *
   * @throws InvalidProtocolBufferException where protobuf-java's parse would refuse it
   */
  void readInto(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
    at(buf, offset, length);
    in = CodedInputStream.newInstance(buf, offset, length);
    try {
      in.pushLimit(length); // so that every level knows how much is left
      message(IN_CHECK);
    } catch (InvalidProtocolBufferException e) {
      forget();
      throw e;
    } catch (IOException e) {
      forget();
      throw new InvalidProtocolBufferException(e);
    } finally {
      in = null;
    }
  }

  /**
   * The most header entries whose arrays a reader keeps between messages: a message with more (a
   * client past Envoy's own limit of 100 headers) grows them for itself only, so that reused
   * readers do not pin what the largest message made them.
   */
  static final int KEPT_HEADERS = 64;

  /**
   * Keeps nothing of the message it read (nor its buffer reachable, nor arrays grown past {@link
   * #KEPT_HEADERS} entries); {@link #readInto} again.
   */
  void forget() {
    if (headers.length > 2 * KEPT_HEADERS) {
      headers = new long[32];
    }
    if (rawHeaders != null && rawHeaders.length > 3 * KEPT_HEADERS) {
      rawHeaders = null;
    }
    at(null, 0, 0);
  }

  /** The message in {@code buf[offset, offset + length)}, nothing of it read yet. */
  private void at(byte[] buf, int offset, int length) {
    this.buf = buf;
    this.offset = offset;
    this.length = length;
    http = false;
    path = 0;
    body = 0;
    rawBody = 0;
    headerMap = false;
    headerCount = 0;
    rawHeaderCount = 0;
  }

  /** {@code request} as it goes on the wire, read (tests, and streams of unknown length). */
  static CheckRequestWire of(CheckRequest request) {
    byte[] bytes = request.toByteArray();
    try {
      return read(bytes, 0, bytes.length);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("protobuf-java wrote what it cannot read", e);
    }
  }

  /** The message as it was read: the buffer, from where, how long (not a copy). */
  byte[] buffer() {
    return buf;
  }

  int offset() {
    return offset;
  }

  int length() {
    return length;
  }

  /** Whether the CheckRequest has {@code attributes.request.http} (even an empty one). */
  boolean hasHttp() {
    return http;
  }

  /** The HTTP request's path ({@code :path}, with the query), "" when absent. */
  String path() {
    return string(path);
  }

  /**
   * Where the body is: {@code raw_body} (Envoy's {@code pack_as_bytes: true}), else {@code body} (a
   * proto3 string: only a body that is valid UTF-8 gets there).
   */
  int bodyOffset() {
    return start(bodySpan());
  }

  int bodyLength() {
    return size(bodySpan());
  }

  private long bodySpan() {
    return size(rawBody) > 0 ? rawBody : body;
  }

  /**
   * A request header by lower-case name: from {@code headers} (its last entry), else, when Envoy
   * sends raw headers ({@code encode_raw_headers: true}), the first of {@code header_map} with that
   * name in any case ({@code raw_value}, else {@code value}); null when absent.
   */
  String header(String name) {
    for (int i = 2 * headerCount - 2; i >= 0; i -= 2) {
      if (equal(headers[i], name)) {
        return string(headers[i + 1]);
      }
    }
    if (!headerMap) {
      return null;
    }
    for (int i = 0; i < 3 * rawHeaderCount; i += 3) {
      if (string(rawHeaders[i]).equalsIgnoreCase(name)) {
        long raw = rawHeaders[i + 2];
        return size(raw) > 0 ? string(raw) : string(rawHeaders[i + 1]);
      }
    }
    return null;
  }

  /** How many longs the reader's header arrays hold now (tests: what a reused reader keeps). */
  int headerCapacity() {
    return headers.length + (rawHeaders == null ? 0 : rawHeaders.length);
  }

  // ---- the walk ----

  /** The fields of the message at hand, up to its end; {@code kind} says which message it is. */
  private void message(int kind) throws IOException {
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (!field(kind, tag) && !in.skipField(tag)) {
        break; // an end-group tag: refused below, as protobuf-java refuses it
      }
    }
    in.checkLastTagWas(0);
  }

  /** Reads a field the walk wants; false for any other (skipped by the caller). */
  private boolean field(int kind, int tag) throws IOException {
    switch (kind) {
      case IN_CHECK -> {
        return tag == ATTRIBUTES && nested(IN_ATTRIBUTES);
      }
      case IN_ATTRIBUTES -> {
        return tag == REQUEST && nested(IN_REQUEST);
      }
      case IN_REQUEST -> {
        if (tag == HTTP) {
          http = true;
          return nested(IN_HTTP);
        }
        return false;
      }
      case IN_HTTP -> {
        return httpField(tag);
      }
      case IN_ENTRY, IN_HEADER_VALUE -> {
        if (tag == KEY) {
          key = string();
        } else if (tag == VALUE) {
          value = string();
        } else if (tag == RAW_VALUE && kind == IN_HEADER_VALUE) {
          rawValue = bytes();
        } else {
          return false;
        }
        return true;
      }
      case IN_HEADER_MAP -> {
        if (tag != HEADER_VALUES) {
          return false;
        }
        key = 0;
        value = 0;
        rawValue = 0;
        nested(IN_HEADER_VALUE);
        addRawHeader();
        return true;
      }
      default -> throw new IllegalStateException("no message " + kind);
    }
  }

  private boolean httpField(int tag) throws IOException {
    if (tag == HEADERS) {
      key = 0; // an entry without a key or a value has it empty
      value = 0;
      nested(IN_ENTRY);
      addHeader();
    } else if (tag == PATH) {
      path = string();
    } else if (tag == BODY) {
      body = string();
    } else if (tag == RAW_BODY) {
      rawBody = bytes();
    } else if (tag == HEADER_MAP) {
      headerMap = true;
      nested(IN_HEADER_MAP);
    } else if (tag == ID
        || tag == METHOD
        || tag == HOST
        || tag == SCHEME
        || tag == QUERY
        || tag == FRAGMENT
        || tag == PROTOCOL) {
      string(); // not needed, but checked as protobuf-java checks it
    } else {
      return false;
    }
    return true;
  }

  /** A message field's content, read as {@code kind}; as protobuf's {@code readMessage}. */
  private boolean nested(int kind) throws IOException {
    int size = in.readRawVarint32();
    int outer = in.pushLimit(size); // refuses a negative size and one past the end
    message(kind);
    in.popLimit(outer);
    return true;
  }

  /** A {@code bytes} field: its span. */
  private long bytes() throws IOException {
    int size = in.readRawVarint32();
    if (size < 0) {
      throw new InvalidProtocolBufferException("a field has a negative length");
    }
    int at = offset + in.getTotalBytesRead();
    in.skipRawBytes(size); // refuses one past the end
    return (long) at << 32 | size;
  }

  /** A proto3 {@code string} field: its span, refused when it is not UTF-8. */
  private long string() throws IOException {
    long span = bytes();
    int at = start(span);
    if (!Utf8.valid(buf, at, at + size(span))) {
      throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
    }
    return span;
  }

  private void addHeader() {
    if (2 * headerCount == headers.length) {
      headers = Arrays.copyOf(headers, 2 * headers.length);
    }
    headers[2 * headerCount] = key;
    headers[2 * headerCount + 1] = value;
    headerCount++;
  }

  private void addRawHeader() {
    if (rawHeaders == null) {
      rawHeaders = new long[24];
    } else if (3 * rawHeaderCount == rawHeaders.length) {
      rawHeaders = Arrays.copyOf(rawHeaders, 2 * rawHeaders.length);
    }
    rawHeaders[3 * rawHeaderCount] = key;
    rawHeaders[3 * rawHeaderCount + 1] = value;
    rawHeaders[3 * rawHeaderCount + 2] = rawValue;
    rawHeaderCount++;
  }

  // ---- spans ----

  private static int start(long span) {
    return (int) (span >>> 32);
  }

  private static int size(long span) {
    return (int) span;
  }

  private String string(long span) {
    return size(span) == 0 ? "" : new String(buf, start(span), size(span), StandardCharsets.UTF_8);
  }

  /** Whether the span holds exactly {@code name}: byte for byte when it is ASCII (header names). */
  private boolean equal(long span, String name) {
    int n = size(span);
    int at = start(span);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 0x80) {
        return string(span).equals(name);
      }
      if (i >= n || buf[at + i] != c) {
        return false;
      }
    }
    return n == name.length();
  }
}
