package io.mimiredge.edgectl.gate;

import java.io.IOException;
import java.time.Duration;

/**
 * A place gate readings come from (the RLS overview, Prometheus). Implementations are thread-safe.
 */
public interface GateSource {
  String name();

  /** Readings over the last {@code window}; throws when the source cannot be read. */
  Readings read(Duration window) throws IOException;
}
