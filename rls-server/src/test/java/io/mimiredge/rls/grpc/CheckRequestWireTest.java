package io.mimiredge.rls.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.mimiredge.rls.testing.TestFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CheckRequest read in place against protobuf-java's parse of the same bytes (the reference):
 * the same path, body and headers, and refused exactly where protobuf-java refuses.
 */
class CheckRequestWireTest {
  private static final CheckRequest PUSH =
      EnvoyRequests.fixture(TestFixtures.SMALL, Map.of("x-scope-orgid", "tenant-a"));

  /** The headers a lookup is tried with: present, absent, in another case, Envoy's own. */
  private static final List<String> NAMES =
      List.of(
          "x-scope-orgid",
          "X-Scope-OrgID",
          "content-type",
          "content-encoding",
          "authorization",
          "x-envoy-auth-partial-body",
          ":path",
          "k",
          "",
          "absent",
          "x-ünicode");

  /** What the door read from a parsed CheckRequest before (the reference for a header). */
  private static String referenceHeader(AttributeContext.HttpRequest http, String name) {
    String v = http.getHeadersMap().get(name);
    if (v != null || !http.hasHeaderMap()) {
      return v;
    }
    for (HeaderValue h : http.getHeaderMap().getHeadersList()) {
      if (h.getKey().equalsIgnoreCase(name)) {
        return h.getRawValue().isEmpty() ? h.getValue() : h.getRawValue().toStringUtf8();
      }
    }
    return null;
  }

