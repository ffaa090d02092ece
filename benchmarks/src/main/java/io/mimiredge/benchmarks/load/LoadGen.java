package io.mimiredge.benchmarks.load;

import io.mimiredge.benchmarks.requests.Fixtures;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * An open-loop load generator for {@code /api/v1/push}: sends the captured Prometheus remote-write
 * bodies ({@code testdata/remote-write/*.bin}, round robin) with Prometheus' headers at a fixed
 * rate and prints the count, the errors by status, the achieved rate and the p50 / p99 / p999 / max
 * latency.
 *
 * <p>Request {@code i} is due at {@code t0 + i / rate} whatever the earlier responses did, and its
 * latency is measured from that intended time, not from when it actually went out: a slow server
 * (or a full in-flight bound, which makes the scheduler wait) shows up as latency instead of as a
 * lower rate (no coordinated omission). Requests due during the warmup are sent but not recorded.
 * Percentiles are exact, from every recorded latency.
 *
 * <p>With several {@code --url}s, each target gets {@code --rate} requests/s, interleaved on one
 * schedule (request {@code i} goes to target {@code i mod n}, the same body to each in turn), and
 * each has its own in-flight bound and result: the targets are compared under the same machine
 * noise, in one run, which is what a comparison on two shared cores needs.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.mimiredge.benchmarks.load.LoadGen \
 *   --url http://127.0.0.1:8080/api/v1/push [--url URL2 ...] --rate 1000 --duration 30s \
 *   [--tenant T | --tenants N [--churn 1m]] [--fixtures DIR] [--warmup 5s] [--connections C]
 *   [--trust CA.pem] [--client raw|jdk] [--per-second FILE]
 * </pre>
 *
 * <p>Requests go to the tenants round robin. {@code --churn PERIOD} (with {@code --tenants N})
 * makes the last third of them come and go: their IDs are replaced by new ones every PERIOD of the
 * schedule ({@link #tenantOf}), while the first two thirds stay, as a fleet whose short-lived
 * tenants (CI jobs, ephemeral clusters) appear and vanish beside its steady ones.
 *
 * <p>{@code --per-second FILE} writes each target's outcome second by second ({@link Second}), one
 * {@code SECOND url=U start_ms=... due=... ok=... failed=... p99_ms=... max_ms=... errors={...}}
 * line per second of the schedule: what a fault run needs to tell when traffic was whole again.
 *
 * <p>The requests go out through {@link RawHttpTarget} (pre-encoded, kept-alive sockets, a thread
 * per connection), which costs a fraction of what it measures; {@code --client jdk} uses the JDK's
 * {@code HttpClient} instead, to compare.
 *
 * <p>Each target's last line is {@code RESULT url=U key=value ...} for scripts
 * (benchmarks/passthrough).
 */
public final class LoadGen {

  /**
   * The run's parameters; {@code perSecond} and {@code churn} may be null (none; every tenant
   * steady).
   */
  public record Options(
      List<URI> urls,
      double rate,
      Duration duration,
      Duration warmup,
      List<String> tenants,
      Path fixtures,
      int connections,
      Duration requestTimeout,
      Path trust,
      Client client,
      Path perSecond,
      Duration churn) {

    public Options {
      urls = List.copyOf(urls);
      if (urls.isEmpty()) {
        throw new IllegalArgumentException("--url is required");
      }
      if (rate <= 0) {
        throw new IllegalArgumentException("--rate must be positive");
      }
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("--duration must be positive");
      }
      if (warmup.isNegative()) {
        throw new IllegalArgumentException("--warmup must not be negative");
      }
      if (tenants.isEmpty()) {
        throw new IllegalArgumentException("no tenants");
      }
      if (connections < 1) {
        throw new IllegalArgumentException("--connections must be at least 1");
      }
      if (client == null) {
        throw new IllegalArgumentException("no client");
      }
      if (churn != null) {
        if (churn.isNegative() || churn.isZero()) {
          throw new IllegalArgumentException("--churn must be positive");
        }
        if (tenants.size() / 3 < 1) {
          throw new IllegalArgumentException(
              "--churn needs --tenants of at least 3 (a third of them come and go)");
        }
      }
    }
  }

  /**
   * The HTTP client: {@link RawHttpTarget} (pre-encoded requests on kept-alive sockets, the
   * default) or the JDK's {@code HttpClient} (what LoadGen used first; it costs several times the
   * CPU per request).
   */
  public enum Client {
    RAW,
    JDK
  }

  /** The headers Prometheus' remote write 1.0 sends, besides the tenant. */
  static final List<String> PUSH_HEADERS =
      List.of(
          "Content-Encoding: snappy",
          "Content-Type: application/x-protobuf",
          "X-Prometheus-Remote-Write-Version: 0.1.0",
          "User-Agent: mimir-edge-loadgen");

  /**
   * What a run measured after the warmup, for one target.
   *
   * @param url the target
   * @param count requests due in the measured window
   * @param errors non-2xx responses by status, exceptions by class name, "timeout" for no answer
   * @param latenciesNanos latencies of the answered 2xx requests, sorted
   * @param seconds the measured window's length
   * @param perSecond the measured window second by second, in order
   */
  public record Result(
      URI url,
      long count,
      Map<String, Long> errors,
      long[] latenciesNanos,
      double seconds,
      List<Second> perSecond) {

    public long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Requests answered 2xx per second over the measured window. */
    public double achievedRate() {
      return latenciesNanos.length / seconds;
    }

    /** The {@code q}-quantile in milliseconds (nearest rank), NaN without latencies. */
    public double percentileMillis(double q) {
      return percentile(latenciesNanos, q) / 1e6;
    }

    public double maxMillis() {
      return latenciesNanos.length == 0
          ? Double.NaN
          : latenciesNanos[latenciesNanos.length - 1] / 1e6;
    }
  }

  /**
   * One second of a target's schedule, by the requests due in it (not by when they were answered).
   *
   * @param startEpochMillis when the second began (wall clock), to line up with a fault's times
   * @param due requests due in the second
   * @param ok answered 2xx
   * @param errors the others: non-2xx by status, exceptions by class, "timeout" for no answer
   * @param p99Millis nearest-rank p99 of every answered request's latency (2xx or not), NaN for
   *     none
   * @param maxMillis the largest of those, NaN for none
   */
  public record Second(
      long startEpochMillis,
      long due,
      long ok,
      Map<String, Long> errors,
      double p99Millis,
      double maxMillis) {

    public long failed() {
      return due - ok;
    }

    /** One {@code SECOND} line (no newline). */
    public String line(URI url) {
      return String.format(
          Locale.ROOT,
          "SECOND url=%s start_ms=%d due=%d ok=%d failed=%d p99_ms=%.3f max_ms=%.3f errors=%s",
          url,
          startEpochMillis,
          due,
          ok,
          failed(),
          p99Millis,
          maxMillis,
          errors.toString().replace(" ", ""));
    }
  }

  private static final String USAGE =
      "usage: LoadGen --url URL [--url URL2 ...] --rate N --duration 30s"
          + " [--tenant T | --tenants N [--churn 1m]] [--fixtures DIR] [--warmup 5s]"
          + " [--connections C] [--trust CA.pem] [--client raw|jdk] [--per-second FILE]";

  private LoadGen() {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("LoadGen: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    System.err.printf(
        Locale.ROOT,
        "LoadGen: %s at %.0f req/s each for %ss after %ss warmup, %d tenant(s)%s, %d connections"
            + " each, %s client%n",
        options.urls(),
        options.rate(),
        options.duration().toMillis() / 1000.0,
        options.warmup().toMillis() / 1000.0,
        options.tenants().size(),
        options.churn() == null
            ? ""
            : String.format(
                Locale.ROOT,
                " (the last %d new every %ss)",
                options.tenants().size() / 3,
                options.churn().toMillis() / 1000.0),
        options.connections(),
        options.client().name().toLowerCase(Locale.ROOT));
    List<Result> results = runAll(options);
    for (Result result : results) {
      System.out.print(report(result));
    }
    if (options.perSecond() != null) {
      List<String> lines = new ArrayList<>();
      for (Result result : results) {
        result.perSecond().forEach(s -> lines.add(s.line(result.url())));
      }
      Files.write(options.perSecond(), lines);
    }
    // What the generator itself took of the machine (it shares the cores with what it measures).
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      System.out.printf(Locale.ROOT, "CPU loadgen_cpu_s=%.2f%n", os.getProcessCpuTime() / 1e9);
    }
    System.exit(0);
  }

  /** The exact nearest-rank {@code q}-quantile of sorted values; NaN for none. */
  public static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
  }

  /** Human lines, then one {@code RESULT} line. */
  public static String report(Result r) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "url         %s%n", r.url()));
    out.append(String.format(Locale.ROOT, "count       %d%n", r.count()));
    out.append(String.format(Locale.ROOT, "errors      %d %s%n", r.errorCount(), r.errors()));
    out.append(
        String.format(Locale.ROOT, "rate        %.1f req/s answered 2xx%n", r.achievedRate()));
    out.append(
        String.format(
            Locale.ROOT,
            "latency ms  p50 %.3f  p99 %.3f  p999 %.3f  max %.3f%n",
            r.percentileMillis(0.5),
            r.percentileMillis(0.99),
            r.percentileMillis(0.999),
            r.maxMillis()));
    out.append(
        String.format(
            Locale.ROOT,
            "RESULT url=%s count=%d errors=%d rate=%.1f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f"
                + " max_ms=%.3f%n",
            r.url(),
            r.count(),
            r.errorCount(),
            r.achievedRate(),
            r.percentileMillis(0.5),
            r.percentileMillis(0.99),
            r.percentileMillis(0.999),
            r.maxMillis()));
    return out.toString();
  }

  /** A one-target run (the first {@code --url}); see {@link #runAll}. */
  public static Result run(Options o) throws Exception {
    return runAll(o).get(0);
  }

  /**
   * One run: sends to every target, waits for the last answers (up to the request timeout) and
   * measures; one result per target, in {@code --url} order.
   */
  public static List<Result> runAll(Options o) throws Exception {
    List<byte[]> bodies = bodies(o.fixtures());
    if (o.client() == Client.JDK) {
      return runJdk(o, bodies);
    }
    javax.net.ssl.SSLContext tls = sslContext(o.trust());
    List<byte[]> tenants =
        o.tenants().stream()
            .map(t -> t.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
            .toList();
    long periodNanos = periodNanos(o.rate());
    List<RawHttpTarget> targets = new ArrayList<>();
    try {
      for (URI url : o.urls()) {
        targets.add(new RawHttpTarget(url, PUSH_HEADERS, tls, o.requestTimeout()));
      }
      return openLoop(
          o,
          (target, i, done) ->
              targets
                  .get(target)
                  .send(
                      o.churn() == null
                          ? tenants.get((int) (i % tenants.size()))
                          : tenantOf(o.tenants(), o.churn(), periodNanos, i)
                              .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                      bodies.get((int) (i % bodies.size())),
                      done));
    } finally {
      targets.forEach(RawHttpTarget::close);
    }
  }

  private static List<Result> runJdk(Options o, List<byte[]> bodies) throws Exception {
    ExecutorService callbacks = Executors.newFixedThreadPool(2, daemon("loadgen-http"));
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .executor(callbacks)
            .sslContext(sslContext(o.trust()))
            .build();
    try {
      return openLoop(
          o,
          (target, i, done) -> {
            HttpRequest request =
                HttpRequest.newBuilder(o.urls().get(target))
                    .timeout(o.requestTimeout())
                    .headers(jdkHeaders())
                    .header(
                        "X-Scope-OrgID", tenantOf(o.tenants(), o.churn(), periodNanos(o.rate()), i))
                    .POST(
                        HttpRequest.BodyPublishers.ofByteArray(
                            bodies.get((int) (i % bodies.size()))))
                    .build();
            client
                .sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .whenComplete(
                    (response, failure) -> {
                      if (failure != null) {
                        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                        done.accept(cause.getClass().getSimpleName());
                      } else {
                        done.accept(
                            response.statusCode() / 100 == 2
                                ? null
                                : String.valueOf(response.statusCode()));
                      }
                    });
          });
    } finally {
      callbacks.shutdownNow();
    }
  }

  /**
   * The tenant request {@code i} sends as: {@code tenants} round robin. With {@code churn} (null:
   * none), the last third of the tenants ({@code size / 3}) are replaced every {@code churn} of the
   * schedule (request {@code i} is due {@code i * periodNanos} after the start): in the schedule's
   * generation {@code g > 0} the slot of {@code load-9} sends as {@code load-9-gG}, an ID no
   * earlier generation used. So at any time {@code size} tenants send, and every {@code churn} a
   * third of them leave for good and as many new ones arrive.
   */
  public static String tenantOf(List<String> tenants, Duration churn, long periodNanos, long i) {
    int slot = (int) (i % tenants.size());
    String tenant = tenants.get(slot);
    if (churn == null || slot < tenants.size() - tenants.size() / 3) {
      return tenant;
    }
    long generation = i * periodNanos / churn.toNanos(); // i * periodNanos: when i is due
    return generation == 0 ? tenant : tenant + "-g" + generation;
  }

  /** The time between two requests to one target at {@code rate} per second. */
  static long periodNanos(double rate) {
    return Math.round(1e9 / rate);
  }

  /**
   * {@link #openLoop(List, double, Duration, Duration, int, Duration, Sender)} on a run's options.
   */
  private static List<Result> openLoop(Options o, Sender sender) throws Exception {
    return openLoop(
        o.urls(), o.rate(), o.duration(), o.warmup(), o.connections(), o.requestTimeout(), sender);
  }

  /** Sends request {@code i} to target {@code target}, asynchronously. */
  @FunctionalInterface
  public interface Sender {
    /**
     * Starts the request and returns; calls {@code done} once when it ends: with null for a
     * success, or the error's key (a status, an exception's class name).
     */
    void send(int target, long i, java.util.function.Consumer<String> done) throws Exception;
  }

  /**
   * The open-loop schedule, for any protocol: request {@code i} to each target is due at {@code t0
   * + i / rate} (the targets' turns evenly spaced within a period) and its latency counts from
   * then; at most {@code inFlightBound} in flight per target (past it the schedule slips, the
   * latency still counts from due). Waits for the last answers up to {@code requestTimeout} (plus 2
   * s); one result per target, in order.
   */
  public static List<Result> openLoop(
      List<URI> targetNames,
      double rate,
      Duration duration,
      Duration warmup,
      int inFlightBound,
      Duration requestTimeout,
      Sender sender)
      throws Exception {
    int targets = targetNames.size();
    long periodNanos = periodNanos(rate); // per target
    long warmupCount = (long) Math.ceil(warmup.toNanos() / (double) periodNanos);
    long measuredCount = Math.max(1, duration.toNanos() / periodNanos);
    long total = warmupCount + measuredCount;
    if (measuredCount > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("too many requests for one run");
    }
    long[][] latencies = new long[targets][(int) measuredCount];
    long[][] answered = new long[targets][(int) measuredCount]; // 2xx or not; -1: no answer
    String[][] failures = new String[targets][(int) measuredCount];
    List<Map<String, LongAdder>> errors = new ArrayList<>();
    Semaphore[] inFlight = new Semaphore[targets];
    AtomicInteger[] completed = new AtomicInteger[targets];
    for (int t = 0; t < targets; t++) {
      Arrays.fill(latencies[t], -1);
      Arrays.fill(answered[t], -1);
      errors.add(new ConcurrentHashMap<>());
      inFlight[t] = new Semaphore(inFlightBound);
      completed[t] = new AtomicInteger();
    }
    long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    long t0EpochMillis = System.currentTimeMillis() + 50;
    double step = periodNanos / (double) targets; // the targets' turns, evenly spaced
    for (long i = 0; i < total; i++) {
      final int slot = (int) (i - warmupCount); // negative: warmup, not recorded
      for (int t = 0; t < targets; t++) {
        long intended = t0 + i * periodNanos + Math.round(t * step);
        long wait;
        while ((wait = intended - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait);
        }
        // past the bound the schedule slips; the latency still counts from due
        inFlight[t].acquire();
        final long[] recorded = latencies[t];
        final long[] anyAnswer = answered[t];
        final String[] failure = failures[t];
        final Map<String, LongAdder> failed = errors.get(t);
        final AtomicInteger done = completed[t];
        final Semaphore permits = inFlight[t];
        java.util.concurrent.atomic.AtomicBoolean once =
            new java.util.concurrent.atomic.AtomicBoolean();
        java.util.function.Consumer<String> onDone =
            error -> {
              if (!once.compareAndSet(false, true)) {
                return;
              }
              long latency = System.nanoTime() - intended;
              if (slot >= 0) {
                if (error != null) {
                  count(failed, error);
                  failure[slot] = error;
                } else {
                  recorded[slot] = latency;
                }
                anyAnswer[slot] = latency;
                done.incrementAndGet();
              }
              permits.release(); // after the record: the final acquire then sees it
            };
        try {
          sender.send(t, i, onDone);
        } catch (Exception e) {
          onDone.accept(e.getClass().getSimpleName());
        }
      }
    }
    // The last answers: all permits back, or the request timeout (plus a little) has passed.
    long deadline = System.nanoTime() + requestTimeout.toNanos() + 2_000_000_000L;
    for (int t = 0; t < targets; t++) {
      long left = Math.max(0, deadline - System.nanoTime());
      if (!inFlight[t].tryAcquire(inFlightBound, left, TimeUnit.NANOSECONDS)) {
        System.err.println(
            "LoadGen: gave up waiting for the last answers of " + targetNames.get(t));
      }
    }
    List<Result> results = new ArrayList<>();
    double seconds = measuredCount * periodNanos / 1e9;
    for (int t = 0; t < targets; t++) {
      long[] sorted = Arrays.stream(latencies[t]).filter(l -> l >= 0).sorted().toArray();
      Map<String, Long> errorCounts = new TreeMap<>();
      errors.get(t).forEach((key, adder) -> errorCounts.put(key, adder.sum()));
      long unanswered = measuredCount - completed[t].get();
      if (unanswered > 0) {
        errorCounts.merge("timeout", unanswered, Long::sum);
      }
      long measuredStartMillis = t0EpochMillis + warmupCount * periodNanos / 1_000_000;
      long offset = Math.round(t * step);
      List<Second> perSecond =
          perSecond(measuredStartMillis, periodNanos, offset, answered[t], failures[t]);
      results.add(
          new Result(targetNames.get(t), measuredCount, errorCounts, sorted, seconds, perSecond));
    }
    return results;
  }

  /**
   * A target's measured requests by the second they were due in: slot {@code s} is due {@code s *
   * periodNanos + offsetNanos} after the measured window's start.
   *
   * @param answered each slot's latency, -1 for no answer
   * @param failures each slot's error key, null for a 2xx (or no answer)
   */
  static List<Second> perSecond(
      long startEpochMillis,
      long periodNanos,
      long offsetNanos,
      long[] answered,
      String[] failures) {
    List<Second> out = new ArrayList<>();
    int from = 0;
    for (long second = 0; from < answered.length; second++) {
      long end = (second + 1) * 1_000_000_000L;
      int to = from;
      while (to < answered.length && to * periodNanos + offsetNanos < end) {
        to++;
      }
      long ok = 0;
      Map<String, Long> errors = new TreeMap<>();
      long[] lat = new long[to - from];
      int n = 0;
      for (int s = from; s < to; s++) {
        if (answered[s] < 0) {
          errors.merge("timeout", 1L, Long::sum);
          continue;
        }
        lat[n++] = answered[s];
        if (failures[s] == null) {
          ok++;
        } else {
          errors.merge(failures[s], 1L, Long::sum);
        }
      }
      long[] sorted = Arrays.copyOf(lat, n);
      Arrays.sort(sorted);
      out.add(
          new Second(
              startEpochMillis + second * 1000,
              to - from,
              ok,
              errors,
              percentile(sorted, 0.99) / 1e6,
              n == 0 ? Double.NaN : sorted[n - 1] / 1e6));
      from = to;
    }
    return out;
  }

  private static String[] jdkHeaders() {
    return PUSH_HEADERS.stream()
        .flatMap(h -> Stream.of(h.substring(0, h.indexOf(':')), h.substring(h.indexOf(':') + 2)))
        .toArray(String[]::new);
  }

  private static void count(Map<String, LongAdder> errors, String key) {
    errors.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The {@code *.bin} bodies of {@code dir}, or of the default fixtures directory for null. */
  static List<byte[]> bodies(Path dir) throws java.io.IOException {
    if (dir == null) {
      return Fixtures.bodies();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      List<Path> files =
          entries.filter(p -> p.getFileName().toString().endsWith(".bin")).sorted().toList();
      if (files.isEmpty()) {
        throw new IllegalArgumentException("no .bin files in " + dir);
      }
      List<byte[]> out = new ArrayList<>();
      for (Path f : files) {
        out.add(Files.readAllBytes(f));
      }
      return out;
    }
  }

  /**
   * For {@code https://} targets: the JDK's CAs, or with {@code --trust FILE} only the PEM
   * certificates in it (a test CA). The host name is verified either way.
   */
  static javax.net.ssl.SSLContext sslContext(Path trust) throws Exception {
    if (trust == null) {
      return javax.net.ssl.SSLContext.getDefault();
    }
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (var in = Files.newInputStream(trust)) {
      int n = 0;
      for (var c :
          java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + n++, c);
      }
      if (n == 0) {
        throw new IllegalArgumentException("--trust " + trust + ": no PEM certificate in it");
      }
    }
    var tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** Parses the command line (see the class comment). */
  public static Options parse(String[] args) {
    List<URI> urls = new ArrayList<>();
    Double rate = null;
    Duration duration = null;
    Duration warmup = Duration.ofSeconds(5);
    String tenant = null;
    Integer tenantCount = null;
    Path fixtures = null;
    int connections = 64;
    Path trust = null;
    Client client = Client.RAW;
    Path perSecond = null;
    Duration churn = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--url" -> urls.add(URI.create(value));
        case "--rate" -> rate = Double.parseDouble(value);
        case "--duration" -> duration = parseDuration(value);
        case "--warmup" -> warmup = parseDuration(value);
        case "--tenant" -> tenant = value;
        case "--tenants" -> tenantCount = Integer.parseInt(value);
        case "--fixtures" -> fixtures = Path.of(value);
        case "--connections" -> connections = Integer.parseInt(value);
        case "--trust" -> trust = Path.of(value);
        case "--client" -> client = client(value);
        case "--per-second" -> perSecond = Path.of(value);
        case "--churn" -> churn = parseDuration(value);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (urls.isEmpty() || rate == null || duration == null) {
      throw new IllegalArgumentException("--url, --rate and --duration are required");
    }
    if (tenant != null && tenantCount != null) {
      throw new IllegalArgumentException("--tenant and --tenants exclude each other");
    }
    List<String> tenants;
    if (tenantCount != null) {
      if (tenantCount < 1) {
        throw new IllegalArgumentException("--tenants must be at least 1");
      }
      tenants = new ArrayList<>();
      for (int t = 1; t <= tenantCount; t++) {
        tenants.add("load-" + t);
      }
    } else {
      tenants = List.of(tenant != null ? tenant : "load-1");
    }
    if (churn != null && tenantCount == null) {
      throw new IllegalArgumentException("--churn needs --tenants N");
    }
    return new Options(
        urls,
        rate,
        duration,
        warmup,
        tenants,
        fixtures,
        connections,
        Duration.ofSeconds(10),
        trust,
        client,
        perSecond,
        churn);
  }

  private static Client client(String value) {
    for (Client c : Client.values()) {
      if (c.name().equalsIgnoreCase(value)) {
        return c;
      }
    }
    throw new IllegalArgumentException("--client is raw or jdk, not " + value);
  }

  /** {@code 30s}, {@code 500ms}, {@code 2m}, or a bare number of seconds. */
  public static Duration parseDuration(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      if (v.endsWith("s")) {
        return Duration.ofMillis(
            Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
      }
      if (v.endsWith("m")) {
        return Duration.ofMillis(
            Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
      }
      return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration: " + value);
    }
  }
}
