package io.mimiredge.benchmarks.grpc;

import io.mimiredge.benchmarks.load.LoadGen;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What mutual TLS adds to Envoy's {@code Check} at fixed rates, open loop: the RLS's gRPC doors in
 * plaintext and with mutual TLS ({@link GrpcDoors}, one kept-alive channel each), {@code Check}s of
 * a {@code series}-series push sent to both, interleaved on one schedule ({@link LoadGen#openLoop}:
 * latency from the intended send time, no coordinated omission), at each rate in turn after an
 * unrecorded warmup. A rate is what the RLS is offered in all, half to each door; the client runs
 * in the same JVM, on the same two cores. Prints each target's {@code RESULT} line and the p50 /
 * p99 mTLS adds.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.mimiredge.benchmarks.grpc.GrpcTlsLoad \
 *   [rates=200,1000] [duration=20s] [warmup=5s] [prewarm=30s] [series=500]
 * </pre>
 */
public final class GrpcTlsLoad {
  private GrpcTlsLoad() {}

  public static void main(String[] args) throws Exception {
    String rates = "200,1000";
    Duration duration = Duration.ofSeconds(20);
    Duration warmup = Duration.ofSeconds(5);
    Duration prewarm = Duration.ofSeconds(30);
    int series = 500;
    for (String a : args) {
      String[] kv = a.split("=", 2);
      switch (kv[0]) {
        case "rates" -> rates = kv[1];
        case "duration" -> duration = LoadGen.parseDuration(kv[1]);
        case "warmup" -> warmup = LoadGen.parseDuration(kv[1]);
        case "prewarm" -> prewarm = LoadGen.parseDuration(kv[1]);
        case "series" -> series = Integer.parseInt(kv[1]);
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    byte[] request = GrpcCheckState.checkRequest(SyntheticPush.body(series, 42)).toByteArray();
    try (GrpcDoors plain = GrpcDoors.start(false);
        GrpcDoors mtls = GrpcDoors.start(true)) {
      List<GrpcDoors> doors = List.of(plain, mtls);
      List<URI> names =
          List.of(
              URI.create("grpc://127.0.0.1:" + plain.port()),
              URI.create("grpcs://127.0.0.1:" + mtls.port()));
      LoadGen.Sender sender =
          new CheckSender(
              List.of(List.of(plain.channel()), List.of(mtls.channel())), List.of(request));
      if (!prewarm.isZero()) {
        LoadGen.openLoop(names, 150, prewarm, Duration.ZERO, 64, Duration.ofSeconds(10), sender);
      }
      StringBuilder summary = new StringBuilder();
      for (String r : rates.split(",")) {
        double rate = Double.parseDouble(r);
        // The rate is what the RLS is offered in all: half to each door.
        List<LoadGen.Result> results =
            LoadGen.openLoop(names, rate / 2, duration, warmup, 64, Duration.ofSeconds(10), sender);
        for (LoadGen.Result result : results) {
          System.out.print(LoadGen.report(result));
        }
        for (double q : new double[] {0.5, 0.99}) {
          summary.append(
              String.format(
                  Locale.ROOT,
                  "added_by_mtls_p%s_ms_at_%s %.3f (plaintext %.3f, mtls %.3f)%n",
                  q == 0.5 ? "50" : "99",
                  r,
                  results.get(1).percentileMillis(q) - results.get(0).percentileMillis(q),
                  results.get(0).percentileMillis(q),
                  results.get(1).percentileMillis(q)));
        }
      }
      System.out.print(summary);
    }
  }
}
