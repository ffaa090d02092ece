package io.mimiredge.rls.remotewrite;

import java.util.Objects;

/**
 * Scans a remote-write body (a snappy block holding a {@code prometheus.WriteRequest}, remote write
 * 1.0, or an {@code io.prometheus.write.v2.Request}, remote write 2.0) for what Mimir counts and
 * validates, without building the request: it snappy-decodes into a reused buffer and walks the
 * protobuf wire format. A scan allocates a few hundred bytes (a protobuf reader, the walk's
 * counters and the resulting {@link WriteRequestStats}), whatever the size of the request.
 *
 * <p>The decoded size declared in the snappy header is checked against {@code maxDecodedBytes}
 * before anything is allocated, so a decompression bomb costs nothing.
 *
 * <p>Thread-safe. Each thread decodes into its own buffer, kept for the thread's life and reused:
 * it grows to the largest request that thread has decoded and never beyond {@code maxDecodedBytes},
 * so the memory held is at most (threads that scan) × {@code maxDecodedBytes}.
 *
 * <p>Any body, however malformed, yields stats or a {@link RemoteWriteException}; only a caller's
 * bug (null arguments, a range outside the array) throws anything else.
 */
public final class WriteRequestScanner {
  private static final byte[] EMPTY = new byte[0];

  private final int maxDecodedBytes;
  private final ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> EMPTY);
  private static final ThreadLocal<WriteRequestWalker> WALKERS =
      ThreadLocal.withInitial(WriteRequestWalker::new);

  /**
   * @param maxDecodedBytes the largest decoded (protobuf) size accepted, in bytes; larger bodies
   *     are refused with {@link RemoteWriteException.Kind#DECODED_TOO_LARGE}
   * @throws IllegalArgumentException when {@code maxDecodedBytes} is not positive
   */
  public WriteRequestScanner(int maxDecodedBytes) {
    if (maxDecodedBytes <= 0) {
      throw new IllegalArgumentException("maxDecodedBytes must be > 0, got " + maxDecodedBytes);
    }
    this.maxDecodedBytes = maxDecodedBytes;
    SnappyBlock.requireNativeLibrary();
  }

  /** The largest decoded size this scanner accepts, in bytes. */
  public int maxDecodedBytes() {
    return maxDecodedBytes;
  }

  /** Scans all of {@code body}; see {@link #scan(byte[], int, int, ValidationLimits, long)}. */
  public WriteRequestStats scan(byte[] body, ValidationLimits limits, long nowMillis)
      throws RemoteWriteException {
    return scan(body, 0, body.length, limits, nowMillis);
  }

  /**
   * Decodes and walks {@code body[offset, offset + length)}: series, samples, histograms, exemplars
   * and metadata as received, and what Mimir keeps of them under {@code limits}.
   *
   * @param nowMillis the time the request is judged at (Unix milliseconds): samples are too far in
   *     the future or past relative to it
   * @throws RemoteWriteException {@code BAD_BODY} when the body is not a snappy block holding a
   *     valid WriteRequest, {@code DECODED_TOO_LARGE} when it declares more than {@link
   *     #maxDecodedBytes()} decoded bytes
   * @throws IndexOutOfBoundsException when the range is not inside {@code body}
   */
  public WriteRequestStats scan(
      byte[] body, int offset, int length, ValidationLimits limits, long nowMillis)
      throws RemoteWriteException {
    return scan(body, offset, length, limits, nowMillis, Protocol.RW1);
  }

  /**
   * Decodes and walks {@code body[offset, offset + length)} as a message of {@code protocol}
   * (remote write 1.0 or 2.0, both snappy blocks); see {@link #scan(byte[], int, int,
   * ValidationLimits, long)}.
   */
  public WriteRequestStats scan(
      byte[] body,
      int offset,
      int length,
      ValidationLimits limits,
      long nowMillis,
      Protocol protocol)
      throws RemoteWriteException {
    return scan(body, offset, length, limits, nowMillis, protocol, "");
  }

  /**
   * {@link #scan(byte[], int, int, ValidationLimits, long, Protocol)} for {@code tenant}: the value
   * of {@code __meta_tenant_id} while the tenant's relabeling rules run.
   */
  public WriteRequestStats scan(
      byte[] body,
      int offset,
      int length,
      ValidationLimits limits,
      long nowMillis,
      Protocol protocol,
      String tenant)
      throws RemoteWriteException {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(tenant, "tenant");
    int decoded = decode(body, offset, length);
    return WALKERS.get().walk(buffers.get(), decoded, length, limits, nowMillis, protocol, tenant);
  }

  /**
   * Only snappy-decodes {@code body[offset, offset + length)} into this thread's buffer (the part
   * of {@link #scan} that is not the walk).
   *
   * @return the decoded length in bytes
   * @throws RemoteWriteException as {@link #scan(byte[], int, int, ValidationLimits, long)}, for
   *     the snappy layer only
   */
  public int decode(byte[] body, int offset, int length) throws RemoteWriteException {
    Objects.checkFromIndexSize(offset, length, body.length);
    long declared = SnappyBlock.declaredLength(body, offset, length);
    SnappyBlock.checkDeclaredLength(declared, length, maxDecodedBytes);
    return SnappyBlock.decode(body, offset, length, buffer((int) declared), (int) declared);
  }

  /** This thread's buffer, grown (doubling, capped at the limit) to hold {@code size} bytes. */
  private byte[] buffer(int size) {
    byte[] buf = buffers.get();
    if (buf.length < size) {
      buf = new byte[(int) Math.min(maxDecodedBytes, Math.max(size, 2L * buf.length))];
      buffers.set(buf);
    }
    return buf;
  }

  /** The size of the calling thread's decode buffer, for tests. */
  int threadBufferSize() {
    return buffers.get().length;
  }
}
