package io.mimiredge.rls.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;

/**
 * A request body read with the size limit applied while reading: never more than {@code max + 1}
 * bytes are held, so a body over the limit is known as such without reading the rest of it.
 *
 * <p>The bytes live in a buffer of a {@link ByteBufferPool} (Jetty's): a push allocates no body
 * array of its own. Whoever reads a body must {@link #release()} it exactly once, after the last
 * use of {@link #bytes()} (for a forwarded push: when the forward has completed); after that the
 * array belongs to the next request. Not thread-safe.
 */
final class BoundedBody {
  private static final int FIRST_CHUNK = 64 * 1024;

  private RetainableByteBuffer buffer;
  private final byte[] bytes;
  private final int offset;
  private final int length;
  private final boolean tooLarge;

  private BoundedBody(RetainableByteBuffer buffer, int length, boolean tooLarge) {
    this.buffer = buffer;
    ByteBuffer b = buffer.getByteBuffer();
    this.bytes = b.array();
    this.offset = b.arrayOffset();
    this.length = length;
    this.tooLarge = tooLarge;
  }

  /**
   * Reads {@code in} into a buffer of {@code pool}.
   *
   * @param contentLength the declared length, or -1 when unknown (chunked); the caller refuses a
   *     declared length over {@code max} before calling
   * @param max the largest body accepted
   */
  static BoundedBody read(InputStream in, long contentLength, int max, ByteBufferPool pool)
      throws IOException {
    int capacity =
        contentLength >= 0
            ? (int) Math.min(contentLength, max) + 1 // +1 notices a body longer than declared
            : Math.min(FIRST_CHUNK, max + 1);
    RetainableByteBuffer buf = pool.acquire(Math.max(1, capacity), false);
    int length = 0;
    try {
      while (true) {
        ByteBuffer b = buf.getByteBuffer();
        int room = b.capacity() - length;
        if (room == 0 || length > max) {
          if (length > max) {
            return new BoundedBody(buf, length, true);
          }
          RetainableByteBuffer bigger =
              pool.acquire((int) Math.min((long) max + 1, (long) b.capacity() * 2), false);
          ByteBuffer to = bigger.getByteBuffer();
          System.arraycopy(b.array(), b.arrayOffset(), to.array(), to.arrayOffset(), length);
          buf.release();
          buf = bigger;
          continue;
        }
        // a pooled buffer can be larger than asked: never read more than max + 1 in all
        int n = in.read(b.array(), b.arrayOffset() + length, Math.min(room, max + 1 - length));
        if (n < 0) {
          return new BoundedBody(buf, length, length > max);
        }
        length += n;
      }
    } catch (IOException | RuntimeException e) {
      buf.release();
      throw e;
    }
  }

  /** The array that holds the body at {@code [offset(), offset() + length())}. */
  byte[] bytes() {
    return bytes;
  }

  int offset() {
    return offset;
  }

  /** Bytes read. */
  int length() {
    return length;
  }

  /** Whether the body is longer than the limit (then only a prefix was read). */
  boolean tooLarge() {
    return tooLarge;
  }

  /** Gives the buffer back to its pool; a second call does nothing. */
  void release() {
    RetainableByteBuffer b = buffer;
    buffer = null;
    if (b != null) {
      b.release();
    }
  }
}
