package io.mimiredge.rls.internal;

import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;

/**
 * The pool request bodies are read into, on every door (HTTP pushes, Envoy's {@code Check}s): heap
 * buffers in power-of-two sizes up to {@link #POOLED_BYTES} (a larger body gets an array of its
 * own), keeping at most {@link #IDLE_BYTES} of idle buffers. What is in use at once is bounded by
 * the doors' own concurrency limits and message sizes, not by the pool. Jetty's {@link
 * ArrayByteBufferPool}: thread-safe.
 */
public final class BodyPool {
  /** The largest pooled buffer. */
  public static final int POOLED_BYTES = 16 << 20;

  /** The most idle buffers a pool keeps, in bytes. */
  public static final long IDLE_BYTES = 64L << 20;

  private BodyPool() {}

  /** A new pool. */
  public static ByteBufferPool create() {
    return new ArrayByteBufferPool.Quadratic(0, POOLED_BYTES, Integer.MAX_VALUE, IDLE_BYTES, 0);
  }
}
