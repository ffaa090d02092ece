package io.mimiredge.rls.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.util.JarLocation;
import io.mimiredge.rls.RlsApplication;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.OverridesParser;
import io.mimiredge.rls.limits.TenantLimits;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

class InspectorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path FIXTURES = Path.of(System.getProperty("fixtures.dir"));
  private static final List<String> EXPECTED_FIELDS =
      List.of(
          "compressed_bytes",
          "uncompressed_bytes",
          "series",
          "float_samples",
          "histograms",
          "exemplars",
          "metadata",
          "max_labels_per_series",
          "max_label_name_len",
          "max_label_value_len");

  private static Inspector inspector(String overridesYaml, String tenant) throws Exception {
    Overrides overrides = OverridesParser.parse(overridesYaml, TenantLimits.MIMIR_DEFAULTS);
    return new Inspector(
        overrides,
        tenant,
        50L << 20,
        100 << 20,
        () -> 0L,
        io.mimiredge.rls.testing.TestFixtures.NOW_MILLIS);
  }

  private static List<JsonNode> lines(String output) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  @Test
  void printsEveryExpectedStatisticForEveryFixture() throws Exception {
    List<JsonNode> expected;
    try (Stream<String> s = Files.lines(FIXTURES.resolve("expected.jsonl"))) {
      expected = s.filter(l -> !l.isBlank()).map(InspectorTest::json).toList();
    }
    List<Path> bodies =
        expected.stream().map(e -> FIXTURES.resolve(e.get("file").asText())).toList();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int failed =
        inspector("", null).inspect(bodies, new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(failed).isZero();
    List<JsonNode> lines = lines(out.toString(StandardCharsets.UTF_8));
    assertThat(lines).hasSameSizeAs(expected);
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = lines.get(i);
      JsonNode want = expected.get(i);
      assertThat(line.get("file").asText()).isEqualTo(want.get("file").asText());
      for (String field : EXPECTED_FIELDS) {
        assertThat(line.get(field).asLong())
            .as("%s %s", want.get("file").asText(), field)
            .isEqualTo(want.get(field).asLong());
      }
      assertThat(line.has("decision")).isFalse();
    }
  }

  @Test
  void decidesForATenantWithItsOwnValidationLimits() throws Exception {
    // 002.bin carries 3 series with 27 labels: over a limit of 20 they are invalid, and Mimir
    // would drop them, so only the other 497 samples count against the ingestion limit.
    Inspector inspector =
        inspector(
            "overrides: {t: {max_label_names_per_series: 20, ingestion_burst_size: 1000}}", "t");

    JsonNode line = inspector.inspect(FIXTURES.resolve("002.bin"));

    assertThat(line.get("invalid").get("series").asLong()).isEqualTo(3);
    assertThat(line.get("not_counted").get("max_label_names_per_series").asLong()).isEqualTo(3);
    assertThat(line.get("invalid").get("first_error").asText())
        .isEqualTo("err-mimir-max-label-names-per-series");
    assertThat(line.get("received_items").asLong()).isEqualTo(500);
    assertThat(line.get("items").asLong()).isEqualTo(497);
    assertThat(line.get("decision").get("verdict").asText()).isEqualTo("allow");
    assertThat(line.get("decision").get("items").asLong()).isEqualTo(497);
  }

  /** Configs b-small carry external labels cluster and replica (fixtures README). */
  @Test
  void findsTheHaLabelsOfAnHaPairsPushAndCountsTheElectedReplica() throws Exception {
    Inspector inspector =
        inspector("overrides: {t: {accept_ha_samples: true, ha_replica_label: replica}}", "t");
    JsonNode first = inspector.inspect(FIXTURES.resolve("058.bin"));
    assertThat(first.get("ha").get("cluster").asText()).isNotEmpty();
    assertThat(first.get("ha").get("replica").asText()).isNotEmpty();
    assertThat(first.get("decision").get("reason").asText()).isEqualTo("allowed");
    assertThat(first.get("decision").get("items").asLong())
        .isEqualTo(first.get("items").asLong())
        .isPositive();
    // the same pair's next request, from the same replica: still counted
    JsonNode next = inspector.inspect(FIXTURES.resolve("059.bin"));
    assertThat(next.get("ha").get("cluster")).isEqualTo(first.get("ha").get("cluster"));
    assertThat(next.get("ha").get("replica")).isEqualTo(first.get("ha").get("replica"));
    // the earliest first sample, for ha_tracker_sample_failover_timeout
    assertThat(first.get("ha").get("earliest_sample_ms").asLong())
        .isEqualTo(earliestFirstSample(FIXTURES.resolve("058.bin")));
    assertThat(next.get("decision").get("reason").asText()).isEqualTo("allowed");
    assertThat(next.get("not_counted").has("ha_deduped")).isFalse();
  }

  /**
   * getEarliestSampleTimestamp read with protobuf's generic parser: the earliest of each series'
   * first sample (the fixtures hold no histograms).
   */
  private static long earliestFirstSample(Path body) throws Exception {
    byte[] protobuf = Snappy.uncompress(Files.readAllBytes(body));
    long earliest = Long.MAX_VALUE;
    for (ByteString series :
        UnknownFieldSet.parseFrom(protobuf).getField(1).getLengthDelimitedList()) {
      List<ByteString> samples =
          UnknownFieldSet.parseFrom(series).getField(2).getLengthDelimitedList();
      if (!samples.isEmpty()) {
        long t = UnknownFieldSet.parseFrom(samples.get(0)).getField(2).getVarintList().get(0);
        earliest = Math.min(earliest, t);
      }
    }
    return earliest;
  }

  @Test
  void underPerSampleDedupeListsTheSeriesOfEachReplica() throws Exception {
    Inspector inspector =
        inspector(
            "overrides: {t: {accept_ha_samples: true, ha_replica_label: replica,"
                + " ha_tracker_per_sample_dedupe: true}}",
            "t");
    JsonNode line = inspector.inspect(FIXTURES.resolve("058.bin"));
    assertThat(line.has("ha")).as("no request-wide labels").isFalse();
    JsonNode groups = line.get("ha_groups");
    assertThat(groups).isNotEmpty();
    long items = 0;
    for (JsonNode g : groups) {
      items += g.get("items").asLong();
    }
    // every series of one Prometheus carries the same external labels: one HA group
    JsonNode g = groups.get(groups.size() - 1);
    assertThat(g.get("cluster").asText()).isNotEmpty();
    assertThat(g.get("replica").asText()).isNotEmpty();
    assertThat(items + line.get("counted").get("metadata").asLong())
        .isEqualTo(line.get("items").asLong());
    assertThat(line.get("decision").get("items").asLong()).isEqualTo(line.get("items").asLong());
  }

  @Test
  void explainsARequestLargerThanTheBurst() throws Exception {
    JsonNode line =
        inspector("overrides: {t: {ingestion_burst_size: 100}}", "t")
            .inspect(FIXTURES.resolve("000.bin"));

    JsonNode decision = line.get("decision");
    assertThat(decision.get("verdict").asText()).isEqualTo("deny");
    assertThat(decision.get("reason").asText()).isEqualTo("ingestion_rate");
    assertThat(decision.get("status").asInt()).isEqualTo(429);
    assertThat(decision.get("message").asText())
        .contains("burst size limit, set to 100, with 500 items");
    assertThat(decision.has("retry_after_seconds")).isFalse();
  }

  @Test
  void validationDenyPolicyGivesA400() throws Exception {
    JsonNode line =
        inspector(
                "overrides: {t: {max_label_value_length: 100, edge_enforcement: {validation: deny}}}",
                "t")
            .inspect(FIXTURES.resolve("002.bin"));

    assertThat(line.get("decision").get("status").asInt()).isEqualTo(400);
    assertThat(line.get("decision").get("reason").asText()).isEqualTo("label_value_too_long");
    assertThat(line.get("decision").get("message").asText())
        .contains("err-mimir-label-value-too-long");
  }

  @Test
  void aBodyItCannotReadIsAJsonLineNotAStackTrace(@TempDir Path dir) throws Exception {
    Path garbage = dir.resolve("garbage.bin");
    Files.write(garbage, "definitely not snappy".getBytes(StandardCharsets.UTF_8));
    Path missing = dir.resolve("missing.bin");
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int failed =
        inspector("", "t")
            .inspect(List.of(garbage, missing), new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(failed).isEqualTo(2);
    List<JsonNode> lines = lines(out.toString(StandardCharsets.UTF_8));
    assertThat(lines.get(0).get("error").get("reason").asText()).isEqualTo("bad_body");
    assertThat(lines.get(0).get("decision").get("status").asInt()).isEqualTo(400);
    assertThat(lines.get(1).get("error").get("reason").asText()).isEqualTo("unreadable");
  }

  @Test
  void runsAsTheJarsInspectCommand(@TempDir Path dir) throws Exception {
    Path overrides = dir.resolve("overrides.yaml");
    Files.writeString(overrides, "overrides:\n  t:\n    ingestion_burst_size: 10\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    Optional<Throwable> failure =
        runCli(
            out,
            "inspect",
            "--overrides",
            overrides.toString(),
            "--tenant",
            "t",
            FIXTURES.resolve("000.bin").toString());

    assertThat(failure).isEmpty();
    JsonNode line = lines(out.toString(StandardCharsets.UTF_8)).get(0);
    assertThat(line.get("series").asLong()).isEqualTo(500);
    assertThat(line.get("decision").get("status").asInt()).isEqualTo(429);
  }

  @Test
  void aBrokenOverridesFileFailsTheCommandWithItsLine(@TempDir Path dir) throws Exception {
    Path overrides = dir.resolve("overrides.yaml");
    Files.writeString(overrides, "overrides:\n  t:\n    ingestion_rate: fast\n");

    Optional<Throwable> failure =
        runCli(
            new ByteArrayOutputStream(),
            "inspect",
            "--overrides",
            overrides.toString(),
            FIXTURES.resolve("000.bin").toString());

    assertThat(failure).isPresent();
    assertThat(failure.get().getMessage()).contains("ingestion_rate").contains("line 3");
  }

  /** Runs the jar's command line (Dropwizard's CLI, with inspect writing to {@code out}). */
  private static Optional<Throwable> runCli(ByteArrayOutputStream out, String... args)
      throws Exception {
    PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
    Bootstrap<?> bootstrap = new Bootstrap<>(new RlsApplication());
    bootstrap.addCommand(new InspectCommand(stdout));
    PrintStream stderr = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new Cli(new JarLocation(RlsApplication.class), bootstrap, stdout, stderr).run(args);
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The same capture as 1.0 and as 2.0 (its protocol from the .headers.json beside it, or from
   * --protocol) gives the same fields and counts, and says which protocol it read.
   */
  @Test
  void readsRemoteWrite2ByTheHeadersBesideTheBodyOrAsTold(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path v2 = dir.resolve("000.bin");
    Files.write(v2, io.mimiredge.rls.testing.Rw2Fixtures.body("000.bin"));
    Files.writeString(
        dir.resolve("000.headers.json"),
        "{\"headers\": {\"content-type\": \"application/x-protobuf;proto=io.prometheus.write.v2.Request\"}}");
    Path copy = dir.resolve("copy.bin");
    Files.copy(v2, copy);

    JsonNode v1 = inspector("", "t").inspect(FIXTURES.resolve("000.bin"));
    JsonNode byHeaders = inspector("", "t").inspect(v2);
    JsonNode withoutHeaders = inspector("", "t").inspect(copy);
    JsonNode asTold =
        new Inspector(
                OverridesParser.parse("", TenantLimits.MIMIR_DEFAULTS),
                "t",
                50L << 20,
                100 << 20,
                () -> 0L,
                io.mimiredge.rls.testing.TestFixtures.NOW_MILLIS,
                io.mimiredge.rls.remotewrite.Protocol.RW2,
                null)
            .inspect(copy);

    assertThat(v1.get("protocol").asText()).isEqualTo("rw1");
    assertThat(byHeaders.get("protocol").asText()).isEqualTo("rw2");
    assertThat(asTold.get("protocol").asText()).isEqualTo("rw2");
    for (String field : List.of("series", "float_samples", "received_items", "items")) {
      assertThat(byHeaders.get(field)).as(field).isEqualTo(v1.get(field));
      assertThat(asTold.get(field)).as(field).isEqualTo(v1.get(field));
    }
    assertThat(byHeaders.get("decision").get("reason").asText()).isEqualTo("allowed");
    // without headers or --protocol: read as 1.0, which refuses 2.0's fields as Mimir does
    assertThat(withoutHeaders.get("error").get("message").asText())
        .contains("Remote Write 2.0 field Symbols in non-Remote Write 2.0 message");
  }

  /**
   * The OTLP captures of testdata/otlp: read by the path and headers beside them, or as told with
   * --protocol otlp --encoding, the same JSON fields as remote write, and the counts expected.jsonl
   * records.
   */
  @Test
  void readsOtlpByTheHeadersBesideTheBodyOrAsTold(@TempDir Path dir) throws Exception {
    Path otlp = FIXTURES.resolveSibling("otlp");
    Path sdk = otlp.resolve("sdk-gzip.bin");
    JsonNode byHeaders = inspector("", "t").inspect(sdk);
    Path copy = dir.resolve("copy.bin");
    Files.copy(sdk, copy);
    JsonNode asTold =
        new Inspector(
                OverridesParser.parse("", TenantLimits.MIMIR_DEFAULTS),
                "t",
                50L << 20,
                100 << 20,
                () -> 0L,
                io.mimiredge.rls.testing.TestFixtures.NOW_MILLIS,
                io.mimiredge.rls.remotewrite.Protocol.OTLP,
                "gzip")
            .inspect(copy);
    JsonNode withoutEncoding =
        new Inspector(
                OverridesParser.parse("", TenantLimits.MIMIR_DEFAULTS),
                null,
                50L << 20,
                100 << 20,
                () -> 0L,
                io.mimiredge.rls.testing.TestFixtures.NOW_MILLIS,
                io.mimiredge.rls.remotewrite.Protocol.OTLP,
                "none")
            .inspect(copy);
    JsonNode expected =
        Files.readAllLines(otlp.resolve("expected.jsonl")).stream()
            .map(
                l -> {
                  try {
                    return JSON.readTree(l);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .filter(n -> n.get("file").asText().equals("sdk-gzip.bin"))
            .findFirst()
            .orElseThrow();
    for (JsonNode line : List.of(byHeaders, asTold)) {
      assertThat(line.get("protocol").asText()).isEqualTo("otlp");
      for (String field : EXPECTED_FIELDS) {
        assertThat(line.has(field)).as(field).isTrue();
      }
      for (String field : List.of("series", "float_samples", "histograms", "metadata")) {
        assertThat(line.get(field).asLong()).as(field).isEqualTo(expected.get(field).asLong());
      }
      assertThat(line.get("decision").get("reason").asText()).isNotEmpty();
    }
    assertThat(withoutEncoding.get("error").get("reason").asText()).isEqualTo("bad_body");
  }
}
