package io.mimiredge.benchmarks.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mimiredge.benchmarks.prompb.WriteRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** {@link Fixtures#bodiesWithSeries}: the load generators' choice of bodies by their size. */
class FixturesTest {

  @Test
  void bodiesWithSeriesAreExactlyTheCapturedBodiesOfThatManySeriesInFileOrder() throws Exception {
    List<byte[]> all = Fixtures.bodies();
    List<byte[]> of500 = new ArrayList<>();
    for (byte[] body : all) {
      if (WriteRequest.parseFrom(Snappy.uncompress(body)).getTimeseriesCount() == 500) {
        of500.add(body);
      }
    }
    assertThat(of500).isNotEmpty().hasSizeLessThan(all.size());

    List<byte[]> chosen = Fixtures.bodiesWithSeries(Fixtures.directory(), 500);

    assertThat(chosen).hasSameSizeAs(of500);
    for (int i = 0; i < chosen.size(); i++) {
      assertThat(chosen.get(i)).as("body %d", i).isEqualTo(of500.get(i));
    }
  }

  @Test
  void aSeriesCountNoBodyHasIsRefusedByName() {
    assertThatThrownBy(() -> Fixtures.bodiesWithSeries(Fixtures.directory(), 12_345))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("12345 series");
  }
}
