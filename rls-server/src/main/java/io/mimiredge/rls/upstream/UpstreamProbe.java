package io.mimiredge.rls.upstream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether the upstream accepts TCP connections, by opening one. {@link #cached()} reuses a result
 * for a few seconds so that health polling does not hammer the upstream; {@link #checkNow()} always
 * connects. Thread-safe.
 */
public final class UpstreamProbe {
  /**
   * One check's result.
   *
   * @param reachable whether a connection was opened
   * @param checkedAt when
   * @param error why not; null when reachable
   */
  public record Result(boolean reachable, Instant checkedAt, String error) {}

  private final URI uri;
  private final Duration connectTimeout;
  private final Duration cacheFor;
  private final Clock clock;
  private volatile Result last;

  public UpstreamProbe(URI uri, Duration connectTimeout, Duration cacheFor, Clock clock) {
    this.uri = Objects.requireNonNull(uri, "uri");
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("upstream URL has no host: " + uri);
    }
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    this.cacheFor = Objects.requireNonNull(cacheFor, "cacheFor");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public URI uri() {
    return uri;
  }

  /** The last result if younger than the cache time, else a new check. */
  public Result cached() {
    Result r = last;
    if (r != null && clock.instant().isBefore(r.checkedAt().plus(cacheFor))) {
      return r;
    }
    return checkNow();
  }

  /** Connects now. */
  public Result checkNow() {
    int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    Result r;
    try (Socket s = new Socket()) {
      s.connect(
          new InetSocketAddress(uri.getHost(), port),
          (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.toMillis())));
      r = new Result(true, clock.instant(), null);
    } catch (IOException e) {
      r =
          new Result(
              false,
              clock.instant(),
              "cannot connect to " + uri.getHost() + ":" + port + ": " + e.getMessage());
    }
    last = r;
    return r;
  }
}
