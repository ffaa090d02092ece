package io.mimiredge.rls.upstream;

import java.util.List;

/**
 * Where admitted pushes go (the Mimir distributor). Implementations are thread-safe and never throw
 * for the upstream's failures: an unreachable or slow upstream is an {@link UpstreamResponse} with
 * its {@link UpstreamResponse.Outcome}.
 */
public interface Upstream {
  /**
   * Sends {@code body[0, length)} to the upstream's {@code pathAndQuery} with {@code headers}
   * (end-to-end headers only; the caller has dropped hop-by-hop ones) and waits for the answer.
   */
  UpstreamResponse forward(String pathAndQuery, List<Header> headers, byte[] body, int length);

  /** One HTTP header field. */
  record Header(String name, String value) {}
}
