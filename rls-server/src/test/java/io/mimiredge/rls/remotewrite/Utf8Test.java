package io.mimiredge.rls.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Utf8}'s checks on every range shape its word-at-a-time reads meet. */
class Utf8Test {
  /**
   * A byte with its high bit set anywhere in a range, of any length and offset, is found, and
   * nothing outside the range is looked at.
   */
  @Test
  void asciiFindsAHighByteAtEveryPositionOfEveryRange() {
    for (int from = 0; from < 9; from++) {
      for (int length = 0; length <= 40; length++) {
        byte[] b = new byte[from + length + 9];
        Arrays.fill(b, (byte) 0x80); // outside the range: not ASCII
        Arrays.fill(b, from, from + length, (byte) 'a');
        assertThat(Utf8.ascii(b, from, from + length))
            .as("from %d, %d ASCII bytes", from, length)
            .isTrue();
        for (int at = from; at < from + length; at++) {
          b[at] = (byte) 0xc3;
          assertThat(Utf8.ascii(b, from, from + length))
              .as("from %d, length %d, 0xc3 at %d", from, length, at)
              .isFalse();
          b[at] = (byte) 'a';
        }
      }
    }
  }

  /**
   * Go's utf8.ValidString and Java's strict decoder refuse the same bytes (overlong, surrogates, >
   * U+10FFFF).
   */
  @Test
  void validAgreesWithAStrictDecoderOnRandomBytes() {
    Random random = new Random(7);
    byte[] alphabet = {
      'a',
      0x7f,
      (byte) 0xc2,
      (byte) 0xc0,
      (byte) 0xa9,
      (byte) 0x80,
      (byte) 0xbf,
      (byte) 0xe0,
      (byte) 0xed,
      (byte) 0xa0,
      (byte) 0xf0,
      (byte) 0xf4,
      (byte) 0x90,
      (byte) 0x8f,
      (byte) 0xf5,
      (byte) 0xff
    };
    for (int n = 0; n < 200_000; n++) {
      byte[] b = new byte[random.nextInt(20)];
      for (int i = 0; i < b.length; i++) {
        b[i] = random.nextInt(3) == 0 ? (byte) 'x' : alphabet[random.nextInt(alphabet.length)];
      }
      assertThat(Utf8.valid(b, 0, b.length))
          .as("%s", Arrays.toString(b))
          .isEqualTo(ReferenceDecoder.validUtf8(b));
    }
  }
}
