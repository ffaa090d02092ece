package io.mimiredge.benchmarks.requests;

import io.mimiredge.benchmarks.prompb.Label;
import io.mimiredge.benchmarks.prompb.Sample;
import io.mimiredge.benchmarks.prompb.TimeSeries;
import io.mimiredge.benchmarks.prompb.WriteRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.xerial.snappy.Snappy;

/**
 * Builds remote-write requests shaped like the captured fixtures, of any number of series: each
 * series has a {@code __name__} and 6–10 more labels (names such as {@code job}, {@code instance},
 * {@code le}, sorted), values of 10–70 bytes, and one float sample.
 *
 * <p>Series come in families, as scraped metrics do: a family shares its metric name and most label
 * values (job, instance, … drawn from small per-request pools), and its series differ in one or two
 * labels, like the buckets of a histogram. That repetition is what gives real bodies their snappy
 * ratio, so decode cost per series stays close to the fixtures'.
 *
 * <p>Deterministic: the same seed and size give the same bytes. Not thread-safe.
 */
public final class RequestGenerator {

  /** The capture machine's clock read Nov 2026; the fixtures' timestamps are near this (ms). */
  private static final long BASE_TIMESTAMP_MS = 1_795_400_000_000L;

  private static final String[] LABEL_NAMES = {
    "code", "cluster", "container", "cpu", "device", "endpoint", "handler", "instance", "job", "le",
    "method", "mode", "namespace", "node", "path", "pod", "quantile", "reason", "replica",
        "service",
    "status", "version", "zone"
  };

  private static final String[] WORDS = {
    "prometheus",
    "node",
    "exporter",
    "http",
    "request",
    "duration",
    "seconds",
    "bytes",
    "total",
    "api",
    "server",
    "go",
    "process",
    "memory",
    "cpu",
    "disk",
    "network",
    "scrape",
    "sample",
    "remote",
    "write",
    "queue",
    "shard",
    "storage",
    "tsdb",
    "head",
    "chunks",
    "compaction",
    "wal",
    "rule",
    "group",
    "eval",
    "alertmanager",
    "notifications",
    "target",
    "sync",
    "config",
    "reload",
    "monitoring",
    "default",
    "kube",
    "system",
    "ingress",
    "nginx",
    "mimir",
    "distributor",
    "edge",
    "gateway",
    "frontend",
    "querier",
    "store",
    "local",
    "svc",
    "cluster",
    "eu",
    "west",
    "us",
    "east"
  };

  private static final String VALUE_SEPARATORS = "-.-_/:";
  private static final String ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

  private final long seed;

  /** A generator whose requests are a function of {@code seed} and the requested size. */
  public RequestGenerator(long seed) {
    this.seed = seed;
  }

  /** A request of exactly {@code series} series, one float sample each. */
  public WriteRequest request(int series) {
    if (series < 0) {
      throw new IllegalArgumentException("series must be >= 0, got " + series);
    }
    SplittableRandom random = new SplittableRandom(seed ^ (31L * series));
    // Values shared across the request (one scrape's job, instance, cluster, ...): a few per name.
    List<List<String>> sharedValues = new ArrayList<>(LABEL_NAMES.length);
    for (int i = 0; i < LABEL_NAMES.length; i++) {
      int count = 2 + random.nextInt(6);
      List<String> values = new ArrayList<>(count);
      for (int v = 0; v < count; v++) {
        values.add(value(random, valueLength(random)));
      }
      sharedValues.add(values);
    }

    WriteRequest.Builder request = WriteRequest.newBuilder();
    long timestamp = BASE_TIMESTAMP_MS + random.nextInt(1_000_000);
    while (request.getTimeseriesCount() < series) {
      int familySize = Math.min(familySize(random), series - request.getTimeseriesCount());
      addFamily(request, random, sharedValues, familySize, timestamp);
      if (random.nextInt(8) == 0) {
        timestamp += 1 + random.nextInt(5_000); // a later scrape in the same batch
      }
    }
    return request.build();
  }

