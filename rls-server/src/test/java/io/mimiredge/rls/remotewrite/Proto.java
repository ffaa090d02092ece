package io.mimiredge.rls.remotewrite;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Builds protobuf bytes for the tests with {@link CodedOutputStream}: no generated classes. */
final class Proto {
  private Proto() {}

  /** Writes the fields of one message. */
  interface Fields {
    void write(CodedOutputStream out) throws IOException;
  }

  static byte[] message(Fields fields) {
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

  static byte[] label(String name, String value) {
    return message(
        out -> {
          out.writeString(1, name);
          out.writeString(2, value);
        });
  }

  static byte[] sample(double value, long timestampMs) {
    return message(
        out -> {
          out.writeDouble(1, value);
          out.writeInt64(2, timestampMs);
        });
  }

  /** A series with the given labels and {@code samples} samples. */
  static byte[] series(int samples, byte[]... labels) {
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

  static byte[] metadata(String familyName, String help, String unit) {
    return message(
        out -> {
          out.writeEnum(1, 1); // COUNTER
          out.writeString(2, familyName);
          out.writeString(4, help);
          out.writeString(5, unit);
        });
  }

  /** A WriteRequest of the given series (field 1). */
  static byte[] request(byte[]... series) {
    return message(
        out -> {
          for (byte[] s : series) {
            out.writeByteArray(1, s);
          }
        });
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** Raw bytes from ints, for hand-written malformed input. */
  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }
}
