package io.mimiredge.rls.otlp;

import io.mimiredge.rls.remotewrite.RemoteWriteException;
import io.mimiredge.rls.remotewrite.ValidationLimits;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import java.util.Objects;

/**
 * Scans an OTLP/HTTP metrics body ({@code ExportMetricsServiceRequest}, protobuf or JSON, plain,
 * gzip, zstd or LZ4) for what Mimir's distributor counts once its translator has turned it into
 * series ({@code pkg/distributor/otel.go}), without building the request or the series: the body is
 * decompressed into a reused per-thread buffer, bounded while it inflates, and walked ({@link
 * OtlpProtoWalker}, {@link OtlpJsonWalker}) into an {@link OtlpTranslation} that applies the
 * translation's counting rules and Mimir's validation.
 *
 * <p>Thread-safe: each thread keeps its own buffer (at most {@code maxDecodedBytes}), walkers and
 * counters. Any body yields stats or a {@link RemoteWriteException}.
 */
public final class OtlpScanner {
  private final int maxDecodedBytes;
  private final ThreadLocal<PerThread> perThread;

  /** What one thread reuses from one body to the next. */
  private static final class PerThread {
    final OtlpBody body;
    final OtlpTranslation translation = new OtlpTranslation();
    final OtlpProtoWalker proto = new OtlpProtoWalker(translation);
    final OtlpJsonWalker json = new OtlpJsonWalker(translation);

    PerThread(int maxDecodedBytes) {
      body = new OtlpBody(maxDecodedBytes);
    }
  }

  /**
   * @param maxDecodedBytes the largest decompressed body accepted (413 above it)
   */
  public OtlpScanner(int maxDecodedBytes) {
    if (maxDecodedBytes <= 0) {
      throw new IllegalArgumentException("maxDecodedBytes must be > 0, got " + maxDecodedBytes);
    }
    this.maxDecodedBytes = maxDecodedBytes;
    this.perThread = ThreadLocal.withInitial(() -> new PerThread(maxDecodedBytes));
  }

  public int maxDecodedBytes() {
    return maxDecodedBytes;
  }

  /**
   * Refuses, as Mimir does before it reads the body, a {@code Content-Encoding} other than none,
   * {@code gzip}, {@code lz4} and {@code zstd}, then a {@code Content-Type} other than {@code
   * application/x-protobuf} or {@code application/json}.
   *
   * @throws RemoteWriteException {@code UNSUPPORTED_MEDIA_TYPE} (415), with Mimir's message
   */
  public static void checkHeaders(String contentType, String contentEncoding)
      throws RemoteWriteException {
    OtlpBody.encoding(contentEncoding); // newOTLPParser: the encoding first, then the type
    OtlpBody.format(contentType);
  }

  /** Whether an answer to a push sent with {@code contentType} is written as JSON. */
  public static boolean json(String contentType) {
    return OtlpBody.JSON.equals(contentType);
  }

  /**
   * Decompresses and walks {@code body[offset, offset + length)}.
   *
   * @param nowMillis the time the request is judged at (Unix milliseconds)
   * @throws RemoteWriteException {@code UNSUPPORTED_MEDIA_TYPE} for the headers, {@code
   *     DECODED_TOO_LARGE} over the limit, {@code BAD_BODY} when it does not decode
   */
  public WriteRequestStats scan(
      byte[] body,
      int offset,
      int length,
      String contentType,
      String contentEncoding,
      ValidationLimits limits,
      long nowMillis)
      throws RemoteWriteException {
    return scan(body, offset, length, contentType, contentEncoding, limits, nowMillis, "");
  }

  /**
   * {@link #scan(byte[], int, int, String, String, ValidationLimits, long)} for {@code tenant}: the
   * value of {@code __meta_tenant_id} for the tenant's relabeling rules.
   */
  public WriteRequestStats scan(
      byte[] body,
      int offset,
      int length,
      String contentType,
      String contentEncoding,
      ValidationLimits limits,
      long nowMillis,
      String tenant)
      throws RemoteWriteException {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(tenant, "tenant");
    Objects.checkFromIndexSize(offset, length, body.length);
    OtlpBody.Encoding encoding = OtlpBody.encoding(contentEncoding);
    OtlpBody.Format format = OtlpBody.format(contentType);
    PerThread t = perThread.get();
    byte[] in = body;
    int at = offset;
    int n = t.body.decode(body, offset, length, encoding);
    if (encoding != OtlpBody.Encoding.NONE) {
      in = t.body.buffer();
      at = 0;
    }
    t.translation.begin(limits, nowMillis, tenant, format == OtlpBody.Format.JSON);
    if (format == OtlpBody.Format.PROTOBUF) {
      t.proto.walk(in, at, n);
    } else {
      t.json.walk(in, at, n);
    }
    return t.translation.stats(length, n);
  }

  /**
   * Only decompresses (the part of {@link #scan} that is not the walk), for benchmarks.
   *
   * @return the decoded length
   */
  public int decode(byte[] body, int offset, int length, String contentEncoding)
      throws RemoteWriteException {
    return perThread.get().body.decode(body, offset, length, OtlpBody.encoding(contentEncoding));
  }
}
