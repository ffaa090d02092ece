package io.mimiredge.benchmarks.requests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mimiredge.benchmarks.prompb.Label;
import io.mimiredge.benchmarks.prompb.TimeSeries;
import io.mimiredge.benchmarks.prompb.WriteRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/**
 * Our own remote_write.proto against the captured requests: the generated classes must read every
 * fixture to the statistics an independent decoder computed (expected.jsonl), and lose no field.
 */
class GeneratedClassesReadFixturesTest {

  @Test
  void generatedClassesReadEveryFixtureAsTheIndependentDecoderDid() throws Exception {
    Map<String, JsonNode> expected = new HashMap<>();
    ObjectMapper json = new ObjectMapper();
    for (String line :
        Files.readAllLines(
            Fixtures.directory().resolve("expected.jsonl"), StandardCharsets.UTF_8)) {
      JsonNode node = json.readTree(line);
      expected.put(node.get("file").asText(), node);
    }
    List<Path> files = Fixtures.files();
    assertThat(files).hasSize(expected.size()).hasSize(261);

    for (Path file : files) {
      JsonNode want = expected.get(file.getFileName().toString());
      byte[] decoded = Snappy.uncompress(Files.readAllBytes(file));
      WriteRequest request = WriteRequest.parseFrom(decoded);
      String name = file.getFileName().toString();

      assertThat(decoded.length).as(name).isEqualTo(want.get("uncompressed_bytes").asInt());
      // Nothing fell into unknown fields: the proto declares every field Prometheus sent.
      assertThat(request.toByteArray()).as(name).isEqualTo(decoded);
      assertThat(request.getTimeseriesCount()).as(name).isEqualTo(want.get("series").asInt());
      assertThat(request.getMetadataCount()).as(name).isEqualTo(want.get("metadata").asInt());
      long samples = 0;
      long histograms = 0;
      long exemplars = 0;
      int maxLabels = 0;
      int maxName = 0;
      int maxValue = 0;
      for (TimeSeries series : request.getTimeseriesList()) {
        samples += series.getSamplesCount();
        histograms += series.getHistogramsCount();
        exemplars += series.getExemplarsCount();
        maxLabels = Math.max(maxLabels, series.getLabelsCount());
        for (Label label : series.getLabelsList()) {
          maxName = Math.max(maxName, label.getNameBytes().size());
          maxValue = Math.max(maxValue, label.getValueBytes().size());
        }
      }
      assertThat(samples).as(name).isEqualTo(want.get("float_samples").asLong());
      assertThat(histograms).as(name).isEqualTo(want.get("histograms").asLong());
      assertThat(exemplars).as(name).isEqualTo(want.get("exemplars").asLong());
      assertThat(maxLabels).as(name).isEqualTo(want.get("max_labels_per_series").asInt());
      assertThat(maxName).as(name).isEqualTo(want.get("max_label_name_len").asInt());
      assertThat(maxValue).as(name).isEqualTo(want.get("max_label_value_len").asInt());
    }
  }
}
