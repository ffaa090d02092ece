package io.mimiredge.benchmarks.grpc;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import org.xerial.snappy.Snappy;

/**
 * A remote-write 1.0 body of a given number of series, generated deterministically: each series has
 * {@code __name__} plus 6–10 labels with values of 10–70 bytes and one float sample, snappy
 * block-compressed, as Prometheus sends it. Label values repeat across series the way real ones do
 * (a few jobs and clusters, many pods), so the body compresses like a real one.
 */
final class SyntheticPush {
  private static final String[] LABELS = {
    "cluster",
    "code",
    "container",
    "endpoint",
    "handler",
    "instance",
    "job",
    "method",
    "namespace",
    "pod",
    "region",
    "service"
  };
  private static final int[] DISTINCT_VALUES = {3, 8, 40, 30, 60, 200, 12, 6, 25, 400, 4, 50};
  private static final String[] WORDS = {
    "api",
    "auth",
    "billing",
    "cache",
    "checkout",
    "controller",
    "default",
    "eu-west-1",
    "exporter",
    "frontend",
    "gateway",
    "ingester",
    "kube",
    "manager",
    "metrics",
    "monitoring",
    "node",
    "payments",
    "platform",
    "production",
    "prometheus",
    "proxy",
    "querier",
    "redis",
    "search",
    "server",
    "staging",
    "storage",
    "us-east-1",
    "worker"
  };

  private SyntheticPush() {}

  /** The snappy-compressed body. */
  static byte[] body(int series, long seed) {
    try {
      return Snappy.compress(writeRequest(series, seed));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The uncompressed {@code prometheus.WriteRequest}. */
  static byte[] writeRequest(int series, long seed) {
    Random r = new Random(seed);
    String[][] pools = new String[LABELS.length][];
    for (int i = 0; i < LABELS.length; i++) {
      pools[i] = new String[DISTINCT_VALUES[i]];
      for (int j = 0; j < pools[i].length; j++) {
        pools[i][j] = value(r, LABELS[i]);
      }
    }
    String[] names = new String[300];
    for (int i = 0; i < names.length; i++) {
      names[i] = "synthetic_" + word(r, 4 + r.nextInt(20)) + "_total";
    }
    long timestamp = 1_795_456_897_000L;
    try {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(series * 300);
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      for (int s = 0; s < series; s++) {
        int labels = 6 + r.nextInt(5);
        // pick `labels` distinct label names, kept in sorted order as Prometheus sends them
        boolean[] chosen = new boolean[LABELS.length];
        for (int n = 0; n < labels; ) {
          int i = r.nextInt(LABELS.length);
          if (!chosen[i]) {
            chosen[i] = true;
            n++;
          }
        }
        String name = names[r.nextInt(names.length)];
        String[] keys = new String[labels + 1];
        String[] values = new String[labels + 1];
        keys[0] = "__name__";
        values[0] = name;
        for (int i = 0, k = 1; i < LABELS.length; i++) {
          if (chosen[i]) {
            keys[k] = LABELS[i];
            values[k++] = pools[i][r.nextInt(pools[i].length)];
          }
        }
        double sample = r.nextInt(1_000_000) / 10.0;
        int seriesSize = 0;
        for (int i = 0; i < keys.length; i++) {
          seriesSize += lengthDelimited(labelSize(keys[i], values[i]));
        }
        int sampleSize =
            CodedOutputStream.computeDoubleSize(1, sample)
                + CodedOutputStream.computeInt64Size(2, timestamp);
        seriesSize += lengthDelimited(sampleSize);
        out.writeTag(1, 2); // WriteRequest.timeseries
        out.writeUInt32NoTag(seriesSize);
        for (int i = 0; i < keys.length; i++) {
          out.writeTag(1, 2); // TimeSeries.labels
          out.writeUInt32NoTag(labelSize(keys[i], values[i]));
          out.writeString(1, keys[i]);
          out.writeString(2, values[i]);
        }
        out.writeTag(2, 2); // TimeSeries.samples
        out.writeUInt32NoTag(sampleSize);
        out.writeDouble(1, sample);
        out.writeInt64(2, timestamp);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int labelSize(String name, String value) {
    return CodedOutputStream.computeStringSize(1, name)
        + CodedOutputStream.computeStringSize(2, value);
  }

  /** Tag (field < 16), length and payload of a length-delimited field. */
  private static int lengthDelimited(int size) {
    return 1 + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
  }

  /**
   * A label value of 10–70 bytes that reads like one: words joined by dashes, ending in a short
   * random suffix (as pod and instance names do).
   */
  private static String value(Random r, String label) {
    int length = 10 + r.nextInt(61);
    StringBuilder b = new StringBuilder(length + 16).append(label);
    while (b.length() < length - 6) {
      b.append('-').append(WORDS[r.nextInt(WORDS.length)]);
    }
    b.append('-');
    while (b.length() < length) {
      b.append(Character.forDigit(r.nextInt(36), 36));
    }
    b.setLength(length);
    return b.toString();
  }

  private static String word(Random r, int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append((char) ('a' + r.nextInt(26)));
    }
    return b.toString();
  }
}
