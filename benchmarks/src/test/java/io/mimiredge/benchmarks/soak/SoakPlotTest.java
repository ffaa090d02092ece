package io.mimiredge.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakPlotTest {
  private static final String CSV =
      """
      seconds,heap_after_gc_mib,threads,fds,tracked_tenants,answered,failed
      0,40.5,61,120,,0,0
      10,41.0,63,121,6667,2000,0
      20,40.8,63,121,10000,4000,0
      """;

  @Test
  void drawsATinyCsvIntoAPngOfTheAskedSize(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("soak.csv");
    Path png = dir.resolve("soak.png");
    Files.writeString(csv, CSV);

    SoakPlot.main(new String[] {csv.toString(), png.toString(), "400", "320"});

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).isNotNull();
    assertThat(image.getWidth()).isEqualTo(400);
    assertThat(image.getHeight()).isEqualTo(320);
    // the lines were drawn: blue pixels (the text and axes are grey or black)
    int blue = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        if ((rgb & 0xff) > ((rgb >> 16) & 0xff) + 60) {
          blue++;
        }
      }
    }
    assertThat(blue).isPositive();
  }

  @Test
  void readsEmptyCellsAsMissing(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("soak.csv");
    Files.writeString(csv, CSV);
    SoakPlot.Table t = SoakPlot.read(csv);
    assertThat(t.rows()).hasSize(3);
    assertThat(t.column("tracked_tenants")).containsExactly(Double.NaN, 6667, 10000);
    assertThat(t.column("heap_after_gc_mib")).containsExactly(40.5, 41.0, 40.8);
  }

  @Test
  void aCsvWithoutAPanelsColumnIsRefused(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("soak.csv");
    Files.writeString(csv, "seconds,threads\n0,10\n");
    assertThatThrownBy(() -> SoakPlot.draw(SoakPlot.read(csv), 400, 320))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("heap_after_gc_mib");
  }
}
