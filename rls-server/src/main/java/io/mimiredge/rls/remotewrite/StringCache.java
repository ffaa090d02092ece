package io.mimiredge.rls.remotewrite;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings decoded from UTF-8 bytes ({@link Utf8#decodeEscaped}: a byte of invalid UTF-8 is kept as
 * the lone surrogate that stands for it, so a rule hashes and copies the bytes Go does), remembered
 * by their bytes: label names and values repeat from series to series and request to request, so a
 * walk that needs them as strings (relabeling) makes each once. Direct-mapped: a new string takes
 * the slot of the one before it there. Not thread-safe: one per walk.
 */
public final class StringCache {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int SLOTS = 4096; // a power of two: the hash's top 12 bits
  private static final int MAX_BYTES = 256; // longer ones are decoded each time

  private final byte[][] bytes = new byte[SLOTS][];
  private final String[] strings = new String[SLOTS];

  /** The string of {@code b[at, at + n)}, invalid UTF-8 kept ({@link Utf8#decodeEscaped}). */
  public String get(byte[] b, int at, int n) {
    if (n > MAX_BYTES) {
      return decode(b, at, n);
    }
    long h = n;
    int i = at;
    for (; i + 8 <= at + n; i += 8) { // a word at a time
      h = (h ^ (long) LONGS.get(b, i)) * 0x9E37_79B9_7F4A_7C15L;
    }
    for (; i < at + n; i++) {
      h = (h ^ b[i]) * 0x9E37_79B9_7F4A_7C15L;
    }
    int slot = (int) (h >>> 52) & (SLOTS - 1);
    byte[] k = bytes[slot];
    if (k != null && Arrays.equals(k, 0, k.length, b, at, at + n)) {
      return strings[slot];
    }
    String s = decode(b, at, n);
    bytes[slot] = Arrays.copyOfRange(b, at, at + n);
    strings[slot] = s;
    return s;
  }

  private static String decode(byte[] b, int at, int n) {
    return Utf8.valid(b, at, at + n)
        ? new String(b, at, n, StandardCharsets.UTF_8)
        : Utf8.decodeEscaped(b, at, n);
  }
}
