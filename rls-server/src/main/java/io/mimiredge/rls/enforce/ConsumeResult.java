package io.mimiredge.rls.enforce;

/**
 * What one {@link BucketStore#tryConsume} did. Immutable.
 *
 * @param consumed whether all requested tokens were taken (otherwise none were)
 * @param remainingTokens tokens left in the bucket afterwards
 * @param nanosToWait 0 when consumed; otherwise how long until the request would fit, {@link
 *     Long#MAX_VALUE} when it never can (more tokens than the bucket holds)
 */
public record ConsumeResult(boolean consumed, long remainingTokens, long nanosToWait) {

  /** Whether waiting can ever make the request fit. */
  public boolean canEverFit() {
    return nanosToWait != Long.MAX_VALUE;
  }
}
