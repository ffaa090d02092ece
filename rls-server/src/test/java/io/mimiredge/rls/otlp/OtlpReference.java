package io.mimiredge.rls.otlp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mimiredge.rls.relabel.Label;
import io.mimiredge.rls.relabel.SeriesRelabeling;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An independent reading of Mimir's OTLP translation for the tests: the request decoded with
 * OpenTelemetry's generated classes, then translated into real label maps (strings, sorted, with
 * collisions joined) as {@code prometheusremotewrite}'s {@code createAttributes}, {@code
 * addResourceTargetInfo} and {@code otlpappender} do, then HA-deduplicated as {@code
 * ha_dedupe_per_request.go} does (the first series' labels; the replica label removed from every
 * series) and counted. Mimir's default settings (legacy names, no suffixes) with a choice of {@code
 * nhcb}, {@code delta}, {@code promote_otel_resource_attributes} and HA, and default validation
 * limits (30 labels, 80 for info series, 1024/2048 bytes).
 */
final class OtlpReference {
  long series;
  long floatSamples;
  long histograms;
  long exemplars;
  long metadata;
  long validSamples;
  long rejectedMetrics;
  long invalidSeries;
  int maxLabels;
  int maxLabelValueLength;

  /** The translated series: labels to sample count, for debugging a mismatch. */
  final Map<Map<String, String>, Long> seriesSamples = new LinkedHashMap<>();

  private final boolean nhcb;
  private final boolean delta;
  private final Map<String, String> families = new LinkedHashMap<>();
  private final Set<String> targetInfoSeen = new HashSet<>();
  private final Set<String> seen = new HashSet<>(); // series@ms of the points, as translated
  long duplicateSamples;

  private List<String> promote = List.of();
  private String clusterLabel; // null: HA off
  private String replicaLabel;

  /** The first series' HA labels when they made it an HA request; null otherwise. */
  String haCluster;

  String haReplica;

  OtlpReference(boolean nhcb, boolean delta) {
    this.nhcb = nhcb;
    this.delta = delta;
  }

  private boolean keepIdentifying;

  /** {@code otel_keep_identifying_resource_attributes}. */
  OtlpReference keepIdentifying() {
    keepIdentifying = true;
    return this;
  }

  /** {@code promote_otel_resource_attributes}. */
  OtlpReference promote(String... keys) {
    promote = List.of(keys);
    return this;
  }

  private List<String> drop = List.of();

  /** {@code drop_labels}: each name removed from every translated series. */
  OtlpReference drop(String... names) {
    drop = List.of(names);
    return this;
  }

  private SeriesRelabeling relabeling;
  private String tenant;

  /**
   * {@code metric_relabel_configs} and {@code drop_labels} for {@code tenant}, run on each
   * translated series after HA dedupe (Mimir's {@code prePushRelabelMiddleware}).
   */
  OtlpReference relabel(SeriesRelabeling r, String tenant) {
    this.relabeling = r;
    this.tenant = tenant;
    return this;
  }

  /** {@code accept_ha_samples} with these label names. */
  OtlpReference ha(String cluster, String replica) {
    clusterLabel = cluster;
    replicaLabel = replica;
    return this;
  }

  /** Translates and counts {@code r} with these settings. */
  OtlpReference translate(ExportMetricsServiceRequest r) {
    for (ResourceMetrics rm : r.getResourceMetricsList()) {
      resource(rm);
    }
    count();
    return this;
  }

  static OtlpReference of(ExportMetricsServiceRequest r) {
    return of(r, false, false);
  }

  static OtlpReference of(ExportMetricsServiceRequest r, boolean nhcb, boolean delta) {
    return new OtlpReference(nhcb, delta).translate(r);
  }

  private Map<String, String> promoted;

  private void resource(ResourceMetrics rm) {
    Map<String, String> resource = new LinkedHashMap<>();
    promoted = new TreeMap<>();
    for (KeyValue kv : rm.getResource().getAttributesList()) {
      String value = asString(kv.getValue());
      resource.putIfAbsent(kv.getKey(), value);
      if (promote.contains(kv.getKey())) { // addPromotedAttributes: Set, in order
        String name = labelName(kv.getKey());
        if (name == null) {
          rejectedMetrics++; // setResourceContext's error: the resource is skipped
          return;
        }
        if (value.isEmpty()) {
          promoted.remove(name);
        } else {
          promoted.put(name, value);
        }
      }
    }
    Long earliest = null;
    Long latest = null;
    for (ScopeMetrics sm : rm.getScopeMetricsList()) {
      for (Metric m : sm.getMetricsList()) {
        for (long t : times(m)) {
          earliest = earliest == null || Long.compareUnsigned(t, earliest) < 0 ? t : earliest;
          latest = latest == null || Long.compareUnsigned(t, latest) > 0 ? t : latest;
        }
        metric(m, resource);
      }
    }
    if (earliest != null) {
      targetInfo(resource, earliest, latest);
    }
  }

