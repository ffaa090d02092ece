package io.mimiredge.rls.upstream;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where admitted pushes go (the Mimir distributor). Implementations are thread-safe and never fail
 * for the upstream's failures: an unreachable or slow upstream is an {@link UpstreamResponse} with
 * its {@link UpstreamResponse.Outcome}.
 */
public interface Upstream {
  /**
   * Sends {@code body[offset, offset + length)} to the upstream's {@code pathAndQuery} with {@code
   * headers} (end-to-end headers only; the caller has dropped hop-by-hop ones) without waiting: the
   * future completes (normally, always) with the answer, on a thread of the upstream's. The caller
   * must not change {@code body} until then.
   */
  CompletableFuture<UpstreamResponse> forwardAsync(
      String pathAndQuery, List<Header> headers, byte[] body, int offset, int length);

  /** One HTTP header field. */
  record Header(String name, String value) {}
}
