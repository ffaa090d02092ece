package io.mimiredge.benchmarks.http;

import io.mimiredge.benchmarks.requests.Fixtures;
import io.mimiredge.rls.testing.TestRls;
import io.mimiredge.testsupport.StubUpstream;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The HTTP push door end to end, in one JVM: the real RLS application (Dropwizard, Jetty, {@code
 * PushServlet}, the decision, the Jetty client's forward) on a loopback port, forwarding to {@link
 * StubUpstream}; the benchmark thread is the client, one kept-alive connection, a push at a time
 * (pre-encoded as Prometheus sends it). Run with {@link ThreadCostProfiler} to read what the RLS's
 * own threads allocate and spend per push ({@code rls.alloc.norm}, {@code rls.cpu.norm}): {@code
 * benchmarks/gate}'s {@code push_alloc_bytes}.
 *
 * <p>{@code body}: {@code mix} sends the captured requests of {@code testdata/remote-write} round
 * robin (as {@code benchmarks/passthrough} does); a file name ({@code 000.bin}, 500 series) sends
 * that one.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar PushDoorBenchmark \
 *   -prof io.mimiredge.benchmarks.http.ThreadCostProfiler
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class PushDoorBenchmark {
  static final String TENANT = "bench";

  @Param({"mix"})
  public String body;

  private StubUpstream stub;
  private TestRls rls;
  private Socket socket;
  private OutputStream out;
  private InputStream in;
  private byte[][] requests;
  private int next;
  private final byte[] scratch = new byte[8192];

  @Setup(Level.Trial)
  public void start() throws Exception {
    stub = StubUpstream.sink(0, 4);
    rls =
        TestRls.builder()
            .dir(Files.createTempDirectory("push-door-bench"))
            .overrides(
                "overrides:\n  "
                    + TENANT
                    + ":\n    ingestion_rate: 1000000000\n    ingestion_burst_size: 1000000000\n"
                    + "    request_rate: 1000000000\n    request_burst_size: 1000000000\n")
            .upstream(stub.url())
            .quietRequests()
            .start();
    List<byte[]> bodies =
        "mix".equals(body)
            ? Fixtures.bodies()
            : List.of(Files.readAllBytes(Fixtures.directory().resolve(body)));
    requests = new byte[bodies.size()][];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = encode(bodies.get(i));
    }
    connect();
  }

  /** A push as Prometheus sends it: snappy-compressed protobuf, remote write 0.1.0. */
  private static byte[] encode(byte[] body) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(body.length + 256);
    b.write(
        ("POST /api/v1/push HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Content-Type: application/x-protobuf\r\n"
                + "Content-Encoding: snappy\r\n"
                + "User-Agent: Prometheus/2.42.0\r\n"
                + "X-Prometheus-Remote-Write-Version: 0.1.0\r\n"
                + "X-Scope-OrgID: "
                + TENANT
                + "\r\n"
                + "Content-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    b.write(body);
    return b.toByteArray();
  }

  private void connect() throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), rls.port());
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(10_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 8192);
  }

  /** The last iteration's counts are taken before the trial's teardown stops the RLS. */
  @TearDown(Level.Iteration)
  public void iterationEnded() {
    ThreadCostProfiler.iterationEnded();
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    if (socket != null) {
      socket.close();
    }
    if (rls != null) {
      rls.close();
    }
    if (stub != null) {
      stub.close();
    }
  }

  /** One push, answered: returns its status (the stub's 204, relayed). */
  @Benchmark
  public int push() throws IOException {
    byte[] request = requests[next];
    next = next + 1 == requests.length ? 0 : next + 1;
    out.write(request);
    out.flush();
    int status = readResponse();
    if (status != 204) {
      throw new IllegalStateException("the RLS answered " + status + ", not the stub's 204");
    }
    return status;
  }

  /** Reads one response's head and skips its body (by Content-Length); returns the status. */
  private int readResponse() throws IOException {
    int status = -1;
    long length = 0;
    boolean chunked = false;
    String line;
    while (!(line = line()).isEmpty()) {
      if (status < 0) {
        status = Integer.parseInt(line.substring(9, 12));
      } else {
        int colon = line.indexOf(':');
        String name = line.substring(0, colon).trim();
        if (name.equalsIgnoreCase("Content-Length")) {
          length = Long.parseLong(line.substring(colon + 1).trim());
        } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
          chunked = true;
        }
      }
    }
    if (chunked) {
      throw new IOException("a chunked answer: not expected from a push");
    }
    while (length > 0) {
      int n = in.read(scratch, 0, (int) Math.min(scratch.length, length));
      if (n < 0) {
        throw new IOException("the connection closed in the middle of an answer");
      }
      length -= n;
    }
    return status;
  }

  private String line() throws IOException {
    StringBuilder s = new StringBuilder(64);
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("the connection closed in the middle of an answer");
      }
      if (c != '\r') {
        s.append((char) c);
      }
    }
    return s.toString();
  }

  /** For a quick look without JMH. */
  public static void main(String[] args) throws Exception {
    PushDoorBenchmark b = new PushDoorBenchmark();
    b.body = args.length > 0 ? args[0] : "mix";
    b.start();
    try {
      ThreadCostProfiler p = new ThreadCostProfiler();
      for (int round = 0; round < 10; round++) {
        long t0 = System.nanoTime();
        var before = p.snapshot();
        int n = 5000;
        for (int i = 0; i < n; i++) {
          b.push();
        }
        long[] cost = p.since(before);
        System.out.printf(
            "round %d: %.1f us/push, RLS threads %.0f B/push, %.1f us CPU/push%n",
            round,
            (System.nanoTime() - t0) / 1000.0 / n,
            (double) cost[0] / n,
            cost[1] / 1000.0 / n);
      }
    } finally {
      b.stop();
    }
  }
}
