package io.mimiredge.rls.otlp;

import static io.mimiredge.rls.remotewrite.RemoteWriteException.Kind.BAD_BODY;
import static io.mimiredge.rls.remotewrite.RemoteWriteException.Kind.DECODED_TOO_LARGE;
import static io.mimiredge.rls.remotewrite.RemoteWriteException.Kind.UNSUPPORTED_MEDIA_TYPE;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.mimiredge.rls.remotewrite.RemoteWriteException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import net.jpountz.lz4.LZ4FrameInputStream;

/**
 * The HTTP layer of an OTLP/HTTP metrics push as Mimir's distributor reads it ({@code
 * pkg/distributor/otel.go}, {@code OTLPHandler}): which format the {@code Content-Type} names,
 * which compression the {@code Content-Encoding} names, and the decompression itself, bounded
 * <em>while</em> inflating so that a bomb never makes the edge hold more than the limit.
 *
 * <p>Not thread-safe: one per thread (the scanner keeps one per thread), reusing its buffer and its
 * {@link Inflater} for every body.
 */
final class OtlpBody {
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";

  /** The two message formats OTLP/HTTP defines. */
  enum Format {
    PROTOBUF,
    JSON
  }

  /** The compressions Mimir accepts on an OTLP body. */
  enum Encoding {
    NONE,
    GZIP,
    ZSTD,
    LZ4
  }

  private static final byte[] EMPTY = new byte[0];

  private final int maxDecodedBytes;
  private final Inflater inflater = new Inflater(true); // raw deflate: gzip's framing is read here
  private final CRC32 crc = new CRC32();
  private byte[] buf = EMPTY;

  OtlpBody(int maxDecodedBytes) {
    this.maxDecodedBytes = maxDecodedBytes;
  }

  /**
   * The format {@code contentType} names: exactly {@code application/x-protobuf} or {@code
   * application/json}, compared as Mimir compares them (the whole header, so {@code
   * application/json; charset=utf-8} is refused too).
   *
   * @throws RemoteWriteException {@code UNSUPPORTED_MEDIA_TYPE} (a 415) for anything else
   */
  static Format format(String contentType) throws RemoteWriteException {
    if (PROTOBUF.equals(contentType)) {
      return Format.PROTOBUF;
    }
    if (JSON.equals(contentType)) {
      return Format.JSON;
    }
    throw new RemoteWriteException(
        UNSUPPORTED_MEDIA_TYPE,
        "unsupported content type: "
            + (contentType == null ? "" : contentType)
            + ", supported: ["
            + JSON
            + ", "
            + PROTOBUF
            + "]");
  }

  /**
   * The compression {@code contentEncoding} names (null or empty: none).
   *
   * @throws RemoteWriteException {@code UNSUPPORTED_MEDIA_TYPE} (a 415) for anything but {@code
   *     gzip}, {@code lz4} and {@code zstd}
   */
  static Encoding encoding(String contentEncoding) throws RemoteWriteException {
    if (contentEncoding == null || contentEncoding.isEmpty()) {
      return Encoding.NONE;
    }
    return switch (contentEncoding) {
      case "gzip" -> Encoding.GZIP;
      case "lz4" -> Encoding.LZ4;
      case "zstd" -> Encoding.ZSTD;
      default ->
          throw new RemoteWriteException(
              UNSUPPORTED_MEDIA_TYPE,
              "unsupported compression: "
                  + contentEncoding
                  + ". Only \"gzip\", \"lz4\", \"zstd\", or no compression supported");
    };
  }

  /** The buffer {@link #decode} wrote into (valid up to the length it returned). */
  byte[] buffer() {
    return buf;
  }

