package io.mimiredge.rls.remotewrite;

import static io.mimiredge.rls.remotewrite.RemoteWriteException.Kind.BAD_BODY;
import static io.mimiredge.rls.remotewrite.RemoteWriteException.Kind.DECODED_TOO_LARGE;

import java.io.IOException;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyError;

/**
 * Snappy <em>block</em> (raw, not framed) decoding, with the declared size checked before anything
 * is allocated. Stateless.
 */
final class SnappyBlock {

  private SnappyBlock() {}

  /** Fails at start-up, rather than on the first request, when snappy's native code cannot load. */
  static void requireNativeLibrary() {
    Snappy.maxCompressedLength(1);
  }

  /**
   * The decoded length the block's header declares: a little-endian base-128 varint of at most 32
   * bits, read with snappy's own rules (at most 5 bytes, the fifth below 16), so that snappy never
   * writes more than we sized the buffer for.
   */
  static long declaredLength(byte[] body, int offset, int length) throws RemoteWriteException {
    long value = 0;
    for (int i = 0; i < 5; i++) {
      if (i == length) {
        throw new RemoteWriteException(
            BAD_BODY,
            i == 0
                ? "empty body: a snappy block starts with its decoded length"
                : "snappy header truncated: the body ends inside the length varint, after "
                    + i
                    + " bytes");
      }
      int b = body[offset + i] & 0xff;
      if (i == 4 && b > 0x0f) {
        throw new RemoteWriteException(
            BAD_BODY,
            String.format(
                "snappy header is not a 32-bit varint: its fifth byte is 0x%02x, at most 0x0f allowed",
                b));
      }
      value |= (long) (b & 0x7f) << (7 * i);
      if (b < 0x80) {
        return value;
      }
    }
    throw new AssertionError("unreachable: the fifth byte is below 0x10");
  }

  /** Refuses a declared length over the limit, or more than {@code length} bytes can produce. */
  static void checkDeclaredLength(long declared, int length, int maxDecodedBytes)
      throws RemoteWriteException {
    if (declared > maxDecodedBytes) {
      throw new RemoteWriteException(
          DECODED_TOO_LARGE,
          "snappy header declares "
              + declared
              + " decoded bytes, more than the limit of "
              + maxDecodedBytes);
    }
    // The densest snappy element is a 3-byte copy of 64 bytes: a block can never decode to more
    // than 64/3 of its size. Refusing here keeps a tiny body from making us allocate a big buffer.
    if (declared > (long) length * 64 / 3) {
      throw new RemoteWriteException(
          BAD_BODY,
          "snappy header declares "
              + declared
              + " decoded bytes, more than a "
              + length
              + "-byte block can hold");
    }
  }

  /**
   * Decodes the block into {@code out}, which must hold at least {@code declared} bytes:
   * snappy-java writes as many bytes as the header declares without checking the array's size.
   */
  static int decode(byte[] body, int offset, int length, byte[] out, int declared)
      throws RemoteWriteException {
    if (out.length < declared) {
      throw new IllegalArgumentException(
          "buffer of " + out.length + " bytes cannot hold " + declared + " decoded bytes");
    }
    int decoded;
    try {
      decoded = Snappy.uncompress(body, offset, length, out, 0);
    } catch (IOException | RuntimeException | SnappyError e) {
      // snappy-java reports corrupt input as IOException("FAILED_TO_UNCOMPRESS(5)"); it also fails
      // when the data decodes to more or fewer bytes than the header declares.
      throw new RemoteWriteException(
          BAD_BODY,
          "body is not a valid snappy block declaring "
              + declared
              + " decoded bytes ("
              + e.getMessage()
              + ")");
    }
    if (decoded != declared) {
      throw new RemoteWriteException(
          BAD_BODY,
          "snappy block decoded to " + decoded + " bytes, its header declares " + declared);
    }
    return decoded;
  }
}
