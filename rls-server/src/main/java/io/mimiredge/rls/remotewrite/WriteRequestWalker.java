package io.mimiredge.rls.remotewrite;

import static io.mimiredge.rls.remotewrite.RemoteWriteException.Kind.BAD_BODY;

import com.google.protobuf.WireFormat;
import io.mimiredge.rls.relabel.Label;
import io.mimiredge.rls.relabel.SeriesRelabeling;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A walk over a decoded {@code prometheus.WriteRequest} (remote write 1.0) in protobuf wire format
 * that counts what Mimir's distributor counts, validating as it goes, without building the request:
 * it reads tags, lengths and the few scalars it needs (timestamps, a histogram's schema) and keeps
 * every total in fields. Reused by one thread for many walks (the scanner keeps one per thread), so
 * a walk allocates only its result. Not thread-safe.
 *
 * <p>What it mirrors, in Mimir's order ({@code pkg/distributor/distributor.go}, {@code
 * wrapPushWithMiddlewares}):
 *
 * <ol>
 *   <li>HA ({@code ha_dedupe_per_request.go}): with {@code accept_ha_samples}, the cluster and
 *       replica labels of the <em>first</em> series; when both are set (and the replica is not over
 *       {@code max_label_value_length}, {@code checkSample}) the replica label is removed from
 *       every series before validation.
 *   <li>{@code prePushSortAndFilterMiddleware}: labels with empty values are removed, a series left
 *       without labels is dropped silently, labels are sorted (bytewise) before validation.
 *   <li>{@code validate.go} {@code validateLabels}: metric name present and valid, label count (80
 *       for {@code *_info}), then per label in sorted order: name valid, name length, value UTF-8,
 *       value length (unless truncated or dropped), duplicate name. Then samples (duplicate
 *       timestamps dropped, too far in the future or past invalidates the series) and histograms
 *       (the same, schema, bucket limit with resolution reduction). A series has one violation, the
 *       first met; an invalid series is dropped whole.
 *   <li>{@code validateExemplars}: cleared when {@code max_global_exemplars_per_user} is 0; else
 *       the first {@code max_exemplars_per_series_per_request}, each dropped silently when it has
 *       no labels, no timestamp, labels over 128 runes, no non-blank label, or a timestamp outside
 *       [earliest sample − 5m, now + creation grace].
 *   <li>{@code cleanAndValidateMetadata}: a missing family name (when enforced), a family name or
 *       unit over {@code max_metadata_length} drops the entry; a long HELP is only truncated.
 * </ol>
 *
 * <p>The bytes are read with protobuf-java's rules (varints of at most 10 bytes, tags of 32 bits,
 * field number 0 refused, groups closed by their own end tag, nested at most 100 deep), and the
 * message limits as plain ints: walking with {@code CodedInputStream} cost 1.5 to 2.9 times the
 * snappy decode on 2000-series requests. Unknown fields are skipped anywhere; a known field with
 * the wrong wire type, or a truncated scalar inside a sample, histogram or exemplar, is refused, as
 * Mimir's decoder refuses it.
 */
final class WriteRequestWalker extends RequestTally {
  // prometheus.WriteRequest
  private static final int TIMESERIES = 1;
  private static final int METADATA = 3;
  // prometheus.TimeSeries
  private static final int LABELS = 1;
  private static final int SAMPLES = 2;
  private static final int EXEMPLARS = 3;
  private static final int HISTOGRAMS = 4;
  // prometheus.Label
  private static final int LABEL_NAME = 1;
  private static final int LABEL_VALUE = 2;
  // prometheus.Sample and prometheus.Exemplar
  private static final int SAMPLE_VALUE = 1;
  private static final int SAMPLE_TIMESTAMP = 2;
  private static final int EXEMPLAR_LABELS = 1;
  private static final int EXEMPLAR_VALUE = 2;
  private static final int EXEMPLAR_TIMESTAMP = 3;
  // prometheus.Histogram
  private static final int H_COUNT_INT = 1;
  private static final int H_COUNT_FLOAT = 2;
  private static final int H_SCHEMA = 4;
  private static final int H_NEGATIVE_SPANS = 8;
  private static final int H_NEGATIVE_DELTAS = 9;
  private static final int H_NEGATIVE_COUNTS = 10;
  private static final int H_POSITIVE_SPANS = 11;
  private static final int H_POSITIVE_DELTAS = 12;
  private static final int H_POSITIVE_COUNTS = 13;
  private static final int H_TIMESTAMP = 15;
  private static final int SPAN_OFFSET = 1;
  private static final int SPAN_LENGTH = 2;
  // prometheus.MetricMetadata
  private static final int METADATA_TYPE = 1;
  private static final int METADATA_FAMILY_NAME = 2;
  private static final int METADATA_HELP = 4;
  private static final int METADATA_UNIT = 5;

  // io.prometheus.write.v2.Request (remote write 2.0); its Sample and Histogram are 1.0's
  private static final int V2_SYMBOLS = 4;
  private static final int V2_TIMESERIES = 5;
  // io.prometheus.write.v2.TimeSeries
  private static final int V2_LABELS_REFS = 1;
  private static final int V2_HISTOGRAMS = 3;
  private static final int V2_EXEMPLARS = 4;
  private static final int V2_METADATA = 5;
  private static final int V2_CREATED_TIMESTAMP = 6;
  // io.prometheus.write.v2.Exemplar: labels_refs 1, value 2, timestamp 3 (EXEMPLAR_TIMESTAMP)
  // io.prometheus.write.v2.Metadata: type 1 (METADATA_TYPE), help_ref 3, unit_ref 4
  private static final int V2_HELP_REF = 3;
  private static final int V2_UNIT_REF = 4;
  // io.prometheus.write.v2.Metadata.MetricType
  private static final int V2_HISTOGRAM = 3;
  private static final int V2_GAUGE_HISTOGRAM = 4;
  private static final int V2_SUMMARY = 5;

  // mimirpb: MinimumHistogramSchema, MaximumHistogramSchema,
  // NativeHistogramsWithCustomBucketsSchema
  private static final int MIN_SCHEMA = -4;
  private static final int MAX_SCHEMA = 8;
  private static final int CUSTOM_BUCKETS_SCHEMA = -53;
  // validate.go: ExemplarMaxLabelSetLength (runes)
  private static final int EXEMPLAR_MAX_LABEL_RUNES = 128;

  private static final String[] WIRE_TYPES = {
    "varint",
    "fixed64",
    "length-delimited",
    "start-group",
    "end-group",
    "fixed32",
    "invalid",
    "invalid"
  };

  /** Where the walk is, for error messages only. */
  private enum Place {
    REQUEST,
    SERIES,
    LABEL,
    SAMPLE,
    HISTOGRAM,
    EXEMPLAR,
    METADATA
  }

  // one-byte tags of the hot fields: (field << 3) | wire type
  private static final byte LABELS_TAG = (LABELS << 3) | 2;
  private static final byte SAMPLES_TAG = (SAMPLES << 3) | 2;
  private static final byte NAME_TAG = (LABEL_NAME << 3) | 2;
  private static final byte VALUE_TAG = (LABEL_VALUE << 3) | 2;
  private static final byte SAMPLE_VALUE_TAG = (SAMPLE_VALUE << 3) | 1;
  private static final byte SAMPLE_TIMESTAMP_TAG = (SAMPLE_TIMESTAMP << 3);
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** A label's first and third bytes as a little-endian int holds them: its tag, its name's. */
  private static final int LABEL_HEAD_TAGS_MASK = 0x00ff_00ff;

  private static final int LABEL_HEAD_TAGS = (NAME_TAG & 0xff) << 16 | (LABELS_TAG & 0xff);

  private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
  private static final long LOW_BITS = 0x7f7f_7f7f_7f7f_7f7fL;
  private static final long ONES = 0x0101_0101_0101_0101L;
  private static final long[] WORD_MASKS = new long[9];

  static {
    for (int n = 0; n < 8; n++) {
      WORD_MASKS[n] = (1L << (8 * n)) - 1;
    }
    WORD_MASKS[8] = -1L;
  }

  private static final long NAME_WORD = word("__name__".getBytes(StandardCharsets.US_ASCII), 0, 8);
  private static final int MAX_GROUP_DEPTH = 100; // protobuf-java's default recursion limit
  private static final String TRUNCATED = "ended unexpectedly in the middle of a field";

  // ---- the walk's input ----
  private byte[] buf;
  private int length;
  private int pos;
  private int limit; // end of the message being read
  private Place place;
  private int tagAt; // offset of the field being read, for error messages

  // ---- the request's totals ----
  private long duplicateSamples;
  private long removedSeries;

  // the metric name checked last (metricNameValid), in this walk's buffer
  private int lastMetricAt;
  private int lastMetricLength = -1;
  private boolean lastMetricValid;

  // ---- HA: known once the first series has been seen (per-sample dedupe: read every series) ----
  private boolean haUndecided;
  // the series' replica label is still to be removed: Mimir's RemoveLabel removes the first label
  // of that name, whatever its value, and only that one
  private boolean replicaPending;

  // ---- the series being walked ----
  private int rawLabels;
  private int labels; // what validation sees: no empty values, no replica label
  private int longestName;
  private int longestValue;
  private int prevNameAt;
  private int prevNameLength;
  private boolean unsorted;
  private int metricAt;
  private int metricRef; // the symbol of the metric name (2.0), -1 when not known by symbol
  private int metricLength;
  private Violation labelViolation;
  private long labelActual;
  private long seriesSamples;
  private long seriesHistograms;
  private long lastSampleTs;
  private boolean samplesRepeat; // timestamps not strictly increasing: duplicates possible
  private long lastHistogramTs;
  private boolean histogramsRepeat;
  private Violation sampleViolation;
  private long sampleActual;
  private Violation histogramViolation;
  private long histogramActual;
  private int seriesExemplars;
  private int exemplarsAtSeriesStart;
  private long seriesEarliest;
  private long seriesFirst; // the earliest of its first sample and first histogram

  // ---- relabeling (metric_relabel_configs, drop_labels): null when the tenant has none ----
  private SeriesRelabeling relabeling;
  private String tenant = "";
  private final List<Label> relabelIn = new ArrayList<>();
  private final SeriesRelabeling.Scratch relabelScratch = new SeriesRelabeling.Scratch();
  private final StringCache relabelStrings = new StringCache();
  private int[] relabelSpans = new int[64]; // the input labels: name at, length, value at, length
  private byte[] relabeled = new byte[256]; // the labels validation sees: names and values
  private byte[][] relabelMade = new byte[32][]; // the UTF-8 of the labels the rules made
  private Violation relabelVerdict;
  private long relabelActual;
  private long verdictActual; // what labelVerdict's violation measured

  // ---- reused scratch ----
  private long[] exemplarTimestamps =
      new long[64]; // kept exemplars, checked against the bound last
  private int keptExemplars;
  private long[] timestamps = new long[64]; // a series' timestamps, when they repeat
  private int[] labelSpans = new int[64]; // name at, name length, value at, value length
  private int[] indexes = new int[64];
  private int[] buckets = new int[64];

  // ---- remote write 2.0 ----
  private Protocol protocol;
  private int histogramsField; // HISTOGRAMS in 1.0, V2_HISTOGRAMS in 2.0
  private int[] symbols = new int[128]; // the symbols read so far: at, length
  private int symbolCount;
  private int[] seriesRefs = new int[32]; // the series' labels as received: name, value ref, ...
  private int[] symbolChecks = new int[128]; // per symbol: each check's CHECKED and VALID bits
  // Per name symbol: the name symbol that followed it last in a series, and how the two compared
  // (the sign of compareBytes): a family's series repeat their names, so the order check of a
  // label is one lookup (-1: none yet in this request).
  private int[] nextName = new int[128];
  private byte[] nextNameOrder = new byte[128];
  private int prevNameRef; // the name symbol of the series' last label validation sees, or -1
  private boolean labelsDeferred; // the first series of an HA tenant: labels read after its HA rule
  private int seriesLabelCount;
  private int seriesMetricAt; // the last __name__ value read so far in the series
  private int seriesMetricLength;
  private int[] families = new int[64]; // metadata families kept (the first of each): at, length
  private int familyCount;
  private int[] familySlots = new int[128]; // open addressing: index + 1 into families, 0 = free
  // A symbol's checks, each made the first time a label needs it (a value symbol is never checked
  // as a name): its VALID bit, and the bit above it once it is made.
  private static final int NAME_VALID = 1; // a valid label name by the tenant's scheme
  private static final int UTF8_VALID = 4;
  private static final int METRIC_VALID = 16; // a valid metric name by the tenant's scheme
  private static final int METRIC_LABEL = 64; // the symbol is "__name__"
  // a label name that passes validateLabels' name checks: valid, and within the length limit
  private static final int NAME_PASSES = 256;
  // a label value that is kept and passes its checks: not empty, valid UTF-8, and within the
  // length limit unless the tenant's strategy truncates or drops
  private static final int VALUE_PASSES = 1024;
  // the symbol resolved last
  private int symbolAt;
  private int symbolLength;

