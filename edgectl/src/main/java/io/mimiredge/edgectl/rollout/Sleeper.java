package io.mimiredge.edgectl.rollout;

import java.time.Duration;

/** Waiting, injected so tests do not wait for real. */
@FunctionalInterface
public interface Sleeper {
  Sleeper REAL = d -> Thread.sleep(d.toMillis());

  void sleep(Duration d) throws InterruptedException;
}
