package io.mimiredge.rls.remotewrite;

/**
 * UTF-8 as Go reads it (package {@code unicode/utf8}): what {@code utf8.ValidString} accepts (no
 * overlong forms, no surrogates, nothing above U+10FFFF) and how {@code utf8.RuneCountInString}
 * counts (each byte of an invalid sequence is one rune); the same strict UTF-8 protobuf checks its
 * strings against. Stateless.
 */
public final class Utf8 {
  private Utf8() {}

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

  /** Whether {@code b[from, to)} is valid UTF-8: ASCII first, eight bytes at a time. */
  public static boolean valid(byte[] b, int from, int to) {
    return ascii(b, from, to) || validSequences(b, from, to);
  }

  /**
   * Whether {@code b[from, to)} is all ASCII: its bytes OR-ed a word at a time, no branch. A range
   * of eight bytes or more ends with one word read over its last eight (overlapping what was read:
   * OR does not mind), not a byte at a time.
   */
  static boolean ascii(byte[] b, int from, int to) {
    long or = 0;
    if (to - from >= 8) {
      for (int i = from; i < to - 8; i += 8) {
        or |= (long) LONGS.get(b, i);
      }
      or |= (long) LONGS.get(b, to - 8);
    } else {
      for (int i = from; i < to; i++) {
        or |= b[i];
      }
    }
    return (or & HIGH_BITS) == 0;
  }

  private static boolean validSequences(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      if (b[i] >= 0) {
        i++;
        continue;
      }
      int width = sequence(b, i, to);
      if (width == 0) {
        return false;
      }
      i += width;
    }
    return true;
  }

  /**
   * {@code b[at, at + n)} as a string that keeps its invalid UTF-8: each byte of an invalid
   * sequence (a rune of its own when Go ranges over it) becomes the lone surrogate U+DC80..U+DCFF
   * that stands for it (Python's "surrogateescape"). No valid UTF-8 decodes to a lone surrogate, so
   * {@link #escapedBytes} gives the bytes back exactly.
   */
  public static String decodeEscaped(byte[] b, int at, int n) {
    StringBuilder s = new StringBuilder(n);
    int i = at;
    int to = at + n;
    while (i < to) {
      if (b[i] >= 0) {
        s.append((char) b[i++]);
        continue;
      }
      int width = sequence(b, i, to);
      if (width == 0) {
        s.append((char) (0xDC00 + (b[i] & 0xff)));
        i++;
      } else {
        s.append(new String(b, i, width, java.nio.charset.StandardCharsets.UTF_8));
        i += width;
      }
    }
    return s.toString();
  }

  /**
   * Go's order of two strings, bytewise over their UTF-8 ({@link #escapedBytes}: an escaped byte is
   * the byte it stands for); by code point, which is that order, until an escaped byte differs.
   */
  public static int compareAsGo(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        if (escapedByte(x) < 0 && escapedByte(y) < 0) {
          return Integer.compare(x, y);
        }
        return java.util.Arrays.compareUnsigned(
            escapedBytes(a.substring(i)), escapedBytes(b.substring(j)));
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** The byte a code point stands for in a {@link #decodeEscaped} string, -1 for none. */
  public static int escapedByte(int codePoint) {
    return codePoint >= 0xDC80 && codePoint <= 0xDCFF ? codePoint - 0xDC00 : -1;
  }

  /** A string's bytes: UTF-8, each escaped byte ({@link #decodeEscaped}) as itself. */
  public static byte[] escapedBytes(String s) {
    java.io.ByteArrayOutputStream out = null;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      if (escapedByte(c) >= 0) {
        out = new java.io.ByteArrayOutputStream(s.length() + 8);
        break;
      }
      i += Character.charCount(c);
    }
    if (out == null) {
      return s.getBytes(java.nio.charset.StandardCharsets.UTF_8); // nothing escaped
    }
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      int e = escapedByte(c);
      if (e >= 0) {
        out.write(e);
      } else {
        byte[] u =
            new String(Character.toChars(c)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.write(u, 0, u.length);
      }
      i += Character.charCount(c);
    }
    return out.toByteArray();
  }

  /**
   * How many bytes Go's {@code range} over a string advances at {@code b[i]} (before {@code to}): a
   * valid sequence's length, 1 for an ASCII byte and for each byte of an invalid sequence.
   */
  public static int width(byte[] b, int i, int to) {
    if (b[i] >= 0) {
      return 1;
    }
    int w = sequence(b, i, to);
    return w == 0 ? 1 : w;
  }

  /** Runes in {@code b[at, at + n)}, counting each byte of an invalid sequence as one. */
  static int runeCount(byte[] b, int at, int n) {
    int runes = 0;
    int i = at;
    int to = at + n;
    while (i < to) {
      if (b[i] >= 0) {
        i++;
      } else {
        int width = sequence(b, i, to);
        i += width == 0 ? 1 : width;
      }
      runes++;
    }
    return runes;
  }

  /**
   * The length of the valid multi-byte sequence starting at {@code b[i]}, or 0 if there is none.
   */
  private static int sequence(byte[] b, int i, int to) {
    int first = b[i] & 0xff;
    int width;
    int low = 0x80; // the range of the second byte (the first continuation byte)
    int high = 0xbf;
    if (first >= 0xc2 && first <= 0xdf) {
      width = 2;
    } else if (first >= 0xe0 && first <= 0xef) {
      width = 3;
      if (first == 0xe0) {
        low = 0xa0; // overlong
      } else if (first == 0xed) {
        high = 0x9f; // surrogates
      }
    } else if (first >= 0xf0 && first <= 0xf4) {
      width = 4;
      if (first == 0xf0) {
        low = 0x90; // overlong
      } else if (first == 0xf4) {
        high = 0x8f; // above U+10FFFF
      }
    } else {
      return 0;
    }
    if (to - i < width) {
      return 0;
    }
    int second = b[i + 1] & 0xff;
    if (second < low || second > high) {
      return 0;
    }
    for (int k = 2; k < width; k++) {
      int c = b[i + k] & 0xff;
      if (c < 0x80 || c > 0xbf) {
        return 0;
      }
    }
    return width;
  }
}