  // the label just read
  private int nameAt;
  private int nameLength;
  private int valueAt;
  private int valueLength;

  /** Walks {@code buf[0, length)} as a WriteRequest with {@code limits} at {@code nowMillis}. */
  WriteRequestStats walk(
      byte[] buf, int length, long compressedBytes, ValidationLimits limits, long nowMillis)
      throws RemoteWriteException {
    return walk(buf, length, compressedBytes, limits, nowMillis, Protocol.RW1, "");
  }

  /**
   * Walks {@code buf[0, length)} as a message of {@code protocol}: a 1.0 WriteRequest or a 2.0
   * Request, counted and validated alike (Mimir decodes 2.0 into 1.0's model, {@code
   * pkg/mimirpb/unmarshal_rw2.go}, and validates that).
   */
  WriteRequestStats walk(
      byte[] buf,
      int length,
      long compressedBytes,
      ValidationLimits limits,
      long nowMillis,
      Protocol protocol,
      String tenant)
      throws RemoteWriteException {
    start(buf, length, limits, nowMillis);
    this.protocol = protocol;
    this.tenant = tenant;
    try {
      if (protocol == Protocol.RW2) {
        histogramsField = V2_HISTOGRAMS;
        requestV2();
      } else {
        histogramsField = HISTOGRAMS;
        request();
      }
      return stats(compressedBytes);
    } finally {
      this.buf = null; // do not keep the thread's buffer (or a caller's array) reachable from here
      this.limits = null;
    }
  }

  private void start(byte[] buf, int length, ValidationLimits limits, long nowMillis) {
    this.buf = buf;
    this.length = length;
    this.pos = 0;
    this.limit = length;
    beginTally(limits, nowMillis);
    this.place = Place.REQUEST;
    this.tagAt = 0;
    duplicateSamples = 0;
    removedSeries = 0;
    haUndecided = limits.acceptHaSamples();
    relabeling = limits.relabeling().isEmpty() ? null : limits.relabeling();
    lastMetricLength = -1;
    keptExemplars = 0;
    symbolCount = 0;
    if (familyCount > 0) {
      Arrays.fill(familySlots, 0);
      familyCount = 0;
    }
  }

