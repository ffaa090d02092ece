package io.mimiredge.benchmarks.requests;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.mimiredge.benchmarks.prompb.Label;
import io.mimiredge.benchmarks.prompb.Sample;
import io.mimiredge.benchmarks.prompb.TimeSeries;
import io.mimiredge.benchmarks.prompb.WriteRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A remote write 1.0 request written as the 2.0 {@code io.prometheus.write.v2.Request} a Prometheus
 * 3 sender would send for the same series (field numbers of {@code
 * prompb/io/prometheus/write/v2/types.proto}): every label string once in the symbols, the empty
 * one first, labels as packed references, samples and native histograms as they are (the same
 * messages in both versions). Exemplars and metadata are left out: the benchmarks' requests have
 * none.
 */
public final class Rw2Encoder {
  private Rw2Encoder() {}

  /** The 2.0 encoding of {@code request}, not compressed. */
  public static byte[] encode(WriteRequest request) {
    List<ByteString> symbols = new ArrayList<>();
    Map<ByteString, Integer> refs = new HashMap<>();
    symbols.add(ByteString.EMPTY);
    refs.put(ByteString.EMPTY, 0);
    try {
      ByteArrayOutputStream series = new ByteArrayOutputStream();
      CodedOutputStream s = CodedOutputStream.newInstance(series);
      for (TimeSeries ts : request.getTimeseriesList()) {
        s.writeByteArray(5, series(ts, symbols, refs));
      }
      s.flush();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CodedOutputStream o = CodedOutputStream.newInstance(out);
      for (ByteString symbol : symbols) {
        o.writeBytes(4, symbol);
      }
      o.flush();
      series.writeTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] series(
      TimeSeries ts, List<ByteString> symbols, Map<ByteString, Integer> refs) throws IOException {
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    CodedOutputStream p = CodedOutputStream.newInstance(packed);
    for (Label l : ts.getLabelsList()) {
      p.writeUInt32NoTag(ref(l.getNameBytes(), symbols, refs));
      p.writeUInt32NoTag(ref(l.getValueBytes(), symbols, refs));
    }
    p.flush();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    o.writeByteArray(1, packed.toByteArray());
    for (Sample sample : ts.getSamplesList()) {
      o.writeMessage(2, sample);
    }
    for (var h : ts.getHistogramsList()) {
      o.writeMessage(3, h);
    }
    o.flush();
    return out.toByteArray();
  }

  private static int ref(ByteString s, List<ByteString> symbols, Map<ByteString, Integer> refs) {
    return refs.computeIfAbsent(
        s,
        k -> {
          symbols.add(k);
          return symbols.size() - 1;
        });
  }
}
