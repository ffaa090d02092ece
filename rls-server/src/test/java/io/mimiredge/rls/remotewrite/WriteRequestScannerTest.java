package io.mimiredge.rls.remotewrite;

import static io.mimiredge.rls.remotewrite.Limits.NOW;
import static io.mimiredge.rls.remotewrite.Proto.bytes;
import static io.mimiredge.rls.remotewrite.Proto.concat;
import static io.mimiredge.rls.remotewrite.Proto.label;
import static io.mimiredge.rls.remotewrite.Proto.metadata;
import static io.mimiredge.rls.remotewrite.Proto.series;
import static io.mimiredge.rls.remotewrite.RemoteWriteException.Kind.BAD_BODY;
import static io.mimiredge.rls.remotewrite.RemoteWriteException.Kind.DECODED_TOO_LARGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class WriteRequestScannerTest {
  private static final int MAX = 64 << 20;
  private final WriteRequestScanner scanner = new WriteRequestScanner(MAX);

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void rejectsANonPositiveLimit(int max) {
    assertThatThrownBy(() -> new WriteRequestScanner(max))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDecodedBytes must be > 0, got " + max);
  }

  @Test
  void anEmptyBodyIsNotASnappyBlock() {
    assertBadBody(new byte[0], "empty body");
  }

  @Test
  void anEmptyRequestScansToZeros() throws Exception {
    byte[] body = Fixtures.compress(new byte[0]);
    assertThat(body).containsExactly(0); // just the header: 0 decoded bytes

    WriteRequestStats stats = scanner.scan(body, ValidationLimits.MIMIR_DEFAULTS, NOW);
    assertThat(stats)
        .isEqualTo(ReferenceDecoder.stats(new byte[0], 1, ValidationLimits.MIMIR_DEFAULTS, NOW));
    assertThat(stats.compressedBytes()).isEqualTo(1);
    assertThat(
            List.of(
                stats.uncompressedBytes(), stats.series(), stats.receivedItems(), stats.items()))
        .containsOnly(0L);
    assertThat(stats.hasViolations()).isFalse();
  }

  @Test
  void aMetadataOnlyRequestHasNoSeriesStats() throws Exception {
    WriteRequestStats stats = scanner.scan(Fixtures.body("041.bin"), ValidationLimits.NONE, NOW);

    assertThat(stats.metadata()).isEqualTo(210);
    assertThat(stats.items()).isEqualTo(210);
    assertThat(stats.series()).isZero();
    assertThat(stats.maxLabelsPerSeries()).isZero();
    assertThat(stats.maxLabelNameLength()).isZero();
    assertThat(stats.maxLabelValueLength()).isZero();
    assertThat(stats.maxMetadataLength()).isPositive();
  }

  @Test
  void scansARangeOfALargerArray() throws Exception {
    byte[] body = Fixtures.body("072.bin");
    byte[] padded = concat(bytes(0xff, 0xff, 0xff), body, bytes(0xff));

    assertThat(scanner.scan(padded, 3, body.length, ValidationLimits.NONE, NOW))
        .isEqualTo(scanner.scan(body, ValidationLimits.NONE, NOW));
    assertThatThrownBy(() -> scanner.scan(padded, 3, padded.length, ValidationLimits.NONE, NOW))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void skipsUnknownFieldsOfEveryWireTypeEverywhere() throws Exception {
    Proto.Fields unknowns =
        out -> {
          out.writeUInt64(90, 12345);
          out.writeFixed32(91, 7);
          out.writeFixed64(92, 7);
          out.writeString(93, "unknown text");
          out.writeTag(94, WireFormat.WIRETYPE_START_GROUP);
          out.writeString(1, "inside a group");
          out.writeTag(95, WireFormat.WIRETYPE_START_GROUP);
          out.writeUInt32(1, 1);
          out.writeTag(95, WireFormat.WIRETYPE_END_GROUP);
          out.writeTag(94, WireFormat.WIRETYPE_END_GROUP);
        };
    byte[] plainLabel = label("job", "prometheus");
    byte[] oddLabel = Proto.concat(Proto.message(unknowns), plainLabel, Proto.message(unknowns));
    byte[] oddSeries =
        Proto.concat(
            Proto.message(unknowns),
            Proto.message(out -> out.writeByteArray(1, oddLabel)),
            Proto.message(unknowns),
            Proto.message(out -> out.writeByteArray(2, Proto.sample(1, 1_795_400_000_000L))));
    byte[] oddMetadata = Proto.concat(Proto.message(unknowns), metadata("up", "help", "s"));
    byte[] odd =
        Proto.message(
            out -> {
              unknowns.write(out);
              out.writeByteArray(1, oddSeries);
              out.writeUInt32(2, 1); // Mimir's WriteRequest.source: unknown in remote write 1.0
              out.writeByteArray(3, oddMetadata);
              unknowns.write(out);
            });
    byte[] plain =
        Proto.message(
            out -> {
              out.writeByteArray(1, series(1, plainLabel));
              out.writeByteArray(3, metadata("up", "help", "s"));
            });

    WriteRequestStats oddStats = scan(odd);
    WriteRequestStats plainStats = scan(plain);

    assertThat(oddStats.series()).isEqualTo(1);
    assertThat(oddStats.floatSamples()).isEqualTo(1);
    assertThat(oddStats.metadata()).isEqualTo(1);
    assertThat(oddStats.maxLabelsPerSeries()).isEqualTo(1);
    assertThat(oddStats.maxLabelNameLength()).isEqualTo(3);
    assertThat(oddStats.maxLabelValueLength()).isEqualTo(10);
    assertThat(withoutSizes(oddStats)).isEqualTo(withoutSizes(plainStats));
  }

  @Test
  void aRepeatedLabelFieldCountsItsLastValue() throws Exception {
    byte[] label =
        Proto.message(
            out -> {
              out.writeString(1, "a_rather_long_label_name");
              out.writeString(2, "a_rather_long_label_value");
              out.writeString(1, "n");
              out.writeString(2, "v");
            });

    WriteRequestStats stats = scan(Proto.request(series(1, label)));

    assertThat(stats.maxLabelsPerSeries()).isEqualTo(1);
    assertThat(stats.maxLabelNameLength()).isEqualTo(1);
    assertThat(stats.maxLabelValueLength()).isEqualTo(1);
  }

  @Test
  void labelLengthsAreUtf8Bytes() throws Exception {
    WriteRequestStats stats = scan(Proto.request(series(1, label("ünï", "日本語"))));

    assertThat(stats.maxLabelNameLength()).isEqualTo(5);
    assertThat(stats.maxLabelValueLength()).isEqualTo(9);
  }

  @Test
  void exemplarLabelsAreNotSeriesLabels() throws Exception {
    byte[] exemplar =
        Proto.message(out -> out.writeByteArray(1, label("trace_id", "x".repeat(99))));
    byte[] ts =
        Proto.message(
            out -> {
              out.writeByteArray(1, label("__name__", "up"));
              out.writeByteArray(3, exemplar);
            });

    WriteRequestStats stats = scan(Proto.request(ts));

    assertThat(stats.exemplars()).isEqualTo(1);
    assertThat(stats.maxLabelValueLength()).isEqualTo(2);
  }

  static Stream<Arguments> wrongWireTypes() {
    return Stream.of(
        wrong("WriteRequest.timeseries as varint", out -> out.writeUInt32(1, 5)),
        wrong("WriteRequest.metadata as fixed32", out -> out.writeFixed32(3, 5)),
        wrong("TimeSeries.labels as varint", seriesOf(out -> out.writeUInt32(1, 1))),
        wrong("TimeSeries.samples as fixed64", seriesOf(out -> out.writeDouble(2, 1.0))),
        wrong("TimeSeries.exemplars as varint", seriesOf(out -> out.writeUInt32(3, 1))),
        wrong("TimeSeries.histograms as fixed32", seriesOf(out -> out.writeFixed32(4, 1))),
        wrong("Label.name as varint", labelOf(out -> out.writeUInt32(1, 1))),
        wrong("Label.value as fixed64", labelOf(out -> out.writeFixed64(2, 1))),
        wrong("MetricMetadata.type as bytes", metadataOf(out -> out.writeString(1, "COUNTER"))),
        wrong(
            "MetricMetadata.metric_family_name as varint",
            metadataOf(out -> out.writeUInt32(2, 1))),
        wrong("MetricMetadata.help as fixed32", metadataOf(out -> out.writeFixed32(4, 1))),
        wrong("MetricMetadata.unit as varint", metadataOf(out -> out.writeUInt32(5, 1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongWireTypes")
  void refusesAKnownFieldWithTheWrongWireType(String field, byte[] protobuf) {
    String name = field.substring(0, field.indexOf(' '));

    assertBadBody(Fixtures.compress(protobuf), name + " (field ", "has wire type", "at byte");
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of(
            "truncated tag",
            bytes(0x0a, 0x00, 0x80),
            "ended unexpectedly in the middle of a field, at byte 2 of 3"),
        Arguments.of("zero tag", bytes(0x00), "invalid tag (zero), at byte 0"),
        Arguments.of(
            "length past the end", bytes(0x0a, 0x05, 0x0a), "declares 5 bytes, only 1 left"),
        Arguments.of(
            "negative length",
            bytes(0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
            "declares 18446744073709551615 bytes"),
        // protobuf-java's readRawVarint32 would read 2^32 + 1 as 1
        Arguments.of(
            "length over 32 bits",
            bytes(0x0a, 0x81, 0x80, 0x80, 0x80, 0x10, 0x00),
            "declares 4294967297"),
        Arguments.of(
            "varint over 10 bytes",
            concat(bytes(0x10), filled(11, 0xff), bytes(0x01)),
            "malformed varint"),
        Arguments.of(
            "truncated varint field",
            bytes(0x10, 0xff),
            "ended unexpectedly in the middle of a field, at byte 0"),
        Arguments.of(
            "truncated fixed64",
            bytes(0x11, 1, 2, 3),
            "ended unexpectedly in the middle of a field, at byte 0"),
        Arguments.of("wire type 6", bytes(0x16, 0x00), "invalid wire type 6"),
        Arguments.of("wire type 7", bytes(0x17, 0x00), "invalid wire type 7"),
        Arguments.of("end-group without start", bytes(0x14), "end-group tag without a start-group"),
        Arguments.of(
            "group that never closes",
            bytes(0x13, 0x08, 0x01),
            "end-group tag did not match expected tag, at byte 0"),
        Arguments.of(
            "group closed by another field",
            bytes(0x13, 0x1c),
            "end-group tag did not match expected tag, at byte 0"),
        Arguments.of(
            "groups nested too deep", filled(1000, 0x13), "too many levels of nesting, at byte 0"),
        Arguments.of(
            "label longer than its series",
            Proto.request(bytes(0x0a, 0x05, 0x0a, 0x01, 'a')),
            "TimeSeries.labels (field 1) declares 5 bytes, only 3 left in the enclosing message"),
        Arguments.of(
            "end-group inside a label",
            Proto.request(Proto.message(out -> out.writeByteArray(1, bytes(0x0c)))),
            "(in timeseries #0, label #0)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void refusesMalformedProtobufSayingWhereAndWhat(String what, byte[] protobuf, String message) {
    assertBadBody(Fixtures.compress(protobuf), "malformed WriteRequest", message, "at byte");
  }

  @Test
  void errorMessageNamesTheElementAndItsOffset() {
    byte[] good = series(1, label("a", "b"));
    byte[] bad = Proto.message(out -> out.writeByteArray(1, bytes(0x08, 0x01))); // name as varint
    byte[] protobuf = Proto.request(good, bad);
    int badLabelAt = 2 + good.length + 2; // request tag + length, good series, series tag + length

    RemoteWriteException e = badBody(Fixtures.compress(protobuf));

    assertThat(e.getMessage())
        .isEqualTo(
            "malformed WriteRequest: Label.name (field 1) has wire type 0 (varint), expected 2"
                + " (length-delimited), at byte "
                + (badLabelAt + 2)
                + " of "
                + protobuf.length
                + " (in timeseries #1, label #0)");
  }

  /**
   * Cut the decoded protobuf at every offset and re-compress it properly: a cut between two
   * top-level fields is a valid, shorter request (and must scan as the reference does); every other
   * cut is malformed and must be BAD_BODY, never another exception.
   */
  @ParameterizedTest
  @ValueSource(strings = {"072.bin", "222.bin", "249.bin", "259.bin"})
  void truncatedProtobufIsRefusedAtEveryOffset(String file) throws Exception {
    byte[] protobuf = Fixtures.protobuf(file);
    boolean[] boundary = topLevelBoundaries(protobuf);
    int valid = 0;
    for (int cut = 0; cut < protobuf.length; cut++) {
      byte[] prefix = Arrays.copyOf(protobuf, cut);
      byte[] body = Fixtures.compress(prefix);
      if (boundary[cut]) {
        assertThat(scanner.scan(body, ValidationLimits.MIMIR_DEFAULTS, NOW))
            .as("cut at %d", cut)
            .isEqualTo(
                ReferenceDecoder.stats(prefix, body.length, ValidationLimits.MIMIR_DEFAULTS, NOW));
        valid++;
      } else {
        RemoteWriteException e = badBody(body);
        assertThat(e.getMessage()).as("cut at %d", cut).startsWith("malformed WriteRequest");
      }
    }
    assertThat(valid).isGreaterThan(1);
  }

  @Test
  void truncatedProtobufOfALargeRequestIsRefused() throws Exception {
    byte[] protobuf = Fixtures.protobuf("002.bin");
    boolean[] boundary = topLevelBoundaries(protobuf);
    for (int cut = 1; cut < protobuf.length; cut += 61) {
      if (!boundary[cut]) {
        badBody(Fixtures.compress(Arrays.copyOf(protobuf, cut)));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"072.bin", "222.bin", "002.bin", "256.bin"})
  void truncatedSnappyIsRefusedAtEveryOffset(String file) {
    byte[] body = Fixtures.body(file);
    for (int cut = 0; cut < body.length; cut++) {
      assertThat(badBody(Arrays.copyOf(body, cut)).getMessage())
          .as("cut at %d", cut)
          .contains("snappy");
    }
  }

  @Test
  void refusesAFourGibHeaderAtOnceWithoutAllocating() {
    // 2^32 - 1, the largest length a snappy header can declare, followed by a little data.
    byte[] body = concat(bytes(0xff, 0xff, 0xff, 0xff, 0x0f), filled(64, 0));
    WriteRequestScanner fresh = new WriteRequestScanner(MAX);
    long allocated = allocatedBytes();
    long started = System.nanoTime();

    RemoteWriteException e =
        catchThrowableOfType(
            RemoteWriteException.class, () -> fresh.scan(body, ValidationLimits.NONE, NOW));

    // A bound against hanging only (a busy machine can stall a thread for a second): that it did
    // not decode is what the allocation, the buffer and the kind below say.
    assertThat(System.nanoTime() - started).isLessThan(Duration.ofSeconds(30).toNanos());
    assertThat(allocatedBytes() - allocated).isLessThan(64 * 1024);
    assertThat(fresh.threadBufferSize()).isZero();
    assertThat(e.kind()).isEqualTo(DECODED_TOO_LARGE);
    assertThat(e.getMessage())
        .isEqualTo(
            "snappy header declares 4294967295 decoded bytes, more than the limit of " + MAX);
  }

  @Test
  void aHeaderOver32BitsIsNotSnappy() {
    // 2^32: a valid protobuf varint, but snappy allows at most 0x0f in the fifth byte.
    assertBadBody(bytes(0x80, 0x80, 0x80, 0x80, 0x10, 0), "fifth byte is 0x10");
    assertBadBody(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x01), "fifth byte is 0x80");
  }

  @Test
  void aTruncatedHeaderIsNotSnappy() {
    assertBadBody(bytes(0x80), "snappy header truncated");
    assertBadBody(bytes(0xff, 0xff, 0xff, 0xff), "snappy header truncated");
  }

  @Test
  void refusesADecodedSizeOverTheLimitBeforeDecoding() throws Exception {
    byte[] body = Fixtures.body("000.bin"); // 73107 bytes decoded
    WriteRequestScanner exact = new WriteRequestScanner(73107);
    WriteRequestScanner small = new WriteRequestScanner(73106);

    assertThat(exact.scan(body, ValidationLimits.NONE, NOW).uncompressedBytes()).isEqualTo(73107);
    assertThat(exact.threadBufferSize()).isEqualTo(73107);
    RemoteWriteException e =
        catchThrowableOfType(
            RemoteWriteException.class, () -> small.scan(body, ValidationLimits.NONE, NOW));
    assertThat(e.kind()).isEqualTo(DECODED_TOO_LARGE);
    assertThat(small.threadBufferSize()).isZero();
  }

  @Test
  void refusesAHeaderDeclaringMoreThanTheBlockCanHoldWithoutAllocating() {
    byte[] body = concat(bytes(0x80, 0x80, 0x40), filled(20, 0)); // 1 MiB from 23 bytes
    WriteRequestScanner fresh = new WriteRequestScanner(MAX);

    assertThatThrownBy(() -> fresh.scan(body, ValidationLimits.NONE, NOW))
        .isInstanceOf(RemoteWriteException.class)
        .hasMessage(
            "snappy header declares 1048576 decoded bytes, more than a 23-byte block can hold");
    assertThat(fresh.threadBufferSize()).isZero();
  }

  @Test
  void theExpansionBoundAdmitsTheDensestRealBlock() throws Exception {
    byte[] body = Fixtures.compress(new byte[1 << 20]); // zeros: snappy's best case, ~21.3x

    assertThat(scanner.decode(body, 0, body.length)).isEqualTo(1 << 20);
  }

  @Test
  void refusesABlockWhoseDataDoesNotMatchItsDeclaredLength() {
    byte[] protobuf = Fixtures.protobuf("072.bin");
    byte[] data = Fixtures.compress(protobuf);
    byte[] payload = Arrays.copyOfRange(data, headerLength(data), data.length);

    for (int declared : new int[] {protobuf.length - 1, protobuf.length + 1, 0, 1}) {
      assertBadBody(concat(varint(declared), payload), "not a valid snappy block");
    }
  }

  @Test
  void refusesCorruptSnappyData() {
    byte[] body = Fixtures.body("072.bin").clone();
    Arrays.fill(body, 3, 30, (byte) 0xff);

    assertBadBody(body, "not a valid snappy block");
  }

  @Test
  void randomBytesAreRefusedOrScannedNeverThrown() {
    Random random = new Random(20260101);
    for (int i = 0; i < 20_000; i++) {
      byte[] body = new byte[random.nextInt(200)];
      random.nextBytes(body);
      if (i % 2 == 0 && body.length > 0) {
        // a plausible header, so that snappy gets to look at the data
        byte[] header = varint(random.nextInt(body.length * 4 + 1));
        body = concat(header, body);
      }
      scanOrRefuse(body);
      scanOrRefuse(Fixtures.compress(body)); // the same bytes as a protobuf
    }
  }

  @Test
  void mutatedRealRequestsAreRefusedOrScannedAsTheReferenceDoes() throws Exception {
    Random random = new Random(42);
    byte[] original = Fixtures.protobuf("249.bin"); // samples, exemplars, many label shapes
    ValidationLimits limits = Limits.EVERY_RULE;
    int scanned = 0;
    for (int i = 0; i < 3_000; i++) {
      byte[] protobuf = original.clone();
      for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
        protobuf[random.nextInt(protobuf.length)] = (byte) random.nextInt(256);
      }
      byte[] body = Fixtures.compress(protobuf);
      WriteRequestStats stats = scanOrRefuse(body);
      if (stats != null) {
        assertThat(stats).isEqualTo(ReferenceDecoder.stats(protobuf, body.length, limits, NOW));
        scanned++;
      }
    }
    assertThat(scanned).isPositive();
  }

  /** Every byte value in every place of a label name and a metric name, against the reference. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 8, 9, 15, 16, 17})
  void judgesEveryByteOfANameAsTheReference(int length) throws Exception {
    for (int b = 0; b < 256; b++) {
      for (int at : new int[] {0, length / 2, length - 1}) {
        byte[] name = filled(length, 'a');
        name[at] = (byte) b;
        byte[] protobuf =
            Proto.request(
                Proto.message(
                    out -> {
                      out.writeByteArray(1, Proto.label("__name__", "up"));
                      out.writeByteArray(
                          1,
                          Proto.message(
                              l -> {
                                l.writeByteArray(1, name);
                                l.writeString(2, "v");
                              }));
                      out.writeByteArray(2, Proto.sampleAt(NOW));
                    }),
                Proto.message(
                    out -> {
                      out.writeByteArray(
                          1,
                          Proto.label(
                              "__name__",
                              new String(name, java.nio.charset.StandardCharsets.ISO_8859_1)));
                      out.writeByteArray(2, Proto.sampleAt(NOW));
                    }));
        byte[] body = Fixtures.compress(protobuf);
        for (ValidationLimits limits :
            List.of(
                ValidationLimits.MIMIR_DEFAULTS,
                ValidationLimits.builder().nameValidation(NameValidation.UTF8).build())) {
          assertThat(scanner.scan(body, limits, NOW))
              .as("byte %d at %d of %d", b, at, length)
              .isEqualTo(ReferenceDecoder.stats(protobuf, body.length, limits, NOW));
        }
      }
    }
  }

  @Test
  void keepsItsBufferAndNeverGrowsItPastTheLimit() throws Exception {
    WriteRequestScanner bounded = new WriteRequestScanner(100_000);
    bounded.scan(Fixtures.body("072.bin"), ValidationLimits.NONE, NOW);
    assertThat(bounded.threadBufferSize()).isEqualTo(1304);
    bounded.scan(Fixtures.body("000.bin"), ValidationLimits.NONE, NOW);
    assertThat(bounded.threadBufferSize()).isEqualTo(73107);
    bounded.scan(Fixtures.body("005.bin"), ValidationLimits.NONE, NOW); // 82483: doubling, capped
    assertThat(bounded.threadBufferSize()).isEqualTo(100_000);

    bounded.scan(Fixtures.body("072.bin"), ValidationLimits.NONE, NOW);
    assertThat(bounded.threadBufferSize()).isEqualTo(100_000);
  }

  @Test
  void allocatesLessThanOneKibPerScan() throws Exception {
    byte[] body = Fixtures.body("002.bin"); // 500 series, up to 27 labels each
    for (int i = 0; i < 2_000; i++) {
      scanner.scan(body, ValidationLimits.MIMIR_DEFAULTS, NOW);
    }
    int scans = 1_000;
    long before = allocatedBytes();
    for (int i = 0; i < scans; i++) {
      scanner.scan(body, ValidationLimits.MIMIR_DEFAULTS, NOW);
    }
    long perScan = (allocatedBytes() - before) / scans;

    assertThat(perScan).isLessThan(1024);
  }

  @Test
  void threadsScanConcurrentlyWithTheirOwnBuffers() throws Exception {
    String[] files = {"000.bin", "002.bin", "041.bin", "072.bin", "249.bin", "255.bin"};
    WriteRequestStats[] expected = new WriteRequestStats[files.length];
    for (int i = 0; i < files.length; i++) {
      expected[i] = scanner.scan(Fixtures.body(files[i]), ValidationLimits.MIMIR_DEFAULTS, NOW);
    }
    ExecutorService pool = Executors.newFixedThreadPool(files.length);
    try {
      Future<?>[] runs = new Future<?>[files.length];
      for (int t = 0; t < files.length; t++) {
        int offset = t;
        runs[t] =
            pool.submit(
                () -> {
                  for (int round = 0; round < 200; round++) {
                    int i = (offset + round) % files.length;
                    assertThat(
                            scanner.scan(
                                Fixtures.body(files[i]), ValidationLimits.MIMIR_DEFAULTS, NOW))
                        .isEqualTo(expected[i]);
                  }
                  return null;
                });
      }
      for (Future<?> run : runs) {
        run.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // --- helpers

  private WriteRequestStats scan(byte[] protobuf) throws Exception {
    byte[] body = Fixtures.compress(protobuf);
    WriteRequestStats stats = scanner.scan(body, ValidationLimits.MIMIR_DEFAULTS, NOW);
    assertThat(stats)
        .isEqualTo(
            ReferenceDecoder.stats(protobuf, body.length, ValidationLimits.MIMIR_DEFAULTS, NOW));
    return stats;
  }

  /** Stats or null when refused; anything but a RemoteWriteException fails the test. */
  private WriteRequestStats scanOrRefuse(byte[] body) {
    try {
      WriteRequestStats stats = scanner.scan(body, Limits.EVERY_RULE, NOW);
      ScannerInvariants.check(stats, body.length, Limits.EVERY_RULE, MAX);
      return stats;
    } catch (RemoteWriteException e) {
      assertThat(e.kind()).isIn(BAD_BODY, DECODED_TOO_LARGE);
      return null;
    }
  }

  private RemoteWriteException badBody(byte[] body) {
    RemoteWriteException e =
        catchThrowableOfType(
            RemoteWriteException.class, () -> scanner.scan(body, ValidationLimits.NONE, NOW));
    assertThat(e).as("refused").isNotNull();
    assertThat(e.kind()).isEqualTo(BAD_BODY);
    return e;
  }

  private void assertBadBody(byte[] body, String... messageParts) {
    assertThat(badBody(body).getMessage()).contains(messageParts);
  }

  private static WriteRequestStats withoutSizes(WriteRequestStats s) {
    return io.mimiredge.rls.testing.Stats.as(s, Protocol.RW1, 0, 0);
  }

  /** Offsets at which the protobuf can be cut between two top-level fields. */
  private static boolean[] topLevelBoundaries(byte[] protobuf) throws Exception {
    boolean[] boundary = new boolean[protobuf.length + 1];
    CodedInputStream in = CodedInputStream.newInstance(protobuf);
    boundary[0] = true;
    while (!in.isAtEnd()) {
      in.skipField(in.readTag());
      boundary[in.getTotalBytesRead()] = true;
    }
    return boundary;
  }

  private static Arguments wrong(String name, Proto.Fields fields) {
    return Arguments.of(name, Proto.message(fields));
  }

  private static Arguments wrong(String name, byte[] protobuf) {
    return Arguments.of(name, protobuf);
  }

  private static byte[] seriesOf(Proto.Fields fields) {
    return Proto.request(Proto.message(fields));
  }

  private static byte[] labelOf(Proto.Fields fields) {
    return Proto.request(Proto.message(out -> out.writeByteArray(1, Proto.message(fields))));
  }

  private static byte[] metadataOf(Proto.Fields fields) {
    return Proto.message(out -> out.writeByteArray(3, Proto.message(fields)));
  }

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  private static byte[] varint(int value) {
    return Proto.message(out -> out.writeUInt32NoTag(value));
  }

  private static int headerLength(byte[] block) {
    int i = 0;
    while ((block[i] & 0x80) != 0) {
      i++;
    }
    return i + 1;
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