  private void request() throws RemoteWriteException {
    int tag;
    while ((tag = nextTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case TIMESERIES -> {
          int outer = enter(tag, "WriteRequest.timeseries", Place.SERIES);
          timeSeries();
          leave(outer, Place.REQUEST);
        }
        case METADATA -> {
          int outer = enter(tag, "WriteRequest.metadata", Place.METADATA);
          metricMetadata();
          leave(outer, Place.REQUEST);
        }
        // mimirpb (compat_rw2.go, the WriteRequest unmarshal): 2.0's fields in a 1.0 message
        case V2_SYMBOLS ->
            throw bad("Remote Write 2.0 field Symbols in non-Remote Write 2.0 message");
        case V2_TIMESERIES ->
            throw bad("Remote Write 2.0 field Timeseries in non-Remote Write 2.0 message");
        default -> skip(tag);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // A series
  // ---------------------------------------------------------------------------------------------

  private void timeSeries() throws RemoteWriteException {
    int start = pos;
    int end = limit;
    if (haUndecided) {
      haUndecided = perSampleHa; // per-sample dedupe: every series' own
      findHaLabels();
      pos = start;
    }
    resetSeries();
    fastLabels(end);
    int tag;
    while (true) {
      // The common shapes first: a label whose lengths fit one byte each, and a plain sample.
      // Anything else, including anything malformed, goes the general way below.
      int p = pos;
      if (p + 1 < end) {
        byte first = buf[p];
        int size = buf[p + 1];
        if (size >= 0 && size <= end - p - 2) {
          if (first == LABELS_TAG && shortLabel(p + 2, p + 2 + size)) {
            pos = p + 2 + size;
            label(nameAt, nameLength, valueAt, valueLength);
            continue;
          }
          if (first == SAMPLES_TAG && shortSample(p + 2, p + 2 + size)) {
            pos = p + 2 + size;
            continue;
          }
        }
      }
      if ((tag = nextTag()) == 0) {
        break;
      }
      switch (WireFormat.getTagFieldNumber(tag)) {
        case LABELS -> {
          int outer = enter(tag, "TimeSeries.labels", Place.LABEL);
          readLabel();
          leave(outer, Place.SERIES);
          label(nameAt, nameLength, valueAt, valueLength);
        }
        case SAMPLES -> sampleField(tag);
        case EXEMPLARS -> exemplarField(tag);
        case HISTOGRAMS -> histogramField(tag);
        default -> skip(tag);
      }
    }
    endSeries(start, end);
  }

  /** Starts a series: nothing of it seen yet. */
  private void resetSeries() {
    replicaPending = stripReplica;
    rawLabels = 0;
    labels = 0;
    longestName = 0;
    longestValue = 0;
    prevNameAt = -1;
    prevNameLength = -1;
    unsorted = false;
    metricAt = -1;
    metricRef = -1;
    metricLength = 0;
    labelViolation = null;
    labelActual = 0;
    seriesSamples = 0;
    seriesHistograms = 0;
    lastSampleTs = Long.MIN_VALUE;
    samplesRepeat = false;
    lastHistogramTs = Long.MIN_VALUE;
    histogramsRepeat = false;
    sampleViolation = null;
    sampleActual = 0;
    histogramViolation = null;
    histogramActual = 0;
    seriesExemplars = 0;
    exemplarsAtSeriesStart = keptExemplars;
    seriesEarliest = Long.MAX_VALUE;
    seriesFirst = Long.MAX_VALUE;
  }

  /** A sample of the series (the same message in 1.0 and 2.0). */
  private void sampleField(int tag) throws RemoteWriteException {
    int outer = enter(tag, "TimeSeries.samples", Place.SAMPLE);
    sample(readSampleTimestamp());
    leave(outer, Place.SERIES);
  }

  /** A native histogram of the series (the same message in 1.0 and 2.0). */
  private void histogramField(int tag) throws RemoteWriteException {
    int outer = enter(tag, "TimeSeries.histograms", Place.HISTOGRAM);
    histogram(pos, limit);
    leave(outer, Place.SERIES);
  }

  /**
   * An exemplar of the series: read when the tenant keeps exemplars, else skipped undecoded
   * (Mimir's SkipUnmarshalingExemplars: a 2.0 one's references are not checked either).
   */
  private void exemplarField(int tag) throws RemoteWriteException {
    if (limits.exemplarsEnabled()) {
      int outer = enter(tag, "TimeSeries.exemplars", Place.EXEMPLAR);
      if (protocol == Protocol.RW2) {
        exemplarV2();
      } else {
        exemplar();
      }
      leave(outer, Place.SERIES);
    } else {
      skipBytes(tag, "TimeSeries.exemplars");
    }
    seriesExemplars++;
  }

  /**
   * The labels at the start of the series, as senders write them (a name and a value with one-byte
   * lengths, nothing else): the hot loop of the walk, with locals and a word at a time. Names of up
   * to 16 bytes are read as two words, checked against the legacy rule and compared with the name
   * before them as words; lengths are checked for the whole series by their maxima, and the values'
   * UTF-8 in one pass over the labels' bytes (only ASCII passes here: the tags and one-byte lengths
   * are ASCII too). A series whose labels need more than that (a long or invalid name, a value over
   * its limit or not ASCII, labels out of order, a duplicate) is checked again, label by label in
   * Mimir's order, by {@link #endSeries}. Stops at the first field of another shape, which the
   * general path reads.
   */
  private void fastLabels(int end) {
    byte[] b = buf;
    int p = pos;
    int start = p;
    int raw = 0;
    int effective = 0;
    int longestN = 0;
    int longestV = 0;
    int prevAt = -1;
    int prevLength = -1;
    boolean prevWords = false;
    long prevW1 = 0;
    long prevW2 = 0;
    boolean recheck = false;
    int metricA = -1;
    int metricL = 0;
    boolean strip = replicaPending;
    boolean legacy = limits.nameValidation() == NameValidation.LEGACY;
    while (p + 5 < end) {
      // a label's first four bytes in one read: its tag, its size, the name's tag, its length
      int head = (int) INTS.get(b, p);
      if ((head & LABEL_HEAD_TAGS_MASK) != LABEL_HEAD_TAGS) {
        break;
      }
      int size = (byte) (head >>> 8);
      int nl = head >> 24;
      if (size < 4 || size > end - p - 2 || nl < 0 || nl > size - 4) {
        break;
      }
      int na = p + 4;
      int vt = na + nl;
      int vl = b[vt + 1];
      if (b[vt] != VALUE_TAG || vl < 0 || vt + 2 + vl != p + 2 + size) {
        break;
      }
      p = vt + 2 + vl;
      raw++;
      longestN = Math.max(longestN, nl);
      longestV = Math.max(longestV, vl);
      if (strip && isReplica(na, nl)) {
        strip = false;
        continue; // RemoveLabel(haReplicaLabel): the first one, before RemoveEmptyLabelValues
      }
      if (vl == 0) {
        continue; // RemoveEmptyLabelValues
      }
      // The name as two zero-padded little-endian words when it fits 16 bytes (nearly all do).
      boolean words = nl <= 16 && na + 16 <= b.length;
      long m1 = 0;
      long m2 = 0;
      long w1 = 0;
      long w2 = 0;
      if (words) {
        m1 = WORD_MASKS[Math.min(nl, 8)];
        w1 = (long) LONGS.get(b, na) & m1;
        if (nl > 8) {
          m2 = WORD_MASKS[nl - 8];
          w2 = (long) LONGS.get(b, na + 8) & m2;
        }
      }
      int slot = effective & (NAME_SLOTS - 1);
      effective++;
      if (!legacy) {
        recheck = true; // the UTF-8 scheme: left to the exact checks
      } else if (words) {
        // The name at this place in the series before (series of a family share their names) was
        // found valid: the same bytes are. Otherwise checked, and remembered when valid.
        if (w1 != validW1[slot] || w2 != validW2[slot] || nl != validLength[slot]) {
          if (legacyName(w1, m1, w2, m2, nl)) {
            validW1[slot] = w1;
            validW2[slot] = w2;
            validLength[slot] = nl;
          } else {
            recheck = true; // an invalid name: endSeries finds which violation comes first
          }
        }
      } else if (!validLabelName(na, nl)) {
        recheck = true;
      }
      if (prevAt >= 0) {
        // Sorted and unique: each name strictly greater than the one before (bytewise).
        int cmp;
        if (words && prevWords) {
          long x = Long.reverseBytes(w1);
          long y = Long.reverseBytes(prevW1);
          if (x == y) {
            x = Long.reverseBytes(w2);
            y = Long.reverseBytes(prevW2);
          }
          // equal zero-padded words: the shorter name is a prefix of the longer
          cmp = x != y ? Long.compareUnsigned(x, y) : nl - prevLength;
        } else {
          cmp = compareBytes(na, nl, prevAt, prevLength);
        }
        if (cmp <= 0) {
          recheck = true; // out of order, or a duplicate name
        }
      }
      prevWords = words;
      prevW1 = w1;
      prevW2 = w2;
      if (nl == 8 && w1 == NAME_WORD && metricA < 0) {
        metricA = vt + 2;
        metricL = vl;
      }
      prevAt = na;
      prevLength = nl;
    }
    if (raw == 0) {
      return;
    }
    // Lengths over their limits, and the values' UTF-8, are checked for the whole series at once:
    // the labels' bytes hold nothing but names, values and their one-byte tags and lengths, so
    // they are all ASCII exactly when every name and value is.
    if (longestN > limits.maxLabelNameLength()
        || (longestV > limits.maxLabelValueLength()
            && limits.labelValueStrategy() == LabelValueStrategy.ERROR)
        || !Utf8.ascii(b, start, p)) {
      recheck = true;
    }
    pos = p;
    replicaPending = strip;
    rawLabels = raw;
    labels = effective;
    longestName = longestN;
    longestValue = longestV;
    prevNameAt = prevAt;
    prevNameLength = prevLength;
    unsorted = recheck;
    metricAt = metricA;
    metricLength = metricL;
    labelViolation = null; // when recheck is set, endSeries finds it in Mimir's order
    labelActual = 0;
  }

  /**
   * Legacy-valid label names seen lately, by their place in a series (mod {@value #NAME_SLOTS}):
   * two zero-padded words and the length, as {@link #fastLabels} reads a name of up to 16 bytes.
   * Whether a name is valid depends on its bytes alone, so an entry stays true across requests and
   * tenants; only the legacy scheme consults it.
   */
  private static final int NAME_SLOTS = 32;

  private final long[] validW1 = new long[NAME_SLOTS];
  private final long[] validW2 = new long[NAME_SLOTS];
  private final int[] validLength = filled(NAME_SLOTS, -1);

  private static int[] filled(int n, int value) {
    int[] a = new int[n];
    Arrays.fill(a, value);
    return a;
  }

  private static int nameSlot(long word) {
    return (int) ((word * 0x9E37_79B9_7F4A_7C15L) >>> 58);
  }

  /** The first {@code n} (&lt;= 8) bytes at {@code at} as a little-endian word, zero padded. */
  private static long word(byte[] b, int at, int n) {
    return (long) LONGS.get(b, at) & WORD_MASKS[n];
  }

  private boolean isReplica(int at, int n) {
    return sameBytes(at, n, limits.replicaLabelBytes());
  }

  /**
   * Whether a name of {@code n} (1 to 16) bytes, as two zero-padded words with their masks, is a
   * legacy label name: [a-zA-Z_][a-zA-Z0-9_]*, a word at a time.
   */
  private static boolean legacyName(long w1, long m1, long w2, long m2, int n) {
    return n > 0
        && ((w1 | w2) & HIGH_BITS) == 0
        && (nameChars(w1) | (HIGH_BITS & ~m1)) == HIGH_BITS
        && (digits(w1) & 0x80) == 0 // the first byte is no digit
        && (n <= 8 || (nameChars(w2) | (HIGH_BITS & ~m2)) == HIGH_BITS);
  }

  /**
   * For 8 ASCII bytes, the high bit of each byte that is in [a-zA-Z0-9_]: range checks by adding to
   * every byte at once (no byte carries into the next, as each is below 0x80).
   */
  private static long nameChars(long x) {
    long lower = x | (ONES * 0x20); // A-Z to a-z; no other byte becomes a letter
    long letters = (lower + ONES * (0x80 - 'a')) & ~(lower + ONES * (0x7f - 'z'));
    long y = x ^ (ONES * '_');
    long underscores = ~(((y & LOW_BITS) + LOW_BITS) | y | LOW_BITS); // the zero bytes of y
    return (letters | digits(x) | underscores) & HIGH_BITS;
  }

  /** For 8 ASCII bytes, the high bit of each byte that is a digit. */
  private static long digits(long x) {
    return (x + ONES * (0x80 - '0')) & ~(x + ONES * (0x7f - '9')) & HIGH_BITS;
  }

  /**
   * Mimir's {@code findHALabels} on the first series, wire order: each occurrence of a label sets
   * it, until both are non-empty. Decides whether the replica label is stripped.
   */
  private void findHaLabels() throws RemoteWriteException {
    byte[] clusterName = limits.clusterLabelBytes();
    byte[] replicaName = limits.replicaLabelBytes();
    int clusterAt = -1;
    int clusterLength = 0;
    int replicaAt = -1;
    int replicaLength = 0;
    while (nextLabel()) {
      if (sameBytes(nameAt, nameLength, replicaName)) {
        replicaAt = valueAt;
        replicaLength = valueLength;
      }
      if (sameBytes(nameAt, nameLength, clusterName)) {
        clusterAt = valueAt;
        clusterLength = valueLength;
      }
      if (clusterLength > 0 && replicaLength > 0) {
        break;
      }
    }
    decideHa(clusterAt, clusterLength, replicaAt, replicaLength);
  }

  /**
   * {@link #findHaLabels} on a 2.0 series' labels, as received (its symbols): the same rule, in the
   * order of its label references.
   */
  private void findHaLabelsV2() {
    byte[] clusterName = limits.clusterLabelBytes();
    byte[] replicaName = limits.replicaLabelBytes();
    int clusterAt = -1;
    int clusterLength = 0;
    int replicaAt = -1;
    int replicaLength = 0;
    int[] r = seriesRefs;
    int[] spans = symbols;
    for (int i = 0; i < 2 * seriesLabelCount; i += 2) {
      int nAt = spans[2 * r[i]];
      int nLength = spans[2 * r[i] + 1];
      if (sameBytes(nAt, nLength, replicaName)) {
        replicaAt = spans[2 * r[i + 1]];
        replicaLength = spans[2 * r[i + 1] + 1];
      }
      if (sameBytes(nAt, nLength, clusterName)) {
        clusterAt = spans[2 * r[i + 1]];
        clusterLength = spans[2 * r[i + 1] + 1];
      }
      if (clusterLength > 0 && replicaLength > 0) {
        break;
      }
    }
    decideHa(clusterAt, clusterLength, replicaAt, replicaLength);
  }

  /**
   * Whether the first series' HA labels make the request an HA one, whose replica is stripped;
   * under per-sample dedupe, the same for the series alone, and its group.
   */
  private void decideHa(int clusterAt, int clusterLength, int replicaAt, int replicaLength) {
    if (perSampleHa) {
      haSeriesGroup(buf, clusterAt, clusterLength, replicaAt, replicaLength);
      return;
    }
    if (!haRequest(clusterLength, replicaLength)) {
      return;
    }
    stripReplica = true;
    haCluster = new String(buf, clusterAt, clusterLength, StandardCharsets.UTF_8);
    haReplica = new String(buf, replicaAt, replicaLength, StandardCharsets.UTF_8);
  }

  /**
   * Reads the series' next label into {@link #nameAt} and the fields beside it, skipping the
   * series' other fields; false at the end of the series.
   */
  private boolean nextLabel() throws RemoteWriteException {
    int tag;
    while ((tag = nextTag()) != 0) {
      if (WireFormat.getTagFieldNumber(tag) == LABELS) {
        int outer = enter(tag, "TimeSeries.labels", Place.LABEL);
        readLabel();
        leave(outer, Place.SERIES);
        return true;
      }
      skip(tag);
    }
    return false;
  }

  /**
   * One label of the series as received: counted for the request's statistics, then, unless Mimir
   * removes it before validation, checked in wire order (which is Mimir's sorted order when the
   * sender sorts, as Prometheus does; otherwise {@link #endSeries} checks again sorted).
   */
  private void label(int nAt, int nLength, int vAt, int vLength) {
    label(nAt, nLength, vAt, vLength, -1, -1);
  }

  /**
   * {@link #label(int, int, int, int)} for a 2.0 label whose name and value are the symbols {@code
   * nameRef} and {@code valueRef} (-1 for a 1.0 label): the checks of a symbol are made once per
   * request, however many series use it.
   */
  private void label(int nAt, int nLength, int vAt, int vLength, int nameRef, int valueRef) {
    if (!counted(nAt, nLength, vLength)) {
      return;
    }
    int cmp = prevNameAt < 0 ? 1 : compareBytes(nAt, nLength, prevNameAt, prevNameLength);
    prevNameAt = nAt;
    prevNameLength = nLength;
    boolean metric = nLength == 8 && metricAt < 0 && isNameLabel(nAt);
    inOrder(nAt, nLength, vAt, vLength, cmp, metric, nameRef, valueRef);
  }

  /**
   * A label counted for the request's statistics; whether validation sees it (false for the first
   * HA replica label and for an empty value, which Mimir removes before validating).
   */
  private boolean counted(int nAt, int nLength, int vLength) {
    rawLabels++;
    if (nLength > longestName) {
      longestName = nLength;
    }
    if (vLength > longestValue) {
      longestValue = vLength;
    }
    if (replicaPending && sameBytes(nAt, nLength, limits.replicaLabelBytes())) {
      replicaPending = false;
      return false; // RemoveLabel(haReplicaLabel): the first one, whatever its value
    }
    if (vLength == 0) {
      return false; // RemoveEmptyLabelValues
    }
    labels++;
    return true;
  }

  /**
   * A label validation sees, once its name's order against the one before it is known ({@code cmp},
   * as compareBytes' sign): the series' order, its metric name ({@code metric}: the label is the
   * first {@code __name__}), and the label checks while the series is in order.
   */
  private void inOrder(
      int nAt,
      int nLength,
      int vAt,
      int vLength,
      int cmp,
      boolean metric,
      int nameRef,
      int valueRef) {
    if (cmp < 0) {
      unsorted = true;
    }
    if (metric) {
      metricAt = vAt;
      metricLength = vLength;
      metricRef = valueRef;
    }
    if (!unsorted && labelViolation == null) {
      labelViolation = labelChain(nAt, nLength, vAt, vLength, cmp == 0, nameRef, valueRef);
    }
  }

  /**
   * validateLabels' per-label checks, in its order: the else-if chain on name and value, then the
   * duplicate check; sets {@link #labelActual}.
   */
  private Violation labelChain(
      int nAt, int nLength, int vAt, int vLength, boolean duplicate, int nameRef, int valueRef) {
    if (nameRef >= 0 ? !symbolValid(nameRef, NAME_VALID) : !validLabelName(nAt, nLength)) {
      return Violation.LABEL_INVALID;
    }
    if (nLength > limits.maxLabelNameLength()) {
      labelActual = nLength;
      return Violation.LABEL_NAME_TOO_LONG;
    }
    if (valueRef >= 0 ? !symbolValid(valueRef, UTF8_VALID) : !validUtf8(vAt, vLength)) {
      return Violation.LABEL_VALUE_INVALID;
    }
    if (vLength > limits.maxLabelValueLength()
        && limits.labelValueStrategy() == LabelValueStrategy.ERROR) {
      labelActual = vLength;
      return Violation.LABEL_VALUE_TOO_LONG;
    }
    return duplicate ? Violation.DUPLICATE_LABEL_NAMES : null;
  }

  /** The series is complete: Mimir's verdict on it, and what it adds to the counts. */
  private void endSeries(int start, int end) throws RemoteWriteException {
    if (seriesFirst != Long.MAX_VALUE) {
      firstSample(seriesFirst); // HA dedupe sees every series as received
    }
    long index = series;
    series++;
    floatSamples += seriesSamples;
    histograms += seriesHistograms;
    exemplars += seriesExemplars;
    maxLabelsPerSeries = Math.max(maxLabelsPerSeries, rawLabels);
    maxLabelNameLength = Math.max(maxLabelNameLength, longestName);
    maxLabelValueLength = Math.max(maxLabelValueLength, longestValue);
    if (relabeling != null && !relabelSeries(start, end)) {
      labels = 0; // a rule dropped it: removed without a word (prePushRelabelMiddleware)
    }
    if (labels == 0) {
      // No label left: removed without a word (prePushSortAndFilterMiddleware).
      removedSeries++;
      dropExemplars();
      if (perSampleHa) {
        haSeries(index, 1, 0, null, 0);
      }
      return;
    }
    // validateExemplars' bound comes from the samples of the series validation sees (under
    // per-sample dedupe, of the replicas kept: see HaGroups).
    validated(seriesEarliest);
    Violation v;
    long actual;
    if (relabeling != null) {
      v = relabelVerdict; // judged on the relabeled labels, in their own buffer
      actual = relabelActual;
    } else {
      if (unsorted) {
        sortedLabels(start, end); // Mimir sorts before validating: check again in that order
      }
      v = labelVerdict();
      actual = verdictActual;
    }
    if (v == null && sampleViolation != null) {
      v = sampleViolation;
      actual = sampleActual;
    }
    if (v == null && histogramViolation != null) {
      v = histogramViolation;
      actual = histogramActual;
    }
    if (v != null) {
      invalidSeries++;
      violations[v.ordinal()]++;
      droppedSamples += seriesSamples + seriesHistograms;
      dropExemplars();
      if (firstViolation == null) {
        firstViolation = v;
        firstActual = actual;
      }
      if (perSampleHa) {
        haSeries(index, 1, 0, v, actual);
      }
      return;
    }
    long samples = samplesRepeat ? distinctTimestamps(start, end, SAMPLES) : seriesSamples;
    long hists =
        histogramsRepeat ? distinctTimestamps(start, end, histogramsField) : seriesHistograms;
    duplicateSamples += seriesSamples - samples + seriesHistograms - hists;
    validSamples += samples + hists;
    if (limits.exemplarsEnabled()) {
      exemplarsDropped += seriesExemplars - (keptExemplars - exemplarsAtSeriesStart);
    } else {
      exemplarsCleared += seriesExemplars;
    }
    if (perSampleHa) {
      haSeries(index, 1, samples + hists, null, 0);
      haExemplars(exemplarTimestamps, exemplarsAtSeriesStart, keptExemplars);
    }
  }

  /**
   * validateSeries' checks of the labels, in its order: the metric name, the label count (of an
   * {@code _info} metric against its own limit), then the first label check that failed; sets
   * {@link #verdictActual}.
   */
  private Violation labelVerdict() {
    verdictActual = 0;
    if (metricAt < 0) {
      return Violation.MISSING_METRIC_NAME;
    }
    if (!metricNameValid()) {
      return Violation.METRIC_NAME_INVALID;
    }
    if (labels > limits.maxLabelNamesPerSeries()) {
      if (!endsWithInfo(metricAt, metricLength)) {
        verdictActual = labels;
        return Violation.MAX_LABEL_NAMES_PER_SERIES;
      } else if (labels > limits.maxLabelNamesPerInfoSeries()) {
        verdictActual = labels;
        return Violation.MAX_LABEL_NAMES_PER_INFO_SERIES;
      }
    }
    verdictActual = labelActual;
    return labelViolation;
  }

  /**
   * The series' labels as Mimir validates them for a tenant with relabeling: those received (less
   * an HA request's replica label), through {@link SeriesRelabeling#apply}, less empty values
   * ({@code RemoveEmptyLabelValues}). Sets {@link #labels} and, when some are left, {@link
   * #relabelVerdict}: the labels are written to a buffer of their own and checked there, sorted, as
   * {@link #sortedLabels} checks. False when a rule drops the series.
   */
  private boolean relabelSeries(int start, int end) throws RemoteWriteException {
    List<Label> in = relabelIn;
    in.clear();
    receivedLabels(start, end, true); // HA dedupe removed the replica label before the rules
    List<Label> out;
    try {
      out =
          relabeling.apply(
              in, tenant, limits.nameValidation() == NameValidation.UTF8, relabelScratch);
    } catch (StackOverflowError deep) {
      // Java's engine recurses on a repeated group over a long value where Go's RE2 does not:
      // the series is not counted rather than the push failed (never deny what Mimir takes)
      return false;
    }
    if (out == null) {
      return false;
    }
    // Into a buffer of their own: a label received keeps its bytes, one a rule made is encoded.
    byte[] walked = buf;
    int size = 0;
    if (relabelMade.length < 2 * out.size()) {
      relabelMade = new byte[2 * out.size()][];
    }
    byte[][] made = relabelMade;
    for (int i = 0; i < out.size(); i++) {
      Label l = out.get(i);
      if (l.origin() >= 0) {
        size += relabelSpans[4 * l.origin() + 1] + relabelSpans[4 * l.origin() + 3];
      } else {
        // a rule's string, with any byte of invalid UTF-8 it copied kept as that byte
        made[2 * i] = Utf8.escapedBytes(l.name());
        made[2 * i + 1] = Utf8.escapedBytes(l.value());
        size += made[2 * i].length + made[2 * i + 1].length;
      }
    }
    if (relabeled.length < size) {
      relabeled = new byte[Math.max(size, 2 * relabeled.length)];
    }
    int at = 0;
    int kept = 0;
    for (int i = 0; i < out.size(); i++) {
      Label l = out.get(i);
      int nAt = at;
      int nLength;
      int vLength;
      if (l.origin() >= 0) {
        int k = 4 * l.origin();
        nLength = relabelSpans[k + 1];
        vLength = relabelSpans[k + 3];
        System.arraycopy(walked, relabelSpans[k], relabeled, at, nLength);
        System.arraycopy(walked, relabelSpans[k + 2], relabeled, at + nLength, vLength);
      } else {
        nLength = made[2 * i].length;
        vLength = made[2 * i + 1].length;
        System.arraycopy(made[2 * i], 0, relabeled, at, nLength);
        System.arraycopy(made[2 * i + 1], 0, relabeled, at + nLength, vLength);
      }
      at += nLength + vLength;
      if (vLength == 0) {
        continue; // RemoveEmptyLabelValues
      }
      labelSpans = span(labelSpans, kept, nAt, nLength, nAt + nLength, vLength);
      kept++;
    }
    labels = kept;
    if (kept > 0) {
      buf = relabeled;
      lastMetricLength = -1; // the memo's bytes are in the other buffer
      metricRef = -1;
      checkSorted(kept);
      relabelVerdict = labelVerdict();
      relabelActual = verdictActual;
      buf = walked;
      lastMetricLength = -1;
    }
    return true;
  }

  /** Adds a label received to {@link #relabelIn}, keeping where its bytes are. */
  private int relabelInput(int n, int nAt, int nLength, int vAt, int vLength) {
    relabelSpans = span(relabelSpans, n, nAt, nLength, vAt, vLength);
    relabelIn.add(
        new Label(relabelStrings.get(buf, nAt, nLength), relabelStrings.get(buf, vAt, vLength), n));
    return n + 1;
  }

  /** The series' exemplars are not counted: forget the ones kept so far. */
  private void dropExemplars() {
    if (limits.exemplarsEnabled()) {
      exemplarsDropped += seriesExemplars;
    } else {
      exemplarsCleared += seriesExemplars;
    }
    keptExemplars = exemplarsAtSeriesStart;
  }

  /**
   * Checks the labels of the series in {@code buf[start, end)} again, sorted by name as Mimir sorts
   * them ({@code SortLabelsIfNeeded}, bytewise), setting {@link #labelViolation} and the metric
   * name. Only for senders that do not sort their labels.
   */
  private void sortedLabels(int start, int end) throws RemoteWriteException {
    checkSorted(receivedLabels(start, end, false));
  }

  /**
   * Reads the labels of the series in {@code buf[start, end)} again, as received, less the first HA
   * replica label of an HA request (HA dedupe's {@code RemoveLabel}, before anything else): into
   * {@link #labelSpans} ({@link #keptLabel}), or for relabeling into {@link #relabelIn} ({@link
   * #relabelInput}); how many.
   */
  private int receivedLabels(int start, int end, boolean relabel) throws RemoteWriteException {
    int n = 0;
    boolean pending = stripReplica;
    byte[] replica = limits.replicaLabelBytes();
    if (protocol == Protocol.RW2) {
      int[] r = seriesRefs;
      int[] spans = symbols;
      for (int i = 0; i < 2 * seriesLabelCount; i += 2) {
        int name = 2 * r[i];
        int value = 2 * r[i + 1];
        if (pending && sameBytes(spans[name], spans[name + 1], replica)) {
          pending = false;
          continue;
        }
        n =
            relabel
                ? relabelInput(n, spans[name], spans[name + 1], spans[value], spans[value + 1])
                : keptLabel(n, spans[name], spans[name + 1], spans[value], spans[value + 1]);
      }
    } else {
      pos = start;
      limit = end;
      while (nextLabel()) {
        if (pending && sameBytes(nameAt, nameLength, replica)) {
          pending = false;
          continue;
        }
        n =
            relabel
                ? relabelInput(n, nameAt, nameLength, valueAt, valueLength)
                : keptLabel(n, nameAt, nameLength, valueAt, valueLength);
      }
    }
    return n;
  }

  /**
   * Checks the {@code n} labels in {@link #labelSpans} sorted by name as Mimir sorts them, setting
   * {@link #labelViolation} and the metric name.
   */
  private void checkSorted(int n) {
    if (indexes.length < n) {
      indexes = new int[Math.max(n, 2 * indexes.length)];
    }
    for (int i = 0; i < n; i++) {
      indexes[i] = i;
    }
    // Insertion sort, stable: label counts are small, and a mostly sorted series is nearly free.
    for (int i = 1; i < n; i++) {
      int x = indexes[i];
      int j = i - 1;
      while (j >= 0 && compareLabel(indexes[j], x) > 0) {
        indexes[j + 1] = indexes[j];
        j--;
      }
      indexes[j + 1] = x;
    }
    metricAt = -1;
    metricRef = -1;
    labelViolation = null;
    labelActual = 0; // whatever the wire order's first violation set
    for (int i = 0; i < n; i++) {
      int k = 4 * indexes[i];
      int nAt = labelSpans[k];
      int nLength = labelSpans[k + 1];
      if (metricAt < 0 && nLength == 8 && isNameLabel(nAt)) {
        metricAt = labelSpans[k + 2];
        metricLength = labelSpans[k + 3];
      }
      if (labelViolation == null) {
        boolean duplicate =
            i > 0
                && compareBytes(
                        nAt,
                        nLength,
                        labelSpans[4 * indexes[i - 1]],
                        labelSpans[4 * indexes[i - 1] + 1])
                    == 0;
        labelViolation =
            labelChain(nAt, nLength, labelSpans[k + 2], labelSpans[k + 3], duplicate, -1, -1);
      }
    }
  }

  /**
   * Adds the label to {@link #labelSpans} (at {@code n}) unless its value is empty ({@code
   * RemoveEmptyLabelValues}); the labels kept so far.
   */
  private int keptLabel(int n, int nAt, int nLength, int vAt, int vLength) {
    if (vLength == 0) {
      return n;
    }
    labelSpans = span(labelSpans, n, nAt, nLength, vAt, vLength);
    return n + 1;
  }

  /** Puts label {@code n}'s name and value spans in {@code spans}, grown when full; the array. */
  private static int[] span(int[] spans, int n, int nAt, int nLength, int vAt, int vLength) {
    int[] s = 4 * n + 4 > spans.length ? Arrays.copyOf(spans, 2 * spans.length) : spans;
    s[4 * n] = nAt;
    s[4 * n + 1] = nLength;
    s[4 * n + 2] = vAt;
    s[4 * n + 3] = vLength;
    return s;
  }

  private int compareLabel(int a, int b) {
    return compareBytes(
        labelSpans[4 * a], labelSpans[4 * a + 1], labelSpans[4 * b], labelSpans[4 * b + 1]);
  }

  /**
   * The distinct timestamps of the series' samples (or histograms) in {@code buf[start, end)}:
   * Mimir keeps the first of each timestamp and drops the rest silently ({@code validateSamples},
   * {@code validateHistograms}). Only when the timestamps are not strictly increasing.
   */
  private long distinctTimestamps(int start, int end, int field) throws RemoteWriteException {
    int n = 0;
    pos = start;
    limit = end;
    int tag;
    while ((tag = nextTag()) != 0) {
      if (WireFormat.getTagFieldNumber(tag) != field) {
        skip(tag);
        continue;
      }
      int outer =
          enter(
              tag,
              field == SAMPLES ? "TimeSeries.samples" : "TimeSeries.histograms",
              field == SAMPLES ? Place.SAMPLE : Place.HISTOGRAM);
      long ts = field == SAMPLES ? readSampleTimestamp() : histogramTimestamp();
      leave(outer, Place.SERIES);
      if (n == timestamps.length) {
        timestamps = Arrays.copyOf(timestamps, 2 * n);
      }
      timestamps[n++] = ts;
    }
    Arrays.sort(timestamps, 0, n);
    long distinct = n == 0 ? 0 : 1;
    for (int i = 1; i < n; i++) {
      if (timestamps[i] != timestamps[i - 1]) {
        distinct++;
      }
    }
    return distinct;
  }

  // ---------------------------------------------------------------------------------------------
  // Labels
  // ---------------------------------------------------------------------------------------------

  /**
   * Reads a label in {@code buf[p, end)} made only of name and value fields with one-byte lengths
   * (nearly every label) into {@link #nameAt} and the others; false, having changed nothing, for
   * any other label.
   */
  private boolean shortLabel(int p, int end) {
    int nAt = p;
    int nLength = 0;
    int vAt = p;
    int vLength = 0;
    while (p < end) {
      if (p + 1 >= end) {
        return false;
      }
      byte field = buf[p];
      int size = buf[p + 1];
      if (size < 0 || size > end - p - 2) {
        return false;
      }
      if (field == NAME_TAG) {
        nAt = p + 2; // a field seen twice: the last one wins, as protobuf decoders do
        nLength = size;
      } else if (field == VALUE_TAG) {
        vAt = p + 2;
        vLength = size;
      } else {
        return false;
      }
      p += 2 + size;
    }
    nameAt = nAt;
    nameLength = nLength;
    valueAt = vAt;
    valueLength = vLength;
    return true;
  }

  private void readLabel() throws RemoteWriteException {
    // A field seen twice: the last one wins, as protobuf decoders do.
    nameAt = pos;
    nameLength = 0;
    valueAt = pos;
    valueLength = 0;
    int tag;
    while ((tag = nextTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case LABEL_NAME -> {
          nameLength = length(tag, "Label.name");
          nameAt = pos;
          pos += nameLength;
        }
        case LABEL_VALUE -> {
          valueLength = length(tag, "Label.value");
          valueAt = pos;
          pos += valueLength;
        }
        default -> skip(tag);
      }
    }
  }

  /**
   * prometheus/common's label name rule for the tenant's scheme (legacy: [a-zA-Z_][a-zA-Z0-9_]*).
   */
  private boolean validLabelName(int at, int n) {
    return validName(at, n, false);
  }

  /** The metric name rule for the tenant's scheme (legacy: [a-zA-Z_:][a-zA-Z0-9_:]*). */
  private boolean validMetricName(int at, int n) {
    return validName(at, n, true);
  }

  /** A name by the tenant's scheme: UTF-8, or the legacy rule (NameValidation's). */
  private boolean validName(int at, int n, boolean metric) {
    if (limits.nameValidation() == NameValidation.UTF8) {
      return n > 0 && validUtf8(at, n);
    }
    return NameValidation.legacyValid(buf, at, n, metric);
  }

  /** Whether the 8 bytes at {@code at} are {@code __name__}. */
  private boolean isNameLabel(int at) {
    byte[] b = buf;
    return b[at] == '_'
        && b[at + 1] == '_'
        && b[at + 2] == 'n'
        && b[at + 3] == 'a'
        && b[at + 4] == 'm'
        && b[at + 5] == 'e'
        && b[at + 6] == '_'
        && b[at + 7] == '_';
  }

  /**
   * Whether the series' metric name is valid; a family's series share it, so a name equal to the
   * one checked last is not checked again.
   */
  private boolean metricNameValid() {
    if (metricRef >= 0) {
      return symbolValid(metricRef, METRIC_VALID); // a symbol is checked once
    }
    int at = metricAt;
    int n = metricLength;
    if (n != lastMetricLength || !equalBytes(at, lastMetricAt, n)) {
      lastMetricValid = validMetricName(at, n);
      lastMetricAt = at;
      lastMetricLength = n;
    }
    return lastMetricValid;
  }

  /** Whether {@code buf[a, a + n)} and {@code buf[b, b + n)} hold the same bytes. */
  private boolean equalBytes(int a, int b, int n) {
    byte[] x = buf;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      if ((long) LONGS.get(x, a + i) != (long) LONGS.get(x, b + i)) {
        return false;
      }
    }
    for (; i < n; i++) {
      if (x[a + i] != x[b + i]) {
        return false;
      }
    }
    return true;
  }

  private boolean endsWithInfo(int at, int n) {
    return n >= 5
        && buf[at + n - 5] == '_'
        && buf[at + n - 4] == 'i'
        && buf[at + n - 3] == 'n'
        && buf[at + n - 2] == 'f'
        && buf[at + n - 1] == 'o';
  }

  /** Go's {@code utf8.ValidString}: all ASCII (one OR over the words), or decoded strictly. */
  private boolean validUtf8(int at, int n) {
    return Utf8.valid(buf, at, at + n);
  }

  private boolean sameBytes(int at, int n, byte[] name) {
    if (n != name.length) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (buf[at + i] != name[i]) {
        return false;
      }
    }
    return true;
  }

  /** Bytewise (unsigned) comparison, as Go compares strings. */
  private int compareBytes(int a, int aLength, int b, int bLength) {
    int n = Math.min(aLength, bLength);
    byte[] x = buf;
    for (int i = 0; i < n; i++) {
      int c = (x[a + i] & 0xff) - (x[b + i] & 0xff);
      if (c != 0) {
        return c;
      }
    }
    return aLength - bLength;
  }

  // ---------------------------------------------------------------------------------------------
  // Samples and histograms
  // ---------------------------------------------------------------------------------------------

  /**
   * A sample in {@code buf[p, end)} written as Prometheus writes it: the value (fixed64), then the
   * timestamp (a varint ending exactly at {@code end}); false, having changed nothing, otherwise.
   */
  private boolean shortSample(int p, int end) {
    if (end - p < 11 || buf[p] != SAMPLE_VALUE_TAG || buf[p + 9] != SAMPLE_TIMESTAMP_TAG) {
      return false;
    }
    int q = p + 10;
    long ts = 0;
    for (int shift = 0; shift < 64 && q < end; shift += 7) {
      byte b = buf[q++];
      ts |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        if (q != end) {
          return false;
        }
        sample(ts);
        return true;
      }
    }
    return false;
  }

