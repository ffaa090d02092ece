package io.mimiredge.rls.upstream.jetty;

import static io.mimiredge.rls.internal.Checks.positive;

import io.dropwizard.lifecycle.Managed;
import io.mimiredge.rls.upstream.Upstream;
import io.mimiredge.rls.upstream.UpstreamObserver;
import io.mimiredge.rls.upstream.UpstreamResponse;
import io.mimiredge.rls.upstream.UpstreamResponse.Outcome;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.eclipse.jetty.client.ByteBufferRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Forwards pushes with Jetty's HTTP client, asynchronously: pooled keep-alive connections, no
 * content decoding (the answer is relayed as the upstream sent it), no added User-Agent or
 * Accept-Encoding, no redirects, no cookies. Managed: the client starts and stops with the server.
 * Thread-safe.
 */
public final class JettyUpstream implements Upstream, Managed {
  /** Mimir answers pushes with a line of text; anything near this size is not a push answer. */
  private static final int MAX_RESPONSE_BYTES = 16 << 20;

  private final URI base;
  private final Duration timeout;
  private final UpstreamObserver observer;
  private final LongSupplier nanoClock;
  private final HttpClient client;

  private JettyUpstream(Builder b) {
    this.base = b.base;
    this.timeout = b.timeout;
    this.observer = b.observer;
    this.nanoClock = b.nanoClock;
    QueuedThreadPool threads = new QueuedThreadPool(b.maxThreads);
    threads.setName("upstream");
    threads.setDaemon(true);
    this.client = new HttpClient();
    client.setExecutor(threads);
    client.setName("upstream");
    client.setConnectTimeout(b.connectTimeout.toMillis());
    client.setIdleTimeout(b.idleTimeout.toMillis());
    client.setMaxConnectionsPerDestination(b.maxConnections);
    client.setMaxRequestHeadersSize(b.maxRequestHeaderBytes);
    client.setMaxRequestsQueuedPerDestination(Math.max(1024, b.maxConnections * 4));
    client.setFollowRedirects(false);
    client.setUserAgentField(null);
    client.getContentDecoderFactories().clear();
    client.setHttpCookieStore(new HttpCookieStore.Empty()); // a relay keeps no cookies
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void start() throws Exception {
    client.start();
  }

  @Override
  public void stop() throws Exception {
    client.stop();
  }

  @Override
  public CompletableFuture<UpstreamResponse> forwardAsync(
      String pathAndQuery, List<Header> headers, byte[] body, int offset, int length) {
    long start = nanoClock.getAsLong();
    return exchange(pathAndQuery, headers, body, offset, length)
        .thenCompose(
            r ->
                r.outcome() == Outcome.ERROR
                    // Most often a pooled keep-alive connection the distributor had already
                    // closed. Once more, on a fresh connection: a remote write sent twice is
                    // harmless (Mimir ignores the duplicate samples, and Prometheus itself retries
                    // any failed send).
                    ? exchange(pathAndQuery, headers, body, offset, length)
                    : CompletableFuture.completedFuture(r))
        .exceptionally(this::failure) // a bug of ours, not the upstream's: still an answer
        .thenApply(
            r -> {
              observer.exchanged(r.outcome(), r.status(), nanoClock.getAsLong() - start);
              return r;
            });
  }

  private CompletableFuture<UpstreamResponse> exchange(
      String pathAndQuery, List<Header> headers, byte[] body, int offset, int length) {
    String contentType = null;
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase("Content-Type")) {
        contentType = h.value();
      }
    }
    Request request;
    try {
      request =
          client
              .newRequest(targetUri(pathAndQuery))
              .method(HttpMethod.POST)
              .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .headers(
                  fields -> {
                    fields.remove(HttpHeader.ACCEPT_ENCODING);
                    for (Header h : headers) {
                      fields.add(h.name(), h.value());
                    }
                  })
              .body(
                  new ByteBufferRequestContent(contentType, ByteBuffer.wrap(body, offset, length)));
    } catch (RuntimeException e) { // e.g. a path the URI parser refuses
      return CompletableFuture.completedFuture(failure(e));
    }
    return new CompletableResponseListener(request, MAX_RESPONSE_BYTES)
        .send()
        .handle(
            (response, failure) -> {
              if (failure != null) {
                Throwable cause = failure;
                while (cause instanceof CompletionException && cause.getCause() != null) {
                  cause = cause.getCause();
                }
                return failure(cause);
              }
              List<Header> answer = new ArrayList<>(response.getHeaders().size());
              for (HttpField f : response.getHeaders()) {
                answer.add(new Header(f.getName(), f.getValue()));
              }
              return new UpstreamResponse(
                  Outcome.RESPONSE, response.getStatus(), answer, response.getContent());
            });
  }

  /** A request's target and its URI, parsed once while the doors forward to the same one. */
  private record Target(String pathAndQuery, URI uri) {}

  private volatile Target lastTarget = new Target("", null);

  /**
   * {@link #target} as a URI: the one parsed last when the path and query are the same (every push
   * of a door goes to one path), else parsed now (refused as {@link URI#create} refuses it).
   */
  URI targetUri(String pathAndQuery) {
    Target last = lastTarget;
    if (last.uri() != null && last.pathAndQuery().equals(pathAndQuery)) {
      return last.uri();
    }
    URI uri = URI.create(target(pathAndQuery));
    lastTarget = new Target(pathAndQuery, uri);
    return uri;
  }

  /**
   * The base URL with the request's path appended, or, when the base URL has a path of its own
   * (e.g. a Prometheus receiver's {@code /api/v1/write}), exactly that path.
   */
  String target(String pathAndQuery) {
    String path = base.getRawPath();
    if (path == null || path.isEmpty()) {
      return base + pathAndQuery;
    }
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? base.toString() : base + pathAndQuery.substring(q);
  }

  private UpstreamResponse failure(Throwable cause) {
    String target = base.getHost() + (base.getPort() > 0 ? ":" + base.getPort() : "");
    if (cause instanceof TimeoutException || cause instanceof SocketTimeoutException) {
      return UpstreamResponse.failure(
          Outcome.TIMEOUT,
          504,
          "upstream "
              + target
              + " did not answer within "
              + (cause instanceof SocketTimeoutException ? "the connect timeout" : timeout)
              + "\n");
    }
    if (cause instanceof ConnectException
        || cause instanceof UnknownHostException
        || cause instanceof NoRouteToHostException
        || cause instanceof UnresolvedAddressException) {
      return UpstreamResponse.failure(
          Outcome.CONNECT_ERROR,
          502,
          "upstream " + target + " is unreachable: " + describe(cause) + "\n");
    }
    return UpstreamResponse.failure(
        Outcome.ERROR, 502, "upstream " + target + " failed: " + describe(cause) + "\n");
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    // Jetty's messages can be whole connection dumps: only a short one says something useful.
    return message == null || message.length() > 160
        ? t.getClass().getSimpleName()
        : t.getClass().getSimpleName() + ": " + message;
  }

  /** Builds a {@link JettyUpstream}; checks each setting at once. Not thread-safe. */
  public static final class Builder {
    private URI base;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration timeout = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private int maxConnections = 256;
    private int maxRequestHeaderBytes = (1 << 20) + (64 << 10);
    private int maxThreads = 64;
    private UpstreamObserver observer = UpstreamObserver.NONE;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder() {}

    /**
     * Base URL, e.g. {@code http://distributor:8080}, to which request paths are appended; a URL
     * with a path ({@code http://prometheus:9090/api/v1/write}) is used as it is.
     */
    public Builder baseUri(URI uri) {
      Objects.requireNonNull(uri, "uri");
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "upstream URL must be http(s)://host[:port], got " + uri);
      }
      String s = uri.toString();
      this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
      return this;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = positive(d, "connectTimeout");
      return this;
    }

    /** The whole exchange. */
    public Builder timeout(Duration d) {
      this.timeout = positive(d, "timeout");
      return this;
    }

    public Builder idleTimeout(Duration d) {
      this.idleTimeout = positive(d, "idleTimeout");
      return this;
    }

    public Builder maxConnections(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxConnections must be >= 1, got " + n);
      }
      this.maxConnections = n;
      return this;
    }

    /**
     * The largest header block a forward may carry: what the doors read, and room for the headers
     * the edge adds (Jetty's client refuses more, 8 KiB by default). 1 MiB and 64 KiB by default.
     */
    public Builder maxRequestHeaderBytes(int n) {
      if (n < 1024) {
        throw new IllegalArgumentException("maxRequestHeaderBytes must be >= 1024, got " + n);
      }
      this.maxRequestHeaderBytes = n;
      return this;
    }

    public Builder observer(UpstreamObserver o) {
      this.observer = Objects.requireNonNull(o, "observer");
      return this;
    }

    public Builder nanoClock(LongSupplier clock) {
      this.nanoClock = Objects.requireNonNull(clock, "nanoClock");
      return this;
    }

    public JettyUpstream build() {
      if (base == null) {
        throw new IllegalStateException("baseUri is required");
      }
      return new JettyUpstream(this);
    }
  }
}
