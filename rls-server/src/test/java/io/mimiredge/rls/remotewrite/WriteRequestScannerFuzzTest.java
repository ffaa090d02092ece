package io.mimiredge.rls.remotewrite;

import static io.mimiredge.rls.remotewrite.Limits.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing with Jazzer. A normal {@code mvn test} replays the inputs in {@code
 * src/test/resources/io/mimiredge/rls/remotewrite/WriteRequestScannerFuzzTestInputs/<method>/};
 * {@code JAZZER_FUZZ=1 mvn -pl rls-server test -Dtest=WriteRequestScannerFuzzTest#<method>} fuzzes
 * one method for its {@code maxDuration}, saving any crashing input in that directory.
 */
class WriteRequestScannerFuzzTest {
  /** A reference decoder's count of the input. */
  private interface Reference {
    WriteRequestStats stats() throws InvalidProtocolBufferException;
  }

  private static final int MAX_DECODED = 1 << 20;
  // Every rule on, with tight limits, so that the violation paths are explored too.
  private static final ValidationLimits LIMITS = Limits.EVERY_RULE;
  private static final WriteRequestScanner SCANNER = new WriteRequestScanner(MAX_DECODED);
  private static final Pattern DECLARED = Pattern.compile("declares (\\d+) bytes");

  /** Any body at all: consistent stats or a RemoteWriteException, nothing else. */
  @FuzzTest(maxDuration = "2m")
  void anyBody(byte[] body) {
    try {
      ScannerInvariants.check(SCANNER.scan(body, LIMITS, NOW), body.length, LIMITS, MAX_DECODED);
    } catch (RemoteWriteException e) {
      assertThat(e.kind()).isNotNull(); // refused: the one allowed failure
    }
  }

  /**
   * Any protobuf bytes in a valid snappy block, so that the fuzzer works on the wire-format walk;
   * whatever the scanner accepts, the reference decoder must accept and count the same way.
   */
  @FuzzTest(maxDuration = "2m")
  void anyProtobuf(byte[] protobuf) throws Exception {
    byte[] body = Fixtures.compress(protobuf);
    WriteRequestStats stats;
    try {
      stats = SCANNER.scan(body, LIMITS, NOW);
    } catch (RemoteWriteException e) {
      if (protobuf.length > MAX_DECODED) {
        return;
      }
      assertThat(e.kind()).isEqualTo(RemoteWriteException.Kind.BAD_BODY);
      assertReferenceRefusesToo(
          () -> ReferenceDecoder.stats(protobuf, body.length, LIMITS, NOW), e);
      return;
    }
    ScannerInvariants.check(stats, body.length, LIMITS, MAX_DECODED);
    assertThat(stats).isEqualTo(ReferenceDecoder.stats(protobuf, body.length, LIMITS, NOW));
  }

  /**
   * Any bytes as a remote write 2.0 Request: whatever the scanner accepts, the reference (the
   * request decoded into 1.0 as Mimir decodes it, then counted) must accept and count the same way.
   */
  @FuzzTest(maxDuration = "2m")
  void anyRw2Protobuf(byte[] protobuf) throws Exception {
    byte[] body = Fixtures.compress(protobuf);
    WriteRequestStats stats;
    try {
      stats = SCANNER.scan(body, 0, body.length, LIMITS, NOW, Protocol.RW2);
    } catch (RemoteWriteException e) {
      if (protobuf.length > MAX_DECODED) {
        return;
      }
      assertThat(e.kind()).isEqualTo(RemoteWriteException.Kind.BAD_BODY);
      assertReferenceRefusesToo(
          () -> ReferenceDecoderV2.stats(protobuf, body.length, LIMITS, NOW), e);
      return;
    }
    ScannerInvariants.check(stats, body.length, LIMITS, MAX_DECODED);
    assertThat(stats).isEqualTo(ReferenceDecoderV2.stats(protobuf, body.length, LIMITS, NOW));
  }

  /**
   * The scanner may be stricter than protobuf-java in one way only: protobuf-java reads a field
   * length with readRawVarint32 and drops its bits over 32, so it accepts a length of 2^32 + n as
   * n, which the scanner (like Mimir's decoder) refuses.
   */
  private static void assertReferenceRefusesToo(Reference reference, RemoteWriteException refusal) {
    try {
      reference.stats();
    } catch (InvalidProtocolBufferException expected) {
      return;
    }
    Matcher declared = DECLARED.matcher(refusal.getMessage());
    assertThat(declared.find())
        .as("the reference accepted what the scanner refused: %s", refusal.getMessage())
        .isTrue();
    long length = Long.parseUnsignedLong(declared.group(1)); // up to 2^64 - 1
    assertThat(Long.compareUnsigned(length, 0xffff_ffffL))
        .as("declared length %s is over 32 bits", declared.group(1))
        .isPositive();
  }
}
