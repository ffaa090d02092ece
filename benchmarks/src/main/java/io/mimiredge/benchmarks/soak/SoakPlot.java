package io.mimiredge.benchmarks.soak;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws benchmarks/soak's CSV as a PNG: heap used after a full GC, threads, open file descriptors
 * and tracked tenants over the run, one panel each (their scales differ by orders of magnitude).
 * Every panel's y axis starts at 0, so that a slope shows at its true size rather than magnified.
 * An empty cell (a figure the RLS did not give) is left out of its line.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.mimiredge.benchmarks.soak.SoakPlot \
 *   benchmarks/target/soak/soak.csv benchmarks/target/soak/soak.png [WIDTH HEIGHT]
 * </pre>
 *
 * <p>The CSV has a header line; the columns read are {@code seconds} and those of {@link #PANELS}.
 * Headless AWT and ImageIO only: no plotting library.
 */
public final class SoakPlot {

  /** A column drawn, and its panel's title. */
  record Panel(String column, String title) {}

  static final List<Panel> PANELS =
      List.of(
          new Panel("heap_after_gc_mib", "heap used after full GC (MiB)"),
          new Panel("threads", "threads"),
          new Panel("fds", "open file descriptors"),
          new Panel("tracked_tenants", "tracked tenants"));

  private static final Color LINE = new Color(0x1f77b4);
  private static final Color GRID = new Color(0xdddddd);

  private SoakPlot() {}

  /** A CSV read whole: its header and each row's numbers (NaN for an empty cell). */
  record Table(List<String> header, List<double[]> rows) {
    double[] column(String name) {
      int c = header.indexOf(name);
      if (c < 0) {
        throw new IllegalArgumentException("no column " + name + " in " + header);
      }
      return rows.stream().mapToDouble(r -> c < r.length ? r[c] : Double.NaN).toArray();
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2 && args.length != 4) {
      System.err.println("usage: SoakPlot soak.csv soak.png [WIDTH HEIGHT]");
      System.exit(2);
    }
    int width = args.length == 4 ? Integer.parseInt(args[2]) : 800;
    int height = args.length == 4 ? Integer.parseInt(args[3]) : 640;
    write(read(Path.of(args[0])), Path.of(args[1]), width, height);
  }

  /** Draws {@code table} into a PNG at {@code png}. */
  static void write(Table table, Path png, int width, int height) throws IOException {
    if (!ImageIO.write(draw(table, width, height), "png", png.toFile())) {
      throw new IOException("no PNG writer");
    }
  }

  static Table read(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).toList();
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(csv + " is empty: expected a header line");
    }
    List<String> header = List.of(lines.get(0).trim().split(",", -1));
    List<double[]> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.trim().split(",", -1);
      double[] row = new double[cells.length];
      for (int i = 0; i < cells.length; i++) {
        try {
          row[i] = cells[i].isBlank() ? Double.NaN : Double.parseDouble(cells[i]);
        } catch (NumberFormatException e) {
          row[i] = Double.NaN;
        }
      }
      rows.add(row);
    }
    return new Table(header, rows);
  }

  static BufferedImage draw(Table table, int width, int height) {
    if (width < 200 || height < 40 * PANELS.size()) {
      throw new IllegalArgumentException(
          "a plot needs at least 200 x "
              + 40 * PANELS.size()
              + " pixels, got "
              + width
              + " x "
              + height);
    }
    double[] x = table.column("seconds");
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      double xMax = max(x);
      int panelHeight = height / PANELS.size();
      for (int p = 0; p < PANELS.size(); p++) {
        Panel panel = PANELS.get(p);
        panel(
            g,
            panel,
            x,
            xMax,
            table.column(panel.column()),
            0,
            p * panelHeight,
            width,
            panelHeight);
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  /** One panel: title, axes from 0, the line, the first and last values. */
  private static void panel(
      Graphics2D g,
      Panel panel,
      double[] x,
      double xMax,
      double[] y,
      int left,
      int top,
      int width,
      int height) {
    int x0 = left + 60;
    int x1 = left + width - 12;
    int y0 = top + height - 18; // the x axis
    int y1 = top + 18; // the top of the plot area
    double yMax = max(y);
    double yTop = yMax > 0 ? yMax * 1.1 : 1;
    double xRight = xMax > 0 ? xMax : 1;

    g.setColor(GRID);
    for (int i = 0; i <= 4; i++) {
      int gy = y0 - (y0 - y1) * i / 4;
      g.drawLine(x0, gy, x1, gy);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawLine(x0, y0, x1, y0);
    g.drawLine(x0, y0, x0, y1);
    g.drawString(label(yTop), left + 4, y1 + 4);
    g.drawString("0", left + 4, y0 + 4);
    g.drawString("0 s", x0, y0 + 14);
    String end = label(xRight) + " s";
    g.drawString(end, x1 - g.getFontMetrics().stringWidth(end), y0 + 14);
    String first = firstValue(y);
    String last = lastValue(y);
    g.setColor(Color.BLACK);
    g.drawString(
        panel.title() + "   first " + first + ", last " + last + ", max " + label(yMax),
        x0 + 4,
        top + 13);

    g.setColor(LINE);
    g.setStroke(new BasicStroke(1.5f));
    Path2D.Double line = new Path2D.Double();
    boolean drawing = false;
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (Double.isNaN(x[i]) || Double.isNaN(y[i])) {
        drawing = false;
        continue;
      }
      double px = x0 + (x1 - x0) * x[i] / xRight;
      double py = y0 - (y0 - y1) * y[i] / yTop;
      if (drawing) {
        line.lineTo(px, py);
      } else {
        line.moveTo(px, py);
        drawing = true;
      }
      g.fillOval((int) Math.round(px) - 2, (int) Math.round(py) - 2, 4, 4);
    }
    g.draw(line);
  }

  private static double max(double[] values) {
    double m = 0;
    for (double v : values) {
      if (!Double.isNaN(v) && v > m) {
        m = v;
      }
    }
    return m;
  }

  private static String firstValue(double[] y) {
    for (double v : y) {
      if (!Double.isNaN(v)) {
        return label(v);
      }
    }
    return "-";
  }

  private static String lastValue(double[] y) {
    for (int i = y.length - 1; i >= 0; i--) {
      if (!Double.isNaN(y[i])) {
        return label(y[i]);
      }
    }
    return "-";
  }

  /** A figure as shown: whole numbers plain, others with one decimal. */
  static String label(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? String.format(Locale.ROOT, "%d", (long) v)
        : String.format(Locale.ROOT, "%.1f", v);
  }
}
