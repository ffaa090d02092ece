package io.mimiredge.benchmarks.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mimiredge.benchmarks.prompb.Label;
import io.mimiredge.benchmarks.prompb.TimeSeries;
import io.mimiredge.benchmarks.prompb.WriteRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xerial.snappy.Snappy;

class RequestGeneratorTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 9, 500, 2000, 10000})
  void generatesExactlyTheRequestedSeriesEachWithOneSample(int series) {
    WriteRequest request = new RequestGenerator(1).request(series);

    assertThat(request.getTimeseriesCount()).isEqualTo(series);
    assertThat(request.getMetadataCount()).isZero();
    for (TimeSeries s : request.getTimeseriesList()) {
      assertThat(s.getSamplesCount()).isOne();
      assertThat(s.getHistogramsCount()).isZero();
      assertThat(s.getExemplarsCount()).isZero();
    }
  }

  @Test
  void seriesAreShapedLikeTheFixtures() {
    for (TimeSeries series : new RequestGenerator(7).request(2000).getTimeseriesList()) {
      List<Label> labels = series.getLabelsList();
      assertThat(labels.get(0).getName()).isEqualTo("__name__");
      assertThat(labels).hasSizeBetween(7, 11); // __name__ and 6–10 more
      assertThat(labels.stream().map(Label::getName).toList()).isSorted().doesNotHaveDuplicates();
      for (Label label : labels.subList(1, labels.size())) {
        assertThat(label.getValue().getBytes(StandardCharsets.UTF_8).length)
            .as(label.getName())
            .isBetween(10, 70);
      }
      assertThat(series.getSamples(0).getTimestamp())
          .isBetween(1_795_400_000_000L, 1_795_500_000_000L);
    }
  }

  @Test
  void sameSeedGivesTheSameBytesAndAnotherSeedOthers() {
    assertThat(new RequestGenerator(3).body(500)).isEqualTo(new RequestGenerator(3).body(500));
    assertThat(new RequestGenerator(3).body(500)).isNotEqualTo(new RequestGenerator(4).body(500));
  }

  @Test
  void compressesAboutAsWellAsTheCapturedFullBatches() throws Exception {
    // The captured 500-series requests shrink 6.5-10 times (median 7.8). Their series are smaller
    // (4 labels of about 11 bytes on average, against 6-10 labels of 10-70 bytes here), so a
    // generated series decodes to about twice the bytes of a captured one (163 B on average).
    byte[] body = new RequestGenerator(1).body(500);
    int decoded = Snappy.uncompressedLength(body);

    assertThat(decoded / 500).isBetween(250, 450);
    assertThat((double) decoded / body.length).isBetween(5.0, 10.0);
  }

  @Test
  void refusesANegativeSize() {
    assertThatThrownBy(() -> new RequestGenerator(1).request(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("series must be >= 0");
  }
}