  /** {@link #request(int)} serialized and snappy block-compressed, as on the wire. */
  public byte[] body(int series) {
    try {
      return Snappy.compress(request(series).toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int familySize(SplittableRandom random) {
    int roll = random.nextInt(100);
    if (roll < 45) {
      return 1; // gauges and counters
    } else if (roll < 80) {
      return 2 + random.nextInt(4); // a few codes or methods
    } else if (roll < 95) {
      return 8 + random.nextInt(8); // summaries and small histograms
    }
    return 30 + random.nextInt(15); // a wide histogram, like the fixtures' 40-bucket one
  }

  private static void addFamily(
      WriteRequest.Builder request,
      SplittableRandom random,
      List<List<String>> sharedValues,
      int size,
      long timestamp) {
    String metricName = metricName(random);
    // 6..10 label names besides __name__, distinct, kept sorted by TreeMap.
    int labelCount = 6 + random.nextInt(5);
    TreeMap<String, String> base = new TreeMap<>();
    while (base.size() < labelCount) {
      int nameIndex = random.nextInt(LABEL_NAMES.length);
      List<String> pool = sharedValues.get(nameIndex);
      base.put(LABEL_NAMES[nameIndex], pool.get(random.nextInt(pool.size())));
    }
    List<String> names = new ArrayList<>(base.keySet());
    String varying = names.get(random.nextInt(names.size()));
    String alsoVarying = random.nextInt(4) == 0 ? names.get(random.nextInt(names.size())) : null;

    for (int i = 0; i < size; i++) {
      TreeMap<String, String> labels = new TreeMap<>(base);
      labels.put(varying, variant(random, base.get(varying), i));
      if (alsoVarying != null && random.nextBoolean()) {
        labels.put(alsoVarying, variant(random, base.get(alsoVarying), random.nextInt(3)));
      }
      TimeSeries.Builder series = TimeSeries.newBuilder();
      series.addLabels(Label.newBuilder().setName("__name__").setValue(metricName));
      labels.forEach((name, value) -> series.addLabels(label(name, value)));
      series.addSamples(
          Sample.newBuilder().setValue(sampleValue(random)).setTimestamp(timestamp).build());
      request.addTimeseries(series);
    }
  }

  private static Label label(String name, String value) {
    return Label.newBuilder().setName(name).setValue(value).build();
  }

  private static String metricName(SplittableRandom random) {
    StringBuilder name = new StringBuilder(WORDS[random.nextInt(WORDS.length)]);
    int words = 2 + random.nextInt(4);
    for (int i = 0; i < words; i++) {
      name.append('_').append(WORDS[random.nextInt(WORDS.length)]);
    }
    return name.toString();
  }

  /** 10–70 bytes, mostly short as in the fixtures (host:port, job and handler names). */
  private static int valueLength(SplittableRandom random) {
    int roll = random.nextInt(100);
    if (roll < 70) {
      return 10 + random.nextInt(15);
    } else if (roll < 95) {
      return 25 + random.nextInt(21);
    }
    return 46 + random.nextInt(25);
  }

  /** A label value of exactly {@code length} ASCII bytes, made of words and separators. */
  private static String value(SplittableRandom random, int length) {
    StringBuilder value = new StringBuilder(length + 16);
    while (value.length() < length) {
      if (value.length() > 0) {
        value.append(VALUE_SEPARATORS.charAt(random.nextInt(VALUE_SEPARATORS.length())));
      }
      if (random.nextInt(4) == 0) {
        for (int i = 0; i < 5; i++) { // a pod hash or an address part
          value.append(ALNUM.charAt(random.nextInt(ALNUM.length())));
        }
      } else {
        value.append(WORDS[random.nextInt(WORDS.length)]);
      }
    }
    value.setLength(length);
    return value.toString();
  }

  /** {@code base} with its tail replaced so series {@code index} differs; still 10–70 bytes. */
  private static String variant(SplittableRandom random, String base, int index) {
    String suffix = index + "." + random.nextInt(10);
    return base.substring(0, base.length() - suffix.length()) + suffix;
  }

  private static double sampleValue(SplittableRandom random) {
    return switch (random.nextInt(3)) {
      case 0 -> random.nextInt(1_000_000); // counters
      case 1 -> random.nextDouble() * 1_000; // gauges
      default -> Math.floor(random.nextDouble() * 1e12) / 1e3; // byte counts, timestamps
    };
  }
}