  private static List<Long> times(Metric m) {
    List<Long> out = new ArrayList<>();
    switch (m.getDataCase()) {
      case GAUGE -> m.getGauge().getDataPointsList().forEach(p -> out.add(p.getTimeUnixNano()));
      case SUM -> m.getSum().getDataPointsList().forEach(p -> out.add(p.getTimeUnixNano()));
      case HISTOGRAM ->
          m.getHistogram().getDataPointsList().forEach(p -> out.add(p.getTimeUnixNano()));
      case EXPONENTIAL_HISTOGRAM ->
          m.getExponentialHistogram()
              .getDataPointsList()
              .forEach(p -> out.add(p.getTimeUnixNano()));
      case SUMMARY -> m.getSummary().getDataPointsList().forEach(p -> out.add(p.getTimeUnixNano()));
      default -> {}
    }
    return out;
  }

  /** The translator's error inside a metric: the rest of its points are not translated. */
  static final class MetricFailed extends RuntimeException {
    MetricFailed() {
      super(null, null, false, false);
    }
  }

  private static void requireValues(List<Exemplar> exemplars) {
    for (Exemplar e : exemplars) {
      if (e.getValueCase() == Exemplar.ValueCase.VALUE_NOT_SET) {
        throw new MetricFailed(); // getPromExemplars: unsupported exemplar value type
      }
    }
  }

  private void metric(Metric m, Map<String, String> resource) {
    try {
      translate(m, resource);
    } catch (MetricFailed e) {
      rejectedMetrics++;
      if (seriesBefore < series) {
        family(familyName, familyMeta);
      }
    }
  }

  private long seriesBefore;
  private String familyName;
  private String familyMeta;

