package io.mimiredge.benchmarks.load;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A load generator's HTTP/1.1 client for one target that costs far less than what it measures: the
 * request's bytes are put together from pre-encoded parts (request line and fixed headers once per
 * target, the tenant header, the body) into one buffer per connection and written with one call;
 * connections are kept alive and reused most-recent first; each connection has a thread of its own
 * that writes, reads the status line and headers, skips the body ({@code Content-Length} or
 * chunked) and hands the connection back. Per request it allocates only the job that names it, the
 * body's length as text and the response's header lines (small strings); the body is copied once,
 * into the connection's buffer.
 *
 * <p>The JDK's {@code HttpClient} spent 520–730 µs of CPU per push at 1000/s (more than the RLS it
 * measured, on the same two cores); this costs about 100 µs (benchmarks/README, "The load
 * generator's own cost"), and is what {@link LoadGen} uses.
 *
 * <p>A response is an error when its status is not 2xx (the status is its key), when no answer
 * comes within the request timeout ({@code timeout}) or when the connection fails (the exception's
 * class name, e.g. {@code ConnectException}). A request written on a reused connection that the
 * server had closed meanwhile (its idle timeout) is sent once more on a new one, as browsers and
 * HTTP clients do; nothing else is retried.
 */
public final class RawHttpTarget implements AutoCloseable {

  private final String host;
  private final int port;
  private final SSLContext tls;
  private final int timeoutMillis;
  private final byte[] head;
  private final Deque<Connection> idle = new ConcurrentLinkedDeque<>();
  private final List<Connection> all = new CopyOnWriteArrayList<>();
  private final AtomicInteger opened = new AtomicInteger();
  private volatile boolean closed;

  /**
   * A client for {@code url} ({@code http} or {@code https}), whose requests are {@code POST}s with
   * {@code headers} (each {@code "Name: value"}) besides Host, the tenant and Content-Length.
   *
   * @param tls the TLS context for {@code https} targets (ignored for {@code http})
   */
  public RawHttpTarget(URI url, List<String> headers, SSLContext tls, Duration timeout) {
    boolean https = "https".equalsIgnoreCase(url.getScheme());
    if (!https && !"http".equalsIgnoreCase(url.getScheme())) {
      throw new IllegalArgumentException("not an http(s) URL: " + url);
    }
    this.host = url.getHost();
    this.port = url.getPort() > 0 ? url.getPort() : (https ? 443 : 80);
    this.tls = https ? tls : null;
    if (https && tls == null) {
      throw new IllegalArgumentException(url + " needs a TLS context");
    }
    this.timeoutMillis = Math.toIntExact(Math.max(1, timeout.toMillis()));
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    StringBuilder h = new StringBuilder();
    h.append("POST ").append(path).append(" HTTP/1.1\r\n");
    h.append("Host: ").append(url.getRawAuthority()).append("\r\n");
    for (String header : headers) {
      h.append(header).append("\r\n");
    }
    this.head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** How many connections it has opened so far (a reused connection counts once). */
  public int connectionsOpened() {
    return opened.get();
  }

  /**
   * Sends {@code body} for {@code tenant} (the {@code X-Scope-OrgID} header; null for none) and
   * returns at once; {@code done} gets null for a 2xx answer or the error's key, once, on the
   * connection's thread. The caller bounds how many are in flight (one connection each).
   */
  public void send(byte[] tenant, byte[] body, Consumer<String> done) {
    if (closed) {
      done.accept("closed");
      return;
    }
    Connection c = idle.pollFirst();
    if (c == null) {
      c = new Connection(all.size() + 1);
      all.add(c);
    }
    c.jobs.add(new Job(tenant, body, done));
  }

  @Override
  public void close() {
    closed = true;
    for (Connection c : all) {
      c.stop();
    }
  }

  private record Job(byte[] tenant, byte[] body, Consumer<String> done) {}

  private static final Job STOP = new Job(null, null, null);
  private static final byte[] TENANT = "X-Scope-OrgID: ".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] LENGTH = "Content-Length: ".getBytes(StandardCharsets.ISO_8859_1);

  /** One kept-alive connection and the thread that serves it. */
  private final class Connection implements Runnable {
    final BlockingQueue<Job> jobs = new ArrayBlockingQueue<>(2);
    private final Thread thread;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private byte[] request = new byte[64 * 1024];
    private final byte[] buffer = new byte[16 * 1024];
    private int start; // unread bytes of the buffer: [start, end)
    private int end;
    private boolean keepAlive;
    private boolean answered; // a byte of this request's response has come

    Connection(int n) {
      thread = new Thread(this, "loadgen-conn-" + host + ":" + port + "-" + n);
      thread.setDaemon(true);
      thread.start();
    }

    void stop() {
      jobs.offer(STOP);
      thread.interrupt();
    }

    @Override
    public void run() {
      try {
        while (true) {
          Job job = jobs.take();
          if (job == STOP) {
            break;
          }
          String outcome = exchange(job);
          idle.offerFirst(this); // back before the caller hears: its next send finds it
          job.done().accept(outcome);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        disconnect();
      }
    }

    private String exchange(Job job) {
      int length = encode(job);
      for (int attempt = 0; ; attempt++) {
        boolean reused = socket != null;
        try {
          if (socket == null) {
            connect();
          }
          answered = false;
          out.write(request, 0, length);
          out.flush();
          int status = readResponse();
          if (!keepAlive) {
            disconnect();
          }
          return status / 100 == 2 ? null : String.valueOf(status);
        } catch (SocketTimeoutException e) {
          disconnect();
          return "timeout";
        } catch (IOException e) {
          disconnect();
          // the server closed an idle kept-alive connection before answering: once more on a new
          // one
          if (reused && attempt == 0 && !answered) {
            continue;
          }
          return e.getClass().getSimpleName();
        }
      }
    }

    /** The request's bytes into {@link #request}; returns their length. */
    private int encode(Job job) {
      byte[] len = Integer.toString(job.body().length).getBytes(StandardCharsets.ISO_8859_1);
      int tenantLength = job.tenant() == null ? 0 : TENANT.length + job.tenant().length + 2;
      int n = head.length + tenantLength + LENGTH.length + len.length + 4 + job.body().length;
      if (request.length < n) {
        request = new byte[Math.max(n, request.length * 2)];
      }
      int p = put(head, 0);
      if (job.tenant() != null) {
        p = put(TENANT, p);
        p = put(job.tenant(), p);
        p = crlf(p);
      }
      p = put(LENGTH, p);
      p = put(len, p);
      p = crlf(p);
      p = crlf(p);
      return put(job.body(), p);
    }

    private int put(byte[] bytes, int at) {
      System.arraycopy(bytes, 0, request, at, bytes.length);
      return at + bytes.length;
    }

    private int crlf(int at) {
      request[at] = '\r';
      request[at + 1] = '\n';
      return at + 2;
    }

    private void connect() throws IOException {
      Socket s = tls != null ? tls.getSocketFactory().createSocket() : new Socket();
      try {
        s.setTcpNoDelay(true);
        s.setSoTimeout(timeoutMillis);
        s.connect(new InetSocketAddress(host, port), timeoutMillis);
        if (s instanceof SSLSocket ssl) {
          var params = ssl.getSSLParameters();
          params.setEndpointIdentificationAlgorithm("HTTPS"); // the host name is verified
          ssl.setSSLParameters(params);
          ssl.startHandshake();
        }
        in = s.getInputStream();
        out = s.getOutputStream();
        socket = s;
        start = end = 0;
        opened.incrementAndGet();
      } catch (IOException e) {
        s.close();
        throw e;
      }
    }

    private void disconnect() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing is all we wanted
        }
        socket = null;
      }
    }

    /** Reads one response (its status line, headers and body); returns the status. */
    private int readResponse() throws IOException {
      String statusLine = line();
      // "HTTP/1.1 204 No Content"
      if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
        throw new IOException("not an HTTP/1.x status line: " + statusLine);
      }
      int status = Integer.parseInt(statusLine.substring(9, 12));
      keepAlive = statusLine.startsWith("HTTP/1.1");
      long contentLength = -1;
      boolean chunked = false;
      for (String header; !(header = line()).isEmpty(); ) {
        int colon = header.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = header.substring(0, colon).trim();
        String value = header.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Content-Length")) {
          contentLength = Long.parseLong(value);
        } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
          chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
        } else if (name.equalsIgnoreCase("Connection")) {
          if (value.equalsIgnoreCase("close")) {
            keepAlive = false;
          } else if (value.equalsIgnoreCase("keep-alive")) {
            keepAlive = true;
          }
        }
      }
      if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
        return status;
      }
      if (chunked) {
        for (long size; (size = Long.parseLong(chunkSize(line()), 16)) > 0; ) {
          skip(size);
          line(); // the CRLF after the chunk
        }
        while (!line().isEmpty()) {
          // trailers
        }
      } else if (contentLength >= 0) {
        skip(contentLength);
      } else {
        // the body lasts until the server closes
        while (fill()) {
          start = end;
        }
        keepAlive = false;
      }
      return status;
    }

    private String chunkSize(String line) {
      int semicolon = line.indexOf(';');
      return (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
    }

    /** The next line without its CRLF (header lines are short; allocating them is cheap). */
    private String line() throws IOException {
      StringBuilder sb = null;
      while (true) {
        for (int i = start; i < end; i++) {
          if (buffer[i] == '\n') {
            int stop = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
            String part = new String(buffer, start, stop - start, StandardCharsets.ISO_8859_1);
            start = i + 1;
            if (sb == null) {
              return part;
            }
            // a CR at the end of the previous part belongs to this line's CRLF
            if (part.isEmpty() && sb.length() > 0 && sb.charAt(sb.length() - 1) == '\r') {
              sb.setLength(sb.length() - 1);
            }
            return sb.append(part).toString();
          }
        }
        if (sb == null) {
          sb = new StringBuilder();
        }
        sb.append(new String(buffer, start, end - start, StandardCharsets.ISO_8859_1));
        if (sb.length() > 64 * 1024) {
          throw new IOException("a response line longer than 64 KiB");
        }
        start = end;
        if (!fill()) {
          throw new EOFException("the connection closed mid-response");
        }
      }
    }

    private void skip(long n) throws IOException {
      while (n > 0) {
        if (start == end && !fill()) {
          throw new EOFException("the connection closed mid-body");
        }
        int take = (int) Math.min(n, end - start);
        start += take;
        n -= take;
      }
    }

    /** Reads more into the buffer (after compacting it); false at the end of the stream. */
    private boolean fill() throws IOException {
      if (start == end) {
        start = end = 0;
      }
      if (end == buffer.length) {
        System.arraycopy(buffer, start, buffer, 0, end - start);
        end -= start;
        start = 0;
      }
      int n = in.read(buffer, end, buffer.length - end);
      if (n < 0) {
        return false;
      }
      end += n;
      answered = true;
      return true;
    }
  }
}