  /** The timestamp of the sample being read (its message is the current limit); 0 when absent. */
  private long readSampleTimestamp() throws RemoteWriteException {
    long ts = 0;
    int tag;
    while ((tag = nextTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case SAMPLE_VALUE -> {
          requireWireType(tag, WireFormat.WIRETYPE_FIXED64, "Sample.value");
          skipRaw(8);
        }
        case SAMPLE_TIMESTAMP -> {
          requireWireType(tag, WireFormat.WIRETYPE_VARINT, "Sample.timestamp");
          ts = readVarint();
        }
        default -> skip(tag);
      }
    }
    return ts;
  }

  private void sample(long ts) {
    if (seriesSamples == 0 && ts < seriesFirst) {
      seriesFirst = ts; // Samples[0]
    }
    seriesSamples++;
    if (ts <= lastSampleTs) {
      samplesRepeat = true;
    }
    lastSampleTs = ts;
    if (ts < seriesEarliest) {
      seriesEarliest = ts;
    }
    if (sampleViolation == null) {
      if (ts > maxTimestamp) {
        sampleViolation = Violation.TOO_FAR_IN_FUTURE;
        sampleActual = ts;
      } else if (ts < minTimestamp) {
        sampleViolation = Violation.TOO_FAR_IN_PAST;
        sampleActual = ts;
      }
    }
  }

