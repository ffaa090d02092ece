package io.mimiredge.rls.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BoundedBodyTest {
  private final ArrayByteBufferPool.Tracking pool = new ArrayByteBufferPool.Tracking();

  @AfterEach
  void nothingLeaked() {
    assertThat(pool.getLeaks()).as(pool.dumpLeaks()).isEmpty();
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  /** A stream that hands out at most 1000 bytes a read, as a network does. */
  private static InputStream trickle(byte[] b) {
    return new FilterInputStream(new ByteArrayInputStream(b)) {
      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        return super.read(buf, off, Math.min(len, 1000));
      }
    };
  }

  private static byte[] content(BoundedBody b) {
    return Arrays.copyOfRange(b.bytes(), b.offset(), b.offset() + b.length());
  }

  @Test
  void aDeclaredLengthIsReadWhole() throws IOException {
    byte[] body = bytes(5000);
    BoundedBody b = BoundedBody.read(trickle(body), body.length, 10_000, pool);
    assertThat(b.tooLarge()).isFalse();
    assertThat(content(b)).isEqualTo(body);
    b.release();
    b.release(); // a second release does nothing
  }

  @Test
  void aChunkedBodyGrowsItsBufferAndGivesTheSmallerOnesBack() throws IOException {
    byte[] body = bytes(300_000); // past the first 64 KiB buffer: 64 → 128 → 256 → 512 KiB
    BoundedBody b = BoundedBody.read(trickle(body), -1, 1 << 20, pool);
    assertThat(b.tooLarge()).isFalse();
    assertThat(content(b)).isEqualTo(body);
    assertThat(pool.getLeaks()).hasSize(1); // only the one that holds the body
    b.release();
  }

  @Test
  void aChunkedBodyOverTheLimitIsKnownAfterLimitPlusOneBytes() throws IOException {
    byte[] body = bytes(200_000);
    BoundedBody b = BoundedBody.read(trickle(body), -1, 100_000, pool);
    assertThat(b.tooLarge()).isTrue();
    assertThat(b.length()).isEqualTo(100_001);
    b.release();
  }

  @Test
  void aBodyLongerThanDeclaredIsTooLargeWhenItPassesTheLimit() throws IOException {
    byte[] body = bytes(3000);
    BoundedBody b = BoundedBody.read(trickle(body), 1000, 2000, pool);
    assertThat(b.tooLarge()).isTrue();
    assertThat(b.length()).isEqualTo(2001);
    b.release();
  }

  @Test
  void aBodyOfExactlyTheLimitIsNotTooLarge() throws IOException {
    byte[] body = bytes(2000);
    BoundedBody b = BoundedBody.read(trickle(body), -1, 2000, pool);
    assertThat(b.tooLarge()).isFalse();
    assertThat(content(b)).isEqualTo(body);
    b.release();
  }

  @Test
  void aReadThatFailsGivesTheBufferBack() {
    InputStream broken =
        new InputStream() {
          private int calls;

          @Override
          public int read() {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (calls++ > 0) {
              throw new IOException("connection reset");
            }
            return Math.min(len, 10);
          }
        };
    assertThatThrownBy(() -> BoundedBody.read(broken, -1, 1000, pool))
        .isInstanceOf(IOException.class);
  }
}
