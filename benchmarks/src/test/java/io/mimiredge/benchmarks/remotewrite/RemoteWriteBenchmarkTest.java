package io.mimiredge.benchmarks.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.benchmarks.prompb.WriteRequest;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.enforce.Verdict;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xerial.snappy.Snappy;

/**
 * Each benchmark, called outside JMH over every body of a case, does what its name says: the same
 * request seen by every stage, all decisions allowed for the generous tenant and all denied, once
 * its burst is spent, for the exhausted one.
 */
class RemoteWriteBenchmarkTest {

  @ParameterizedTest
  @ValueSource(strings = {"fixtures", "500", "2000", "10000"})
  void everyStageSeesTheSameRequestsAndDecidesAsIntended(String request) throws Exception {
    RequestBodies requests = new RequestBodies();
    requests.request = request;
    requests.load();
    Scanning scanning = new Scanning();
    scanning.create();
    NaiveDecoder decoder = new NaiveDecoder();
    decoder.allocate(requests);
    Enforcement enforcement = new Enforcement();
    enforcement.create(scanning);
    RemoteWriteBenchmark benchmark = new RemoteWriteBenchmark();
    if (!request.equals("fixtures")) {
      assertThat(requests.count()).isEqualTo(RequestBodies.GENERATED_VARIANTS);
    }

    // Drain the exhausted tenant's burst of 100000 items, as the benchmark's warm-up does, then go
    // once more through every body so that no small request can still take the last tokens.
    int drained = 0;
    while (benchmark.decodeScanAndDeny(requests, enforcement).verdict() == Verdict.ALLOW) {
      assertThat(++drained).as("requests before the first denial").isLessThan(20_000);
    }
    for (int i = 0; i < requests.count(); i++) {
      benchmark.decodeScanAndDeny(requests, enforcement);
    }
    requests.rewind();
    for (int i = 0; i < requests.count(); i++) {
      // Each call takes the next body: the same one for every stage in this round.
      int decoded = benchmark.snappyDecode(requests, scanning);
      previous(requests);
      WriteRequestStats stats = benchmark.decodeAndScan(requests, scanning);
      previous(requests);
      WriteRequest parsed = benchmark.decodeAndFullParse(requests, decoder);
      previous(requests);
      Decision allowed = benchmark.decodeScanAndDecide(requests, enforcement);
      previous(requests);
      Decision denied = benchmark.decodeScanAndDeny(requests, enforcement);

      assertThat(stats.uncompressedBytes()).isEqualTo(decoded);
      assertThat(stats.series()).isEqualTo(parsed.getTimeseriesCount());
      assertThat(stats.metadata()).isEqualTo(parsed.getMetadataCount());
      if (!request.equals("fixtures")) {
        assertThat(stats.series()).isEqualTo(Integer.parseInt(request));
        assertThat(stats.floatSamples()).isEqualTo(Integer.parseInt(request));
      }
      assertThat(allowed.verdict()).as(allowed.message()).isEqualTo(Verdict.ALLOW);
      assertThat(allowed.items()).isEqualTo(stats.items());
      if (stats.items() > 0) {
        assertThat(denied.verdict()).isEqualTo(Verdict.DENY);
        assertThat(denied.reason()).isEqualTo(Reason.INGESTION_RATE);
        assertThat(denied.retryAfter()).isNotNull();
      }
    }
    enforcement.checkGenerousBucketStayedFull();
  }

  /** Steps the round robin back by one, so the next stage gets the same body. */
  private static void previous(RequestBodies requests) {
    for (int i = 1; i < requests.count(); i++) {
      requests.next();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"2000"})
  void theNaiveDecoderDecodesWhatSnappyDeclares(String request) throws Exception {
    RequestBodies requests = new RequestBodies();
    requests.request = request;
    requests.load();
    NaiveDecoder decoder = new NaiveDecoder();
    decoder.allocate(requests);
    byte[] body = requests.next();

    assertThat(decoder.decode(body)).isEqualTo(Snappy.uncompressedLength(body));
  }
}