  /**
   * A native histogram in {@code buf[start, end)}: its timestamp, schema and bucket entries, with
   * validateSampleHistogram's checks in its order: future, past, schema, bucket limit.
   */
  private void histogram(int start, int end) throws RemoteWriteException {
    long ts = 0;
    int schema = 0;
    boolean floatCounts = false;
    int positiveDeltas = 0;
    int negativeDeltas = 0;
    int positiveCounts = 0;
    int negativeCounts = 0;
    int tag;
    while ((tag = nextTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case H_TIMESTAMP -> {
          requireWireType(tag, WireFormat.WIRETYPE_VARINT, "Histogram.timestamp");
          ts = readVarint();
        }
        case H_SCHEMA -> {
          requireWireType(tag, WireFormat.WIRETYPE_VARINT, "Histogram.schema");
          int raw = (int) readVarint();
          schema = (raw >>> 1) ^ -(raw & 1); // sint32
        }
        case H_COUNT_INT -> {
          requireWireType(tag, WireFormat.WIRETYPE_VARINT, "Histogram.count_int");
          readVarint();
          floatCounts = false; // a oneof: the last one set wins
        }
        case H_COUNT_FLOAT -> {
          requireWireType(tag, WireFormat.WIRETYPE_FIXED64, "Histogram.count_float");
          skipRaw(8);
          floatCounts = true;
        }
        case H_POSITIVE_DELTAS -> positiveDeltas += varintEntries(tag);
        case H_NEGATIVE_DELTAS -> negativeDeltas += varintEntries(tag);
        case H_POSITIVE_COUNTS -> positiveCounts += fixed64Entries(tag);
        case H_NEGATIVE_COUNTS -> negativeCounts += fixed64Entries(tag);
        case H_POSITIVE_SPANS, H_NEGATIVE_SPANS -> span(tag);
        default -> skip(tag);
      }
    }
    if (seriesHistograms == 0 && ts < seriesFirst) {
      seriesFirst = ts; // Histograms[0]
    }
    seriesHistograms++;
    if (ts <= lastHistogramTs) {
      histogramsRepeat = true;
    }
    lastHistogramTs = ts;
    if (ts < seriesEarliest) {
      seriesEarliest = ts;
    }
    if (histogramViolation != null) {
      return;
    }
    if (ts > maxTimestamp) {
      histogramViolation = Violation.TOO_FAR_IN_FUTURE;
      histogramActual = ts;
    } else if (ts < minTimestamp) {
      histogramViolation = Violation.TOO_FAR_IN_PAST;
      histogramActual = ts;
    } else if ((schema < MIN_SCHEMA || schema > MAX_SCHEMA) && schema != CUSTOM_BUCKETS_SCHEMA) {
      histogramViolation = Violation.INVALID_NATIVE_HISTOGRAM_SCHEMA;
      histogramActual = schema;
    } else {
      int bucketLimit = limits.maxNativeHistogramBuckets();
      // mimirpb BucketCount: entries of the four bucket fields, not the spans' lengths
      int bucketCount = positiveDeltas + negativeDeltas + positiveCounts + negativeCounts;
      if (bucketLimit > 0 && bucketCount > bucketLimit) {
        histogramActual = bucketCount;
        if (schema == CUSTOM_BUCKETS_SCHEMA) {
          histogramViolation = Violation.NATIVE_HISTOGRAM_CUSTOM_BUCKETS_NOT_REDUCIBLE;
        } else if (!limits.reduceNativeHistogramOverMaxBuckets()) {
          histogramViolation = Violation.MAX_NATIVE_HISTOGRAM_BUCKETS;
        } else if (!reducible(
            start,
            end,
            schema,
            floatCounts,
            floatCounts ? positiveCounts : positiveDeltas,
            floatCounts ? negativeCounts : negativeDeltas,
            positiveDeltas + negativeDeltas)) {
          histogramViolation = Violation.NOT_REDUCIBLE_NATIVE_HISTOGRAM;
        }
      }
    }
  }

  /**
   * Whether Mimir's reduction loop brings the histogram under the bucket limit ({@code
   * validateSampleHistogram}: {@code ReduceResolution} until the count is strictly below the limit;
   * an error at schema -4). For an integer histogram each step merges its buckets as Prometheus'
   * {@code reduceResolution} does; mimirpb's {@code reduceFloatResolution} reports the delta
   * entries (none, for a float histogram) as its count, so a float histogram stops after one step.
   * Spans that name more buckets than their side holds make Go's reduction index past its slice
   * (the request fails in Mimir): not reducible.
   *
   * @param positiveEntries bucket entries the positive spans index (deltas, or counts if float)
   * @param negativeEntries the same for the negative side
   * @param deltaEntries all delta entries: what the float reduction reports
   */
  private boolean reducible(
      int start,
      int end,
      int schema,
      boolean floatCounts,
      int positiveEntries,
      int negativeEntries,
      int deltaEntries)
      throws RemoteWriteException {
    int bucketLimit = limits.maxNativeHistogramBuckets();
    int positive = spanIndexes(start, end, H_POSITIVE_SPANS, 0);
    int negative = spanIndexes(start, end, H_NEGATIVE_SPANS, positive);
    if (positive > positiveEntries || negative > negativeEntries) {
      return false;
    }
    for (int s = schema; s > MIN_SCHEMA; s--) {
      if (floatCounts) {
        if (deltaEntries < bucketLimit) {
          return true;
        }
        continue;
      }
      int p = reduceOnce(0, positive);
      int n = reduceOnce(positive, negative);
      System.arraycopy(buckets, positive, buckets, p, n); // the negative side right after
      positive = p;
      negative = n;
      if (p + n < bucketLimit) {
        return true;
      }
    }
    return false; // "cannot reduce resolution of histogram with schema -4"
  }

