package io.mimiredge.benchmarks.grpc;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.mimiredge.benchmarks.load.LoadGen;
import io.mimiredge.benchmarks.requests.Fixtures;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An open-loop load generator for Envoy's ext_authz {@code Check} against a running RLS, beside
 * {@link LoadGen} for the HTTP doors: the captured Prometheus bodies of {@code
 * testdata/remote-write} (round robin, pre-encoded as Envoy sends them, {@code pack_as_bytes}) over
 * {@code --channels} kept-alive plaintext channels, on {@link LoadGen#openLoop}'s schedule (latency
 * from the intended time). Prints the same {@code RESULT} line as LoadGen, with errors by gRPC
 * status ({@code UNAVAILABLE}: shed by the RLS) and {@code denied}. {@code --series N} sends only
 * the bodies of exactly N series (by the fixtures' {@code expected.jsonl}), e.g. 500.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.mimiredge.benchmarks.grpc.GrpcLoad \
 *   --target 127.0.0.1:9091 --rate 2000 --duration 20s [--warmup 5s] [--channels 4]
 *   [--in-flight 256] [--series N]
 * </pre>
 */
public final class GrpcLoad {
  private GrpcLoad() {}

  public static void main(String[] args) throws Exception {
    String target = null;
    double rate = 0;
    Duration duration = null;
    Duration warmup = Duration.ofSeconds(5);
    int channels = 4;
    int inFlight = 256;
    int series = 0;
    for (int i = 0; i + 1 < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--target" -> target = v;
        case "--rate" -> rate = Double.parseDouble(v);
        case "--duration" -> duration = seconds(v);
        case "--warmup" -> warmup = seconds(v);
        case "--channels" -> channels = Integer.parseInt(v);
        case "--in-flight" -> inFlight = Integer.parseInt(v);
        case "--series" -> series = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (target == null || rate <= 0 || duration == null) {
      System.err.println(
          "usage: GrpcLoad --target HOST:PORT --rate N --duration 20s [--warmup 5s]"
              + " [--channels 4] [--in-flight 256] [--series N]");
      System.exit(2);
    }
    List<byte[]> requests = new ArrayList<>();
    List<byte[]> bodies =
        series > 0 ? Fixtures.bodiesWithSeries(Fixtures.directory(), series) : Fixtures.bodies();
    for (byte[] body : bodies) {
      requests.add(GrpcCheckState.checkRequest(body).toByteArray());
    }
    String[] hp = target.split(":");
    List<ManagedChannel> open = new ArrayList<>();
    for (int c = 0; c < channels; c++) {
      open.add(
          Grpc.newChannelBuilderForAddress(
                  hp[0], Integer.parseInt(hp[1]), InsecureChannelCredentials.create())
              .maxInboundMessageSize(64 << 20)
              .build());
    }
    try {
      List<LoadGen.Result> results =
          LoadGen.openLoop(
              List.of(URI.create("grpc://" + target)),
              rate,
              duration,
              warmup,
              inFlight,
              Duration.ofSeconds(10),
              new CheckSender(List.of(open), requests));
      System.out.print(LoadGen.report(results.get(0)));
      if (ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean os) {
        System.out.printf(Locale.ROOT, "CPU loadgen_cpu_s=%.2f%n", os.getProcessCpuTime() / 1e9);
      }
    } finally {
      open.forEach(ManagedChannel::shutdownNow);
    }
    System.exit(0);
  }

  private static Duration seconds(String v) {
    return LoadGen.parseDuration(v);
  }
}
