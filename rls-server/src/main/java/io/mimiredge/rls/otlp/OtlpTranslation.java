package io.mimiredge.rls.otlp;

import io.mimiredge.rls.relabel.Label;
import io.mimiredge.rls.relabel.SeriesRelabeling;
import io.mimiredge.rls.remotewrite.LabelValueStrategy;
import io.mimiredge.rls.remotewrite.NameValidation;
import io.mimiredge.rls.remotewrite.Protocol;
import io.mimiredge.rls.remotewrite.RequestTally;
import io.mimiredge.rls.remotewrite.StringCache;
import io.mimiredge.rls.remotewrite.Utf8;
import io.mimiredge.rls.remotewrite.ValidationLimits;
import io.mimiredge.rls.remotewrite.Violation;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What Mimir's distributor makes of an OTLP metrics request, counted without building it: the
 * series, samples, histograms, exemplars and metadata its translator produces ({@code
 * storage/remote/otlptranslator/prometheusremotewrite/} of grafana/mimir-prometheus, with Mimir's
 * {@code pkg/distributor/otlpappender/mimir_appender.go}), then what {@code
 * prePushValidationMiddleware} keeps of them. The walkers ({@link OtlpProtoWalker}, {@link
 * OtlpJsonWalker}) call it in document order; it keeps everything in fields and reused arrays. Not
 * thread-safe.
 *
 * <p>Per data point ({@code metrics_to_prw.go} {@code FromMetrics}, {@code helper.go}, {@code
 * number_data_points.go}, {@code histograms.go}):
 *
 * <ul>
 *   <li>gauge: 1 sample, its exemplars dropped; sum: 1 sample and its exemplars;
 *   <li>histogram: {@code _count}, {@code _bucket} per explicit bound (no more than there are
 *       bucket counts) and {@code +Inf}, {@code _sum} only when the point has a sum; with {@code
 *       otel_convert_histograms_to_nhcb}, 1 native histogram; exponential histogram: 1 native
 *       histogram (a scale below -4 fails the rest of the metric);
 *   <li>summary: {@code _sum}, {@code _count} and one series per quantile;
 *   <li>a point flagged "no recorded value" counts all the same (a staleness marker).
 * </ul>
 *
 * <p>A sum or histogram of delta temporality (unless {@code otel_native_delta_ingestion}) or of
 * unspecified temporality, a metric without data, and a metric whose name translates to nothing are
 * skipped with an error: Mimir pushes the rest, then answers 400 (400 with nothing pushed when
 * nothing is left). Per resource with an attribute besides {@code service.name}, {@code
 * service.namespace} and {@code service.instance.id}, and so a {@code job} or {@code instance}:
 * {@code target_info} samples from the earliest point to the latest, one per 150 s and one at the
 * latest ({@code addResourceTargetInfo}). Metadata: one entry per metric family that produced a
 * sample, another only when its type, help or unit changes, and one for {@code target_info}.
 *
 * <p>Labels ({@code createAttributes}, the default {@code UnderscoreEscapingWithoutSuffixes}
 * translation): attribute keys sanitized (any rune but {@code [a-zA-Z0-9]} becomes {@code _}, a
 * leading digit gets {@code key_}, one leading {@code _} gets {@code key}), keys that collide
 * joined into one label (values joined with {@code ;}), empty values dropped, {@code job} and
 * {@code instance} from the resource, {@code __name__}, and {@code le} or {@code quantile}; the
 * resource's {@code promote_otel_resource_attributes} where the point has no label of that name
 * ({@code setResourceContext}, {@code addPromotedAttributes}; a promoted key that translates to no
 * name skips the resource with an error); then validate.go's count and length limits and sample
 * timestamps.
 *
 * <p>HA ({@code ha_dedupe_per_request.go}, run by Mimir on the translated request): with {@code
 * accept_ha_samples}, the cluster and replica labels of the request's first series (its first
 * translated point, in document order, or the first resource's target_info when no point made a
 * series) decide; an HA request's replica label is removed from every series before validation.
 *
 * <p>{@code drop_labels} ({@code prePushRelabelMiddleware}, on the translated series): each name
 * leaves every series that has it, the translator's {@code __name__}, {@code le}, {@code quantile},
 * {@code job} and {@code instance} included; a series left with no label is not counted. With
 * {@code metric_relabel_configs} (the same middleware, Mimir's OTLP handler pushes through it), the
 * counting path gives way to one that builds each translated series as strings (values spelled as
 * Go spells them: {@link GoFloat}, {@link AnyValueJson}), runs the rules and {@code drop_labels}
 * ({@link SeriesRelabeling#apply}) and judges what they leave as validate.go does.
 *
 * <p>Not mirrored, and counted as the edge sees them: {@code otel_promote_scope_metadata} (its
 * labels are not counted), {@code otel_metric_suffixes_enabled} (families are named without
 * suffixes).
 */
final class OtlpTranslation extends RequestTally {

  /** Whose attribute a walker reports. */
  enum Owner {
    RESOURCE,
    SCOPE,
    POINT
  }

  // AnyValue's field numbers, the kinds of an attribute's value
  static final int STRING = 1;
  static final int BOOL = 2;
  static final int INT = 3;
  static final int DOUBLE = 4;
  static final int ARRAY = 5;
  static final int KVLIST = 6;
  static final int BYTES = 7;

  // AggregationTemporality
  static final int DELTA = 1;
  static final int CUMULATIVE = 2;

  // metadata types (prompb MetricMetadata.MetricType)
  private static final int UNKNOWN = 0;
  private static final int COUNTER = 1;
  private static final int GAUGE = 2;
  private static final int HISTOGRAM_TYPE = 3;
  private static final int SUMMARY_TYPE = 5;

  private static final long TARGET_INFO_INTERVAL_NANOS = 150_000_000_000L; // lookback delta / 2
  private static final byte[] TARGET_INFO = ascii("target_info");
  private static final byte[] TARGET_INFO_HELP = ascii("Target metadata");
  private static final byte[] SERVICE_NAME = ascii("service.name");
  private static final byte[] SERVICE_NAMESPACE = ascii("service.namespace");
  private static final byte[] SERVICE_INSTANCE_ID = ascii("service.instance.id");
  private static final byte[] NAME_KEY = ascii("__name__");
  private static final byte[] JOB = ascii("job");
  private static final byte[] INSTANCE = ascii("instance");
  private static final byte[] LE = ascii("le");
  private static final byte[] QUANTILE = ascii("quantile");
  // their hashes as sanitize() computes them (lower-case letters: the same in both name modes)
  private static final long JOB_HASH = plainHash(JOB);
  private static final long INSTANCE_HASH = plainHash(INSTANCE);
  private static final long LE_HASH = plainHash(LE);
  private static final long QUANTILE_HASH = plainHash(QUANTILE);
  private static final int MAX_TARGET_INFO_REMEMBERED = 4096;

  // ---- the request ----
  private boolean utf8Names;
  private byte[][] promotedKeys; // promote_otel_resource_attributes
  // drop_labels when the tenant has no relabeling rules (with rules, nothing is applied here): the
  // names' hashes and lengths as sanitize() gives them, and the translator's own labels among them
  private long[] dropHashes = new long[0];
  private int[] dropLengths = new int[0];
  private byte[][] dropNames = new byte[0][];
  private SeriesRelabeling dropsFor; // the relabeling the drop arrays were made for
  private long removedSeries; // left with no label by drop_labels
  private boolean dropName;
  private boolean dropLe;
  private boolean dropQuantile;
  private boolean dropJob;
  private boolean dropInstance;
  private int nameValueLength; // the metric's, see metric()
  private boolean metricNameInvalid; // a name kept as sent (utf8 names) that is not UTF-8

  // what of a label is not valid UTF-8 (Labels.invalid, Promoted.invalid)
  private static final int BAD_VALUE = 1;
  private static final int BAD_NAME = 2;

  /** validateLabels' reason for labels that are not UTF-8: the name is checked first. */
  private static Violation utf8Violation(int bits) {
    return (bits & BAD_NAME) != 0 ? Violation.LABEL_INVALID : Violation.LABEL_VALUE_INVALID;
  }

  // ---- metric_relabel_configs (prePushRelabelMiddleware), for a tenant with rules only: every
  // translated series is built as strings, relabeled, and judged on what the rules leave ----
  private boolean relabel;
  // max_label_value_length is below the longest spelling of a float (with the error strategy):
  // the le and quantile values are read and measured, not taken as short
  private boolean measureFloats;
  private static final int LONGEST_FLOAT = 330; // FormatFloat(v, 'f', -1, 64): at most 327 bytes
  private boolean json; // the body is OTLP/JSON (how an array or map value is read)
  private String tenant = "";
  private final SeriesRelabeling.Scratch relabelScratch = new SeriesRelabeling.Scratch();
  private final Map<String, String> relabelMap = new HashMap<>(); // relabelBase's making
  private final ArrayList<Label> relabelBase = new ArrayList<>(); // the point's, no __name__
  private final ArrayList<Label> relabelIn = new ArrayList<>();
  private final StringCache relabelStrings = new StringCache(); // names and values, as strings
  private final Map<String, byte[]> relabelBytes = new HashMap<>(); // and back, for validation
  // le and quantile spellings by their bits, direct-mapped (they repeat from point to point)
  private final GoFloat.Cache floatSpellings = new GoFloat.Cache(true, 256);
  private String relabelSum = ""; // the metric's name with _sum, _count, _bucket
  private String relabelCount = "";
  private String relabelBucket = "";
  private byte[][] judgeNames = new byte[16][];
  private byte[][] judgeValues = new byte[16][];
  private String relabelMetric = ""; // the metric's translated name
  private double[] pointValues = new double[16]; // the point's explicit bounds or quantiles
  private int pointValueCount;
  private Violation relabelVerdict;
  private long relabelActual;

  // ---- HA (ha_dedupe_per_request.go): the labels of the request's first translated series ----
  private boolean haUndecided; // accept_ha_samples and no series yet (per request)
  private long clusterNameHash; // the labels' names hashed as sanitize() hashes a key naming them
  private long replicaNameHash;
  private final HaAttributes pointHa = new HaAttributes(); // the point's attributes so named
  private final HaAttributes resourceHa = new HaAttributes(); // the resource's
  private String serviceName; // the resource's identity as strings, read only while undecided
  private String serviceNamespace;
  private String instanceValue;

  private long rejectedMetrics; // translation errors: Mimir answers 400 after pushing the rest
  private long[] exemplarTimes = new long[16];
  private int keptExemplars;

  // ---- the resource ----
  private long identityHash; // of service.name, service.namespace and service.instance.id
  private int serviceNameLength; // -1 when absent
  private int serviceNamespaceLength;
  private int instanceLength;
  private boolean serviceNameInvalid; // its value is not valid UTF-8 (nor then job's)
  private boolean serviceNamespaceInvalid;
  private boolean instanceInvalid;
  private int nonIdentifying;
  private long earliestNanos;
  private long latestNanos;
  private boolean resourcePoints;
  private boolean resourceFailed; // setResourceContext's error: the resource is not translated

  /** The resource's attributes other than the identifying ones, for target_info's labels. */
  private final Labels resourceLabels = new Labels();

  /** The resource's promoted attributes, as the labels they add to its points' series. */
  private final Promoted promoted = new Promoted();

  // (labels hash, ms) pairs of target_info emitted in this request; bounded (then each counts)
  private final SeenPairs targetInfoSeen = new SeenPairs(MAX_TARGET_INFO_REMEMBERED);
  // (series, ms) pairs of the points translated in this request; bounded (then each counts)
  private final SeenPairs seriesSeen = new SeenPairs(MAX_SERIES_REMEMBERED);
  private static final int MAX_SERIES_REMEMBERED = 1 << 16;
  private long duplicateSamples;

  // ---- the metric ----
  private int type;
  private boolean metricKept;
  private boolean metricFailed;
  private int metricType; // metadata type
  private boolean nhcb;
  private final byte[] nameBuf = new byte[256];
  private final byte[] digits = new byte[20]; // an int value's decimal form, to hash it
  private byte[] name = nameBuf;
  private int nameLength;
  private long helpHash;
  private long unitHash;
  private int unitLength;
  private boolean metricAppended;

  // ---- the point ----
  private final Labels point = new Labels();
  private int pointExemplars;
  private int pointKeptExemplars;
  private boolean pointBadExemplar;
  private long[] pointExemplarTimes = new long[8];

  // ---- metric families seen in this request, for metadata ----
  private final Families families = new Families();

  void begin(ValidationLimits limits, long nowMillis) {
    begin(limits, nowMillis, "", false);
  }

  /**
   * A new request of {@code tenant} (the value of {@code __meta_tenant_id} for its relabeling
   * rules), in OTLP/JSON when {@code json}.
   */
  void begin(ValidationLimits limits, long nowMillis, String tenant, boolean json) {
    beginTally(limits, nowMillis);
    this.utf8Names = limits.nameValidation() == NameValidation.UTF8;
    this.promotedKeys = limits.promotedKeys();
    dropLabels(limits.relabeling());
    this.relabel = !limits.relabeling().rules().isEmpty();
    this.measureFloats =
        limits.maxLabelValueLength() < LONGEST_FLOAT
            && limits.labelValueStrategy() == LabelValueStrategy.ERROR;
    this.tenant = tenant;
    this.json = json;
    removedSeries = 0;
    this.haUndecided = limits.acceptHaSamples() && !perSampleHa;
    if (limits.acceptHaSamples()) {
      clusterNameHash = nameHash(limits.clusterLabelBytes());
      replicaNameHash = nameHash(limits.replicaLabelBytes());
    }
    rejectedMetrics = 0;
    keptExemplars = 0;
    targetInfoSeen.clear();
    seriesSeen.clear();
    duplicateSamples = 0;
    families.clear();
  }

  /**
   * {@code drop_labels} as Mimir's {@code prePushRelabelMiddleware} applies it to the translated
   * series: each name removed from every series that has it (a translated series names each label
   * once). Not with relabeling rules: then {@link SeriesRelabeling#apply} applies both.
   */
  private void dropLabels(SeriesRelabeling r) {
    if (r == dropsFor) {
      return; // the same tenant's limits as the request before: nothing to make again
    }
    dropsFor = r;
    List<String> names = r.rules().isEmpty() ? r.dropLabels() : List.of();
    dropHashes = new long[names.size()];
    dropLengths = new int[names.size()];
    dropNames = new byte[names.size()][];
    for (int i = 0; i < names.size(); i++) {
      byte[] b = names.get(i).getBytes(StandardCharsets.UTF_8);
      dropNames[i] = b;
      dropHashes[i] = nameHash(b);
      dropLengths[i] = b.length;
    }
    dropName = names.contains("__name__");
    dropLe = names.contains("le");
    dropQuantile = names.contains("quantile");
    dropJob = names.contains("job");
    dropInstance = names.contains("instance");
  }

  /**
   * Whether {@code drop_labels} removes the label the key {@code b[at, at + n)} translates to
   * ({@code h} and {@code len}: its name's hash and length, as sanitize() gives them).
   */
  private boolean dropped(long h, int len, byte[] b, int at, int n) {
    for (int i = 0; i < dropHashes.length; i++) {
      if (dropHashes[i] == h && dropLengths[i] == len && translatesTo(b, at, n, dropNames[i])) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------
  // Resource and scope
  // ---------------------------------------------------------------------------------------------

  void startResource() {
    serviceNameLength = -1;
    serviceNamespaceLength = -1;
    identityHash = 0;
    instanceLength = -1;
    serviceNameInvalid = false;
    serviceNamespaceInvalid = false;
    instanceInvalid = false;
    nonIdentifying = 0;
    earliestNanos = -1; // unsigned: MaxUint64
    latestNanos = 0;
    resourcePoints = false;
    resourceFailed = false;
    resourceLabels.clear();
    resourceLabels.forgetNames();
    promoted.clear();
    if (haUndecided || perSampleHa || relabel) {
      resourceHa.clear();
      serviceName = null;
      serviceNamespace = null;
      instanceValue = null;
    }
    point.forgetNames(); // the JSON walker reuses its bytes per resource
  }

  void endResource() {
    if (resourceFailed || !resourcePoints || nonIdentifying == 0) {
      return;
    }
    Labels l = resourceLabels;
    if (l.invalidName()) {
      // createAttributes fails in addResourceTargetInfo, before it looks for job and instance:
      // no target_info, an error (a 400)
      rejectedMetrics++;
      countViolation(Violation.OTLP_PARSE_ERROR, 0);
      return;
    }
    boolean job = hasJob();
    boolean instance = instanceLength > 0;
    if (!job && !instance) {
      return; // addResourceTargetInfo: no job and no instance label, no target_info
    }
    long e = earliestNanos;
    long last = latestNanos;
    long hash = l.hash() * 31 + identityHash;
    // for t := earliest; t.Before(latest); t += interval { emit(t) }; emit(latest), in Go's time
    // (signed nanoseconds), each (labels, millisecond) once per request
    long samples = 0;
    long step = 0;
    for (long t = e; t < last; step++) {
      if (step >= MAX_TARGET_INFO_REMEMBERED) { // a long span: counted, no longer deduplicated
        samples += (last - t - 1) / TARGET_INFO_INTERVAL_NANOS + 1;
        break;
      }
      if (targetInfoSeen.add(hash, Math.floorDiv(t, 1_000_000L))) {
        samples++;
      }
      if (t > Long.MAX_VALUE - TARGET_INFO_INTERVAL_NANOS) {
        break;
      }
      t += TARGET_INFO_INTERVAL_NANOS;
    }
    if (targetInfoSeen.add(hash, Math.floorDiv(last, 1_000_000L))) {
      samples++;
    }
    if (samples == 0) {
      return; // the same target_info as an earlier resource's
    }
    if (perSampleHa || haUndecided) {
      seriesHa(true); // when no point of the request made a series, target_info is the first
    }
    l.finishWithIdentity(false);
    int labels;
    Violation v = null;
    actual = 0;
    if (relabel) {
      relabelBase(l, false);
      labels = relabelSeries("target_info", null, null);
      v = relabelVerdict;
      actual = relabelActual;
    } else {
      labels = l.count + (dropName ? 0 : 1); // + __name__
      int longestName = dropName ? l.longestName : Math.max(l.longestName, 8);
      int longestValue = dropName ? l.longestValue : Math.max(l.longestValue, TARGET_INFO.length);
      if (labels > 0) {
        v =
            dropName
                ? Violation.MISSING_METRIC_NAME
                : labelViolation(labels, true, longestName, longestValue);
        if (v == null && l.invalidBits != 0) {
          v = utf8Violation(l.invalidBits);
        }
        track(labels, longestName, longestValue);
      }
    }
    series++;
    floatSamples += samples;
    long firstMs = Math.floorDiv(Math.min(e, last), 1_000_000L); // its first: the earliest point
    firstSample(firstMs);
    if (labels == 0) { // no label left (a rule, drop_labels): removed without a word, metadata kept
      removedSeries++;
      if (perSampleHa) {
        haSeries(series - 1, 1, 0, null, 0);
      }
      family(TARGET_INFO, 0, TARGET_INFO.length, GAUGE, hashOf(TARGET_INFO_HELP), 0, 0);
      return;
    }
    validated(firstMs);
    if (v == null) {
      v = timestampViolation(firstMs, Math.floorDiv(last, 1_000_000L));
    }
    if (v != null) {
      invalid(v, samples, 1);
    } else {
      validSamples += samples;
    }
    if (perSampleHa) {
      haSeries(series - 1, 1, v == null ? samples : 0, v, actual);
    }
    family(TARGET_INFO, 0, TARGET_INFO.length, GAUGE, hashOf(TARGET_INFO_HELP), 0, 0);
  }

  private int jobLength() {
    return serviceNamespaceLength >= 0
        ? serviceNamespaceLength + 1 + serviceNameLength
        : serviceNameLength;
  }

  /**
   * Whether the resource makes a {@code job} label: {@code service.name} present (with {@code
   * service.namespace}, {@code ns/name}, whatever either holds), and not empty ({@code Set} with an
   * empty value deletes the label).
   */
  private boolean hasJob() {
    return serviceNameLength >= 0 && jobLength() > 0;
  }

  /**
   * An attribute: its key {@code b[keyAt, keyAt + keyLength)}, the AnyValue field number of its
   * value ({@code kind}, 0 for none), and for a string or bytes value where it is, for a bool or
   * int its value (for a double its bits).
   */
  void attribute(
      Owner owner,
      byte[] b,
      int keyAt,
      int keyLength,
      int kind,
      int valueAt,
      int valueLength,
      long scalar) {
    // the points' path kept small (a point's attributes are most of the work), the rest apart
    if (owner == Owner.POINT) {
      if (!equals(b, keyAt, keyLength, NAME_KEY)) {
        int length = stringLength(b, kind, valueAt, valueLength, scalar);
        point.add(b, keyAt, keyLength, length, valueHash(b, kind, valueAt, valueLength, scalar));
        if (kind == STRING && length > 0 && !validString(b, valueAt, valueLength)) {
          point.invalidLast(BAD_VALUE); // pdata does not check; validateLabels refuses the series
        }
        if (utf8Names && length > 0 && !Utf8.valid(b, keyAt, keyAt + keyLength)) {
          point.invalidLast(BAD_NAME); // a name kept as sent must be UTF-8
        }
        if (relabel && length > 0) {
          point.strings(b, keyAt, keyLength, labelValue(b, kind, valueAt, valueLength, scalar));
        }
        if (haUndecided || perSampleHa) {
          pointHa(b, keyAt, keyLength, length, kind, valueAt, valueLength, scalar);
        }
      }
    } else if (owner == Owner.RESOURCE) {
      resourceAttribute(b, keyAt, keyLength, kind, valueAt, valueLength, scalar);
    } // a scope's labels only with otel_promote_scope_metadata, not mirrored
  }

  /**
   * A label of target_info: its invalid UTF-8 ({@code bad}) and, for relabeling, its value as a
   * string (null otherwise).
   */
  private void resourceLabel(
      byte[] b, int keyAt, int keyLength, int length, long hash, int bad, String value) {
    resourceLabels.add(b, keyAt, keyLength, length, hash);
    if (bad != 0) {
      resourceLabels.invalidLast(bad);
    }
    if (value != null) {
      resourceLabels.strings(b, keyAt, keyLength, value);
    }
  }

  /** A resource attribute: identity, target_info's labels, promotion, HA. */
  private void resourceAttribute(
      byte[] b, int keyAt, int keyLength, int kind, int valueAt, int valueLength, long scalar) {
    int length = stringLength(b, kind, valueAt, valueLength, scalar);
    // the value's part of the series' identity, or of target_info's
    long hash = valueHash(b, kind, valueAt, valueLength, scalar);
    boolean readHa = haUndecided || perSampleHa;
    boolean readValues = readHa || relabel; // the identity as strings
    String value = relabel && length > 0 ? labelValue(b, kind, valueAt, valueLength, scalar) : null;
    boolean invalid = kind == STRING && length > 0 && !validString(b, valueAt, valueLength);
    int bad =
        (invalid ? BAD_VALUE : 0)
            | (utf8Names && length > 0 && !Utf8.valid(b, keyAt, keyAt + keyLength) ? BAD_NAME : 0);
    boolean identifying = true;
    if (equals(b, keyAt, keyLength, SERVICE_NAME)) {
      serviceNameLength = length;
      serviceNameInvalid = invalid;
      identityHash += mix(hash * 0x9E3779B97F4A7C15L);
      if (readValues) {
        serviceName = labelValue(b, kind, valueAt, valueLength, scalar);
      }
    } else if (equals(b, keyAt, keyLength, SERVICE_NAMESPACE)) {
      serviceNamespaceLength = length;
      serviceNamespaceInvalid = invalid;
      identityHash += mix(hash * 0xC2B2AE3D27D4EB4FL);
      if (readValues) {
        serviceNamespace = labelValue(b, kind, valueAt, valueLength, scalar);
      }
    } else if (equals(b, keyAt, keyLength, SERVICE_INSTANCE_ID)) {
      instanceLength = length;
      instanceInvalid = invalid;
      identityHash += mix(hash * 0x165667B19E3779F9L);
      if (readValues) {
        instanceValue = labelValue(b, kind, valueAt, valueLength, scalar);
      }
    } else {
      identifying = false;
      nonIdentifying++;
      resourceLabel(b, keyAt, keyLength, length, hash, bad, value);
    }
    if (identifying && limits.otelKeepIdentifyingResourceAttributes()) {
      // addResourceTargetInfo: the identifying attributes not ignored, labels of target_info too
      // (service_name, ...), beside job and instance; the resource still needs another attribute
      resourceLabel(b, keyAt, keyLength, length, hash, bad, value);
    }
    boolean promote = promotedKeys.length > 0 && isPromoted(b, keyAt, keyLength);
    if (promote) {
      promote(b, keyAt, keyLength, length, hash, value, (byte) bad);
    }
    if (readHa) {
      int flags =
          (identifying ? HaAttributes.IDENTIFYING : 0) | (promote ? HaAttributes.PROMOTED : 0);
      long h = sanitize(b, keyAt, keyLength);
      captureHa(
          resourceHa,
          h,
          sanitizedLength,
          b,
          keyAt,
          keyLength,
          kind,
          valueAt,
          valueLength,
          scalar,
          flags);
    }
  }

  /**
   * A hash of an attribute's value, for the identity of its series (target_info's, and the points'
   * for the appender's merge): the hash of the label value Mimir makes of it ({@code
   * pcommon.Value.AsString}) for a string, an int (its decimal form) and a bool ({@code true},
   * {@code false}), so that an int 5 and a string "5" are the same label, as to Mimir. A double,
   * bytes (base64), array or map (JSON) value hashes its own bytes and kind instead: the same label
   * as a string attribute's only if both spell its string form, which the edge does not build, so
   * the edge may count such a pair of points twice where Mimir merges them.
   */
  private long valueHash(byte[] b, int kind, int valueAt, int valueLength, long scalar) {
    return switch (kind) {
      case STRING -> stringHash(b, valueAt, valueLength);
      case INT -> hashOf(digits, 0, decimal(scalar, digits));
      case BOOL -> scalar != 0 ? TRUE_HASH : FALSE_HASH;
      case BYTES, ARRAY, KVLIST -> mix(hashOf(b, valueAt, valueLength) + kind); // "abc" != b"abc"
      default -> mix(scalar * 0x9E3779B97F4A7C15L + kind);
    };
  }

  private long stringHigh; // the high bits of the last string stringHash read, OR-ed

  /**
   * {@link #hashOf} of a string value, noting in {@link #stringHigh} whether a byte of it is not
   * ASCII: the UTF-8 check ({@link #validString}) then costs nothing more for ASCII values.
   */
  private long stringHash(byte[] b, int at, int n) {
    long h = 1125899906842597L + n;
    long high = 0;
    int i = at;
    int end = at + n;
    for (; i + 8 <= end; i += 8) {
      long w = (long) LONGS.get(b, i);
      high |= w;
      h = Long.rotateLeft((h ^ w) * 0x9E37_79B9_7F4A_7C15L, 29);
    }
    for (; i < end; i++) {
      high |= b[i];
      h = 31 * h + b[i];
    }
    stringHigh = high;
    return mix(h);
  }

  /** Whether the string {@link #stringHash} just read is valid UTF-8. */
  private boolean validString(byte[] b, int at, int n) {
    return (stringHigh & 0x8080_8080_8080_8080L) == 0 || Utf8.valid(b, at, at + n);
  }

  private static final long TRUE_HASH = hashOf(ascii("true"));
  private static final long FALSE_HASH = hashOf(ascii("false"));

  /** Writes {@code v} in decimal (strconv.FormatInt) at the start of {@code out}; its length. */
  static int decimal(long v, byte[] out) {
    if (v == Long.MIN_VALUE) {
      byte[] min = ascii(Long.toString(v));
      System.arraycopy(min, 0, out, 0, min.length);
      return min.length;
    }
    int n = decimalLength(v);
    long u = Math.abs(v);
    for (int i = n - 1; i >= (v < 0 ? 1 : 0); i--) {
      out[i] = (byte) ('0' + u % 10);
      u /= 10;
    }
    if (v < 0) {
      out[0] = '-';
    }
    return n;
  }

  /** MurmurHash3's 64-bit finalizer: every input bit reaches every output bit. */
  static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xFF51_AFD7_ED55_8CCDL;
    h ^= h >>> 33;
    h *= 0xC4CE_B9FE_1A85_EC53L;
    return h ^ (h >>> 33);
  }

  /**
   * The length of {@code pcommon.Value.AsString()}: of a string, bool, int or bytes (base64)
   * computed; of a double, an array or a map spelled ({@link GoFloat#asString}, {@link
   * AnyValueJson}: rare in metrics' attributes) and measured in UTF-8.
   */
  private int stringLength(byte[] b, int kind, int valueAt, int valueLength, long scalar) {
    return switch (kind) {
      case STRING -> valueLength;
      case BOOL -> scalar != 0 ? 4 : 5;
      case INT -> decimalLength(scalar);
      case BYTES -> (valueLength + 2) / 3 * 4;
      case DOUBLE -> asString(Double.longBitsToDouble(scalar)).length(); // ASCII
      case ARRAY, KVLIST ->
          utf8Length(AnyValueJson.of(b, valueAt, valueLength, kind == ARRAY, json));
      default -> 0; // an empty AnyValue is "": the label is dropped
    };
  }

  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3; // a pair: 4
    }
    return n;
  }

  private final GoFloat.Cache doubleSpellings = new GoFloat.Cache(false, 64); // attributes

  private String asString(double v) {
    return doubleSpellings.get(v);
  }

  // ---------------------------------------------------------------------------------------------
  // Metrics
  // ---------------------------------------------------------------------------------------------

  /**
   * A metric: its name and unit in {@code b}, the length of its description, its data field ({@link
   * OtlpProtoWalker#GAUGE} and so on, 0 for none) and that data's temporality.
   *
   * @return whether its points are to be reported (false when the translator skips the metric)
   */
  boolean metric(
      byte[] b,
      int nameAt,
      int nameLen,
      int unitAt,
      int unitLen,
      long descriptionHash,
      int dataType,
      int temporality,
      boolean monotonic) {
    type = dataType;
    metricKept = false;
    metricFailed = false;
    metricAppended = false;
    if (resourceFailed) {
      return false; // the resource is skipped whole: no series, no timestamps, no target_info
    }
    nhcb = limits.otelConvertHistogramsToNhcb();
    boolean delta = temporality == DELTA;
    switch (dataType) {
      case OtlpProtoWalker.GAUGE -> metricType = GAUGE;
      case OtlpProtoWalker.SUMMARY -> metricType = SUMMARY_TYPE;
      case OtlpProtoWalker.SUM -> {
        if (!temporalityAccepted(temporality)) {
          return reject();
        }
        metricType = delta ? UNKNOWN : monotonic ? COUNTER : GAUGE;
      }
      case OtlpProtoWalker.HISTOGRAM, OtlpProtoWalker.EXPONENTIAL_HISTOGRAM -> {
        if (!temporalityAccepted(temporality)) {
          return reject();
        }
        metricType = delta ? UNKNOWN : HISTOGRAM_TYPE;
      }
      default -> {
        // aggregationTemporality: "unsupported metric type Empty" (points still set the
        // resource's timestamps: findMinAndMaxTimestamps runs first, and finds none)
        return reject();
      }
    }
    if (!metricName(b, nameAt, nameLen)) {
      return reject();
    }
    // the names of the metric's series, hashed once for all its points (see key)
    long h = hashOf(name, 0, nameLength);
    seriesNames[0] = h;
    seriesNames[1] = continueHash(h, SUM_SUFFIX);
    seriesNames[2] = continueHash(h, COUNT_SUFFIX);
    helpHash = descriptionHash;
    unitHash = unitName(b, unitAt, unitLen); // the metadata's unit: UnitNamer.Build's
    unitLength = translatedUnitLength;
    // its series' __name__ value before any suffix, 0 when drop_labels removes __name__
    nameValueLength = dropName ? 0 : nameLength;
    relabelMetric = relabel ? Utf8.decodeEscaped(name, 0, nameLength) : "";
    metricNameInvalid =
        utf8Names && !Utf8.valid(name, 0, nameLength); // kept as sent: must be UTF-8
    if (relabel) {
      relabelSum = suffixed(relabelMetric, "_sum");
      relabelCount = suffixed(relabelMetric, "_count");
      relabelBucket = suffixed(relabelMetric, "_bucket");
    }
    metricKept = true;
    return true;
  }

  private boolean temporalityAccepted(int temporality) {
    return temporality == CUMULATIVE || (temporality == DELTA && limits.otelNativeDeltaIngestion());
  }

  /**
   * A metric the translator skips with an error; its points still move the resource's timestamps.
   */
  private boolean reject() {
    rejectedMetrics++;
    countViolation(Violation.OTLP_PARSE_ERROR, 0);
    metricKept = false;
    return true; // its points are read for target_info's timestamps only
  }

  /** Builds the translated metric name into {@link #name}; false when it translates to nothing. */
  private boolean metricName(byte[] b, int at, int n) {
    if (name.length < n + 1) {
      name = new byte[Math.max(n + 1, 2 * name.length)];
    }
    if (utf8Names) {
      System.arraycopy(b, at, name, 0, n);
      nameLength = n; // an empty name: no __name__, a missing-metric-name violation
      return true;
    }
    // buildCompliantMetricName: the runs of [a-zA-Z0-9:_] joined with single underscores
    int out = 0;
    boolean pending = false;
    boolean onlyUnderscores = true;
    for (int i = at; i < at + n; ) {
      int c = b[i] & 0xff;
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == ':'
              || c == '_';
      if (ok) {
        if (pending && out > 0) {
          name[out++] = '_';
        }
        pending = false;
        if (out == 0 && c >= '0' && c <= '9') {
          name[out++] = '_';
        }
        name[out++] = (byte) c;
        onlyUnderscores &= c == '_';
        i++;
      } else {
        pending = true;
        i += Utf8.width(b, i, at + n); // a rune, or one byte of invalid UTF-8, as Go ranges
      }
    }
    nameLength = out;
    if (out == 0) {
      return false; // "normalization for metric ... resulted in empty name"
    }
    return !(onlyUnderscores && (out != n || !equalsRange(name, 0, b, at, n)));
  }

  void endMetric() {
    if (metricKept && metricAppended) {
      family(name, 0, nameLength, metricType, helpHash, unitHash, unitLength);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Points
  // ---------------------------------------------------------------------------------------------

  void startPoint() {
    point.clear();
    if (haUndecided || perSampleHa) {
      pointHa.clear();
    }
    pointExemplars = 0;
    pointKeptExemplars = 0;
    pointBadExemplar = false;
    pointValueCount = 0;
  }

  /**
   * Whether the walkers report the points' explicit bounds and quantiles ({@link #bound}, {@link
   * #quantile}): the {@code le} and {@code quantile} values, for relabeling or to measure them
   * against a short value limit.
   */
  boolean wantsValues() {
    return relabel || measureFloats;
  }

  /** The current point's next explicit bound (when {@link #wantsValues}). */
  void bound(double v) {
    pointValue(v);
  }

  /** The current point's next quantile (when {@link #wantsValues}). */
  void quantile(double v) {
    pointValue(v);
  }

  /** Forgets the bounds or quantiles reported so far for the point (a field read again). */
  void clearValues() {
    pointValueCount = 0;
  }

  private void pointValue(double v) {
    if (pointValueCount == pointValues.length) {
      pointValues = Arrays.copyOf(pointValues, 2 * pointValueCount);
    }
    pointValues[pointValueCount++] = v;
  }

  /** An exemplar of the current point: its time, and whether it has a label at all. */
  void exemplar(long timeNanos, boolean hasLabels, boolean hasValue) {
    if (!hasValue) {
      // getPromExemplars: "unsupported exemplar value type": the point (a histogram's buckets)
      // and the rest of the metric are not translated
      pointBadExemplar = true;
    }
    pointExemplars++;
    long ms = millis(timeNanos);
    int perSeries = limits.maxExemplarsPerSeriesPerRequest();
    if (perSeries > 0 && pointExemplars > perSeries) {
      return;
    }
    if (!hasLabels || ms == 0 || ms > maxTimestamp) {
      return;
    }
    if (pointKeptExemplars == pointExemplarTimes.length) {
      pointExemplarTimes = Arrays.copyOf(pointExemplarTimes, 2 * pointKeptExemplars);
    }
    pointExemplarTimes[pointKeptExemplars++] = ms;
  }

  /**
   * The current point is read: its time, explicit buckets (bounds that have a bucket count),
   * whether it has a sum, its quantiles, and for an exponential histogram its scale. Its flags do
   * not matter: a point without a recorded value counts all the same.
   */
  void endPoint(long timeNanos, long buckets, boolean hasSum, long quantiles, int scale) {
    resourcePoints = true;
    if (Long.compareUnsigned(timeNanos, earliestNanos) < 0) {
      earliestNanos = timeNanos;
    }
    if (Long.compareUnsigned(timeNanos, latestNanos) > 0) {
      latestNanos = timeNanos;
    }
    if (!metricKept || metricFailed) {
      return;
    }
    if (type == OtlpProtoWalker.EXPONENTIAL_HISTOGRAM && scale < -4) {
      // "cannot convert exponential to native histogram. Scale must be >= -4": the rest of the
      // metric is not translated
      failMetric();
      return;
    }
    if (point.invalidName()) {
      failMetric(); // a label name that sanitizes to nothing fails the rest of the metric
      return;
    }
    boolean badExemplar = pointBadExemplar && type != OtlpProtoWalker.GAUGE; // gauges drop theirs
    boolean classic = type == OtlpProtoWalker.HISTOGRAM && !nhcb;
    if (badExemplar && !classic) {
      failMetric();
      return;
    }
    metricAppended = true;
    if (perSampleHa || haUndecided) {
      seriesHa(false);
    }
    long ts = millis(timeNanos);
    Labels l = point;
    l.finishWithIdentity(true);
    // the series' identity, for the appender's merge of points with the same labels (below)
    long labelsKey = l.hash() * 31 + identityHash;
    if (relabel) {
      relabeledPoint(labelsKey, ts, buckets, hasSum, quantiles, badExemplar);
      return;
    }
    boolean named = nameLength > 0 && !dropName;
    int labels = l.count + (named ? 1 : 0); // + __name__ (none for an empty or a dropped name)
    int longestName = Math.max(l.longestName, named ? 8 : 0);
    int longestValue = l.longestValue;
    switch (type) {
      case OtlpProtoWalker.GAUGE -> {
        series(
            key(labelsKey, NO_SUFFIX), 0, labels, longestName, longestValue, ts, 1, false, false);
      }
      case OtlpProtoWalker.SUM ->
          series(
              key(labelsKey, NO_SUFFIX), 0, labels, longestName, longestValue, ts, 1, false, true);
      case OtlpProtoWalker.HISTOGRAM -> {
        if (nhcb) {
          nativeHistogram(labelsKey, labels, longestName, longestValue, ts);
        } else {
          // the translator's le replaces an attribute's, unless drop_labels removes it
          int withLe = labels + (dropLe || l.has(LE, LE_HASH) ? 0 : 1);
          int nameLong = dropLe ? longestName : Math.max(longestName, 2);
          if (hasSum) {
            series(key(labelsKey, SUM), 4, labels, longestName, longestValue, ts, 1, false, false);
          }
          series(key(labelsKey, COUNT), 6, labels, longestName, longestValue, ts, 1, false, false);
          if (badExemplar) { // addHistogramDataPoints: the exemplars fail before the buckets
            dropPointExemplars();
            failMetric();
            return;
          }
          // every bucket series gets the point's exemplars placed among them
          floatSeries(7, withLe, nameLong, longestValue, dropLe, 4, ts, buckets, true);
        }
      }
      case OtlpProtoWalker.EXPONENTIAL_HISTOGRAM ->
          nativeHistogram(labelsKey, labels, longestName, longestValue, ts);
      case OtlpProtoWalker.SUMMARY -> {
        series(key(labelsKey, SUM), 4, labels, longestName, longestValue, ts, 1, false, false);
        series(key(labelsKey, COUNT), 6, labels, longestName, longestValue, ts, 1, false, false);
        if (quantiles > 0) {
          int withQ = labels + (dropQuantile || l.has(QUANTILE, QUANTILE_HASH) ? 0 : 1);
          int nameLong = dropQuantile ? longestName : Math.max(longestName, 8);
          floatSeries(0, withQ, nameLong, longestValue, dropQuantile, 24, ts, quantiles, false);
        }
      }
      default -> {}
    }
  }

  // ---------------------------------------------------------------------------------------------
  // metric_relabel_configs over the translated series
  // ---------------------------------------------------------------------------------------------

  /**
   * {@link #endPoint}'s series for a tenant with relabeling rules, one by one, each as labels: the
   * same series, samples, exemplars and identities as the counting path, but each judged on what
   * the rules leave of its labels. A classic histogram's exemplars go with its {@code +Inf} bucket
   * (Mimir spreads them over the buckets by value: they differ only when a rule drops some buckets
   * of a point and not others, with exemplars enabled).
   */
  private void relabeledPoint(
      long labelsKey, long ts, long buckets, boolean hasSum, long quantiles, boolean badExemplar) {
    relabelBase(point, true);
    String metric = relabelMetric;
    switch (type) {
      case OtlpProtoWalker.GAUGE ->
          relabeled(key(labelsKey, NO_SUFFIX), metric, null, null, ts, false, false);
      case OtlpProtoWalker.SUM ->
          relabeled(key(labelsKey, NO_SUFFIX), metric, null, null, ts, false, true);
      case OtlpProtoWalker.HISTOGRAM -> {
        if (nhcb) {
          relabeled(key(labelsKey, NO_SUFFIX) ^ HISTOGRAMS, metric, null, null, ts, true, true);
          return;
        }
        if (hasSum) {
          relabeled(key(labelsKey, SUM), relabelSum, null, null, ts, false, false);
        }
        relabeled(key(labelsKey, COUNT), relabelCount, null, null, ts, false, false);
        if (badExemplar) {
          dropPointExemplars();
          failMetric();
          return;
        }
        String bucket = relabelBucket;
        for (int i = 0; i < buckets; i++) {
          String le = fixed(i < pointValueCount ? pointValues[i] : 0);
          relabeled(EACH_COUNTED, bucket, "le", le, ts, false, false);
        }
        relabeled(EACH_COUNTED, bucket, "le", "+Inf", ts, false, true);
      }
      case OtlpProtoWalker.EXPONENTIAL_HISTOGRAM ->
          relabeled(key(labelsKey, NO_SUFFIX) ^ HISTOGRAMS, metric, null, null, ts, true, true);
      case OtlpProtoWalker.SUMMARY -> {
        relabeled(key(labelsKey, SUM), relabelSum, null, null, ts, false, false);
        relabeled(key(labelsKey, COUNT), relabelCount, null, null, ts, false, false);
        for (int i = 0; i < quantiles; i++) {
          String q = fixed(i < pointValueCount ? pointValues[i] : 0);
          relabeled(EACH_COUNTED, metric, "quantile", q, ts, false, false);
        }
      }
      default -> {}
    }
  }

  /** The name with a suffix; none (empty) stays none, as the counting path has it. */
  private static String suffixed(String metric, String suffix) {
    return metric.isEmpty() ? metric : metric + suffix;
  }

  /** One series of {@link #relabeledPoint}: relabeled, judged, tallied. */
  private void relabeled(
      long key,
      String metric,
      String extraName,
      String extraValue,
      long ts,
      boolean histogram,
      boolean withExemplars) {
    int labels = relabelSeries(metric, extraName, extraValue);
    actual = relabelActual;
    tally(key, labels == 0, relabelVerdict, ts, 1, histogram, withExemplars);
  }

  /**
   * The labels a point's series (or with {@code withPromoted} false the resource's target_info)
   * share, as {@code createAttributes} makes them, into {@link #relabelBase}: the attributes
   * (sorted by key, colliding names joined), the resource's promoted labels the point does not
   * name, then {@code job} and {@code instance} over any of that name.
   */
  private void relabelBase(Labels l, boolean withPromoted) {
    Map<String, String> m = relabelMap;
    m.clear();
    l.putStrings(m);
    boolean job = hasJob();
    boolean instance = instanceLength > 0;
    if (withPromoted) {
      Promoted p = promoted;
      for (int j = 0; j < p.n; j++) {
        String name = p.names[j];
        if (name == null
            || m.containsKey(name)
            || (job && name.equals("job"))
            || (instance && name.equals("instance"))) {
          continue;
        }
        m.put(name, p.values[j]);
      }
    }
    if (job) {
      m.put(
          "job", serviceNamespaceLength >= 0 ? serviceNamespace + "/" + serviceName : serviceName);
    }
    if (instance) {
      m.put("instance", instanceValue);
    }
    relabelBase.clear();
    m.forEach((name, value) -> relabelBase.add(new Label(name, value, -1)));
  }

  /**
   * One translated series of a tenant with rules: {@link #relabelBase}, {@code extraName} ({@code
   * le}, {@code quantile}) and {@code __name__} set over any of their names (none for an empty
   * metric name), less an HA request's replica label; through {@code metric_relabel_configs} and
   * {@code drop_labels} ({@link SeriesRelabeling#apply}); then judged as {@code validateLabels}
   * does ({@link #judge}). Returns how many labels are left, 0 when the series is removed without a
   * word (a rule dropped it, or nothing is left).
   */
  private int relabelSeries(String metric, String extraName, String extraValue) {
    List<Label> in = relabelIn;
    in.clear();
    String replica = stripReplica ? limits.haReplicaLabel() : null; // HA dedupe, before the rules
    for (int i = 0; i < relabelBase.size(); i++) {
      Label l = relabelBase.get(i);
      String name = l.name();
      if (!name.equals(extraName) && !name.equals("__name__") && !name.equals(replica)) {
        in.add(l);
      }
    }
    if (extraName != null && !extraName.equals(replica)) {
      in.add(new Label(extraName, extraValue, -1));
    }
    if (!metric.isEmpty() && !"__name__".equals(replica)) {
      in.add(new Label("__name__", metric, -1));
    }
    // in Mimir's order: the translator's labels are sorted, and a rule that ranges over them
    // (labelmap) lets the last of two mapped to one name win
    in.sort(BY_NAME);
    List<Label> out;
    try {
      out = limits.relabeling().apply(in, tenant, utf8Names, relabelScratch);
    } catch (StackOverflowError deep) {
      // Java's engine recurses where Go's does not (as the remote-write walker): not counted
      relabelVerdict = null;
      relabelActual = 0;
      return 0;
    }
    if (out == null) {
      relabelVerdict = null;
      relabelActual = 0;
      return 0;
    }
    return judge(out);
  }

  /**
   * {@code validateLabels} on relabeled labels, sorted by name as Mimir sorts them: the metric name
   * (missing, invalid), the label count (an {@code _info} metric's against its own limit), then
   * each label's name, name length, value and value length, in that order. Sets {@link
   * #relabelVerdict} (null when valid) and {@link #relabelActual}, tracks the largest figures;
   * returns the label count (empty values left out: {@code RemoveEmptyLabelValues}).
   */
  private int judge(List<Label> out) {
    int n = 0;
    if (judgeNames.length < out.size()) {
      int m = Math.max(out.size(), 2 * judgeNames.length);
      judgeNames = new byte[m][];
      judgeValues = new byte[m][];
    }
    byte[][] names = judgeNames;
    byte[][] values = judgeValues;
    if (relabelBytes.size() > 8192) {
      relabelBytes.clear(); // bounded: names and values mostly repeat
    }
    for (int i = 0; i < out.size(); i++) {
      Label l = out.get(i);
      if (!l.value().isEmpty()) {
        names[n] = utf8(l.name());
        values[n] = utf8(l.value());
        n++;
      }
    }
    relabelVerdict = null;
    relabelActual = 0;
    if (n == 0) {
      return 0;
    }
    for (int i = 1; i < n; i++) { // insertion sort by name, bytewise
      byte[] xn = names[i];
      byte[] xv = values[i];
      int j = i - 1;
      while (j >= 0 && Arrays.compareUnsigned(names[j], xn) > 0) {
        names[j + 1] = names[j];
        values[j + 1] = values[j];
        j--;
      }
      names[j + 1] = xn;
      values[j + 1] = xv;
    }
    int longestName = 0;
    int longestValue = 0;
    byte[] metric = null;
    for (int i = 0; i < n; i++) {
      longestName = Math.max(longestName, names[i].length);
      longestValue = Math.max(longestValue, values[i].length);
      if (metric == null && Arrays.equals(names[i], NAME_KEY)) {
        metric = values[i];
      }
    }
    track(n, longestName, longestValue);
    NameValidation scheme = limits.nameValidation();
    if (metric == null) {
      relabelVerdict = Violation.MISSING_METRIC_NAME;
      return n;
    }
    if (!scheme.valid(metric, 0, metric.length, true)) {
      relabelVerdict = Violation.METRIC_NAME_INVALID;
      return n;
    }
    if (n > limits.maxLabelNamesPerSeries()) {
      boolean info = endsWithInfo(metric, metric.length);
      if (!info || n > limits.maxLabelNamesPerInfoSeries()) {
        relabelVerdict =
            info ? Violation.MAX_LABEL_NAMES_PER_INFO_SERIES : Violation.MAX_LABEL_NAMES_PER_SERIES;
        relabelActual = n;
        return n;
      }
    }
    for (int i = 0; i < n; i++) {
      if (!scheme.valid(names[i], 0, names[i].length, false)) {
        relabelVerdict = Violation.LABEL_INVALID;
      } else if (names[i].length > limits.maxLabelNameLength()) {
        relabelVerdict = Violation.LABEL_NAME_TOO_LONG;
        relabelActual = names[i].length;
      } else if (!Utf8.valid(values[i], 0, values[i].length)) {
        relabelVerdict = Violation.LABEL_VALUE_INVALID;
      } else if (values[i].length > limits.maxLabelValueLength()
          && limits.labelValueStrategy() == LabelValueStrategy.ERROR) {
        relabelVerdict = Violation.LABEL_VALUE_TOO_LONG;
        relabelActual = values[i].length;
      }
      if (relabelVerdict != null) {
        return n;
      }
    }
    return n;
  }

  /** Labels by name as Go orders strings ({@link Utf8#compareAsGo}). */
  private static final java.util.Comparator<Label> BY_NAME =
      (a, b) -> Utf8.compareAsGo(a.name(), b.name());

  /** A label's bytes (invalid UTF-8 kept: {@link Utf8#escapedBytes}), short ones cached. */
  private byte[] utf8(String s) {
    if (s.length() > 256) {
      return Utf8.escapedBytes(s); // long values are not kept: the cache stays small
    }
    byte[] b = relabelBytes.get(s);
    if (b == null) {
      b = Utf8.escapedBytes(s);
      relabelBytes.put(s, b);
    }
    return b;
  }

  /** An {@code le} or {@code quantile} value as Go spells it; they repeat from point to point. */
  private String fixed(double v) {
    return floatSpellings.get(v);
  }

  /**
   * A point's bucket series ({@code _bucket}, {@code suffix} 7: {@code floats} bounds and {@code
   * +Inf}, the exemplars on them) or quantile series ({@code suffix} 0, {@code floats} of them),
   * each counted (their values are not compared: a repeat cannot be told apart). Their {@code le}
   * or {@code quantile} value is taken as {@code assumed} bytes long, unless the tenant's value
   * limit is short enough for a float's spelling to pass it: then each value is spelled as Go
   * spells it and those over the limit are invalid on their own.
   */
  private void floatSeries(
      int suffix,
      int labels,
      int longestName,
      int longestValue,
      boolean dropped,
      int assumed,
      long ts,
      long floats,
      boolean buckets) {
    long count = floats + (buckets ? 1 : 0); // + the le="+Inf" bucket
    int value = dropped ? longestValue : Math.max(longestValue, assumed);
    if (measureFloats && !dropped) {
      int limit = limits.maxLabelValueLength();
      value = buckets ? Math.max(longestValue, 4) : longestValue; // "+Inf"
      long over = 0;
      int overLongest = 0;
      for (int i = 0; i < floats && i < pointValueCount; i++) {
        int n = fixed(pointValues[i]).length(); // ASCII
        if (n > limit) {
          over++;
          overLongest = Math.max(overLongest, n);
        } else {
          value = Math.max(value, n);
        }
      }
      if (over > 0) {
        series(EACH_COUNTED, suffix, labels, longestName, overLongest, ts, over, false, false);
        count -= over;
      }
    }
    series(EACH_COUNTED, suffix, labels, longestName, value, ts, count, false, buckets);
  }

  /** The point as one native histogram (exponential, or custom buckets): a series of its own. */
  private void nativeHistogram(
      long labelsKey, int labels, int longestName, int longestValue, long ts) {
    series(
        key(labelsKey, NO_SUFFIX) ^ HISTOGRAMS,
        0,
        labels,
        longestName,
        longestValue,
        ts,
        1,
        true,
        true);
  }

  /**
   * {@code count} series of the current point with the same label count and lengths (the le or
   * quantile values kept short), each holding one sample (or one histogram), validated as
   * validate.go does; {@code suffix} the length of what the translator adds to the metric's name
   * for them ({@code _sum} 4, {@code _count} 6, {@code _bucket} 7); {@code withExemplars} when the
   * point's exemplars are on them.
   */
  private void series(
      long key,
      int suffix,
      int labels,
      int longestName,
      int longestValue,
      long ts,
      long count,
      boolean histogram,
      boolean withExemplars) {
    int value = Math.max(longestValue, nameValueLength == 0 ? 0 : nameValueLength + suffix);
    Violation v = null;
    if (labels > 0) {
      track(labels, longestName, value);
      actual = 0;
      v =
          nameValueLength == 0
              ? Violation.MISSING_METRIC_NAME
              : metricNameInvalid ? Violation.METRIC_NAME_INVALID : null;
      if (v == null) {
        v = labelViolation(labels, suffix == 0 && endsWithInfo(), longestName, value);
      }
      if (v == null && point.invalidBits != 0) {
        v = utf8Violation(point.invalidBits);
      }
    }
    tally(key, labels == 0, v, ts, count, histogram, withExemplars);
  }

  /**
   * {@code count} series of the current point, each of one sample (or histogram) at {@code ts}:
   * {@code removed} without a word, or invalid for {@code v} (its {@link #actual} set), or checked
   * for their timestamp and counted; {@code key} their identity for repeats.
   */
  private void tally(
      long key,
      boolean removed,
      Violation v,
      long ts,
      long count,
      boolean histogram,
      boolean withExemplars) {
    long index = series;
    series += count;
    if (histogram) {
      histograms += count;
    } else {
      floatSamples += count;
    }
    // HA dedupe's earliest sample: every translated series' point, as Mimir's appender made it
    // (a later point of a series already seen is not its first one; counting it too differs only
    // when that point is the older one)
    firstSample(ts);
    if (withExemplars) {
      exemplars += pointExemplars;
    }
    if (removed) {
      removed(index, count, withExemplars);
      return;
    }
    validated(ts);
    if (v == null) {
      v = timestampViolation(ts, ts);
    }
    if (v != null) {
      invalid(v, count, count); // count series of one sample each
      if (withExemplars) {
        dropPointExemplars();
      }
      if (perSampleHa) {
        haSeries(index, count, 0, v, actual);
      }
      return;
    }
    boolean repeat = key != EACH_COUNTED && !seriesSeen.add(key, ts);
    if (repeat) {
      // The appender (MimirAppender.appendFloatOrHistogram) adds a point whose labels it has
      // already seen to that series, and validation keeps one sample per timestamp of a series:
      // a repeat of labels and millisecond counts once.
      duplicateSamples += count;
    } else {
      validSamples += count;
    }
    if (withExemplars) {
      keepPointExemplars();
    }
    if (perSampleHa) {
      perSampleSeries(index, count, repeat, withExemplars);
    }
  }

  /** {@link #series} left with no label by {@code drop_labels}: removed without a word. */
  private void removed(long index, long count, boolean withExemplars) {
    removedSeries += count;
    if (withExemplars) {
      dropPointExemplars();
    }
    if (perSampleHa) {
      haSeries(index, count, 0, null, 0);
    }
  }

  /** {@link #series}' valid series under per-sample dedupe: their group's share. */
  private void perSampleSeries(long index, long count, boolean repeat, boolean withExemplars) {
    haSeries(index, count, repeat ? 0 : count, null, 0);
    if (withExemplars && limits.exemplarsEnabled()) {
      haExemplars(pointExemplarTimes, 0, pointKeptExemplars);
    }
  }

  private static final byte[] SUM_SUFFIX = ascii("_sum");
  private static final byte[] COUNT_SUFFIX = ascii("_count");
  private static final int NO_SUFFIX = 0;
  private static final int SUM = 1;
  private static final int COUNT = 2;

  /** A key for series counted however often they repeat. */
  private static final long EACH_COUNTED = 0;

  private static final long HISTOGRAMS = 0x5DEE_CE66_D1CE_4E5BL; // a series' histograms: their own
  private final long[] seriesNames = new long[3]; // the metric's name, + _sum, _count

  /**
   * The identity of the series a point adds to: its labels ({@code labelsKey}) and the metric name
   * with a suffix ({@link #NO_SUFFIX}, {@link #SUM}, {@link #COUNT}); never {@link #EACH_COUNTED}.
   */
  private long key(long labelsKey, int suffix) {
    long h = mix(labelsKey * 0x9E37_79B9_7F4A_7C15L ^ seriesNames[suffix]);
    return h != EACH_COUNTED ? h : 1;
  }

  private static long continueHash(long h, byte[] suffix) {
    for (byte b : suffix) {
      h = 31 * h + b;
    }
    return h;
  }

  private boolean endsWithInfo() {
    return endsWithInfo(name, nameLength);
  }

  private static boolean endsWithInfo(byte[] name, int nameLength) {
    return nameLength >= 5
        && name[nameLength - 5] == '_'
        && name[nameLength - 4] == 'i'
        && name[nameLength - 3] == 'n'
        && name[nameLength - 2] == 'f'
        && name[nameLength - 1] == 'o';
  }

  private void keepPointExemplars() {
    if (!limits.exemplarsEnabled()) {
      exemplarsCleared += pointExemplars;
      return;
    }
    exemplarsDropped += pointExemplars - pointKeptExemplars;
    for (int i = 0; i < pointKeptExemplars; i++) {
      if (keptExemplars == exemplarTimes.length) {
        exemplarTimes = Arrays.copyOf(exemplarTimes, 2 * keptExemplars);
      }
      exemplarTimes[keptExemplars++] = pointExemplarTimes[i];
    }
  }

  private void dropPointExemplars() {
    if (limits.exemplarsEnabled()) {
      exemplarsDropped += pointExemplars;
    } else {
      exemplarsCleared += pointExemplars;
    }
  }

  // otlptranslator's unitMap and perUnitMap: what metadata's unit becomes (UnitNamer.Build)
  private static final byte[][][] UNITS = {
    {ascii("d"), ascii("days")},
    {ascii("h"), ascii("hours")},
    {ascii("min"), ascii("minutes")},
    {ascii("s"), ascii("seconds")},
    {ascii("ms"), ascii("milliseconds")},
    {ascii("us"), ascii("microseconds")},
    {ascii("ns"), ascii("nanoseconds")},
    {ascii("By"), ascii("bytes")},
    {ascii("KiBy"), ascii("kibibytes")},
    {ascii("MiBy"), ascii("mebibytes")},
    {ascii("GiBy"), ascii("gibibytes")},
    {ascii("TiBy"), ascii("tibibytes")},
    {ascii("KBy"), ascii("kilobytes")},
    {ascii("MBy"), ascii("megabytes")},
    {ascii("GBy"), ascii("gigabytes")},
    {ascii("TBy"), ascii("terabytes")},
    {ascii("m"), ascii("meters")},
    {ascii("V"), ascii("volts")},
    {ascii("A"), ascii("amperes")},
    {ascii("J"), ascii("joules")},
    {ascii("W"), ascii("watts")},
    {ascii("g"), ascii("grams")},
    {ascii("Cel"), ascii("celsius")},
    {ascii("Hz"), ascii("hertz")},
    {ascii("1"), ascii("")},
    {ascii("%"), ascii("percent")}
  };
  private static final byte[][][] PER_UNITS = {
    {ascii("s"), ascii("second")}, {ascii("m"), ascii("minute")}, {ascii("h"), ascii("hour")},
    {ascii("d"), ascii("day")}, {ascii("w"), ascii("week")}, {ascii("mo"), ascii("month")},
    {ascii("y"), ascii("year")}
  };
  private static final byte[] PER = ascii("_per_");
  private static final byte[] PER_ALONE = ascii("per_");

  /** Set by {@link #unitName}: the translated unit's length. */
  private int translatedUnitLength;

  /**
   * The hash of a unit as metadata carries it ({@code UnitNamer.Build}): split at the first {@code
   * /}, each part trimmed, dropped when empty or holding {@code {}} (an annotation), else mapped
   * through the unit tables ({@code s} is {@code seconds}, {@code 1} nothing), joined by {@code
   * _per_} ({@code per_} without a main unit); sets {@link #translatedUnitLength}. So {@code ""},
   * {@code "1"} and {@code "{req}"} are one unit, as are {@code ms} and {@code milliseconds}.
   * Allocates nothing.
   */
  private long unitName(byte[] b, int at, int n) {
    int slash = -1;
    for (int i = at; i < at + n; i++) {
      if (b[i] == '/') {
        slash = i;
        break;
      }
    }
    int mainEnd = slash < 0 ? at + n : slash;
    long h = 7;
    int length = 0;
    byte[] main = EMPTY_BYTES;
    int mainAt = 0;
    int mainLen = unitPart(b, at, mainEnd, UNITS);
    if (mainLen > 0) {
      main = unitBytes;
      mainAt = unitAt;
    }
    for (int i = 0; i < mainLen; i++) {
      h = 31 * h + main[mainAt + i];
    }
    length += mainLen;
    if (slash >= 0) {
      int perLen = unitPart(b, slash + 1, at + n, PER_UNITS);
      if (perLen > 0) {
        byte[] sep = mainLen > 0 ? PER : PER_ALONE;
        for (byte c : sep) {
          h = 31 * h + c;
        }
        for (int i = 0; i < perLen; i++) {
          h = 31 * h + unitBytes[unitAt + i];
        }
        length += sep.length + perLen;
      }
    }
    translatedUnitLength = length;
    return h;
  }

  private static final byte[] EMPTY_BYTES = new byte[0];
  private byte[] unitBytes;
  private int unitAt;

  /**
   * One part of a unit, trimmed: its translation's length (0 when it is dropped), the bytes in
   * {@link #unitBytes} from {@link #unitAt}.
   */
  private int unitPart(byte[] b, int from, int to, byte[][][] table) {
    while (from < to && b[from] == ' ') {
      from++;
    }
    while (to > from && b[to - 1] == ' ') {
      to--;
    }
    if (from == to) {
      return 0;
    }
    for (int i = from; i < to; i++) {
      if (b[i] == '{' || b[i] == '}') {
        return 0;
      }
    }
    for (byte[][] e : table) {
      if (e[0].length == to - from && sameBytes(e[0], 0, b, from, to - from)) {
        unitBytes = e[1];
        unitAt = 0;
        return e[1].length;
      }
    }
    unitBytes = b;
    unitAt = from;
    return to - from;
  }

  /** The translator's error inside a metric: the rest of its points are not translated. */
  private void failMetric() {
    metricFailed = true;
    rejectedMetrics++;
    countViolation(Violation.OTLP_PARSE_ERROR, 0);
  }

  /**
   * validate.go validateLabels' count and length checks, in its order: an {@code _info} series over
   * the label limit is judged again by its own limit (only over both is it invalid).
   */
  private Violation labelViolation(int labels, boolean info, int longestName, int longestValue) {
    if (labels > limits.maxLabelNamesPerSeries()
        && (!info || labels > limits.maxLabelNamesPerInfoSeries())) {
      actual = labels;
      return info
          ? Violation.MAX_LABEL_NAMES_PER_INFO_SERIES
          : Violation.MAX_LABEL_NAMES_PER_SERIES;
    }
    if (longestName > limits.maxLabelNameLength()) {
      actual = longestName;
      return Violation.LABEL_NAME_TOO_LONG;
    }
    if (longestValue > limits.maxLabelValueLength()
        && limits.labelValueStrategy() == LabelValueStrategy.ERROR) {
      actual = longestValue;
      return Violation.LABEL_VALUE_TOO_LONG;
    }
    return null;
  }

  private long actual;

  private Violation timestampViolation(long earliest, long latest) {
    if (latest > maxTimestamp) {
      actual = latest;
      return Violation.TOO_FAR_IN_FUTURE;
    }
    if (earliest < minTimestamp) {
      actual = earliest;
      return Violation.TOO_FAR_IN_PAST;
    }
    return null;
  }

  private void track(int labels, int longestName, int longestValue) {
    maxLabelsPerSeries = Math.max(maxLabelsPerSeries, labels);
    maxLabelNameLength = Math.max(maxLabelNameLength, longestName);
    maxLabelValueLength = Math.max(maxLabelValueLength, longestValue);
  }

  /** {@code seriesCount} invalid series holding {@code samples} samples, for {@code v}. */
  private void invalid(Violation v, long samples, long seriesCount) {
    invalidSeries += seriesCount;
    droppedSamples += samples;
    countViolation(v, actual, seriesCount);
  }

  private void countViolation(Violation v, long value) {
    countViolation(v, value, 1);
  }

  /** {@code times} series (or metrics) refused for {@code v}; the first one found is reported. */
  private void countViolation(Violation v, long value, long times) {
    violations[v.ordinal()] += times;
    if (firstViolation == null) {
      firstViolation = v;
      firstActual = value;
    }
  }

  /**
   * A metric family that produced a sample: a metadata entry when it is new in this request or its
   * type, help or unit changed ({@code otlpappender} {@code appendMetadata}), then validated as
   * {@code cleanAndValidateMetadata}.
   */
  private void family(byte[] b, int at, int n, int mtype, long help, long unit, int unitLen) {
    if (!families.changed(b, at, n, mtype, help, unit)) {
      return;
    }
    metadata++;
    maxMetadataLength = Math.max(maxMetadataLength, Math.max(n, unitLen));
    Violation v = null;
    long value = 0;
    if (n == 0 && limits.enforceMetadataMetricName()) {
      v = Violation.METADATA_MISSING_METRIC_NAME;
    } else if (n > limits.maxMetadataLength()) {
      v = Violation.METADATA_METRIC_NAME_TOO_LONG;
      value = n;
    } else if (unitLen > limits.maxMetadataLength()) {
      v = Violation.METADATA_UNIT_TOO_LONG;
      value = unitLen;
    }
    if (v == null) {
      validMetadata++;
      return;
    }
    invalidMetadata++;
    violations[v.ordinal()]++;
    if (firstMetadataViolation == null) {
      firstMetadataViolation = v;
      firstMetadataActual = value;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The result
  // ---------------------------------------------------------------------------------------------

  WriteRequestStats stats(long compressedBytes, long uncompressedBytes) {
    long validExemplars = exemplarsFromFloor(exemplarTimes, keptExemplars);
    long dropped = exemplarsDropped + keptExemplars - validExemplars;
    long samples = validSamples;
    long meta = validMetadata;
    long kept = validExemplars;
    if (samples == 0 && series == 0 && rejectedMetrics > 0) {
      // otelMetricsToSeriesAndMetadata: nothing translated and an error: 400, nothing pushed
      meta = 0;
      kept = 0;
    }
    return new WriteRequestStats(
        Protocol.OTLP,
        compressedBytes,
        uncompressedBytes,
        series,
        floatSamples,
        histograms,
        exemplars,
        metadata,
        maxLabelsPerSeries,
        maxLabelNameLength,
        maxLabelValueLength,
        maxMetadataLength,
        samples,
        kept,
        meta,
        invalidSeries + rejectedMetrics,
        droppedSamples,
        duplicateSamples,
        removedSeries,
        exemplarsCleared,
        dropped,
        invalidMetadata,
        violationsForStats(),
        firstViolation != null ? firstViolation : firstMetadataViolation,
        firstViolation != null ? firstActual : firstMetadataActual,
        haCluster,
        haReplica,
        haGroups(),
        earliestFirstSample);
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------

  /** ns to ms as Go's {@code int64(ns) / 1e6}: a signed division, truncated toward zero. */
  static long millis(long nanos) {
    return nanos / 1_000_000L;
  }

  /** The length of {@code Long.toString(v)}, without making the string. */
  static int decimalLength(long v) {
    if (v == Long.MIN_VALUE) {
      return 20;
    }
    long a = Math.abs(v);
    int n = 1;
    while (n < 19 && a >= POWERS_OF_TEN[n]) {
      n++;
    }
    return v < 0 ? n + 1 : n;
  }

  private static final long[] POWERS_OF_TEN = new long[19];

  static {
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < 19; i++) {
      POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }
  }

  private static boolean equals(byte[] b, int at, int n, byte[] s) {
    return n == s.length && sameBytes(b, at, s, 0, n);
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * Whether {@code a[ai, ai + n)} and {@code b[bi, bi + n)} hold the same bytes: eight at a time,
   * for the short keys and names compared per point (cheaper there than {@code Arrays.equals}'
   * range checks and vectorized set-up).
   */
  static boolean sameBytes(byte[] a, int ai, byte[] b, int bi, int n) {
    if (n < 8) {
      for (int i = 0; i < n; i++) {
        if (a[ai + i] != b[bi + i]) {
          return false;
        }
      }
      return true;
    }
    // words from the start, then the last eight bytes (overlapping the words before): no byte loop
    for (int i = 0; i + 8 < n; i += 8) {
      if ((long) LONGS.get(a, ai + i) != (long) LONGS.get(b, bi + i)) {
        return false;
      }
    }
    return (long) LONGS.get(a, ai + n - 8) == (long) LONGS.get(b, bi + n - 8);
  }

  private static boolean equalsRange(byte[] a, int ai, byte[] b, int bi, int n) {
    return Arrays.equals(a, ai, ai + n, b, bi, bi + n);
  }

  static long hashOf(byte[] b) {
    return hashOf(b, 0, b.length);
  }

  /** A hash of {@code b[at, at + n)}, a word at a time (values and names of every point). */
  static long hashOf(byte[] b, int at, int n) {
    long h = 1125899906842597L + n;
    int i = at;
    int end = at + n;
    for (; i + 8 <= end; i += 8) {
      h = Long.rotateLeft((h ^ (long) LONGS.get(b, i)) * 0x9E37_79B9_7F4A_7C15L, 29);
    }
    for (; i < end; i++) {
      h = 31 * h + b[i];
    }
    return mix(h);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * The attributes of one point (or resource), as the labels they become: sanitized names, the ones
   * that collide merged (values joined with {@code ;}), empty values left out.
   */
  final class Labels {
    private int n;
    private byte[][] keyBufs = new byte[16][];
    private int[] keyAt = new int[16];
    private int[] keyLen = new int[16];
    private int[] valueLen = new int[16];
    private long[] nameHash = new long[16];
    private int[] sanitizedLen = new int[16];
    private byte[] invalid = new byte[16]; // BAD_VALUE, BAD_NAME: not valid UTF-8
    private boolean anyInvalid; // some invalid[] set (then cleared on clear)
    private boolean badName;
    private long valuesHash;
    private long promotedHash; // of the promoted labels a point's series gets (see finishWith...)
    int count;
    int longestName;
    int longestValue;
    byte invalidBits; // after finish: what of the labels kept is not valid UTF-8

    // the sanitized names last computed per position (see add); forgotten when the bytes they
    // were read from may change (a new request, a new resource)
    private final byte[][] cachedBuf = new byte[16][];
    private final int[] cachedAt = new int[16];
    private final int[] cachedLen = new int[16];
    private final long[] cachedHash = new long[16];
    private final int[] cachedSanitized = new int[16];

    void clear() {
      n = 0;
      if (anyInvalid) {
        Arrays.fill(invalid, (byte) 0);
        anyInvalid = false;
      }
      badName = false;
      valuesHash = 0;
      promotedHash = 0;
    }

    void forgetNames() {
      Arrays.fill(cachedLen, -1);
      Arrays.fill(cachedBuf, null);
    }

    void add(byte[] kb, int ka, int kl, int vl, long valueHash) {
      if (vl == 0) {
        // an empty value: the label is dropped, but its name is translated all the same
        // (buildLabelName runs on every key)
        sanitize(kb, ka, kl);
        badName |= sanitizedLength < 0;
        return;
      }
      if (n == keyAt.length) {
        int m = 2 * n;
        keyBufs = Arrays.copyOf(keyBufs, m);
        keyAt = Arrays.copyOf(keyAt, m);
        keyLen = Arrays.copyOf(keyLen, m);
        valueLen = Arrays.copyOf(valueLen, m);
        nameHash = Arrays.copyOf(nameHash, m);
        sanitizedLen = Arrays.copyOf(sanitizedLen, m);
        invalid = Arrays.copyOf(invalid, m);
      }
      keyBufs[n] = kb;
      keyAt[n] = ka;
      keyLen[n] = kl;
      valueLen[n] = vl;
      int sl;
      // The points of a metric mostly repeat the same keys in the same order: a key equal to the
      // one last seen at this position reuses its sanitized name (a vectorized compare against a
      // byte-by-byte translation).
      if (n < cachedLen.length
          && cachedLen[n] == kl
          && sameBytes(cachedBuf[n], cachedAt[n], kb, ka, kl)) {
        nameHash[n] = cachedHash[n];
        sl = cachedSanitized[n];
      } else {
        nameHash[n] = sanitize(kb, ka, kl);
        sl = sanitizedLength;
        if (n < cachedLen.length) {
          cachedBuf[n] = kb;
          cachedAt[n] = ka;
          cachedLen[n] = kl;
          cachedHash[n] = nameHash[n];
          cachedSanitized[n] = sl;
        }
      }
      if (sl < 0) {
        badName = true;
      }
      sanitizedLen[n] = sl;
      // order-free: a sum of each label's own well-mixed hash (a name and a value mixed together
      // first, so that {src=a, dst=b} and {src=b, dst=a} do not sum alike)
      valuesHash += mix(nameHash[n] * 0x9E3779B97F4A7C15L ^ valueHash); // valueHash is mixed
      n++;
    }

    // for relabeling only: each label's name and value as strings (see strings)
    private String[] names = new String[16];
    private String[] values = new String[16];

    /** The label {@link #add} just kept, its translated name and its value as strings. */
    void strings(byte[] kb, int ka, int kl, String value) {
      if (names.length < keyAt.length) {
        names = Arrays.copyOf(names, keyAt.length);
        values = Arrays.copyOf(values, keyAt.length);
      }
      names[n - 1] = labelName(kb, ka, kl);
      values[n - 1] = value;
    }

    /**
     * Into {@code m}: the labels as strings ({@link #strings}), in the order of their keys
     * (bytewise, as {@code createAttributes} sorts them before merging), the values of colliding
     * names joined with {@code ;}.
     */
    void putStrings(Map<String, String> m) {
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        int x = i;
        int j = i - 1;
        while (j >= 0 && compareKeys(order[j], x) > 0) { // stable: equal keys keep wire order
          order[j + 1] = order[j];
          j--;
        }
        order[j + 1] = x;
      }
      for (int k = 0; k < n; k++) {
        int i = order[k];
        if (!values[i].isEmpty()) { // "" (an array with a NaN in it): no label, as a Set of ""
          m.merge(names[i], values[i], (a, b) -> a + ";" + b);
        }
      }
    }

    private int compareKeys(int i, int j) {
      return Arrays.compareUnsigned(
          keyBufs[i], keyAt[i], keyAt[i] + keyLen[i], keyBufs[j], keyAt[j], keyAt[j] + keyLen[j]);
    }

    /** The label {@link #add} just kept has a value that is not valid UTF-8. */
    void invalidLast(int what) {
      invalid[n - 1] |= (byte) what;
      anyInvalid = true;
    }

    /** Whether a key sanitizes to an invalid label name (empty, or underscores only). */
    boolean invalidName() {
      return badName;
    }

    /** Merges the colliding names and computes the count and the longest name and value. */
    void finish() {
      count = 0;
      longestName = 0;
      longestValue = 0;
      invalidBits = 0;
      for (int i = 0; i < n; i++) {
        if (valueLen[i] < 0) {
          continue; // merged into an earlier one
        }
        int value = valueLen[i];
        int bad = anyInvalid ? invalid[i] : 0;
        for (int j = i + 1; j < n; j++) {
          if (valueLen[j] >= 0 && nameHash[j] == nameHash[i] && sameName(i, j)) {
            value += 1 + valueLen[j]; // joined with ';'
            bad |= anyInvalid ? invalid[j] : 0;
            valueLen[j] = -1;
          }
        }
        if (stripReplica && isReplica(i)) {
          continue; // RemoveLabel(haReplicaLabel) on every series of an HA request
        }
        if (dropHashes.length > 0
            && dropped(nameHash[i], sanitizedLen[i], keyBufs[i], keyAt[i], keyLen[i])) {
          continue; // drop_labels
        }
        count++;
        longestName = Math.max(longestName, Math.max(sanitizedLen[i], 0));
        longestValue = Math.max(longestValue, value);
        invalidBits |= (byte) bad;
      }
    }

    /**
     * {@link #finish}; for a point's series ({@code withPromoted}) the resource's promoted labels
     * its own attributes do not name ({@code createAttributes}: {@code if builder.Get(name) ==
     * ""}); then the resource's {@code job} ({@code service.namespace/service.name}) and {@code
     * instance} ({@code service.instance.id}), which {@code createAttributes} sets over any label
     * of the same name. An HA request's replica label is left out wherever it comes from.
     */
    void finishWithIdentity(boolean withPromoted) {
      finish();
      promotedHash = 0;
      boolean job = hasJob();
      boolean instance = instanceLength > 0;
      if (withPromoted && promoted.n > 0) {
        addPromoted(job, instance);
      }
      if (job && !identityStripped(JOB) && !dropJob) {
        invalidBits |= serviceNameInvalid || serviceNamespaceInvalid ? BAD_VALUE : 0;
        count += has(JOB, JOB_HASH) ? 0 : 1;
        longestName = Math.max(longestName, JOB.length);
        longestValue = Math.max(longestValue, jobLength());
      }
      if (instance && !identityStripped(INSTANCE) && !dropInstance) {
        invalidBits |= instanceInvalid ? BAD_VALUE : 0;
        count += has(INSTANCE, INSTANCE_HASH) ? 0 : 1;
        longestName = Math.max(longestName, INSTANCE.length);
        longestValue = Math.max(longestValue, instanceLength);
      }
    }

    /**
     * The resource's promoted labels the point's own attributes do not name ({@code
     * createAttributes}: {@code if builder.Get(name) == ""}); not {@code job} or {@code instance}
     * when the resource sets them over any.
     */
    private void addPromoted(boolean job, boolean instance) {
      Promoted p = promoted;
      for (int j = 0; j < p.n; j++) {
        long h = p.nameHash[j];
        int len = p.nameLength[j];
        if (hasName(h, len)
            || (job && h == JOB_HASH && len == JOB.length)
            || (instance && h == INSTANCE_HASH && len == INSTANCE.length)) {
          continue;
        }
        promotedHash += mix(h * 0x9E3779B97F4A7C15L ^ p.valueHash[j]);
        if ((stripReplica && p.replica[j]) || p.dropped[j]) {
          continue;
        }
        invalidBits |= p.invalid[j];
        count++;
        longestName = Math.max(longestName, len);
        longestValue = Math.max(longestValue, p.valueLength[j]);
      }
    }

    /** Whether label {@code i} is the HA replica label. */
    private boolean isReplica(int i) {
      return nameHash[i] == replicaNameHash
          && translatesTo(keyBufs[i], keyAt[i], keyLen[i], limits.replicaLabelBytes());
    }

    /** Whether a label named by this hash and length is among the point's (after finish). */
    boolean hasName(long h, int len) {
      for (int i = 0; i < n; i++) {
        if (valueLen[i] >= 0 && nameHash[i] == h && sanitizedLen[i] == len) {
          return true;
        }
      }
      return false;
    }

    /** Whether one of the labels is named {@code s} (after {@link #finish}). */
    boolean has(byte[] s, long h) {
      for (int i = 0; i < n; i++) {
        if (valueLen[i] >= 0 && nameHash[i] == h && sanitizedLen[i] == s.length) {
          return true;
        }
      }
      return false;
    }

    /**
     * A hash of the label set (the promoted labels included, once {@link #finishWithIdentity} added
     * them), for the series' identity and target_info's one sample per labels and time.
     */
    long hash() {
      return valuesHash + promotedHash;
    }

    private boolean sameName(int i, int j) {
      return sanitizedLen[i] == sanitizedLen[j]
          && translatedEquals(keyBufs[i], keyAt[i], keyLen[i], keyBufs[j], keyAt[j], keyLen[j]);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Promoted resource attributes and HA
  // ---------------------------------------------------------------------------------------------

  /** Whether the resource attribute's key is one of {@code promote_otel_resource_attributes}. */
  private boolean isPromoted(byte[] b, int at, int n) {
    for (byte[] k : promotedKeys) {
      if (k.length == n && sameBytes(b, at, k, 0, n)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A promoted resource attribute ({@code addPromotedAttributes}, from {@code setResourceContext}):
   * its label, set in wire order (a later one of the same name replaces it, an empty value removes
   * it). A key that translates to no valid name is {@code setResourceContext}'s error: the resource
   * is skipped whole, and Mimir answers 400 after pushing the other resources.
   */
  private void promote(
      byte[] b, int at, int n, int valueLength, long valueHash, String value, byte invalid) {
    long h = sanitize(b, at, n);
    int len = sanitizedLength;
    if (len < 0) {
      if (!resourceFailed) {
        resourceFailed = true;
        rejectedMetrics++;
        countViolation(Violation.OTLP_PARSE_ERROR, 0);
      }
      return;
    }
    boolean replica =
        limits.acceptHaSamples() && translatesTo(b, at, n, limits.replicaLabelBytes());
    boolean drop = dropHashes.length > 0 && dropped(h, len, b, at, n);
    promoted.set(h, len, valueLength, valueHash, replica, drop, invalid);
    if (relabel && valueLength > 0) {
      promoted.strings(h, len, labelName(b, at, n), value);
    }
  }

  /** The hash {@link #sanitize} gives a key that translates to {@code name}. */
  private static long nameHash(byte[] name) {
    long h = 7;
    for (byte c : name) {
      h = 31 * h + (c & 0xff);
    }
    return h;
  }

  /** The label name a key translates to, as a string (for relabeling). */
  private String labelName(byte[] b, int at, int n) {
    if (utf8Names) {
      return Utf8.valid(b, at, at + n)
          ? relabelStrings.get(b, at, n)
          : Utf8.decodeEscaped(b, at, n);
    }
    translatedA = translate(b, at, n, translatedA);
    return relabelStrings.get(translatedA, 0, translatedLength);
  }

  /** Whether a key translates to exactly the label name {@code name}. */
  private boolean translatesTo(byte[] b, int at, int n, byte[] name) {
    if (utf8Names) {
      return n == name.length && sameBytes(b, at, name, 0, n);
    }
    translatedA = translate(b, at, n, translatedA);
    return translatedLength == name.length && sameBytes(translatedA, 0, name, 0, name.length);
  }

  /** Whether an HA request's replica label is {@code job} or {@code instance}, then removed. */
  private boolean identityStripped(byte[] name) {
    return stripReplica && Arrays.equals(name, limits.replicaLabelBytes());
  }

  /**
   * {@link #captureHa} for the point attribute {@link Labels#add} just took: the name it translated
   * (kept when the value is not empty), else translated here.
   */
  private void pointHa(
      byte[] b,
      int keyAt,
      int keyLength,
      int length,
      int kind,
      int valueAt,
      int valueLength,
      long scalar) {
    long h;
    int len;
    if (length > 0) {
      h = point.nameHash[point.n - 1];
      len = point.sanitizedLen[point.n - 1];
    } else {
      h = sanitize(b, keyAt, keyLength);
      len = sanitizedLength;
    }
    captureHa(pointHa, h, len, b, keyAt, keyLength, kind, valueAt, valueLength, scalar, 0);
  }

  /**
   * Keeps an attribute whose key translates to the HA cluster or replica label (its name's hash
   * {@code h} and length {@code len} as {@link #sanitize} gives them), with its value as the label
   * value Mimir makes of it, until the request's first series is known.
   */
  private void captureHa(
      HaAttributes to,
      long h,
      int len,
      byte[] b,
      int keyAt,
      int keyLength,
      int kind,
      int valueAt,
      int valueLength,
      long scalar,
      int flags) {
    byte[] cluster = limits.clusterLabelBytes();
    byte[] replica = limits.replicaLabelBytes();
    boolean isCluster =
        h == clusterNameHash && len == cluster.length && translatesTo(b, keyAt, keyLength, cluster);
    boolean isReplica =
        h == replicaNameHash && len == replica.length && translatesTo(b, keyAt, keyLength, replica);
    if (!isCluster && !isReplica) {
      return;
    }
    String value = labelValue(b, kind, valueAt, valueLength, scalar);
    byte[] key = Arrays.copyOfRange(b, keyAt, keyAt + keyLength);
    if (isCluster) {
      to.add(false, key, value, flags);
    }
    if (isReplica) {
      to.add(true, key, value, flags);
    }
  }

  /**
   * A series' HA labels, the current point's or the resource's target_info's: under per-sample
   * dedupe each series' own group, else those of the request's first series.
   */
  private void seriesHa(boolean targetInfo) {
    if (perSampleHa) {
      haSeriesGroup(haLabel(false, targetInfo), haLabel(true, targetInfo));
    } else {
      firstSeriesHa(targetInfo);
    }
  }

  /**
   * Mimir's HA dedupe on the request's first series ({@code ha_dedupe_per_request.go}: {@code
   * findHALabels} on {@code req.Timeseries[0]}, then {@code checkSample}): the current point's
   * series, or the resource's target_info when no point made a series. Sets {@link #stripReplica}
   * and the cluster and replica when it is an HA request.
   */
  private void firstSeriesHa(boolean targetInfo) {
    haUndecided = false;
    String cluster = haLabel(false, targetInfo);
    String replica = haLabel(true, targetInfo);
    if (haRequest(
        cluster.getBytes(StandardCharsets.UTF_8).length,
        replica.getBytes(StandardCharsets.UTF_8).length)) {
      stripReplica = true;
      haCluster = cluster;
      haReplica = replica;
    }
  }

  /**
   * The first series' value of the cluster or replica label, as {@code createAttributes} builds it:
   * the attributes' (colliding names joined with {@code ;} in key order), for a point's series else
   * the promoted resource attribute's, and {@code job} and {@code instance} from the resource's
   * identity over any. "" when the series has no such label.
   */
  private String haLabel(boolean replica, boolean targetInfo) {
    byte[] name = replica ? limits.replicaLabelBytes() : limits.clusterLabelBytes();
    if (hasJob() && Arrays.equals(name, JOB)) {
      return serviceNamespace != null ? serviceNamespace + "/" + serviceName : serviceName;
    }
    if (instanceLength > 0 && Arrays.equals(name, INSTANCE)) {
      return instanceValue;
    }
    if (targetInfo) {
      return resourceHa.joined(
          replica, limits.otelKeepIdentifyingResourceAttributes() ? -1 : HaAttributes.IDENTIFYING);
    }
    String v = pointHa.joined(replica, -1);
    return v.isEmpty() ? resourceHa.promoted(replica) : v;
  }

  /**
   * An attribute's value as Mimir's label value ({@code pcommon.Value.AsString}): a string as it
   * is, an int in decimal, a bool as {@code true} or {@code false}, bytes in standard base64, a
   * double as {@link GoFloat#asString}, an array or a map as JSON ({@link AnyValueJson}).
   */
  private String labelValue(byte[] b, int kind, int valueAt, int valueLength, long scalar) {
    return switch (kind) {
      case STRING ->
          Utf8.valid(b, valueAt, valueAt + valueLength)
              ? relabelStrings.get(b, valueAt, valueLength)
              : Utf8.decodeEscaped(b, valueAt, valueLength); // judged invalid, as by Mimir
      case INT -> Long.toString(scalar);
      case BOOL -> scalar != 0 ? "true" : "false";
      case BYTES ->
          Base64.getEncoder().encodeToString(Arrays.copyOfRange(b, valueAt, valueAt + valueLength));
      case DOUBLE -> asString(Double.longBitsToDouble(scalar));
      case ARRAY, KVLIST -> AnyValueJson.of(b, valueAt, valueLength, kind == ARRAY, json);
      default -> "";
    };
  }

  /** The resource's promoted labels: translated name, value length and hash, in set order. */
  private static final class Promoted {
    int n;
    long[] nameHash = new long[4];
    int[] nameLength = new int[4];
    int[] valueLength = new int[4];
    long[] valueHash = new long[4];
    boolean[] replica = new boolean[4]; // the HA replica label
    boolean[] dropped = new boolean[4]; // a name drop_labels removes
    byte[] invalid = new byte[4]; // BAD_VALUE, BAD_NAME
    String[] names = new String[4]; // as strings, for relabeling only
    String[] values = new String[4];

    void clear() {
      n = 0;
    }

    /** The label {@link #set} just kept under this name, as strings (for relabeling). */
    void strings(long h, int len, String name, String value) {
      for (int i = 0; i < n; i++) {
        if (nameHash[i] == h && nameLength[i] == len) {
          names[i] = name;
          values[i] = value;
          return;
        }
      }
    }

    /** {@code labels.Builder.Set}: replaces a label of the same name; an empty value removes it. */
    void set(long h, int len, int vl, long vh, boolean isReplica, boolean isDropped, byte bad) {
      for (int i = 0; i < n; i++) {
        if (nameHash[i] == h && nameLength[i] == len) {
          if (vl == 0) {
            n--;
            nameHash[i] = nameHash[n];
            nameLength[i] = nameLength[n];
            valueLength[i] = valueLength[n];
            valueHash[i] = valueHash[n];
            replica[i] = replica[n];
            dropped[i] = dropped[n];
            invalid[i] = invalid[n];
            names[i] = names[n];
            values[i] = values[n];
          } else {
            valueLength[i] = vl;
            valueHash[i] = vh;
            invalid[i] = bad;
          }
          return;
        }
      }
      if (vl == 0) {
        return;
      }
      if (n == nameHash.length) {
        int m = 2 * n;
        nameHash = Arrays.copyOf(nameHash, m);
        nameLength = Arrays.copyOf(nameLength, m);
        valueLength = Arrays.copyOf(valueLength, m);
        valueHash = Arrays.copyOf(valueHash, m);
        replica = Arrays.copyOf(replica, m);
        dropped = Arrays.copyOf(dropped, m);
        invalid = Arrays.copyOf(invalid, m);
        names = Arrays.copyOf(names, m);
        values = Arrays.copyOf(values, m);
      }
      nameHash[n] = h;
      nameLength[n] = len;
      valueLength[n] = vl;
      valueHash[n] = vh;
      replica[n] = isReplica;
      dropped[n] = isDropped;
      invalid[n] = bad;
      n++;
    }
  }

  /**
   * Attributes whose key translates to the HA cluster or replica label, with their values, kept
   * only until the request's first series is known (a few per request).
   */
  private static final class HaAttributes {
    static final int IDENTIFYING = 1; // service.name, service.namespace, service.instance.id
    static final int PROMOTED = 2;

    private int n;
    private boolean[] replica = new boolean[2];
    private byte[][] keys = new byte[2][];
    private String[] values = new String[2];
    private int[] flags = new int[2];

    void clear() {
      n = 0;
    }

    void add(boolean isReplica, byte[] key, String value, int f) {
      if (n == keys.length) {
        int m = 2 * n;
        replica = Arrays.copyOf(replica, m);
        keys = Arrays.copyOf(keys, m);
        values = Arrays.copyOf(values, m);
        flags = Arrays.copyOf(flags, m);
      }
      replica[n] = isReplica;
      keys[n] = key;
      values[n] = value;
      flags[n] = f;
      n++;
    }

    /**
     * {@code createAttributes}' label: the attributes (but those flagged {@code without}) sorted by
     * key, bytewise, each name's values joined with {@code ;} after a first non-empty one.
     */
    String joined(boolean ofReplica, int without) {
      Integer[] order = new Integer[n];
      int k = 0;
      for (int i = 0; i < n; i++) {
        if (replica[i] == ofReplica && (without < 0 || (flags[i] & without) == 0)) {
          order[k++] = i;
        }
      }
      Arrays.sort(order, 0, k, (x, y) -> Arrays.compareUnsigned(keys[x], keys[y]));
      String v = "";
      for (int j = 0; j < k; j++) {
        String next = values[order[j]];
        v = v.isEmpty() ? next : v + ";" + next;
      }
      return v;
    }

    /** The promoted label ({@code addPromotedAttributes}): the last set wins, "" removes it. */
    String promoted(boolean ofReplica) {
      String v = "";
      for (int i = 0; i < n; i++) {
        if (replica[i] == ofReplica && (flags[i] & PROMOTED) != 0) {
          v = values[i];
        }
      }
      return v;
    }
  }

  /** Set by {@link #sanitize}: the sanitized name's length, -1 when it is invalid. */
  private int sanitizedLength;

  /**
   * A label name once translated ({@code LabelNamer.Build} with Mimir's defaults): every rune but
   * {@code [a-zA-Z0-9]} becomes {@code _}; then a leading digit gets {@code key_}, one leading
   * {@code _} (not two) gets {@code key}; a result of underscores only (so never one with a prefix)
   * is an error. Returns the hash of the translated name and sets {@link #sanitizedLength} (-1 for
   * an error) and {@link #sanitizedPrefix}, in one pass. Under the UTF-8 strategies attribute names
   * are not translated ({@code createAttributes} keeps them) and never fail here.
   */
  private long sanitize(byte[] b, int at, int n) {
    long h = 7;
    sanitizedPrefix = 0;
    if (utf8Names) {
      for (int i = at; i < at + n; i++) {
        h = 31 * h + (b[i] & 0xff);
      }
      sanitizedLength = n;
      return h;
    }
    if (n == 0) {
      sanitizedLength = -1; // "label name is empty"
      return h;
    }
    int first = b[at] & 0xff;
    boolean firstOk = first < 128 && ALNUM[first];
    boolean secondUnderscore = false;
    int second = at + Utf8.width(b, at, at + n);
    if (second < at + n) {
      int c = b[second] & 0xff;
      secondUnderscore = !(c < 128 && ALNUM[c]);
    }
    if (firstOk && first >= '0' && first <= '9') {
      sanitizedPrefix = 2; // key_
    } else if (!firstOk && !secondUnderscore) {
      sanitizedPrefix = 1; // key
    }
    for (byte p : PREFIXES[sanitizedPrefix]) {
      h = 31 * h + p;
    }
    int runes = 0;
    boolean underscores = true;
    for (int i = at; i < at + n; ) {
      int c = b[i] & 0xff;
      boolean ok = c < 128 && ALNUM[c];
      h = 31 * h + (ok ? c : '_');
      underscores &= !ok;
      runes++;
      i += c < 0x80 ? 1 : Utf8.width(b, i, at + n);
    }
    sanitizedLength =
        underscores && sanitizedPrefix == 0 ? -1 : runes + PREFIXES[sanitizedPrefix].length;
    return h;
  }

  /** Set by {@link #sanitize}: 0 none, 1 {@code key}, 2 {@code key_}. */
  private int sanitizedPrefix;

  private static final byte[][] PREFIXES = {new byte[0], ascii("key"), ascii("key_")};

  /** {@link #sanitize}'s hash of a name of ASCII letters only. */
  private static long plainHash(byte[] s) {
    long h = 7;
    for (byte c : s) {
      h = 31 * h + c;
    }
    return h;
  }

  private static final boolean[] ALNUM = new boolean[128];

  static {
    for (int c = 0; c < 128; c++) {
      ALNUM[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
  }

  private byte[] translatedA = new byte[64];
  private byte[] translatedB = new byte[64];

  /** Whether two keys translate to the same label name (only when their hashes agree: rare). */
  private boolean translatedEquals(byte[] a, int ai, int an, byte[] b, int bi, int bn) {
    if (utf8Names) {
      return an == bn && sameBytes(a, ai, b, bi, an);
    }
    translatedA = translate(a, ai, an, translatedA);
    int na = translatedLength;
    translatedB = translate(b, bi, bn, translatedB);
    return na == translatedLength && sameBytes(translatedA, 0, translatedB, 0, na);
  }

  private int translatedLength;

  /** The translated name of a key (escape mode) into {@code out}, grown when needed. */
  private byte[] translate(byte[] b, int at, int n, byte[] out) {
    sanitize(b, at, n);
    byte[] prefix = PREFIXES[sanitizedPrefix];
    if (out.length < prefix.length + n) {
      out = new byte[prefix.length + n];
    }
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    int k = prefix.length;
    for (int i = at; i < at + n; ) {
      int c = b[i] & 0xff;
      out[k++] = (byte) (c < 128 && ALNUM[c] ? c : '_');
      i += c < 0x80 ? 1 : Utf8.width(b, i, at + n);
    }
    translatedLength = k;
    return out;
  }

  private static boolean alnum(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /**
   * The metric families of one request with their last type, help and unit: an open-addressing
   * table over copies of the names, reused.
   */
  private static final class Families {
    private byte[] names = new byte[4096];
    private int used;
    private int[] at = new int[64];
    private int[] len = new int[64];
    private long[] hashes = new long[64];
    private long[] meta = new long[64];
    private int size;

    void clear() {
      used = 0;
      size = 0;
      Arrays.fill(len, -1);
    }

    /** Records the family's (type, help, unit); true when it is new or they changed. */
    boolean changed(byte[] b, int from, int n, int type, long help, long unit) {
      long h = hashOf(b, from, n);
      long m = (help * 31 + unit) * 31 + type;
      int mask = len.length - 1;
      int i = (int) (h ^ (h >>> 32)) & mask;
      while (len[i] >= 0) {
        if (hashes[i] == h && len[i] == n && equalsRange(names, at[i], b, from, n)) {
          if (meta[i] == m) {
            return false;
          }
          meta[i] = m;
          return true;
        }
        i = (i + 1) & mask;
      }
      if (used + n > names.length) {
        names = Arrays.copyOf(names, Math.max(2 * names.length, used + n));
      }
      System.arraycopy(b, from, names, used, n);
      at[i] = used;
      len[i] = n;
      hashes[i] = h;
      meta[i] = m;
      used += n;
      if (++size * 2 > len.length) {
        grow();
      }
      return true;
    }

    private void grow() {
      int[] oldAt = at;
      int[] oldLen = len;
      long[] oldHashes = hashes;
      long[] oldMeta = meta;
      int cap = 2 * oldLen.length;
      at = new int[cap];
      len = new int[cap];
      hashes = new long[cap];
      meta = new long[cap];
      Arrays.fill(len, -1);
      int mask = cap - 1;
      for (int k = 0; k < oldLen.length; k++) {
        if (oldLen[k] >= 0) {
          int i = (int) (oldHashes[k] ^ (oldHashes[k] >>> 32)) & mask;
          while (len[i] >= 0) {
            i = (i + 1) & mask;
          }
          at[i] = oldAt[k];
          len[i] = oldLen[k];
          hashes[i] = oldHashes[k];
          meta[i] = oldMeta[k];
        }
      }
    }
  }
}
