package io.mimiredge.rls.enforce.internal;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.mimiredge.rls.enforce.ConsumeResult;

/** Taking tokens from a bucket4j bucket the way every state store does. */
public final class Consumption {
  private Consumption() {}

  /**
   * Takes {@code tokens} from {@code bucket} (all or none). bucket4j refuses 0 tokens, which always
   * fits, and more than the bucket's {@code capacity} never fits: both are answered without asking
   * it to consume.
   */
  public static ConsumeResult tryConsume(Bucket bucket, long tokens, long capacity) {
    if (tokens == 0 || tokens > capacity) {
      long available = bucket.getAvailableTokens();
      return tokens == 0
          ? new ConsumeResult(true, available, 0)
          : new ConsumeResult(false, available, Long.MAX_VALUE);
    }
    ConsumptionProbe p = bucket.tryConsumeAndReturnRemaining(tokens);
    return new ConsumeResult(
        p.isConsumed(), p.getRemainingTokens(), p.isConsumed() ? 0 : p.getNanosToWaitForRefill());
  }
}
