package io.mimiredge.rls.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A request body read with the size limit applied while reading: never more than {@code max + 1}
 * bytes are held, so a body over the limit is known as such without reading the rest of it.
 *
 * @param bytes the body in {@code [0, length)}
 * @param length bytes read
 * @param tooLarge whether the body is longer than the limit (then only a prefix was read)
 */
record BoundedBody(byte[] bytes, int length, boolean tooLarge) {
  private static final int FIRST_CHUNK = 64 * 1024;

  /**
   * Reads {@code in}.
   *
   * @param contentLength the declared length, or -1 when unknown (chunked); the caller refuses a
   *     declared length over {@code max} before calling
   * @param max the largest body accepted
   */
  static BoundedBody read(InputStream in, long contentLength, int max) throws IOException {
    int capacity =
        contentLength >= 0
            ? (int) Math.min(contentLength, max) + 1 // +1 notices a body longer than declared
            : Math.min(FIRST_CHUNK, max + 1);
    byte[] buf = new byte[Math.max(1, capacity)];
    int length = 0;
    while (true) {
      if (length == buf.length) {
        if (length > max) {
          return new BoundedBody(buf, length, true);
        }
        buf = Arrays.copyOf(buf, (int) Math.min((long) max + 1, (long) buf.length * 2));
      }
      int n = in.read(buf, length, buf.length - length);
      if (n < 0) {
        return new BoundedBody(buf, length, length > max);
      }
      length += n;
    }
  }
}