  /** Reads {@code bytes} both ways and checks they agree; false when both refused them. */
  private static boolean agree(byte[] bytes) {
    CheckRequest parsed;
    try {
      parsed = CheckRequest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      assertThatThrownBy(() -> read(bytes))
          .as("protobuf-java refused it (%s)", e.getMessage())
          .isInstanceOf(InvalidProtocolBufferException.class);
      return false;
    }
    CheckRequestWire wire;
    try {
      wire = read(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("refused what protobuf-java reads: " + parsed, e);
    }
    boolean http = parsed.getAttributes().getRequest().hasHttp();
    assertThat(wire.hasHttp()).isEqualTo(http);
    AttributeContext.HttpRequest h = parsed.getAttributes().getRequest().getHttp();
    assertThat(wire.path()).isEqualTo(h.getPath());
    ByteString body = h.getRawBody().isEmpty() ? h.getBodyBytes() : h.getRawBody();
    assertThat(
            Arrays.copyOfRange(
                wire.buffer(), wire.bodyOffset(), wire.bodyOffset() + wire.bodyLength()))
        .isEqualTo(body.toByteArray());
    for (String name : NAMES) {
      assertThat(wire.header(name)).as(name).isEqualTo(referenceHeader(h, name));
    }
    for (String name : h.getHeadersMap().keySet()) {
      assertThat(wire.header(name)).as(name).isEqualTo(referenceHeader(h, name));
    }
    return true;
  }

  /** Read from the middle of a larger array, as from a pooled buffer. */
  private static CheckRequestWire read(byte[] bytes) throws InvalidProtocolBufferException {
    byte[] padded = new byte[bytes.length + 7];
    Arrays.fill(padded, (byte) 0x0a);
    System.arraycopy(bytes, 0, padded, 3, bytes.length);
    return CheckRequestWire.read(padded, 3, bytes.length);
  }

  @Test
  void readsEnvoysPushAsProtobufDoes() {
    assertThat(agree(PUSH.toByteArray())).isTrue();
    CheckRequestWire wire = CheckRequestWire.of(PUSH);
    assertThat(wire.header("x-scope-orgid")).isEqualTo("tenant-a");
    assertThat(wire.header("content-encoding")).isEqualTo("snappy");
    assertThat(wire.path()).isEqualTo("/api/v1/push");
    assertThat(wire.bodyLength()).isEqualTo(TestFixtures.body(TestFixtures.SMALL).length);
  }

  @Test
  void aMessageSentTwiceMergesAsProtobufMergesIt() throws IOException {
    // Concatenated messages are one merged message: headers add up, the last of a key wins, the
    // last path and body win.
    CheckRequest second =
        request(
            AttributeContext.HttpRequest.newBuilder()
                .setPath("/otlp/v1/metrics")
                .putHeaders("x-scope-orgid", "tenant-b")
                .putHeaders("k", "v")
                .setRawBody(ByteString.copyFromUtf8("second")));
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    PUSH.writeTo(both);
    second.writeTo(both);
    assertThat(agree(both.toByteArray())).isTrue();
    CheckRequestWire wire = read(both.toByteArray());
    assertThat(wire.header("x-scope-orgid")).isEqualTo("tenant-b");
    assertThat(wire.header("content-encoding")).isEqualTo("snappy");
    assertThat(wire.path()).isEqualTo("/otlp/v1/metrics");
    assertThat(wire.bodyLength()).isEqualTo(6);
  }

  @Test
  void rawHeadersAreReadInAnyCaseTheFirstOneWinning() {
    CheckRequest r =
        request(
            AttributeContext.HttpRequest.newBuilder()
                .setHeaderMap(
                    HeaderMap.newBuilder()
                        .addHeaders(raw("X-Scope-OrgID", "", "tenant-raw"))
                        .addHeaders(raw("x-scope-orgid", "tenant-second", ""))
                        .addHeaders(raw("content-type", "application/x-protobuf", ""))
                        .addHeaders(raw("K", "value", ""))));
    assertThat(agree(r.toByteArray())).isTrue();
    CheckRequestWire wire = CheckRequestWire.of(r);
    assertThat(wire.header("x-scope-orgid")).isEqualTo("tenant-raw");
    assertThat(wire.header("content-type")).isEqualTo("application/x-protobuf");
    assertThat(wire.header("k")).isEqualTo("value");
  }

  /**
   * A reader read into again keeps nothing of the message before: not its headers, raw headers,
   * path or body, not even where no field of the new message replaces them; a refused message
   * leaves it empty.
   */
  @Test
  void aReaderReadIntoAgainKeepsNothingOfTheMessageBefore() throws IOException {
    CheckRequest rich =
        request(
            AttributeContext.HttpRequest.newBuilder()
                .setPath("/otlp/v1/metrics")
                .putHeaders("x-first", "1")
                .putHeaders("x-scope-orgid", "tenant-a")
                .setBody("a body")
                .setRawBody(ByteString.copyFromUtf8("a raw body"))
                .setHeaderMap(HeaderMap.newBuilder().addHeaders(raw("X-Raw", "", "r"))));
    CheckRequestWire reader = CheckRequestWire.empty();
    byte[] first = rich.toByteArray();
    reader.readInto(first, 0, first.length);
    assertThat(reader.header("x-first")).isEqualTo("1");
    assertThat(reader.header("x-raw")).isEqualTo("r");

    // the same array, so that a span left behind would still point at the first message's bytes
    CheckRequest bare =
        CheckRequest.newBuilder()
            .setAttributes(
                AttributeContext.newBuilder()
                    .setRequest(AttributeContext.Request.getDefaultInstance()))
            .build();
    byte[] second = bare.toByteArray();
    byte[] reused = first.clone();
    System.arraycopy(second, 0, reused, 0, second.length);
    reader.readInto(reused, 0, second.length);
    assertThat(reader.hasHttp()).isFalse();
    assertThat(reader.header("x-first")).isNull();
    assertThat(reader.header("x-raw")).isNull();
    assertThat(reader.path()).isEmpty();
    assertThat(reader.bodyLength()).isZero();

    CheckRequest rawOnly =
        request(
            AttributeContext.HttpRequest.newBuilder()
                .setHeaderMap(
                    HeaderMap.newBuilder().addHeaders(raw("x-scope-orgid", "tenant-b", ""))));
    byte[] third = rawOnly.toByteArray();
    reader.readInto(third, 0, third.length);
    assertThat(reader.header("x-scope-orgid")).isEqualTo("tenant-b");
    assertThat(reader.header("x-first")).isNull();
    assertThat(reader.header("x-raw")).isNull();

    // cut short: the attributes run past the end
    assertThatThrownBy(() -> reader.readInto(first, 0, first.length - 3))
        .isInstanceOf(InvalidProtocolBufferException.class);
    assertThat(reader.hasHttp()).isFalse();
    assertThat(reader.header("x-scope-orgid")).isNull();
    assertThat(reader.buffer()).isNull();
  }

  /** A message with many headers grows a reader's arrays for itself only. */
  @Test
  void aReaderForgetsArraysGrownPastWhatItKeeps() throws IOException {
    AttributeContext.HttpRequest.Builder many = AttributeContext.HttpRequest.newBuilder();
    HeaderMap.Builder raws = HeaderMap.newBuilder();
    for (int i = 0; i < 10 * CheckRequestWire.KEPT_HEADERS; i++) {
      many.putHeaders("h" + i, "v");
      raws.addHeaders(raw("r" + i, "v", ""));
    }
    byte[] big = request(many.setHeaderMap(raws)).toByteArray();
    CheckRequestWire reader = CheckRequestWire.empty();
    reader.readInto(big, 0, big.length);
    assertThat(reader.header("h" + (10 * CheckRequestWire.KEPT_HEADERS - 1))).isEqualTo("v");
    assertThat(reader.headerCapacity()).isGreaterThan(20 * CheckRequestWire.KEPT_HEADERS);

    reader.forget();
    assertThat(reader.headerCapacity()).isLessThanOrEqualTo(2 * CheckRequestWire.KEPT_HEADERS);
    byte[] push = PUSH.toByteArray();
    reader.readInto(push, 0, push.length);
    assertThat(reader.header("x-scope-orgid")).isEqualTo("tenant-a");
  }

  @Test
  void anEmptyHttpRequestIsThereAndAMissingOneIsNot() {
    assertThat(CheckRequestWire.of(request(AttributeContext.HttpRequest.newBuilder())).hasHttp())
        .isTrue();
    assertThat(CheckRequestWire.of(CheckRequest.getDefaultInstance()).hasHttp()).isFalse();
    CheckRequest noHttp =
        CheckRequest.newBuilder()
            .setAttributes(
                AttributeContext.newBuilder()
                    .setRequest(AttributeContext.Request.getDefaultInstance()))
            .build();
    assertThat(CheckRequestWire.of(noHttp).hasHttp()).isFalse();
  }

  @Test
  void theBodyStringIsTheBodyWhenThereIsNoRawBody() {
    CheckRequest r =
        EnvoyRequests.push(
            Map.of("x-scope-orgid", "t"),
            ByteString.copyFromUtf8("{\"resourceMetrics\":[]}"),
            false);
    assertThat(agree(r.toByteArray())).isTrue();
    assertThat(CheckRequestWire.of(r).bodyLength()).isEqualTo(22);
  }

  @Test
  void everyCutOfTheMessageIsReadOrRefusedAsProtobufDoes() {
    byte[] whole = PUSH.toByteArray();
    int read = 0;
    for (int n = 0; n <= whole.length; n++) {
      if (agree(Arrays.copyOf(whole, n))) {
        read++;
      }
    }
    assertThat(read).isPositive().isLessThan(whole.length); // some cuts are messages, most not
  }

  /** A small push: a Check of a few bytes, every one of which the tests below change. */
  private static final CheckRequest SMALL_PUSH =
      EnvoyRequests.push(
          Map.of("x-scope-orgid", "tenant-a", "content-type", "application/x-protobuf"),
          ByteString.copyFrom(new byte[] {1, 2, (byte) 0xff, 4}),
          true);

  @Test
  void changedBytesOfTheHttpRequestAreReadOrRefusedAsProtobufDoes() {
    byte[] whole = SMALL_PUSH.toByteArray();
    byte[] http = SMALL_PUSH.getAttributes().getRequest().getHttp().toByteArray();
    int from = indexOf(whole, http);
    SplittableRandom random = new SplittableRandom(17);
    int refused = 0;
    for (int i = 0; i < 5_000; i++) {
      byte[] bytes = whole.clone();
      for (int k = 1 + random.nextInt(3); k > 0; k--) {
        bytes[from + random.nextInt(http.length)] = (byte) random.nextInt(256);
      }
      if (!agree(bytes)) {
        refused++;
      }
    }
    assertThat(refused).isPositive();
  }

  /**
   * Anywhere in the message: what protobuf-java reads is read the same; what it refuses is refused
   * too, except a change inside the parts the reader skips whole (the peers, metadata, context
   * extensions), whose contents it does not check.
   */
  @Test
  void changedBytesAnywhereAreReadAsProtobufDoesOrRefusedOutsideTheHttpRequest() {
    byte[] whole = SMALL_PUSH.toByteArray();
    SplittableRandom random = new SplittableRandom(23);
    int read = 0;
    int refused = 0;
    for (int i = 0; i < 5_000; i++) {
      byte[] bytes = whole.clone();
      for (int k = 1 + random.nextInt(3); k > 0; k--) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      CheckRequest parsed;
      try {
        parsed = CheckRequest.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        try {
          read(bytes);
        } catch (InvalidProtocolBufferException alsoRefused) {
          refused++;
        }
        continue;
      }
      assertThat(agree(bytes)).as(parsed.toString()).isTrue();
      read++;
    }
    assertThat(read).isPositive();
    assertThat(refused).isPositive();
  }

  @Test
  void aStringOfTheHttpRequestThatIsNotUtf8IsRefused() {
    byte[] bytes =
        request(AttributeContext.HttpRequest.newBuilder().putHeaders("x-scope-orgid", "tenant-é"))
            .toByteArray();
    int at = indexOf(bytes, (byte) 0xc3); // é's first byte
    bytes[at] = (byte) 0xff;
    assertThat(agree(bytes)).isFalse();
  }

  @Test
  void deeplyNestedGroupsAreRefusedNotAStackOverflow() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    for (int i = 0; i < 100_000; i++) {
      o.writeTag(2, WireFormat.WIRETYPE_START_GROUP); // public: the numbers, not makeTag
    }
    o.flush();
    byte[] bytes = out.toByteArray();
    assertThatThrownBy(() -> read(bytes)).isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void aStrayEndGroupIsRefused() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    o.writeTag(5, WireFormat.WIRETYPE_END_GROUP);
    o.flush();
    assertThat(agree(out.toByteArray())).isFalse();
  }

  private static CheckRequest request(AttributeContext.HttpRequest.Builder http) {
    return CheckRequest.newBuilder()
        .setAttributes(
            AttributeContext.newBuilder()
                .setRequest(AttributeContext.Request.newBuilder().setHttp(http)))
        .build();
  }

  private static HeaderValue raw(String key, String value, String rawValue) {
    return HeaderValue.newBuilder()
        .setKey(key)
        .setValue(value)
        .setRawValue(ByteString.copyFromUtf8(rawValue))
        .build();
  }

  private static int indexOf(byte[] in, byte[] part) {
    for (int i = 0; i + part.length <= in.length; i++) {
      if (Arrays.equals(in, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  private static int indexOf(byte[] in, byte b) {
    for (int i = 0; i < in.length; i++) {
      if (in[i] == b) {
        return i;
      }
    }
    throw new AssertionError("no byte " + b);
  }
}
