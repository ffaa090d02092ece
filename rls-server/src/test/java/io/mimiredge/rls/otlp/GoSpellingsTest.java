package io.mimiredge.rls.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The label values Mimir's OTLP translation spells from numbers and from array and map attributes,
 * against what Go itself prints: {@code otlp/go-spellings/spellings.tsv} was written by {@code go
 * run main.go} beside it (Go's {@code strconv} and {@code encoding/json}).
 */
class GoSpellingsTest {

  private static List<String[]> golden() throws Exception {
    List<String[]> rows = new ArrayList<>();
    try (var in =
        new BufferedReader(
            new InputStreamReader(
                GoSpellingsTest.class.getResourceAsStream("/otlp/go-spellings/spellings.tsv"),
                StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        rows.add(line.split("\t", -1));
      }
    }
    return rows;
  }

  @Test
  void floatsAreSpelledAsGoSpellsThem() throws Exception {
    int checked = 0;
    for (String[] row : golden()) {
      if (row[0].equals("json")) {
        continue;
      }
      double v = Double.longBitsToDouble(Long.parseUnsignedLong(row[0], 16));
      assertThat(GoFloat.fixed(v)).as("FormatFloat(%s, 'f', -1, 64)", row[0]).isEqualTo(row[1]);
      assertThat(GoFloat.asString(v)).as("AsString(%s)", row[0]).isEqualTo(row[2]);
      checked++;
    }
    assertThat(checked).isGreaterThan(500);
  }

  @Test
  void shortestDigitsWhereJava17sDoubleToStringHasMore() {
    // JDK 17's Double.toString writes 2.82879384806159008E17 (JDK-4511638); Go the shortest
    assertThat(GoFloat.fixed(2.82879384806159e17)).isEqualTo("282879384806159000");
    assertThat(GoFloat.asString(1e23)).isEqualTo("1e+23");
    assertThat(GoFloat.fixed(0.1 + 0.2)).isEqualTo("0.30000000000000004");
  }

  private static AnyValue s(String v) {
    return AnyValue.newBuilder().setStringValue(v).build();
  }

  private static AnyValue array(AnyValue... values) {
    return AnyValue.newBuilder()
        .setArrayValue(ArrayValue.newBuilder().addAllValues(List.of(values)))
        .build();
  }

  private static KeyValue kv(String k, AnyValue v) {
    return KeyValue.newBuilder().setKey(k).setValue(v).build();
  }

  /** The three JSON lines of the golden file, as OTLP values (protobuf, and OTLP/JSON by hand). */
  @Test
  void arraysAndMapsAreSpelledAsEncodingJsonWritesThem() throws Exception {
    List<String> json = new ArrayList<>();
    for (String[] row : golden()) {
      if (row[0].equals("json")) {
        json.add(row[1]);
      }
    }
    ArrayValue mixed =
        ArrayValue.newBuilder()
            .addValues(s("a"))
            .addValues(AnyValue.newBuilder().setIntValue(1))
            .addValues(AnyValue.newBuilder().setBoolValue(true))
            .addValues(AnyValue.getDefaultInstance())
            .addValues(AnyValue.newBuilder().setDoubleValue(1.5))
            .addValues(AnyValue.newBuilder().setDoubleValue(1e21))
            .addValues(AnyValue.newBuilder().setDoubleValue(1e-7))
            .addValues(AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("hi")).build())
            .build();
    assertThat(proto(mixed.toByteArray(), true)).isEqualTo(json.get(0));
    String mixedJson =
        "{\"values\":[{\"stringValue\":\"a\"},{\"intValue\":\"1\"},{\"boolValue\":true},{},"
            + "{\"doubleValue\":1.5},{\"doubleValue\":1e21},{\"doubleValue\":1e-7},"
            + "{\"bytesValue\":\"aGk=\"}]}";
    assertThat(json(mixedJson, true)).isEqualTo(json.get(0));

    KeyValueList map =
        KeyValueList.newBuilder()
            .addValues(kv("b", s("x")))
            .addValues(kv("a", array()))
            .addValues(
                kv("é", AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()).build()))
            .addValues(kv("Z", AnyValue.newBuilder().setIntValue(-3).build()))
            .build();
    assertThat(proto(map.toByteArray(), false)).isEqualTo(json.get(1));
    String mapJson =
        "{\"values\":[{\"key\":\"b\",\"value\":{\"stringValue\":\"x\"}},"
            + "{\"key\":\"a\",\"value\":{\"arrayValue\":{}}},"
            + "{\"key\":\"é\",\"value\":{\"kvlistValue\":{}}},"
            + "{\"key\":\"Z\",\"value\":{\"intValue\":-3}}]}";
    assertThat(json(mapJson, false)).isEqualTo(json.get(1));

    ArrayValue escapes =
        ArrayValue.newBuilder()
            .addValues(s("<&>"))
            .addValues(s("quote\" back\\ slash"))
            .addValues(s("tab\tnl\nret\r"))
            .addValues(s("\u2028\u2029"))
            .addValues(s("\u0001\u001f"))
            .addValues(s("é€😀"))
            .build();
    assertThat(proto(escapes.toByteArray(), true)).isEqualTo(json.get(2));

    // invalid UTF-8 (pdata does not check it): each bad byte the escape; a pair ending in DFFF
    // and a U+FFFD that was sent are themselves
    // (protobuf-java refuses to build such a string: the AnyValue written by hand, field 1)
    var raw = new java.io.ByteArrayOutputStream();
    var out = com.google.protobuf.CodedOutputStream.newInstance(raw);
    var bad = new java.io.ByteArrayOutputStream();
    var anyValue = com.google.protobuf.CodedOutputStream.newInstance(bad);
    anyValue.writeBytes(
        1, ByteString.copyFrom(new byte[] {'a', (byte) 0xff, 'b', (byte) 0xe2, (byte) 0x82}));
    anyValue.flush();
    out.writeBytes(1, ByteString.copyFrom(bad.toByteArray()));
    out.writeMessage(1, s(new String(Character.toChars(0x1F7FF))));
    out.writeMessage(1, s("\uFFFD"));
    out.flush();
    assertThat(proto(raw.toByteArray(), true)).isEqualTo(json.get(3));
  }

  @Test
  void mapKeysOfInvalidUtf8StayApartAndSortByTheirBytes() throws Exception {
    // keys "\x81", "\x80" and "z": Go keeps all three, sorted bytewise ("z" < "\x80" < "\x81")
    var raw = new java.io.ByteArrayOutputStream();
    var out = com.google.protobuf.CodedOutputStream.newInstance(raw);
    for (byte[] key : new byte[][] {{(byte) 0x81}, {(byte) 0x80}, {'z'}}) {
      var kv = new java.io.ByteArrayOutputStream();
      var k = com.google.protobuf.CodedOutputStream.newInstance(kv);
      k.writeBytes(1, ByteString.copyFrom(key));
      k.writeMessage(2, s("v"));
      k.flush();
      out.writeBytes(1, ByteString.copyFrom(kv.toByteArray()));
    }
    out.flush();
    assertThat(proto(raw.toByteArray(), false))
        .isEqualTo("{\"z\":\"v\",\"\\ufffd\":\"v\",\"\\ufffd\":\"v\"}");
  }

  @Test
  void nestingIsBoundedNotAStackOverflow() {
    AnyValue deep = s("x");
    for (int i = 0; i < 150; i++) {
      deep = array(deep);
    }
    assertThat(proto(deep.getArrayValue().toByteArray(), true)).isEmpty();
    AnyValue shallow = s("x");
    for (int i = 0; i < 50; i++) {
      shallow = array(shallow);
    }
    assertThat(proto(shallow.getArrayValue().toByteArray(), true))
        .isEqualTo("[".repeat(50) + "\"x\"" + "]".repeat(50));
  }

  @Test
  void whatEncodingJsonRefusesOrSpellsSinceGo122() throws Exception {
    // NaN: the encoder's error, the whole value "" (and so no label)
    ArrayValue nan =
        ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setDoubleValue(Double.NaN)).build();
    assertThat(proto(nan.toByteArray(), true)).isEmpty();
    assertThat(json("{\"values\":[{\"doubleValue\":\"Infinity\"}]}", true)).isEmpty();
    // Go 1.22 writes \b and \f as such (Mimir is built with a newer Go than Debian's 1.19)
    ArrayValue controls = ArrayValue.newBuilder().addValues(s("\b\f")).build();
    assertThat(proto(controls.toByteArray(), true)).isEqualTo("[\"\\b\\f\"]");
    // of two equal keys the last one stays (AsRaw fills a Go map in order)
    KeyValueList twice =
        KeyValueList.newBuilder().addValues(kv("k", s("1"))).addValues(kv("k", s("2"))).build();
    assertThat(proto(twice.toByteArray(), false)).isEqualTo("{\"k\":\"2\"}");
    // what does not read is no value
    assertThat(proto(new byte[] {(byte) 0x0a, 5, 1}, true)).isEmpty();
    assertThat(json("{\"values\":[", true)).isEmpty();
  }

  private static String proto(byte[] b, boolean array) {
    byte[] padded = new byte[b.length + 6]; // at an offset, as in a body
    System.arraycopy(b, 0, padded, 3, b.length);
    return AnyValueJson.of(padded, 3, b.length, array, false);
  }

  private static String json(String s, boolean array) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return AnyValueJson.of(b, 0, b.length, array, true);
  }
}
