package io.mimiredge.benchmarks.remotewrite;

import io.mimiredge.benchmarks.requests.Fixtures;
import io.mimiredge.benchmarks.requests.RequestGenerator;
import io.mimiredge.benchmarks.requests.Rw2Encoder;
import java.io.IOException;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.xerial.snappy.Snappy;

/**
 * The request bodies a benchmark walks through, one per operation, round robin.
 *
 * <ul>
 *   <li>{@code fixtures}: all 261 requests captured from Prometheus in {@code
 *       testdata/remote-write}, in file order, so one operation is the average real request (9–500
 *       series, metadata-only requests, exemplars, native histograms, the 2000-byte label value).
 *   <li>a number N: {@value #GENERATED_VARIANTS} generated requests of exactly N series each
 *       (different seeds, so the branch predictor cannot learn one body).
 * </ul>
 */
@State(Scope.Thread)
public class RequestBodies {

  /** Distinct generated bodies per size. */
  public static final int GENERATED_VARIANTS = 4;

  /** {@code fixtures}, or the number of series of the generated requests. */
  @Param({"fixtures", "500", "2000", "10000"})
  public String request;

  private byte[][] bodies;
  private byte[][] rw2Bodies; // the same requests as remote write 2.0
  private int maxDecodedBytes;
  private int next;

  /** Loads or generates the bodies; runs once per trial, outside the measurement. */
  @Setup(Level.Trial)
  public void load() throws IOException {
    if (request.equals("fixtures")) {
      bodies = Fixtures.bodies().toArray(new byte[0][]);
    } else {
      int series = Integer.parseInt(request);
      bodies = new byte[GENERATED_VARIANTS][];
      for (int i = 0; i < GENERATED_VARIANTS; i++) {
        bodies[i] = new RequestGenerator(i + 1).body(series);
      }
    }
    rw2Bodies = new byte[bodies.length][];
    for (int i = 0; i < bodies.length; i++) {
      rw2Bodies[i] =
          Snappy.compress(
              Rw2Encoder.encode(
                  io.mimiredge.benchmarks.prompb.WriteRequest.parseFrom(
                      Snappy.uncompress(bodies[i]))));
    }
    maxDecodedBytes = 0;
    for (byte[] body : bodies) {
      maxDecodedBytes = Math.max(maxDecodedBytes, Snappy.uncompressedLength(body));
    }
    next = 0;
  }

  /** The next body, round robin. */
  public byte[] next() {
    byte[] body = bodies[next];
    next = next + 1 == bodies.length ? 0 : next + 1;
    return body;
  }

  /** The next body as remote write 2.0 (the same requests, {@link Rw2Encoder}), round robin. */
  public byte[] nextRw2() {
    byte[] body = rw2Bodies[next];
    next = next + 1 == bodies.length ? 0 : next + 1;
    return body;
  }

  /** Starts the round robin again at the first body (for tests). */
  void rewind() {
    next = 0;
  }

  /** The largest decoded (protobuf) size among the bodies. */
  public int maxDecodedBytes() {
    return maxDecodedBytes;
  }

  /** How many distinct bodies {@link #next()} cycles through. */
  public int count() {
    return bodies.length;
  }
}