  /**
   * Writes the bucket indexes of the spans in field {@code field} of the histogram in {@code
   * buf[start, end)} to {@link #buckets} from {@code at}; returns how many.
   */
  private int spanIndexes(int start, int end, int field, int at) throws RemoteWriteException {
    pos = start;
    limit = end;
    int n = 0;
    int index = 0;
    int tag;
    while ((tag = nextTag()) != 0) {
      if (WireFormat.getTagFieldNumber(tag) != field) {
        skip(tag);
        continue;
      }
      long span = span(tag);
      index += (int) (span >> 32);
      long count = span & 0xffff_ffffL;
      if (count > end - start) {
        count = end - start + 1L; // more buckets than bytes: cannot match the entries anyway
      }
      for (long j = 0; j < count; j++) {
        if (at + n == buckets.length) {
          buckets = Arrays.copyOf(buckets, 2 * buckets.length);
        }
        buckets[at + n++] = index++;
      }
    }
    pos = end;
    return n;
  }

  /**
   * One BucketSpan, the field {@code tag} starts: its offset (sint32) in the high half, its length
   * (uint32) in the low half. Mimir's decoder reads every span of every histogram, so a malformed
   * one fails the request even when no reduction needs it.
   */
  private long span(int tag) throws RemoteWriteException {
    int outer = enter(tag, "Histogram spans", Place.HISTOGRAM);
    int offset = 0;
    int length = 0;
    int t;
    while ((t = nextTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(t)) {
        case SPAN_OFFSET -> {
          requireWireType(t, WireFormat.WIRETYPE_VARINT, "BucketSpan.offset");
          int raw = (int) readVarint();
          offset = (raw >>> 1) ^ -(raw & 1); // sint32
        }
        case SPAN_LENGTH -> {
          requireWireType(t, WireFormat.WIRETYPE_VARINT, "BucketSpan.length");
          length = (int) readVarint(); // uint32
        }
        default -> skip(t);
      }
    }
    leave(outer, Place.HISTOGRAM);
    return ((long) offset << 32) | Integer.toUnsignedLong(length);
  }

  /**
   * One step of Prometheus' {@code reduceResolution} on the bucket indexes {@code buckets[at, at +
   * n)}: each index goes to {@code ((i - 1) >> 1) + 1}; equal neighbours merge. Rewrites them in
   * place; returns how many are left.
   */
  private int reduceOnce(int at, int n) {
    int out = 0;
    int last = 0;
    for (int i = 0; i < n; i++) {
      int target = ((buckets[at + i] - 1) >> 1) + 1;
      // Go's cases: the first, the same target (merged), the next one or one past a gap (a new
      // bucket); a lower one matches none and is dropped. int32 arithmetic, wrapping as Go's.
      if (out == 0 || (target != last && (last + 1 == target || last + 1 < target))) {
        buckets[at + out++] = target;
        last = target;
      }
    }
    return out;
  }

  /** The timestamp of the histogram being read (its message is the current limit). */
  private long histogramTimestamp() throws RemoteWriteException {
    long ts = 0;
    int tag;
    while ((tag = nextTag()) != 0) {
      if (WireFormat.getTagFieldNumber(tag) == H_TIMESTAMP) {
        requireWireType(tag, WireFormat.WIRETYPE_VARINT, "Histogram.timestamp");
        ts = readVarint();
      } else {
        skip(tag);
      }
    }
    return ts;
  }

