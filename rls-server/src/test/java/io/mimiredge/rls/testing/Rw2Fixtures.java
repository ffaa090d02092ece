package io.mimiredge.rls.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.mimiredge.rls.testing.rw2.Exemplar;
import io.mimiredge.rls.testing.rw2.Histogram;
import io.mimiredge.rls.testing.rw2.Metadata;
import io.mimiredge.rls.testing.rw2.Request;
import io.mimiredge.rls.testing.rw2.Sample;
import io.mimiredge.rls.testing.rw2.TimeSeries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * Remote write 2.0 requests built from the captured 1.0 ones with the classes generated from {@code
 * src/test/proto/remote_write_v2.proto}, as a Prometheus 3 sender would write them: every string
 * once in the symbols (the empty one first), labels as references in the same order, the samples,
 * histograms and exemplars as they were, and each 1.0 metadata entry on every series of its family.
 */
public final class Rw2Fixtures {
  private Rw2Fixtures() {}

  /** The 2.0 request carrying what the 1.0 WriteRequest {@code v1} carries. */
  /** The body (a snappy block) of fixture {@code file} rebuilt as a 2.0 request. */
  public static byte[] body(String file) {
    try {
      return Snappy.compress(fromV1(Snappy.uncompress(TestFixtures.body(file))).toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Request fromV1(byte[] v1) throws InvalidProtocolBufferException {
    UnknownFieldSet request = UnknownFieldSet.parseFrom(v1);
    List<String> symbols = new ArrayList<>();
    Map<String, Integer> refs = new HashMap<>();
    symbols.add("");
    refs.put("", 0);
    Map<String, Metadata.Builder> metadata = new HashMap<>(); // by family name
    for (ByteString m : request.getField(3).getLengthDelimitedList()) {
      UnknownFieldSet entry = UnknownFieldSet.parseFrom(m);
      String family = string(entry, 2);
      metadata.putIfAbsent(
          family,
          Metadata.newBuilder()
              .setTypeValue((int) last(entry.getField(1).getVarintList()))
              .setHelpRef(ref(symbols, refs, string(entry, 4)))
              .setUnitRef(ref(symbols, refs, string(entry, 5))));
    }
    Request.Builder out = Request.newBuilder();
    for (ByteString s : request.getField(1).getLengthDelimitedList()) {
      UnknownFieldSet series = UnknownFieldSet.parseFrom(s);
      TimeSeries.Builder ts = TimeSeries.newBuilder();
      String name = "";
      for (ByteString l : series.getField(1).getLengthDelimitedList()) {
        UnknownFieldSet label = UnknownFieldSet.parseFrom(l);
        String labelName = string(label, 1);
        String value = string(label, 2);
        ts.addLabelsRefs(ref(symbols, refs, labelName)).addLabelsRefs(ref(symbols, refs, value));
        if (labelName.equals("__name__")) {
          name = value;
        }
      }
      for (ByteString sample : series.getField(2).getLengthDelimitedList()) {
        ts.addSamples(Sample.parseFrom(sample)); // the same message in both versions
      }
      for (ByteString e : series.getField(3).getLengthDelimitedList()) {
        UnknownFieldSet exemplar = UnknownFieldSet.parseFrom(e);
        Exemplar.Builder x = Exemplar.newBuilder();
        for (ByteString l : exemplar.getField(1).getLengthDelimitedList()) {
          UnknownFieldSet label = UnknownFieldSet.parseFrom(l);
          x.addLabelsRefs(ref(symbols, refs, string(label, 1)))
              .addLabelsRefs(ref(symbols, refs, string(label, 2)));
        }
        if (!exemplar.getField(2).getFixed64List().isEmpty()) {
          x.setValue(Double.longBitsToDouble(last(exemplar.getField(2).getFixed64List())));
        }
        x.setTimestamp(last(exemplar.getField(3).getVarintList()));
        ts.addExemplars(x);
      }
      for (ByteString h : series.getField(4).getLengthDelimitedList()) {
        ts.addHistograms(Histogram.parseFrom(h)); // the same message, field 3 in 2.0
      }
      Metadata.Builder m = familyMetadata(metadata, name);
      if (m != null) {
        ts.setMetadata(m);
      }
      out.addTimeseries(ts);
    }
    for (String symbol : symbols) {
      // the bytes as received (strings here hold them one char per byte), not re-encoded
      out.addSymbolsBytes(ByteString.copyFrom(symbol, StandardCharsets.ISO_8859_1));
    }
    return out.build();
  }

  /** The metadata of the family {@code name} belongs to: its own, or by a type's suffix. */
  private static Metadata.Builder familyMetadata(
      Map<String, Metadata.Builder> metadata, String name) {
    if (metadata.containsKey(name)) {
      return metadata.get(name);
    }
    for (String suffix : new String[] {"_bucket", "_count", "_sum", "_gcount", "_gsum"}) {
      if (name.endsWith(suffix)) {
        Metadata.Builder m = metadata.get(name.substring(0, name.length() - suffix.length()));
        if (m != null) {
          return m;
        }
      }
    }
    return null;
  }

  private static int ref(List<String> symbols, Map<String, Integer> refs, String s) {
    return refs.computeIfAbsent(
        s,
        k -> {
          symbols.add(k);
          return symbols.size() - 1;
        });
  }

  private static String string(UnknownFieldSet set, int number) {
    List<ByteString> values = set.getField(number).getLengthDelimitedList();
    return values.isEmpty()
        ? ""
        : values.get(values.size() - 1).toString(StandardCharsets.ISO_8859_1); // bytes kept
  }

  private static long last(List<Long> values) {
    return values.isEmpty() ? 0 : values.get(values.size() - 1);
  }
}
