package io.mimiredge.benchmarks.remotewrite;

import java.io.IOException;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.xerial.snappy.Snappy;

/**
 * Snappy decoding with snappy-java into one reused buffer, for the full-parse baseline: the parse
 * then pays only for itself, not for a fresh decoded array.
 */
@State(Scope.Thread)
public class NaiveDecoder {

  private byte[] buffer;

  /** Sizes the buffer for the largest body of the trial. */
  @Setup(Level.Trial)
  public void allocate(RequestBodies requests) {
    buffer = new byte[requests.maxDecodedBytes()];
  }

  /** Decodes {@code body} into {@link #buffer()}; returns the decoded length. */
  public int decode(byte[] body) throws IOException {
    return Snappy.uncompress(body, 0, body.length, buffer, 0);
  }

  /** The decoded bytes of the last {@link #decode(byte[])}, from offset 0. */
  public byte[] buffer() {
    return buffer;
  }
}
