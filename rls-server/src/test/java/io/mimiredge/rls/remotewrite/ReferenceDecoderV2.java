package io.mimiredge.rls.remotewrite;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.mimiredge.rls.testing.Stats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tests' second way to count a remote write 2.0 Request, as Mimir does it: decode it into a
 * remote write 1.0 WriteRequest ({@code pkg/mimirpb/unmarshal_rw2.go}: symbols resolved in wire
 * order, metadata folded into one entry per metric family) with protobuf-java's {@link
 * CodedInputStream}, then count that with {@link ReferenceDecoder}. Shares no code with the
 * scanner.
 */
final class ReferenceDecoderV2 {
  private ReferenceDecoderV2() {}

  static WriteRequestStats stats(byte[] v2, long compressedBytes, ValidationLimits limits, long now)
      throws InvalidProtocolBufferException {
    byte[] v1 = toV1(v2, limits.exemplarsEnabled());
    WriteRequestStats s = ReferenceDecoder.stats(v1, compressedBytes, limits, now);
    return Stats.as(s, Protocol.RW2, s.compressedBytes(), v2.length);
  }

  /** The 1.0 WriteRequest Mimir decodes {@code v2} into; refuses what Mimir's decoder refuses. */
  static byte[] toV1(byte[] v2, boolean exemplars) throws InvalidProtocolBufferException {
    try {
      CodedInputStream in = CodedInputStream.newInstance(v2);
      List<ByteString> symbols = new ArrayList<>();
      Map<ByteString, byte[]> families = new LinkedHashMap<>(); // first one wins, in order
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CodedOutputStream request = CodedOutputStream.newInstance(out);
      int tag;
      while ((tag = in.readTag()) != 0) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1, 3 -> throw invalid("Remote Write 1.0 field in a 2.0 message");
          case 4 -> {
            expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            ByteString symbol = in.readBytes();
            if (symbols.isEmpty() && !symbol.isEmpty()) {
              throw invalid("symbols must start with empty string");
            }
            symbols.add(symbol);
          }
          case 5 -> {
            expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            byte[] series = series(in.readByteArray(), symbols, families, exemplars);
            request.writeByteArray(1, series);
          }
          default -> ReferenceDecoder.skip(in, tag);
        }
      }
      for (byte[] metadata : families.values()) {
        request.writeByteArray(3, metadata);
      }
      request.flush();
      return out.toByteArray();
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
  }

  private static byte[] series(
      byte[] bytes, List<ByteString> symbols, Map<ByteString, byte[]> families, boolean exemplars)
      throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(buffer);
    ByteString metricName = ByteString.EMPTY;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> {
          List<ByteString> refs = refs(in, tag, symbols, "label");
          writeLabels(out, refs);
          for (int i = 0; i < refs.size(); i += 2) {
            if (refs.get(i).toStringUtf8().equals("__name__")) {
              metricName = refs.get(i + 1); // the last one read so far names the family
            }
          }
        }
        case 2 -> {
          expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          out.writeBytes(2, in.readBytes()); // Sample: the same message in both versions
        }
        case 3 -> {
          expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          out.writeBytes(4, in.readBytes()); // Histogram: the same message, field 4 in 1.0
        }
        case 4 -> {
          expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          out.writeByteArray(3, exemplar(in.readByteArray(), symbols, exemplars));
        }
        case 5 -> {
          expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          metadata(in.readByteArray(), symbols, metricName, families);
        }
        case 6 -> {
          expect(tag, WireFormat.WIRETYPE_VARINT);
          in.readInt64();
        }
        default -> ReferenceDecoder.skip(in, tag);
      }
    }
    out.flush();
    return buffer.toByteArray();
  }

  /**
   * An exemplar in 1.0's form. Not decoded when the tenant keeps none (Mimir skips them, their
   * references unchecked): then an empty one, for it to be counted as received and cleared.
   */
  private static byte[] exemplar(byte[] bytes, List<ByteString> symbols, boolean decode)
      throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(buffer);
    if (!decode) {
      out.flush();
      return buffer.toByteArray();
    }
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> {
          writeLabels(out, refs(in, tag, symbols, "exemplar label"));
        }
        case 2 -> {
          expect(tag, WireFormat.WIRETYPE_FIXED64);
          out.writeDouble(2, in.readDouble());
        }
        case 3 -> {
          expect(tag, WireFormat.WIRETYPE_VARINT);
          out.writeInt64(3, in.readInt64());
        }
        default -> ReferenceDecoder.skip(in, tag);
      }
    }
    out.flush();
    return buffer.toByteArray();
  }

  /**
   * MetricMetadataUnmarshalRW2: a 1.0 entry for the family of {@code metricName}, kept when the
   * family is new and the entry has a type, a HELP or a unit.
   */
  private static void metadata(
      byte[] bytes, List<ByteString> symbols, ByteString metricName, Map<ByteString, byte[]> out)
      throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    int type = 0;
    ByteString help = ByteString.EMPTY;
    ByteString unit = ByteString.EMPTY;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> {
          expect(tag, WireFormat.WIRETYPE_VARINT);
          type = (int) in.readRawVarint64();
        }
        case 3 -> {
          expect(tag, WireFormat.WIRETYPE_VARINT);
          help = symbol(symbols, (int) in.readRawVarint64(), "help");
        }
        case 4 -> {
          expect(tag, WireFormat.WIRETYPE_VARINT);
          unit = symbol(symbols, (int) in.readRawVarint64(), "unit");
        }
        default -> ReferenceDecoder.skip(in, tag);
      }
    }
    String name = metricName.toString(StandardCharsets.ISO_8859_1); // bytes as chars, 1 to 1
    String family =
        switch (type) {
          case 5 -> cut(name, "_count", "_sum");
          case 3 -> cut(name, "_bucket", "_count", "_sum");
          case 4 -> cut(name, "_bucket", "_gcount", "_gsum");
          default -> name;
        };
    if (family.isEmpty() || (help.isEmpty() && unit.isEmpty() && type == 0)) {
      return;
    }
    ByteString key = ByteString.copyFrom(family, StandardCharsets.ISO_8859_1);
    if (out.containsKey(key)) {
      return;
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    CodedOutputStream m = CodedOutputStream.newInstance(buffer);
    m.writeInt32(1, type);
    m.writeBytes(2, key);
    m.writeBytes(4, help);
    m.writeBytes(5, unit);
    m.flush();
    out.put(key, buffer.toByteArray());
  }

  private static String cut(String name, String... suffixes) {
    for (String suffix : suffixes) {
      if (name.endsWith(suffix)) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  /** Name and value pairs as 1.0 Labels, field 1 of a TimeSeries or an Exemplar. */
  private static void writeLabels(CodedOutputStream out, List<ByteString> pairs)
      throws IOException {
    for (int i = 0; i < pairs.size(); i += 2) {
      ByteArrayOutputStream label = new ByteArrayOutputStream();
      CodedOutputStream l = CodedOutputStream.newInstance(label);
      l.writeBytes(1, pairs.get(i));
      l.writeBytes(2, pairs.get(i + 1));
      l.flush();
      out.writeByteArray(1, label.toByteArray());
    }
  }

  /** Packed label references only, an even number of them, each a symbol read so far. */
  private static List<ByteString> refs(
      CodedInputStream in, int tag, List<ByteString> symbols, String what) throws IOException {
    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      throw invalid("odd number of " + what + " references, or not packed");
    }
    byte[] packed = in.readByteArray();
    if (packed.length > 0 && packed[packed.length - 1] < 0) {
      throw invalid("packed varints end in the middle of a varint");
    }
    CodedInputStream p = CodedInputStream.newInstance(packed);
    List<ByteString> out = new ArrayList<>();
    while (!p.isAtEnd()) {
      out.add(symbol(symbols, (int) p.readRawVarint64(), what));
    }
    if (out.size() % 2 != 0) {
      throw invalid("odd number of " + what + " references");
    }
    return out;
  }

  private static ByteString symbol(List<ByteString> symbols, int ref, String what)
      throws InvalidProtocolBufferException {
    if (ref == 0) {
      return ByteString.EMPTY;
    }
    if (Integer.compareUnsigned(ref, symbols.size()) >= 0) {
      throw invalid("invalid " + what + " reference");
    }
    return symbols.get(ref);
  }

  private static void expect(int tag, int wireType) throws InvalidProtocolBufferException {
    if (WireFormat.getTagWireType(tag) != wireType) {
      throw invalid("wrong wire type for field " + WireFormat.getTagFieldNumber(tag));
    }
  }

  private static InvalidProtocolBufferException invalid(String message) {
    return new InvalidProtocolBufferException("Remote Write 2.0: " + message);
  }
}