  private void translate(Metric m, Map<String, String> resource) {
    AggregationTemporality t =
        switch (m.getDataCase()) {
          case SUM -> m.getSum().getAggregationTemporality();
          case HISTOGRAM -> m.getHistogram().getAggregationTemporality();
          case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getAggregationTemporality();
          default -> null;
        };
    if (m.getDataCase() == Metric.DataCase.DATA_NOT_SET
        || (t != null
            && t != AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
            && !(delta && t == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA))) {
      rejectedMetrics++;
      return;
    }
    String name = metricName(m.getName());
    if (name == null) {
      rejectedMetrics++;
      return;
    }
    boolean isDelta = t == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
    String type =
        switch (m.getDataCase()) {
          case GAUGE -> "gauge";
          case SUM -> isDelta ? "unknown" : m.getSum().getIsMonotonic() ? "counter" : "gauge";
          case SUMMARY -> "summary";
          default -> isDelta ? "unknown" : "histogram";
        };
    long before = series;
    seriesBefore = series;
    familyName = name;
    familyMeta = type + "|" + m.getDescription() + "|" + unit(m.getUnit());
    switch (m.getDataCase()) {
      case GAUGE -> {
        for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
          add(labels(p.getAttributesList(), resource, name), ms(p.getTimeUnixNano()), 1, false, 0);
        }
      }
      case SUM -> {
        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
          Map<String, String> l = labels(p.getAttributesList(), resource, name);
          requireValues(p.getExemplarsList());
          add(l, ms(p.getTimeUnixNano()), 1, false, p.getExemplarsCount());
        }
      }
      case HISTOGRAM -> {
        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
          if (nhcb) {
            Map<String, String> l = labels(p.getAttributesList(), resource, name);
            requireValues(p.getExemplarsList());
            add(l, ms(p.getTimeUnixNano()), 1, true, p.getExemplarsCount());
            continue;
          }
          if (p.hasSum()) {
            sample(p.getAttributesList(), resource, name + "_sum", p.getTimeUnixNano());
          }
          sample(p.getAttributesList(), resource, name + "_count", p.getTimeUnixNano());
          requireValues(p.getExemplarsList());
          int b = Math.min(p.getExplicitBoundsCount(), p.getBucketCountsCount());
          List<Exemplar> ex = new ArrayList<>(p.getExemplarsList());
          for (int i = 0; i <= b; i++) {
            Map<String, String> l = labels(p.getAttributesList(), resource, name + "_bucket");
            l.put("le", i < b ? goFixed(p.getExplicitBounds(i)) : "+Inf");
            // exemplars go to the first bucket whose bound holds them, the rest to +Inf
            double bound = i < b ? p.getExplicitBounds(i) : Double.POSITIVE_INFINITY;
            int here = 0;
            while (!ex.isEmpty() && ex.get(0).getAsDouble() <= bound) {
              ex.remove(0);
              here++;
            }
            add(l, null, 1, false, here); // each counted: the edge does not read le values
          }
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        for (var p : m.getExponentialHistogram().getDataPointsList()) {
          if (p.getScale() < -4) {
            rejectedMetrics++;
            break;
          }
          Map<String, String> l = labels(p.getAttributesList(), resource, name);
          requireValues(p.getExemplarsList());
          add(l, ms(p.getTimeUnixNano()), 1, true, p.getExemplarsCount());
        }
      }
      case SUMMARY -> {
        for (var p : m.getSummary().getDataPointsList()) {
          sample(p.getAttributesList(), resource, name + "_sum", p.getTimeUnixNano());
          sample(p.getAttributesList(), resource, name + "_count", p.getTimeUnixNano());
          for (var q : p.getQuantileValuesList()) {
            Map<String, String> l = labels(p.getAttributesList(), resource, name);
            l.put("quantile", goFixed(q.getQuantile()));
            add(l, null, 1, false, 0); // each counted, as the edge counts them
          }
        }
      }
      default -> throw new AssertionError();
    }
    if (series > before) {
      family(name, familyMeta);
    }
  }

  private void family(String name, String meta) {
    String last = families.put(name, meta);
    if (!meta.equals(last)) {
      metadata++;
    }
  }

  private void targetInfo(Map<String, String> resource, long earliest, long latest) {
    int nonIdentifying = 0;
    Map<String, String> attrs = new LinkedHashMap<>();
    for (var e : resource.entrySet()) {
      if (!IDENTIFYING.contains(e.getKey())) {
        nonIdentifying++;
        attrs.put(e.getKey(), e.getValue());
      } else if (keepIdentifying) {
        attrs.put(e.getKey(), e.getValue()); // service_name, ... beside job and instance
      }
    }
    if (nonIdentifying == 0) {
      return;
    }
    if (attrs.keySet().stream().anyMatch(k -> labelName(k) == null)) {
      rejectedMetrics++; // createAttributes' error: no target_info
      return;
    }
    Map<String, String> l = sanitize(attrs);
    identity(l, resource);
    if (!l.containsKey("job") && !l.containsKey("instance")) {
      return;
    }
    l.put("__name__", "target_info");
    long n = 0;
    long step = 0;
    for (long t = earliest; t < latest; t += 150_000_000_000L, step++) {
      if (step == 4096) { // a span of days: counted, no longer deduplicated (as the scanner)
        n += (latest - t - 1) / 150_000_000_000L + 1;
        break;
      }
      n += targetInfoSeen.add(l + "@" + Math.floorDiv(t, 1_000_000L)) ? 1 : 0;
      if (t > Long.MAX_VALUE - 150_000_000_000L) {
        break;
      }
    }
    n += targetInfoSeen.add(l + "@" + Math.floorDiv(latest, 1_000_000L)) ? 1 : 0;
    if (n > 0) {
      add(l, null, n, false, 0); // deduplicated above
      family("target_info", "gauge|Target metadata|");
    }
  }

  private static final Set<String> IDENTIFYING =
      Set.of("service.name", "service.namespace", "service.instance.id");

  /** One float sample of the series {@code name} with these attributes at {@code nanos}. */
  private void sample(
      List<KeyValue> attributes, Map<String, String> resource, String name, long nanos) {
    add(labels(attributes, resource, name), ms(nanos), 1, false, 0);
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000L;
  }

  /**
   * A series' samples at {@code ms} (null: already deduplicated). A repeat of labels and
   * millisecond is one sample: Mimir's appender adds the point to the series it has for those
   * labels, and validation keeps one sample per timestamp (histograms apart from floats).
   */
  private void add(Map<String, String> labels, Long ms, long samples, boolean histogram, long ex) {
    boolean repeat = ms != null && !seen.add(labels + "@" + ms + (histogram ? "h" : "f"));
    series++;
    if (histogram) {
      histograms += samples;
    } else {
      floatSamples += samples;
    }
    exemplars += ex;
    seriesSamples.merge(labels, samples, Long::sum);
    translated.add(new Translated(new TreeMap<>(labels), samples, repeat));
  }

  private record Translated(Map<String, String> labels, long samples, boolean repeat) {}

  private final List<Translated> translated = new ArrayList<>();

  /** HA dedupe on the first series, then each series validated and counted. */
  private void count() {
    if (clusterLabel != null && !translated.isEmpty()) {
      Map<String, String> first = translated.get(0).labels();
      String c = first.getOrDefault(clusterLabel, "");
      String r = first.getOrDefault(replicaLabel, "");
      if (!c.isEmpty() && !r.isEmpty() && utf8(r) <= 2048) {
        haCluster = c;
        haReplica = r;
        translated.forEach(t -> t.labels().remove(replicaLabel));
      }
    }
    for (Translated t : translated) {
      Map<String, String> labels = t.labels();
      if (relabeling != null) {
        labels = relabeled(labels);
        if (labels == null) {
          continue; // a rule dropped it: removed without a word
        }
      }
      drop.forEach(labels::remove);
      if (!labels.isEmpty()) { // a series with no label left is removed without a word
        validate(labels, t.samples(), t.repeat());
      }
    }
  }

  private final SeriesRelabeling.Scratch scratch = new SeriesRelabeling.Scratch();

  private Map<String, String> relabeled(Map<String, String> labels) {
    List<Label> in = new ArrayList<>();
    labels.forEach((k, v) -> in.add(new Label(k, v, -1)));
    List<Label> out = relabeling.apply(in, tenant, false, scratch);
    if (out == null) {
      return null;
    }
    Map<String, String> m = new TreeMap<>();
    out.stream().filter(l -> !l.value().isEmpty()).forEach(l -> m.put(l.name(), l.value()));
    return m;
  }

  private void validate(Map<String, String> labels, long samples, boolean repeat) {
    int longest = labels.values().stream().mapToInt(v -> utf8(v)).max().orElse(0);
    maxLabels = Math.max(maxLabels, labels.size());
    maxLabelValueLength = Math.max(maxLabelValueLength, longest);
    String name = labels.get("__name__");
    int max = name != null && name.endsWith("_info") ? 80 : 30;
    boolean badNames =
        (name != null && !name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*"))
            || labels.keySet().stream()
                .anyMatch(k -> !k.matches("[a-zA-Z_][a-zA-Z0-9_]*") || utf8(k) > 1024);
    if (name == null || badNames || labels.size() > max || longest > 2048) {
      invalidSeries++;
    } else if (repeat) {
      duplicateSamples += samples;
    } else {
      validSamples += samples;
    }
  }

  private Map<String, String> labels(
      List<KeyValue> attributes, Map<String, String> resource, String name) {
    Map<String, String> raw = new LinkedHashMap<>();
    for (KeyValue kv : attributes) {
      if (!kv.getKey().equals("__name__")) {
        if (labelName(kv.getKey()) == null) {
          throw new MetricFailed(); // LabelNamer.Build's error
        }
        raw.putIfAbsent(kv.getKey(), asString(kv.getValue()));
      }
    }
    Map<String, String> l = sanitize(raw);
    promoted.forEach(l::putIfAbsent); // createAttributes: a promoted label where none is set
    identity(l, resource);
    l.put("__name__", name);
    return l;
  }

  /** Sanitized names, sorted by raw key; colliding names joined with ';'; empty values out. */
  private static Map<String, String> sanitize(Map<String, String> raw) {
    Map<String, String> out = new TreeMap<>();
    for (var e : new TreeMap<>(raw).entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      out.merge(labelName(e.getKey()), e.getValue(), (a, b) -> a + ";" + b);
    }
    return out;
  }

  private static void identity(Map<String, String> l, Map<String, String> resource) {
    String name = resource.get("service.name");
    String ns = resource.get("service.namespace");
    String instance = resource.get("service.instance.id");
    if (name != null) { // presence, not emptiness, as pcommon.Map.Get
      String job = ns != null ? ns + "/" + name : name;
      if (!job.isEmpty()) {
        l.put("job", job);
      }
    }
    if (instance != null && !instance.isEmpty()) {
      l.put("instance", instance);
    }
  }

  /** LabelNamer.Build with Mimir's defaults; null for its error (empty, underscores only). */
  static String labelName(String key) {
    if (key.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    key.codePoints()
        .forEach(c -> b.append((c < 128 && Character.isLetterOrDigit(c)) ? (char) c : '_'));
    String s = b.toString();
    if (Character.isDigit(s.charAt(0))) {
      s = "key_" + s;
    } else if (s.startsWith("_") && !s.startsWith("__")) {
      s = "key" + s;
    }
    return s.chars().allMatch(c -> c == '_') ? null : s;
  }

  /** buildCompliantMetricName without suffixes; null when the name translates to nothing. */
  static String metricName(String name) {
    List<String> fields = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    for (int c : name.codePoints().toArray()) {
      if (c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == ':')) {
        f.append((char) c);
      } else if (f.length() > 0) {
        fields.add(f.toString());
        f.setLength(0);
      }
    }
    if (f.length() > 0) {
      fields.add(f.toString());
    }
    String s = String.join("_", fields);
    if (s.isEmpty()) {
      return null;
    }
    if (Character.isDigit(s.charAt(0))) {
      s = "_" + s;
    }
    if (s.chars().allMatch(c -> c == '_') && !s.equals(name)) {
      return null;
    }
    return s;
  }

  private static final Map<String, String> UNITS =
      Map.ofEntries(
          Map.entry("d", "days"),
          Map.entry("h", "hours"),
          Map.entry("min", "minutes"),
          Map.entry("s", "seconds"),
          Map.entry("ms", "milliseconds"),
          Map.entry("us", "microseconds"),
          Map.entry("ns", "nanoseconds"),
          Map.entry("By", "bytes"),
          Map.entry("KiBy", "kibibytes"),
          Map.entry("MiBy", "mebibytes"),
          Map.entry("GiBy", "gibibytes"),
          Map.entry("TiBy", "tibibytes"),
          Map.entry("KBy", "kilobytes"),
          Map.entry("MBy", "megabytes"),
          Map.entry("GBy", "gigabytes"),
          Map.entry("TBy", "terabytes"),
          Map.entry("m", "meters"),
          Map.entry("V", "volts"),
          Map.entry("A", "amperes"),
          Map.entry("J", "joules"),
          Map.entry("W", "watts"),
          Map.entry("g", "grams"),
          Map.entry("Cel", "celsius"),
          Map.entry("Hz", "hertz"),
          Map.entry("1", ""),
          Map.entry("%", "percent"));
  private static final Map<String, String> PER_UNITS =
      Map.of(
          "s", "second", "m", "minute", "h", "hour", "d", "day", "w", "week", "mo", "month", "y",
          "year");

  /** UnitNamer.Build, as strings. */
  static String unit(String unit) {
    String[] parts = unit.split("/", 2);
    String main = part(parts[0], UNITS);
    String per = parts.length > 1 ? part(parts[1], PER_UNITS) : "";
    if (per.isEmpty()) {
      return main;
    }
    return main.isEmpty() ? "per_" + per : main + "_per_" + per;
  }

  private static String part(String p, Map<String, String> table) {
    String t = p.strip();
    if (t.isEmpty() || t.contains("{") || t.contains("}")) {
      return "";
    }
    return table.getOrDefault(t, t);
  }

  static String asString(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> goDouble(v.getDoubleValue());
      case BYTES_VALUE ->
          java.util.Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
      case ARRAY_VALUE, KVLIST_VALUE -> json(raw(v));
      default -> "";
    };
  }

  /** strconv.FormatFloat(v, 'f', -1, 64), from Java's shortest digits (enough for the tests). */
  static String goFixed(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
    }
    return v == 0 ? "0" : new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
  }

  /** pdata's spelling of a double attribute (fixed, or an exponent outside [1e-6, 1e21)). */
  static String goDouble(double v) {
    double abs = Math.abs(v);
    if (Double.isNaN(v) || Double.isInfinite(v) || abs == 0 || (abs >= 1e-6 && abs < 1e21)) {
      return Double.isInfinite(v) ? (v > 0 ? "Infinity" : "-Infinity") : goFixed(v);
    }
    BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
    int exponent = d.precision() - d.scale() - 1;
    String digits = d.unscaledValue().abs().toString();
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return (v < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.abs(exponent);
  }

  /** AsRaw: Java values for Jackson (maps sorted, the last of equal keys kept). */
  private static Object raw(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> v.getBoolValue();
      case INT_VALUE -> v.getIntValue();
      case DOUBLE_VALUE -> v.getDoubleValue();
      case BYTES_VALUE -> v.getBytesValue().toByteArray();
      case ARRAY_VALUE ->
          v.getArrayValue().getValuesList().stream().map(OtlpReference::raw).toList();
      case KVLIST_VALUE -> {
        Map<String, Object> m = new TreeMap<>();
        v.getKvlistValue().getValuesList().forEach(kv -> m.put(kv.getKey(), raw(kv.getValue())));
        yield m;
      }
      default -> null;
    };
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** JSON as Jackson writes it: the same as Go's for strings, integers, booleans and bytes. */
  private static String json(Object raw) {
    try {
      return JSON.writeValueAsString(raw);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }
}
