package io.mimiredge.rls.remotewrite;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings decoded from UTF-8 bytes, remembered by their bytes: label names and values repeat from
 * series to series and request to request, so a walk that needs them as strings (relabeling) makes
 * each once. Direct-mapped: a new string takes the slot of the one before it there. Not
 * thread-safe: one per walk.
 */
public final class StringCache {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int SLOTS = 4096; // a power of two: the hash's top 12 bits
  private static final int MAX_BYTES = 256; // longer ones are decoded each time

  private final byte[][] bytes = new byte[SLOTS][];
  private final String[] strings = new String[SLOTS];

  /** The string of {@code b[at, at + n)}, decoded as Java decodes UTF-8. */
  public String get(byte[] b, int at, int n) {
    if (n > MAX_BYTES) {
      return new String(b, at, n, StandardCharsets.UTF_8);
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
    String s = new String(b, at, n, StandardCharsets.UTF_8);
    bytes[slot] = Arrays.copyOfRange(b, at, at + n);
    strings[slot] = s;
    return s;
  }
}
