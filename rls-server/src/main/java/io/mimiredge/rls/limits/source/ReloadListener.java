package io.mimiredge.rls.limits.source;

import io.mimiredge.rls.limits.Overrides;
import java.time.Instant;
import java.util.List;

/** Told about every load of a limits source (metrics). Implementations must be thread-safe. */
public interface ReloadListener {
  ReloadListener NONE =
      new ReloadListener() {
        @Override
        public void loaded(Instant at, Overrides overrides) {}

        @Override
        public void failed(Instant at, List<String> problems) {}
      };

  /** New overrides are in force. */
  void loaded(Instant at, Overrides overrides);

  /** A load failed; the last good overrides stay in force. */
  void failed(Instant at, List<String> problems);
}