  /**
   * Decompresses {@code body[offset, offset + length)} into {@link #buffer()}; for {@link
   * Encoding#NONE}, does nothing (the caller walks the body itself).
   *
   * @return the decoded length
   * @throws RemoteWriteException {@code DECODED_TOO_LARGE} as soon as the output would pass the
   *     limit, {@code BAD_BODY} when the body is not valid in its encoding
   */
  int decode(byte[] body, int offset, int length, Encoding encoding) throws RemoteWriteException {
    return switch (encoding) {
      case NONE -> {
        if (length > maxDecodedBytes) {
          throw tooLarge();
        }
        yield length;
      }
      case GZIP -> gunzip(body, offset, length);
      case ZSTD -> {
        try (InputStream in =
            new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(body, offset, length))) {
          yield drain(in, "zstd");
        } catch (IOException e) {
          throw bad("zstd", e);
        }
      }
      case LZ4 -> {
        try (InputStream in =
            new LZ4FrameInputStream(new ByteArrayInputStream(body, offset, length))) {
          yield drain(in, "lz4");
        } catch (IOException | RuntimeException e) {
          throw bad("lz4", e);
        }
      }
    };
  }

  /** Reads {@code in} to its end into the buffer, never past the limit. */
  private int drain(InputStream in, String what) throws IOException, RemoteWriteException {
    int n = 0;
    while (true) {
      if (n == buf.length && !grow(n)) {
        // full at the limit: one more byte means too large
        if (in.read() < 0) {
          return n;
        }
        throw tooLarge();
      }
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) {
        return n;
      }
      n += r;
    }
  }

  /**
   * Grows the buffer (doubling, from 64 KiB, capped at the limit) when it is full at {@code used}
   * bytes; false when it is already at the limit.
   */
  private boolean grow(int used) {
    if (buf.length >= maxDecodedBytes) {
      return false;
    }
    int size = (int) Math.min(maxDecodedBytes, Math.max(64 * 1024, 2L * buf.length));
    byte[] bigger = new byte[size];
    System.arraycopy(buf, 0, bigger, 0, used);
    buf = bigger;
    return true;
  }

  /**
   * gzip (RFC 1952) as Go's {@code compress/gzip} reader reads it: one or more members, each a
   * header (its optional extra field, name, comment and header CRC skipped), raw deflate data, and
   * a trailer whose CRC-32 and size are checked.
   */
  private int gunzip(byte[] body, int offset, int length) throws RemoteWriteException {
    int end = offset + length;
    int p = offset;
    int n = 0;
    boolean first = true;
    while (first || p < end) {
      p = gzipHeader(body, p, end);
      first = false;
      inflater.reset();
      crc.reset();
      inflater.setInput(body, p, end - p);
      int memberStart = n;
      try {
        while (!inflater.finished()) {
          if (n == buf.length && !grow(n)) {
            byte[] one = new byte[1];
            if (inflater.inflate(one) > 0 || !inflater.finished() && !inflater.needsInput()) {
              throw tooLarge();
            }
            if (!inflater.finished()) {
              throw new RemoteWriteException(BAD_BODY, "gzip: unexpected EOF");
            }
            break;
          }
          int r = inflater.inflate(buf, n, buf.length - n);
          n += r;
          if (r == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
            throw new RemoteWriteException(BAD_BODY, "gzip: unexpected EOF");
          }
        }
      } catch (DataFormatException e) {
        throw new RemoteWriteException(
            BAD_BODY, "gzip: invalid deflate data (" + e.getMessage() + ")");
      }
      crc.update(buf, memberStart, n - memberStart);
      p = end - inflater.getRemaining();
      if (end - p < 8) {
        throw new RemoteWriteException(BAD_BODY, "gzip: unexpected EOF");
      }
      long sum = le32(body, p);
      long size = le32(body, p + 4);
      p += 8;
      if (sum != crc.getValue() || size != ((n - memberStart) & 0xffff_ffffL)) {
        throw new RemoteWriteException(BAD_BODY, "gzip: invalid checksum");
      }
    }
    return n;
  }

  /** Reads one gzip member header at {@code p}; returns where its deflate data starts. */
  private static int gzipHeader(byte[] b, int p, int end) throws RemoteWriteException {
    if (end - p < 10) {
      throw new RemoteWriteException(
          BAD_BODY, p == end ? "gzip: empty body" : "gzip: unexpected EOF in the header");
    }
    if ((b[p] & 0xff) != 0x1f || (b[p + 1] & 0xff) != 0x8b || b[p + 2] != 8) {
      throw new RemoteWriteException(BAD_BODY, "gzip: invalid header");
    }
    int flags = b[p + 3] & 0xff;
    int q = p + 10;
    if ((flags & 0x04) != 0) { // FEXTRA
      if (end - q < 2) {
        throw new RemoteWriteException(BAD_BODY, "gzip: unexpected EOF in the header");
      }
      q += 2 + ((b[q] & 0xff) | (b[q + 1] & 0xff) << 8);
    }
    for (int f : new int[] {0x08, 0x10}) { // FNAME, FCOMMENT: zero-terminated
      if ((flags & f) != 0) {
        while (q < end && b[q] != 0) {
          q++;
        }
        q++;
      }
    }
    if ((flags & 0x02) != 0) { // FHCRC
      q += 2;
    }
    if (q > end) {
      throw new RemoteWriteException(BAD_BODY, "gzip: unexpected EOF in the header");
    }
    return q;
  }

  private static long le32(byte[] b, int p) {
    return (b[p] & 0xffL)
        | (b[p + 1] & 0xffL) << 8
        | (b[p + 2] & 0xffL) << 16
        | (b[p + 3] & 0xffL) << 24;
  }

  private RemoteWriteException tooLarge() {
    return new RemoteWriteException(
        DECODED_TOO_LARGE,
        "the decompressed OTLP body is larger than the limit of " + maxDecodedBytes + " bytes");
  }

  private static RemoteWriteException bad(String what, Exception e) {
    return new RemoteWriteException(
        BAD_BODY, what + ": the body does not decompress (" + e.getMessage() + ")");
  }
}
