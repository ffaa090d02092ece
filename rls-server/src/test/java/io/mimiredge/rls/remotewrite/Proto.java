package io.mimiredge.rls.remotewrite;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds protobuf bytes for the tests with {@link CodedOutputStream}: no generated classes. */
public final class Proto {
  private Proto() {}

  /** Writes the fields of one message. */
  public interface Fields {
    void write(CodedOutputStream out) throws IOException;
  }

  public static byte[] message(Fields fields) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      fields.write(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A label whose value is raw bytes (e.g. not valid UTF-8). */
  public static byte[] label(String name, byte[] value) {
    return message(
        out -> {
          out.writeString(1, name);
          out.writeByteArray(2, value);
        });
  }

  public static byte[] label(String name, String value) {
    return message(
        out -> {
          out.writeString(1, name);
          out.writeString(2, value);
        });
  }

  public static byte[] sample(double value, long timestampMs) {
    return message(
        out -> {
          out.writeDouble(1, value);
          out.writeInt64(2, timestampMs);
        });
  }

  /** A series with the given labels and {@code samples} samples. */
  public static byte[] series(int samples, byte[]... labels) {
    return message(
        out -> {
          for (byte[] label : labels) {
            out.writeByteArray(1, label);
          }
          for (int i = 0; i < samples; i++) {
            out.writeByteArray(2, sample(i, 1_795_400_000_000L + i));
          }
        });
  }

  public static byte[] metadata(String familyName, String help, String unit) {
    return message(
        out -> {
          out.writeEnum(1, 1); // COUNTER
          out.writeString(2, familyName);
          out.writeString(4, help);
          out.writeString(5, unit);
        });
  }

  /** A WriteRequest of the given series (field 1). */
  public static byte[] request(byte[]... series) {
    return message(
        out -> {
          for (byte[] s : series) {
            out.writeByteArray(1, s);
          }
        });
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** A sample at a timestamp (ms). */
  public static byte[] sampleAt(long timestampMs) {
    return sample(1, timestampMs);
  }

  /** An exemplar with these labels (name, value, name, value, ...) at a timestamp. */
  public static byte[] exemplar(long timestampMs, String... labels) {
    return message(
        out -> {
          for (int i = 0; i + 1 < labels.length; i += 2) {
            out.writeByteArray(1, label(labels[i], labels[i + 1]));
          }
          out.writeDouble(2, 1.5);
          if (timestampMs != 0) {
            out.writeInt64(3, timestampMs);
          }
        });
  }

  /**
   * An integer native histogram: schema, timestamp, positive spans (offset, length pairs) and that
   * many deltas.
   */
  public static byte[] histogram(int schema, long timestampMs, int... spans) {
    return message(
        out -> {
          out.writeUInt64(1, 10); // count_int
          out.writeSInt32(4, schema);
          int buckets = 0;
          for (int i = 0; i + 1 < spans.length; i += 2) {
            int offset = spans[i];
            int length = spans[i + 1];
            out.writeByteArray(
                11,
                message(
                    span -> {
                      span.writeSInt32(1, offset);
                      span.writeUInt32(2, length);
                    }));
            buckets += length;
          }
          for (int b = 0; b < buckets; b++) {
            out.writeSInt64(12, b == 0 ? 1 : 0); // unpacked deltas
          }
          out.writeInt64(15, timestampMs);
        });
  }

  /** A series of these labels (name, value, ...) and fields written after them. */
  public static byte[] seriesWith(String[] labels, byte[]... samples) {
    return message(
        out -> {
          for (int i = 0; i + 1 < labels.length; i += 2) {
            out.writeByteArray(1, label(labels[i], labels[i + 1]));
          }
          for (byte[] s : samples) {
            out.writeByteArray(2, s);
          }
        });
  }

  /** Snappy-compresses a protobuf, as the wire carries it. */
  public static byte[] body(byte[] protobuf) {
    return Fixtures.compress(protobuf);
  }

  /** Raw bytes from ints, for hand-written malformed input. */
  public static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }
}
