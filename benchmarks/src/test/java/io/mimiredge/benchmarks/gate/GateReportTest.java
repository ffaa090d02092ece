package io.mimiredge.benchmarks.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GateReportTest {

  private static final String PREFIX = "io.mimiredge.benchmarks.remotewrite.RemoteWriteBenchmark.";

  @TempDir Path dir;

  @Test
  void printsTheFourFiguresLastAndPassesWithinTheBudget() throws IOException {
    Report report =
        report(
            paired("pairedScanVsDecode", 230, 200),
            avgt("decodeAndScan", "2000", 230, 0),
            paired("pairedScanVsDecodeRw2", 600, 120),
            avgt("decodeAndScanRw2", "2000", 600, 340),
            avgt("decodeAndFullParse", "2000", 1380, 4_636_437),
            avgt("decodeScanAndDecide", "2000", 240, 312.4),
            avgt("decodeScanAndDecide", "500", 60, 312.4),
            sample("decodeScanAndDecide", "2000", 0.25, 0.41));

    assertThat(report.exit).isZero();
    assertThat(report.lastLines(4))
        .containsExactly(
            "scan_vs_decode 1.15",
            "full_parse_vs_scan 6.00",
            "alloc_bytes_per_request 312",
            "decide_p99_ms 0.410");
    assertThat(report.output)
        .contains("gate: passed")
        .containsPattern("scan_vs_decode +1.15 +goal <= 1.3 +CI gate <= 4 +meets goal")
        .containsPattern("rw2_scan_vs_decode +5.00 +goal <= 1.3 +CI gate <= 10 +misses goal")
        .containsPattern("rw2_alloc_bytes_per_request +340 +goal <= 1024")
        .containsPattern("full_parse_vs_scan +6.00 +goal >= 3 ")
        .containsPattern("otlp_parse_vs_scan +3.00 +goal >= 3 +CI gate >= 1.2 +meets goal")
        .containsPattern("otlp_scan_vs_gunzip +2.67 ")
        .containsPattern("otlp_alloc_bytes_per_request +360 +goal <= 1024")
        .contains("RemoteWriteBenchmark.decodeAndFullParse")
        .contains("4636437");
  }

  @Test
  void failsWhenTheOtlpWalkIsNoLongerFasterThanTheGeneratedParse() throws IOException {
    List<String> results = new ArrayList<>(WITHIN_BUDGET);
    results.add(otlp("otlpScan", 1500, 360));
    results.add(pairedOtlp(1500, 1500));
    results.add(otlp("otlpGunzip", 300, 2));
    results.add(otlp("otlpGunzipAndScan", 1500, 380));
    Report report = report(results.toArray(String[]::new));
    assertThat(report.exit).isEqualTo(1);
    assertThat(report.output)
        .contains("gate: FAILED: otlp_parse_vs_scan = 1.00, the CI gate is >= 1.2");
  }

  @Test
  void failsWhenTheDecisionP99IsOverTenMilliseconds() throws IOException {
    List<String> results = new ArrayList<>(REMOTE_WRITE_TIMES);
    results.add(sample("decodeScanAndDecide", "2000", 3, 12.5));
    Report report = report(results.toArray(String[]::new));

    assertThat(report.exit).isEqualTo(1);
    assertThat(report.output)
        .contains("gate: FAILED: decide_p99_ms = 12.500, the CI gate is <= 10");
    assertThat(report.lastLines(1)).containsExactly("decide_p99_ms 12.500");
  }

  @Test
  void failsWhenScanningCostsMoreThanFourTimesTheDecode() throws IOException {
    Report report =
        report(
            paired("pairedScanVsDecode", 450, 100),
            avgt("decodeAndScan", "2000", 450, 0),
            paired("pairedScanVsDecodeRw2", 1100, 100),
            avgt("decodeAndScanRw2", "2000", 1100, 0),
            avgt("decodeAndFullParse", "2000", 900, 0),
            avgt("decodeScanAndDecide", "2000", 260, 2048),
            sample("decodeScanAndDecide", "2000", 0.3, 0.4));

    assertThat(report.exit).isEqualTo(1);
    assertThat(report.output)
        .contains("gate: FAILED: scan_vs_decode = 4.50, the CI gate is <= 4")
        .contains("gate: FAILED: rw2_scan_vs_decode = 11.00, the CI gate is <= 10")
        .containsPattern("full_parse_vs_scan +2.00 .*misses goal")
        .containsPattern("alloc_bytes_per_request +2048 .*misses goal");
  }

  @Test
  void takesTheGatedRatiosFromTheInterleavedRunNotFromTwoSeparateBenchmarks() throws IOException {
    List<String> results = new ArrayList<>(WITHIN_BUDGET);
    // Run one after the other, the decode met a quiet machine and the scan a busy one: 4.5 by
    // their medians, where the interleaved run (WITHIN_BUDGET's, 1.15) timed both in one stretch.
    results.add(avgt("snappyDecode", "2000", 100, 0));
    results.add(avgt("snappyDecodeRw2", "2000", 50, 0));
    Report report = report(results.toArray(String[]::new));

    assertThat(report.exit).isZero();
    assertThat(report.output)
        .containsPattern("scan_vs_decode +1.15 ")
        .containsPattern("rw2_scan_vs_decode +5.00 ");
  }

  @Test
  void failsAndNamesTheInterleavedBenchmarkWhenItDidNotRun() throws IOException {
    List<String> results = new ArrayList<>(WITHIN_BUDGET);
    results.removeIf(e -> e.contains("pairedScanVsDecodeRw2"));
    Report report = report(results.toArray(String[]::new));

    assertThat(report.exit).isEqualTo(2);
    assertThat(report.output)
        .contains("gate: FAILED: no value for rw2_scan_vs_decode")
        .contains("no result for pairedScanVsDecodeRw2 avgt at request=2000");
  }

  @Test
  void failsAndSaysWhatIsMissingWithoutTheDecisionResults() throws IOException {
    Report report =
        report(
            paired("pairedScanVsDecode", 230, 200),
            avgt("decodeAndScan", "2000", 230, 0),
            avgt("decodeAndFullParse", "2000", 1380, 0));

    assertThat(report.exit).isEqualTo(2);
    assertThat(report.output)
        .contains("gate: FAILED: no value for decide_p99_ms")
        .contains("no result for decodeScanAndDecide sample at request=2000");
    assertThat(report.lastLines(4))
        .containsExactly(
            "scan_vs_decode 1.15",
            "full_parse_vs_scan 6.00",
            "alloc_bytes_per_request n/a",
            "decide_p99_ms n/a");
  }

  /** The remote-write stages' times of a run within every CI limit. */
  private static final List<String> REMOTE_WRITE_TIMES =
      List.of(
          paired("pairedScanVsDecode", 230, 200),
          avgt("decodeAndScan", "2000", 230, 0),
          paired("pairedScanVsDecodeRw2", 600, 120),
          avgt("decodeAndScanRw2", "2000", 600, 0),
          avgt("decodeAndFullParse", "2000", 1380, 0),
          avgt("decodeScanAndDecide", "2000", 240, 0));

  /** The remote-write results of a run within every CI limit. */
  private static final List<String> WITHIN_BUDGET =
      Stream.concat(
              REMOTE_WRITE_TIMES.stream(),
              Stream.of(sample("decodeScanAndDecide", "2000", 0.25, 0.41)))
          .toList();

  @Test
  void failsWhenAPushAllocatesMoreThanSixteenKibibytes() throws IOException {
    List<String> rest = WITHIN_BUDGET;
    List<String> copying = new ArrayList<>(rest);
    copying.add(push(22_600, 380)); // a body copied again
    Report report = report(copying.toArray(String[]::new));
    assertThat(report.exit).isEqualTo(1);
    assertThat(report.output)
        .contains("gate: FAILED: push_alloc_bytes = 22600, the CI gate is <= 16384")
        .containsPattern("push_cpu_us +380 +goal <= 150 +CI gate - +misses goal");

    List<String> copyingChecks = new ArrayList<>(rest);
    copyingChecks.add(check(17_900, 180)); // raw_body copied again
    report = report(copyingChecks.toArray(String[]::new));
    assertThat(report.exit).isEqualTo(1);
    assertThat(report.output)
        .contains("gate: FAILED: check_alloc_bytes = 17900, the CI gate is <= 9216");

    List<String> pooled = new ArrayList<>(rest);
    pooled.add(push(14_100, 250));
    report = report(pooled.toArray(String[]::new));
    assertThat(report.exit).isZero();
    assertThat(report.output)
        .containsPattern("push_alloc_bytes +14100 +goal <= 4096 +CI gate <= 16384 +misses goal");
  }

  /** gRPC's own call beside the Check: printed as the floor, never gated, never required. */
  @Test
  void printsGrpcsOwnCallBesideTheCheckWithoutGatingIt() throws IOException {
    List<String> results = new ArrayList<>(WITHIN_BUDGET);
    results.add(check(5_600, 220));
    results.add(grpcCall(4_614, 101));
    Report report = report(results.toArray(String[]::new));
    assertThat(report.output)
        .containsPattern("grpc_call_alloc_bytes +4614 +goal - +CI gate - +meets goal")
        .containsPattern("grpc_call_cpu_us +101 +goal - ");

    results.remove(results.size() - 1);
    report = report(results.toArray(String[]::new));
    assertThat(report.output).containsPattern("grpc_call_alloc_bytes +n/a ");
    assertThat(report.output).doesNotContain("no value for grpc_call");
  }

  @Test
  void failsWhenThePushDoorWasNotMeasured() throws IOException {
    List<String> results = new ArrayList<>(WITHIN_BUDGET);
    // a push run without ThreadCostProfiler: no rls.* results
    results.add(push(1, 1).replace("rls.alloc.norm", "x").replace("rls.cpu.norm", "y"));
    Report report = report(results.toArray(String[]::new));
    assertThat(report.exit).isEqualTo(2);
    assertThat(report.output)
        .contains("gate: FAILED: no value for push_alloc_bytes")
        .contains("no result for PushDoorBenchmark.push avgt with ThreadCostProfiler");
  }

  @Test
  void convertsSampleTimeUnitsToMilliseconds() throws IOException {
    Path file = write("[" + sampleIn("decodeScanAndDecide", "2000", "ns/op", 2_500_000) + "]");

    JmhResult result = JmhResult.read(file).get(0);

    assertThat(result.percentileMillis("99.0")).hasValue(2.5);
    assertThat(result.shortName()).isEqualTo("RemoteWriteBenchmark.decodeScanAndDecide");
    assertThat(result.params()).containsEntry("request", "2000");
  }

  private record Report(int exit, String output) {
    List<String> lastLines(int n) {
      List<String> lines = output.lines().toList();
      return lines.subList(lines.size() - n, lines.size());
    }
  }

  /** The OTLP benchmark's results, the same in every test: its figures meet their gate. */
  private static final List<String> OTLP =
      List.of(
          otlp("otlpScan", 500, 360),
          pairedOtlp(1500, 500),
          otlp("otlpGunzip", 300, 2),
          otlp("otlpGunzipAndScan", 800, 380));

  private static String otlp(String method, double us, double allocNorm) {
    return avgt(method, "2000", us, allocNorm)
        .replace(PREFIX, "io.mimiredge.benchmarks.otlp.OtlpBenchmark.");
  }

  private Report report(String... entries) throws IOException {
    List<String> all = new ArrayList<>(List.of(entries));
    if (all.stream().noneMatch(e -> e.contains("OtlpBenchmark"))) {
      all.addAll(OTLP);
    }
    if (all.stream().noneMatch(e -> e.contains("PushDoorBenchmark"))) {
      all.add(push(14_000, 250));
    }
    if (all.stream().noneMatch(e -> e.contains("GrpcDoorBenchmark"))) {
      all.add(check(6_400, 180));
    }
    Path file = write("[" + String.join(",", all) + "]");
    List<JmhResult> results = new ArrayList<>(JmhResult.read(file));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      exit = GateReport.report(results, out);
    }
    return new Report(exit, bytes.toString(StandardCharsets.UTF_8));
  }

  private Path write(String json) throws IOException {
    Path file = Files.createTempFile(dir, "jmh", ".json");
    Files.writeString(file, json);
    return file;
  }

  /**
   * A JMH avgt entry as {@code -rf json} writes it, with {@code -prof gc}: {@code us} is the median
   * iteration (us/op); the mean is 1.5 times that, as after one slow iteration, so the tests show
   * that the ratios use the median.
   */
  private static String avgt(String method, String request, double us, double allocNorm) {
    return String.format(
        Locale.ROOT,
        """
        {"jmhVersion":"1.37","benchmark":"%s%s","mode":"avgt","params":{"request":"%s"},
         "primaryMetric":{"score":%s,"scoreError":"NaN","scorePercentiles":{"50.0":%s,"99.0":%s},
                          "scoreUnit":"us/op","rawData":[[%s]]},
         "secondaryMetrics":{"gc.alloc.rate":{"score":1.0,"scoreUnit":"MB/sec"},
                             "gc.alloc.rate.norm":{"score":%s,"scoreUnit":"B/op"}}}
        """,
        PREFIX,
        method,
        request,
        us * 1.5,
        us,
        us * 2,
        us,
        allocNorm);
  }

  /**
   * A {@link PairedTimes} benchmark's entry: its two halves' summed times as JMH reports its
   * counters, in microseconds here for reading (the gate only divides them).
   */
  private static String paired(String method, double numeratorUs, double denominatorUs) {
    return avgt(method, "2000", numeratorUs + denominatorUs, 0)
        .replace(
            "\"gc.alloc.rate\":{\"score\":1.0,\"scoreUnit\":\"MB/sec\"}",
            String.format(
                Locale.ROOT,
                "\"numeratorNanos\":{\"score\":%s,\"scoreUnit\":\"#\"},"
                    + "\"denominatorNanos\":{\"score\":%s,\"scoreUnit\":\"#\"}",
                numeratorUs * 1000,
                denominatorUs * 1000));
  }

  /** OtlpBenchmark's interleaved walk and generated parse. */
  private static String pairedOtlp(double parseUs, double walkUs) {
    return paired("pairedParseVsScan", parseUs, walkUs)
        .replace(PREFIX, "io.mimiredge.benchmarks.otlp.OtlpBenchmark.");
  }

  /**
   * PushDoorBenchmark's entry with ThreadCostProfiler's two results, as {@code -rf json} has it.
   */
  private static String push(double allocNorm, double cpuUs) {
    return String.format(
        Locale.ROOT,
        """
        {"benchmark":"io.mimiredge.benchmarks.http.PushDoorBenchmark.push","mode":"avgt",
         "params":{"body":"mix"},
         "primaryMetric":{"score":320.5,"scoreError":12.0,"scorePercentiles":{"50.0":318.0},
                          "scoreUnit":"us/op","rawData":[[318.0]]},
         "secondaryMetrics":{"rls.alloc.norm":{"score":%s,"scoreUnit":"B/op"},
                             "rls.cpu.norm":{"score":%s,"scoreUnit":"us/op"}}}
        """,
        allocNorm,
        cpuUs);
  }

  /** GrpcDoorBenchmark's entry with ThreadCostProfiler's two results. */
  private static String check(double allocNorm, double cpuUs) {
    return push(allocNorm, cpuUs)
        .replace(
            "io.mimiredge.benchmarks.http.PushDoorBenchmark.push",
            "io.mimiredge.benchmarks.grpc.GrpcDoorBenchmark.check")
        .replace("\"params\":{\"body\":\"mix\"},", "\"params\":{},");
  }

  private static String grpcCall(double allocNorm, double cpuUs) {
    return check(allocNorm, cpuUs).replace("GrpcDoorBenchmark.check", "GrpcDoorBenchmark.health");
  }

  /** A JMH sample entry with its mean and p99 in ms. */
  private static String sample(String method, String request, double meanMs, double p99Ms) {
    return sampleIn(method, request, "ms/op", p99Ms)
        .replace("\"score\":0.5", "\"score\":" + meanMs);
  }

  private static String sampleIn(String method, String request, String unit, double p99) {
    return String.format(
        Locale.ROOT,
        """
        {"benchmark":"%s%s","mode":"sample","params":{"request":"%s"},
         "primaryMetric":{"score":0.5,"scoreError":0.01,
                          "scorePercentiles":{"50.0":0.2,"99.0":%s,"99.9":%s},
                          "scoreUnit":"%s","rawDataHistogram":[]},
         "secondaryMetrics":{}}
        """,
        PREFIX,
        method,
        request,
        p99,
        p99,
        unit);
  }
}