  /** Entries of a repeated varint field, packed or not; a packed run must end on a whole varint. */
  private int varintEntries(int tag) throws RemoteWriteException {
    if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
      readVarint();
      return 1;
    }
    int size = length(tag, "Histogram deltas");
    int end = pos + size;
    int entries = 0;
    int run = 0;
    for (int i = pos; i < end; i++) {
      run++;
      if (buf[i] >= 0) {
        entries++;
        run = 0;
      } else if (run == 10) {
        throw bad("malformed varint (more than 10 bytes) in a packed field");
      }
    }
    if (run != 0) {
      throw bad("packed varints end in the middle of a varint");
    }
    pos = end;
    return entries;
  }

  /** Entries of a repeated double field, packed or not. */
  private int fixed64Entries(int tag) throws RemoteWriteException {
    if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_FIXED64) {
      skipRaw(8);
      return 1;
    }
    int size = length(tag, "Histogram counts");
    if (size % 8 != 0) {
      throw bad("packed doubles of " + size + " bytes, not a multiple of 8");
    }
    pos += size;
    return size / 8;
  }

  // ---------------------------------------------------------------------------------------------
  // Exemplars and metadata
  // ---------------------------------------------------------------------------------------------

  /**
   * An exemplar of a tenant that keeps them: kept when it is among the series' first {@code
   * max_exemplars_per_series_per_request} and validateExemplar finds nothing wrong; its lower time
   * bound is checked once the request's earliest sample is known.
   */
  private void exemplar() throws RemoteWriteException {
    int labelCount = 0;
    long runes = 0;
    boolean nonBlank = false;
    long ts = 0;
    int tag;
    while ((tag = nextTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case EXEMPLAR_LABELS -> {
          int outer = enter(tag, "Exemplar.labels", Place.EXEMPLAR);
          readLabel();
          leave(outer, Place.EXEMPLAR);
          labelCount++;
          runes +=
              Utf8.runeCount(buf, nameAt, nameLength) + Utf8.runeCount(buf, valueAt, valueLength);
          nonBlank |= nameLength > 0 && valueLength > 0;
        }
        case EXEMPLAR_TIMESTAMP -> {
          requireWireType(tag, WireFormat.WIRETYPE_VARINT, "Exemplar.timestamp");
          ts = readVarint();
        }
        default -> skip(tag);
      }
    }
    keepExemplar(labelCount, runes, nonBlank, ts);
  }

  /** Keeps an exemplar's timestamp when validateExemplar finds nothing wrong with it so far. */
  private void keepExemplar(int labelCount, long runes, boolean nonBlank, long ts) {
    int perSeries = limits.maxExemplarsPerSeriesPerRequest();
    if (perSeries > 0 && seriesExemplars >= perSeries) {
      return; // ResizeExemplars: only the first ones are kept, valid or not
    }
    if (labelCount == 0
        || ts == 0
        || runes > EXEMPLAR_MAX_LABEL_RUNES
        || !nonBlank
        || ts > maxTimestamp) {
      return;
    }
    if (keptExemplars == exemplarTimestamps.length) {
      exemplarTimestamps = Arrays.copyOf(exemplarTimestamps, 2 * keptExemplars);
    }
    exemplarTimestamps[keptExemplars++] = ts;
  }

  private void metricMetadata() throws RemoteWriteException {
    int familyName = 0;
    int help = 0;
    int unit = 0;
    int tag;
    while ((tag = nextTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case METADATA_TYPE -> {
          requireWireType(tag, WireFormat.WIRETYPE_VARINT, "MetricMetadata.type");
          readVarint();
        }
        case METADATA_FAMILY_NAME ->
            familyName = skipBytes(tag, "MetricMetadata.metric_family_name");
        case METADATA_HELP -> help = skipBytes(tag, "MetricMetadata.help");
        case METADATA_UNIT -> unit = skipBytes(tag, "MetricMetadata.unit");
        default -> skip(tag);
      }
    }
    metadataEntry(familyName, help, unit);
  }

  /**
   * One metadata entry as Mimir receives it, by the lengths of its family name, HELP and unit:
   * counted, and validated by cleanAndValidateMetadata.
   */
  private void metadataEntry(int familyName, int help, int unit) {
    metadata++;
    maxMetadataLength = Math.max(maxMetadataLength, Math.max(help, unit));
    // cleanAndValidateMetadata: a long HELP is truncated, not an error.
    Violation v = null;
    if (familyName == 0 && limits.enforceMetadataMetricName()) {
      v = Violation.METADATA_MISSING_METRIC_NAME;
    } else if (familyName > limits.maxMetadataLength()) {
      v = Violation.METADATA_METRIC_NAME_TOO_LONG;
    } else if (unit > limits.maxMetadataLength()) {
      v = Violation.METADATA_UNIT_TOO_LONG;
    }
    if (v == null) {
      validMetadata++;
      return;
    }
    invalidMetadata++;
    violations[v.ordinal()]++;
    if (firstMetadataViolation == null) {
      firstMetadataViolation = v;
      firstMetadataActual = v == Violation.METADATA_UNIT_TOO_LONG ? unit : familyName;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Remote write 2.0 (pkg/mimirpb: the WriteRequest unmarshal with unmarshalFromRW2,
  // unmarshal_rw2.go, compat_rw2.go), decoded in wire order into what 1.0's walk validates
  // ---------------------------------------------------------------------------------------------

  private void requestV2() throws RemoteWriteException {
    int tag;
    while ((tag = nextTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case TIMESERIES ->
            throw bad("Remote Write 1.0 field Timeseries in non-Remote Write 1.0 message");
        case METADATA ->
            throw bad("Remote Write 1.0 field Metadata in non-Remote Write 1.0 message");
        case V2_SYMBOLS -> symbol(tag);
        case V2_TIMESERIES -> {
          int outer = enter(tag, "Request.timeseries", Place.SERIES);
          timeSeriesV2();
          leave(outer, Place.REQUEST);
        }
        default -> skip(tag);
      }
    }
  }

  /**
   * A symbol, kept as its place in the buffer. The first one must be empty ({@code
   * errorInvalidFirstSymbol}); references resolve against the symbols read so far, so a series
   * before its symbols fails as in Mimir. No limit on their number but the request's size.
   */
  private void symbol(int tag) throws RemoteWriteException {
    int size = length(tag, "Request.symbols");
    if (symbolCount == 0 && size > 0) {
      throw bad("Remote Write 2.0 symbols must start with empty string");
    }
    if (2 * symbolCount + 2 > symbols.length) {
      symbols = Arrays.copyOf(symbols, 2 * symbols.length);
    }
    symbols[2 * symbolCount] = pos;
    symbols[2 * symbolCount + 1] = size;
    if (symbolCount == symbolChecks.length) {
      symbolChecks = Arrays.copyOf(symbolChecks, 2 * symbolCount);
      nextName = Arrays.copyOf(nextName, 2 * symbolCount);
      nextNameOrder = Arrays.copyOf(nextNameOrder, 2 * symbolCount);
    }
    symbolChecks[symbolCount] = 0; // not checked yet in this request
    nextName[symbolCount] = -1;
    symbolCount++;
    pos += size;
  }

  /**
   * Resolves {@code ref} (a uint32) into {@link #symbolAt} and {@link #symbolLength}; false when it
   * is out of range. 0 is the empty string even when there is no symbol ({@code
   * rw2PagedSymbols.get}).
   */
  private boolean resolve(int ref) {
    if (ref == 0) {
      symbolAt = 0;
      symbolLength = 0;
      return true;
    }
    if (Integer.compareUnsigned(ref, symbolCount) >= 0) {
      return false;
    }
    symbolAt = symbols[2 * ref];
    symbolLength = symbols[2 * ref + 1];
    return true;
  }

  private void timeSeriesV2() throws RemoteWriteException {
    int start = pos;
    int end = limit;
    resetSeries();
    seriesLabelCount = 0;
    seriesMetricAt = 0;
    seriesMetricLength = 0;
    prevNameRef = -1;
    // The labels are checked as they are read, but the first series' only once its HA labels
    // have decided whether the replica label goes (when the tenant accepts HA samples).
    labelsDeferred = haUndecided;
    int tag;
    while ((tag = nextTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case V2_LABELS_REFS -> seriesLabelRefs(tag);
        case SAMPLES -> sampleField(tag);
        case V2_HISTOGRAMS -> histogramField(tag);
        case V2_EXEMPLARS -> exemplarField(tag);
        case V2_METADATA -> {
          int outer = enter(tag, "TimeSeries.metadata", Place.METADATA);
          metadataV2();
          leave(outer, Place.SERIES);
        }
        case V2_CREATED_TIMESTAMP -> {
          requireWireType(tag, WireFormat.WIRETYPE_VARINT, "TimeSeries.created_timestamp");
          readVarint(); // passed on to the ingesters; the distributor validates nothing of it
        }
        default -> skip(tag);
      }
    }
    if (labelsDeferred) {
      // The first series: its HA labels decide, then its labels are checked (its samples do not
      // depend on them).
      haUndecided = perSampleHa;
      findHaLabelsV2();
      replicaPending = stripReplica;
      for (int i = 0; i < 2 * seriesLabelCount; i += 2) {
        labelV2(seriesRefs[i], seriesRefs[i + 1]);
      }
    }
    endSeries(start, end);
  }

  /**
   * A packed run of label references ({@code TimeSeries.UnmarshalRW2}): only the packed form, an
   * even number of them (counted as Mimir counts, by the bytes that end a varint), each resolving
   * to a symbol. Each pair is one label, checked as it is read ({@link #labelV2}) unless the series
   * waits for its HA labels; the value of the last {@code __name__} read so far names the metric
   * for the series' metadata. Read in one pass: a run that is not an even number of whole, valid
   * references is refused with the error Mimir gives first ({@link #labelRefsEnd}'s, then the
   * reference's).
   */
  private void seriesLabelRefs(int tag) throws RemoteWriteException {
    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      labelRefsEnd(tag, ODD_LABEL_REFS); // throws: unpacked, or not length-delimited at all
    }
    int fieldAt = pos;
    int size = length(tag, "labels_refs");
    int end = pos + size;
    if (size > 0 && buf[end - 1] < 0) {
      throw refsProblem(tag, fieldAt, null);
    }
    if (seriesLabelCount == 0 // nothing of the series read yet: no name to order after
        && !labelsDeferred
        && !replicaPending
        && symbolCount > 0
        && commonLabelRefs(end)) {
      return;
    }
    int[] symbolSpans = symbols;
    while (pos < end) {
      int nameRef;
      int valueRef;
      try {
        nameRef = refAt(end);
        if (pos == end) {
          throw bad(ODD_LABEL_REFS);
        }
        valueRef = refAt(end);
      } catch (RemoteWriteException e) {
        throw refsProblem(tag, fieldAt, e);
      }
      if (Integer.compareUnsigned(nameRef, symbolCount) >= 0
          || Integer.compareUnsigned(valueRef, symbolCount) >= 0) {
        if ((nameRef | valueRef) != 0) { // 0 is "" even without symbols
          throw refsProblem(tag, fieldAt, bad("Remote Write 2.0 invalid label reference"));
        }
        label(0, 0, 0, 0, 0, 0); // no symbols at all: an empty name and value
        continue;
      }
      if (2 * seriesLabelCount + 2 > seriesRefs.length) {
        seriesRefs = Arrays.copyOf(seriesRefs, 2 * seriesRefs.length);
      }
      seriesRefs[2 * seriesLabelCount] = nameRef;
      seriesRefs[2 * seriesLabelCount + 1] = valueRef;
      seriesLabelCount++;
      if (symbolSpans[2 * nameRef + 1] == 8 && symbolValid(nameRef, METRIC_LABEL)) {
        seriesMetricAt = symbolSpans[2 * valueRef];
        seriesMetricLength = symbolSpans[2 * valueRef + 1];
      }
      if (!labelsDeferred) {
        labelV2(nameRef, valueRef);
      }
    }
  }

  private static final String ODD_LABEL_REFS = "Remote Write 2.0 odd number of label references";

  /**
   * A series' first run of label references when it is the common one, read in one loop: every
   * reference a one- or two-byte varint of a symbol read so far, in whole pairs; each name passing
   * its checks ({@link #NAME_PASSES}) and each value kept and passing its own ({@link
   * #VALUE_PASSES}); the names strictly increasing. The caller makes sure no replica label is to be
   * removed and the series' labels are not deferred. Then the walker is left as {@link #labelV2}
   * leaves it after each pair, and true is returned; otherwise false, with {@link #pos} and the
   * series' state as they were (only per-symbol memos filled), for the exact path to read the run
   * again.
   */
  private boolean commonLabelRefs(int end) {
    byte[] b = buf;
    int[] spans = symbols;
    int count = symbolCount;
    int p = pos;
    int pairs = 0;
    int prev = -1;
    int longestN = longestName;
    int longestV = longestValue;
    int metricValue = -1; // the value symbol of __name__
    int[] refs = seriesRefs;
    while (p < end) {
      int name = shortRef(b, p, end);
      if (name < 0) {
        return false;
      }
      p += name >>> 14;
      int value = shortRef(b, p, end); // none after the name: an odd number of references
      if (value < 0) {
        return false;
      }
      p += value >>> 14;
      int nameRef = name & 0x3fff;
      int valueRef = value & 0x3fff;
      if (nameRef >= count
          || valueRef >= count
          || !symbolValid(nameRef, NAME_PASSES)
          || !symbolValid(valueRef, VALUE_PASSES)) {
        return false;
      }
      int nLength = spans[2 * nameRef + 1];
      if (prev >= 0 && (prev == nameRef || nameOrder(prev, nameRef) <= 0)) {
        return false; // a duplicate name, or out of order
      }
      prev = nameRef;
      longestN = Math.max(longestN, nLength);
      longestV = Math.max(longestV, spans[2 * valueRef + 1]);
      if (nLength == 8 && symbolValid(nameRef, METRIC_LABEL)) {
        metricValue = valueRef; // the only one: the names are unique
      }
      if (2 * pairs + 2 > refs.length) {
        refs = Arrays.copyOf(refs, 2 * refs.length);
        seriesRefs = refs;
      }
      refs[2 * pairs] = nameRef;
      refs[2 * pairs + 1] = valueRef;
      pairs++;
    }
    pos = p;
    seriesLabelCount = pairs;
    rawLabels += pairs;
    labels += pairs;
    longestName = longestN;
    longestValue = longestV;
    prevNameRef = prev;
    if (metricValue >= 0) {
      seriesMetricAt = spans[2 * metricValue];
      seriesMetricLength = spans[2 * metricValue + 1];
      metricAt = seriesMetricAt;
      metricLength = seriesMetricLength;
      metricRef = metricValue;
    }
    return true;
  }

  /**
   * The error of a run of label references that did not read as whole pairs of valid references:
   * {@link #labelRefsEnd}'s when the run as a whole is wrong (Mimir counts before it resolves),
   * else {@code found}, the reference's own.
   */
  private RemoteWriteException refsProblem(int tag, int fieldAt, RemoteWriteException found)
      throws RemoteWriteException {
    pos = fieldAt;
    labelRefsEnd(tag, ODD_LABEL_REFS);
    if (found == null) {
      throw new IllegalStateException("labelRefsEnd passed a run that ends inside a varint");
    }
    return found;
  }

  /**
   * One label of a 2.0 series, by its symbols (both in range, and symbols exist): {@link
   * #label(int, int, int, int, int, int)}'s steps, with the order looked up by the pair of name
   * symbols ({@link #nextName}) instead of comparing bytes, and {@code __name__} by its symbol.
   */
  private void labelV2(int nameRef, int valueRef) {
    int[] spans = symbols;
    int nAt = spans[2 * nameRef];
    int nLength = spans[2 * nameRef + 1];
    int vAt = spans[2 * valueRef];
    int vLength = spans[2 * valueRef + 1];
    if (!counted(nAt, nLength, vLength)) {
      return;
    }
    int prev = prevNameRef;
    int cmp;
    if (prev < 0) {
      cmp = 1;
    } else if (prev == nameRef) {
      cmp = 0;
    } else {
      cmp = nameOrder(prev, nameRef);
    }
    prevNameRef = nameRef;
    boolean metric = nLength == 8 && metricAt < 0 && symbolValid(nameRef, METRIC_LABEL);
    inOrder(nAt, nLength, vAt, vLength, cmp, metric, nameRef, valueRef);
  }

  /**
   * How name symbol {@code name} compares with {@code prev}, another name symbol before it in the
   * series (the sign of compareBytes: 0 for the same bytes under two symbols), looked up when
   * {@code name} followed {@code prev} before in this request.
   */
  private int nameOrder(int prev, int name) {
    if (nextName[prev] == name) {
      return nextNameOrder[prev];
    }
    int[] spans = symbols;
    int cmp =
        Integer.signum(
            compareBytes(
                spans[2 * name], spans[2 * name + 1], spans[2 * prev], spans[2 * prev + 1]));
    nextName[prev] = name;
    nextNameOrder[prev] = (byte) cmp;
    return cmp;
  }

  /**
   * Checks the packed label references the field {@code tag} starts and returns where they end;
   * {@code odd} is Mimir's error for an unpacked field or an odd count. A run whose last byte
   * continues a varint is refused: Mimir's decoder would read that varint on into the next field.
   */
  private int labelRefsEnd(int tag, String odd) throws RemoteWriteException {
    int wireType = WireFormat.getTagWireType(tag);
    if (wireType == WireFormat.WIRETYPE_VARINT) {
      throw bad(odd);
    }
    if (wireType != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      throw wrongWireType(tag, "labels_refs", WireFormat.WIRETYPE_LENGTH_DELIMITED);
    }
    int size = length(tag, "labels_refs");
    int end = pos + size;
    int count = 0;
    int i = pos;
    for (; i + 8 <= end; i += 8) { // the bytes without a high bit, a word at a time
      count += Long.bitCount(~(long) LONGS.get(buf, i) & HIGH_BITS);
    }
    for (; i < end; i++) {
      if (buf[i] >= 0) {
        count++;
      }
    }
    if (count % 2 != 0) {
      throw bad(odd);
    }
    if (size > 0 && buf[end - 1] < 0) {
      throw bad("packed varints end in the middle of a varint");
    }
    return end;
  }

  /**
   * Whether symbol {@code ref} (a resolved one, or 0) passes {@code check} ({@link #NAME_VALID},
   * {@link #UTF8_VALID}, {@link #METRIC_VALID}, {@link #METRIC_LABEL}, {@link #NAME_PASSES} or
   * {@link #VALUE_PASSES}), made the first time a label needs it.
   */
  private boolean symbolValid(int ref, int check) {
    if (ref == 0 && symbolCount == 0) {
      return check == UTF8_VALID; // "" without a symbol table: no valid name, valid UTF-8
    }
    int c = symbolChecks[ref];
    if ((c & check << 1) == 0) {
      c = checkSymbol(ref, check, c); // kept apart: this method is inlined where labels are read
    }
    return (c & check) != 0;
  }

  /** Makes {@code check} of symbol {@code ref}, whose checks so far are {@code c}: them with it. */
  private int checkSymbol(int ref, int check, int c) {
    int at = symbols[2 * ref];
    int n = symbols[2 * ref + 1];
    boolean valid =
        switch (check) {
          case NAME_VALID -> validLabelName(at, n);
          case UTF8_VALID -> validUtf8(at, n);
          case METRIC_LABEL -> n == 8 && isNameLabel(at);
          case NAME_PASSES -> n <= limits.maxLabelNameLength() && validLabelName(at, n);
          case VALUE_PASSES ->
              n > 0
                  && (n <= limits.maxLabelValueLength()
                      || limits.labelValueStrategy() != LabelValueStrategy.ERROR)
                  && validUtf8(at, n);
          default -> validMetricName(at, n);
        };
    c |= check << 1 | (valid ? check : 0);
    symbolChecks[ref] = c;
    return c;
  }

  /**
   * The varint at {@code p} in a run ending at {@code end} when it takes one or two bytes: its
   * value (below 2^14) with its length in bytes from bit 14 up; -1 for a longer one or none.
   */
  private static int shortRef(byte[] b, int p, int end) {
    if (p >= end) {
      return -1;
    }
    int b0 = b[p];
    if (b0 >= 0) {
      return 1 << 14 | b0;
    }
    if (p + 1 < end && b[p + 1] >= 0) {
      return 2 << 14 | (b0 & 0x7f) | b[p + 1] << 7;
    }
    return -1;
  }

  /** The next reference of a packed run ending at {@code end}: a varint's low 32 bits. */
  private int refAt(int end) throws RemoteWriteException {
    int r = shortRef(buf, pos, end); // the common lengths first: one byte (128 symbols) or two
    if (r >= 0) {
      pos += r >>> 14;
      return r & 0x3fff;
    }
    long v = 0;
    for (int shift = 0; shift < 70 && pos < end; shift += 7) {
      byte b = buf[pos++];
      if (shift < 64) {
        v |= (long) (b & 0x7f) << shift;
      }
      if (b >= 0) {
        return (int) v;
      }
    }
    throw bad("malformed varint (more than 10 bytes) in a packed field");
  }

  /**
   * A 2.0 exemplar of a tenant that keeps them ({@code Exemplar.UnmarshalRW2}): its labels are
   * references, then {@link #exemplar}'s checks.
   */
  private void exemplarV2() throws RemoteWriteException {
    int labelCount = 0;
    long runes = 0;
    boolean nonBlank = false;
    long ts = 0;
    int tag;
    while ((tag = nextTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case EXEMPLAR_LABELS -> {
          int end = labelRefsEnd(tag, "Remote Write 2.0 odd number of exemplar label references");
          while (pos < end) {
            if (!resolve(refAt(end))) {
              throw bad("Remote Write 2.0 invalid exemplar label reference");
            }
            int nLength = symbolLength;
            long nRunes = Utf8.runeCount(buf, symbolAt, symbolLength);
            if (!resolve(refAt(end))) {
              throw bad("Remote Write 2.0 invalid exemplar label reference");
            }
            labelCount++;
            runes += nRunes + Utf8.runeCount(buf, symbolAt, symbolLength);
            nonBlank |= nLength > 0 && symbolLength > 0;
          }
        }
        case EXEMPLAR_VALUE -> {
          requireWireType(tag, WireFormat.WIRETYPE_FIXED64, "Exemplar.value");
          skipRaw(8);
        }
        case EXEMPLAR_TIMESTAMP -> {
          requireWireType(tag, WireFormat.WIRETYPE_VARINT, "Exemplar.timestamp");
          ts = readVarint();
        }
        default -> skip(tag);
      }
    }
    keepExemplar(labelCount, runes, nonBlank, ts);
  }

  /**
   * A series' metadata ({@code MetricMetadataUnmarshalRW2}): becomes one 1.0 entry for the series'
   * metric family (its {@code __name__} read so far, normalized by type as {@code
   * normalizeMetricName} in {@code custom.go} does), when it has a type, a HELP or a unit; only the
   * first entry of each family is kept ({@code dedupingMetadataSet}).
   */
  private void metadataV2() throws RemoteWriteException {
    int type = 0;
    int help = 0;
    int unit = 0;
    int tag;
    while ((tag = nextTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case METADATA_TYPE -> {
          requireWireType(tag, WireFormat.WIRETYPE_VARINT, "Metadata.type");
          type = (int) readVarint();
        }
        case V2_HELP_REF -> {
          requireWireType(tag, WireFormat.WIRETYPE_VARINT, "Metadata.help_ref");
          if (!resolve((int) readVarint())) {
            throw bad("Remote Write 2.0 invalid help reference");
          }
          help = symbolLength;
        }
        case V2_UNIT_REF -> {
          requireWireType(tag, WireFormat.WIRETYPE_VARINT, "Metadata.unit_ref");
          if (!resolve((int) readVarint())) {
            throw bad("Remote Write 2.0 invalid unit reference");
          }
          unit = symbolLength;
        }
        default -> skip(tag);
      }
    }
    int family = familyLength(seriesMetricAt, seriesMetricLength, type);
    if (family == 0 || (unit == 0 && help == 0 && type == 0)) {
      return; // nothing to keep: dropped without a word
    }
    if (newFamily(seriesMetricAt, family)) {
      metadataEntry(family, help, unit);
    }
  }

  /**
   * The length of the family name of metric {@code buf[at, at + n)} of 2.0 type {@code type}:
   * summaries lose {@code _count} or {@code _sum}, histograms {@code _bucket}, {@code _count} or
   * {@code _sum}, gauge histograms {@code _bucket}, {@code _gcount} or {@code _gsum} (the first
   * that matches); other names are kept whole, {@code _total} and {@code _info} included.
   */
  private int familyLength(int at, int n, int type) {
    return switch (type) {
      case V2_SUMMARY -> cutSuffix(at, n, "_count", "_sum", null);
      case V2_HISTOGRAM -> cutSuffix(at, n, "_bucket", "_count", "_sum");
      case V2_GAUGE_HISTOGRAM -> cutSuffix(at, n, "_bucket", "_gcount", "_gsum");
      default -> n;
    };
  }

  private int cutSuffix(int at, int n, String a, String b, String c) {
    for (String suffix : new String[] {a, b, c}) {
      if (suffix != null && endsWith(at, n, suffix)) {
        return n - suffix.length();
      }
    }
    return n;
  }

  private boolean endsWith(int at, int n, String suffix) {
    int k = suffix.length();
    if (n < k) {
      return false;
    }
    for (int i = 0; i < k; i++) {
      if (buf[at + n - k + i] != suffix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether family {@code buf[at, at + n)} is seen for the first time in this request. */
  private boolean newFamily(int at, int n) {
    if (2 * familyCount >= familySlots.length) {
      growFamilies();
    }
    int mask = familySlots.length - 1;
    for (int slot = hash(at, n) & mask; ; slot = (slot + 1) & mask) {
      int entry = familySlots[slot];
      if (entry == 0) {
        if (2 * familyCount + 2 > families.length) {
          families = Arrays.copyOf(families, 2 * families.length);
        }
        families[2 * familyCount] = at;
        families[2 * familyCount + 1] = n;
        familySlots[slot] = ++familyCount;
        return true;
      }
      int k = 2 * (entry - 1);
      if (families[k + 1] == n && equalBytes(families[k], at, n)) {
        return false;
      }
    }
  }

  private void growFamilies() {
    familySlots = new int[2 * familySlots.length];
    int mask = familySlots.length - 1;
    for (int e = 1; e <= familyCount; e++) {
      int slot = hash(families[2 * (e - 1)], families[2 * (e - 1) + 1]) & mask;
      while (familySlots[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      familySlots[slot] = e;
    }
  }

  private int hash(int at, int n) {
    int h = n;
    for (int i = at; i < at + n; i++) {
      h = 31 * h + buf[i];
    }
    return h ^ (h >>> 16);
  }

  // ---------------------------------------------------------------------------------------------
  // Wire format
  // ---------------------------------------------------------------------------------------------

  private int nextTag() throws RemoteWriteException {
    tagAt = pos;
    return readTag();
  }

  /** The next tag of the message being read, 0 at its end; errors name the field read last. */
  private int readTag() throws RemoteWriteException {
    if (pos == limit) {
      return 0; // the end of the message being read
    }
    int tag = (int) readVarint(); // a tag is 32 bits; protobuf-java drops the rest alike
    if (WireFormat.getTagFieldNumber(tag) == 0) {
      throw bad("invalid tag (zero)");
    }
    return tag;
  }

  /** A varint of at most 10 bytes inside the message being read; one byte is the common case. */
  private long readVarint() throws RemoteWriteException {
    int p = pos;
    if (p < limit) {
      byte b = buf[p];
      if (b >= 0) {
        pos = p + 1;
        return b;
      }
    }
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw bad(TRUNCATED);
      }
      byte b = buf[pos++];
      result |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return result;
      }
    }
    throw bad("malformed varint (more than 10 bytes)");
  }

  /** Moves past {@code n} bytes of the message being read. */
  private void skipRaw(long n) throws RemoteWriteException {
    if (n > limit - pos) {
      throw bad(TRUNCATED);
    }
    pos += (int) n;
  }

  /** Enters the embedded message of a length-delimited field; returns the limit to restore. */
  private int enter(int tag, String field, Place inner) throws RemoteWriteException {
    int size = length(tag, field);
    place = inner;
    int outer = limit;
    limit = pos + size;
    return outer;
  }

  /** Leaves an embedded message, which must have been read to its end. */
  private void leave(int outerLimit, Place outer) {
    pos = limit;
    limit = outerLimit;
    place = outer;
  }

  /** Skips a length-delimited field (bytes, string or message); returns its length. */
  private int skipBytes(int tag, String field) throws RemoteWriteException {
    int size = length(tag, field);
    pos += size; // length() checked it fits
    return size;
  }

  private void requireWireType(int tag, int expected, String field) throws RemoteWriteException {
    if (WireFormat.getTagWireType(tag) != expected) {
      throw wrongWireType(tag, field, expected);
    }
  }

  /**
   * Reads the length of a length-delimited field ({@code field} null for an unknown one), checking
   * that it fits in what is left of the enclosing message. Read as 64 bits, so a huge length is
   * refused rather than cut to its low bits.
   */
  private int length(int tag, String field) throws RemoteWriteException {
    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      throw wrongWireType(tag, field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    }
    long size = readVarint();
    int left = limit - pos;
    if (size < 0 || size > left) {
      throw bad(
          describe(tag, field)
              + " declares "
              + Long.toUnsignedString(size)
              + " bytes, only "
              + left
              + " left in "
              + (place == Place.REQUEST ? "the request" : "the enclosing message"));
    }
    return (int) size;
  }

  private void skip(int tag) throws RemoteWriteException {
    skip(tag, 0);
  }

  /** Skips an unknown field; {@code depth} counts the groups it is in. */
  private void skip(int tag, int depth) throws RemoteWriteException {
    switch (WireFormat.getTagWireType(tag)) {
      case WireFormat.WIRETYPE_VARINT -> readVarint();
      case WireFormat.WIRETYPE_FIXED64 -> skipRaw(8);
      case WireFormat.WIRETYPE_FIXED32 -> skipRaw(4);
      case WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
        int size = length(tag, null); // reads the length first: pos moves past it
        pos += size;
      }
      case WireFormat.WIRETYPE_START_GROUP -> skipGroup(tag, depth + 1);
      case WireFormat.WIRETYPE_END_GROUP ->
          throw bad(describe(tag, null) + ": end-group tag without a start-group");
      default ->
          throw bad(describe(tag, null) + ": invalid wire type " + WireFormat.getTagWireType(tag));
    }
  }

  /** Skips a group's fields up to the end-group tag of the same field number. */
  private void skipGroup(int startTag, int depth) throws RemoteWriteException {
    if (depth > MAX_GROUP_DEPTH) {
      throw bad("too many levels of nesting");
    }
    int end = (WireFormat.getTagFieldNumber(startTag) << 3) | WireFormat.WIRETYPE_END_GROUP;
    int tag;
    while ((tag = readTag()) != 0) { // errors inside point at the group's own tag
      if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_END_GROUP) {
        if (tag != end) {
          break;
        }
        return;
      }
      skip(tag, depth);
    }
    throw bad("end-group tag did not match expected tag");
  }

  private RemoteWriteException wrongWireType(int tag, String field, int expected) {
    int actual = WireFormat.getTagWireType(tag);
    return bad(
        describe(tag, field)
            + " has wire type "
            + actual
            + " ("
            + WIRE_TYPES[actual]
            + "), expected "
            + expected
            + " ("
            + WIRE_TYPES[expected]
            + ")");
  }

  private static String describe(int tag, String field) {
    int number = WireFormat.getTagFieldNumber(tag);
    return field == null ? "field " + number : field + " (field " + number + ")";
  }

  private RemoteWriteException bad(String what) {
    String where =
        switch (place) {
          case REQUEST -> "WriteRequest";
          case SERIES -> "timeseries #" + series;
          case LABEL -> "timeseries #" + series + ", label #" + rawLabels;
          case SAMPLE -> "timeseries #" + series + ", sample #" + seriesSamples;
          case HISTOGRAM -> "timeseries #" + series + ", histogram #" + seriesHistograms;
          case EXEMPLAR -> "timeseries #" + series + ", exemplar #" + seriesExemplars;
          case METADATA -> "metadata #" + metadata;
        };
    return new RemoteWriteException(
        BAD_BODY,
        "malformed WriteRequest: "
            + what
            + ", at byte "
            + tagAt
            + " of "
            + length
            + " (in "
            + where
            + ")");
  }

  private WriteRequestStats stats(long compressedBytes) {
    long validExemplars = exemplarsFromFloor(exemplarTimestamps, keptExemplars);
    exemplarsDropped += keptExemplars - validExemplars;
    return new WriteRequestStats(
        protocol,
        compressedBytes,
        length,
        series,
        floatSamples,
        histograms,
        exemplars,
        metadata,
        maxLabelsPerSeries,
        maxLabelNameLength,
        maxLabelValueLength,
        maxMetadataLength,
        validSamples,
        validExemplars,
        validMetadata,
        invalidSeries,
        droppedSamples,
        duplicateSamples,
        removedSeries,
        exemplarsCleared,
        exemplarsDropped,
        invalidMetadata,
        violationsForStats(),
        // prePushValidationMiddleware: series first, then metadata, whatever the wire order
        firstViolation != null ? firstViolation : firstMetadataViolation,
        firstViolation != null ? firstActual : firstMetadataActual,
        haCluster,
        haReplica,
        haGroups(),
        earliestFirstSample);
  }
}
