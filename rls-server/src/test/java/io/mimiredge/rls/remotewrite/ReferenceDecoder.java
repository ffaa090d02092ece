package io.mimiredge.rls.remotewrite;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A second, independent way to count a WriteRequest as Mimir's distributor does, for the tests: it
 * builds every message with protobuf-java's generic {@link UnknownFieldSet} parser (or reads it
 * field by field with {@link CodedInputStream}), turns labels into byte arrays, sorts them with
 * {@link Arrays#compareUnsigned}, checks names with regular expressions and UTF-8 with the JDK's
 * strict decoder, de-duplicates timestamps with a set and reduces histograms with a literal port of
 * Prometheus' {@code reduceResolution}. Slow, allocation-heavy, obviously right; it shares no code
 * with the scanner. Each rule names the Mimir code it follows.
 */
final class ReferenceDecoder {
  private static final Pattern LEGACY_METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LEGACY_LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final byte[] METRIC_NAME = "__name__".getBytes(StandardCharsets.US_ASCII);

  private ReferenceDecoder() {}

  private record Label(byte[] name, byte[] value) {}

  private record Histogram(
      long timestamp,
      int schema,
      boolean floatCounts,
      List<int[]> positiveSpans,
      List<int[]> negativeSpans,
      int positiveDeltas,
      int negativeDeltas,
      int positiveCounts,
      int negativeCounts) {}

  static WriteRequestStats stats(
      byte[] protobuf, long compressedBytes, ValidationLimits limits, long now)
      throws InvalidProtocolBufferException {
    UnknownFieldSet request = UnknownFieldSet.parseFrom(protobuf);
    // mimirpb compat_rw2.go: remote write 2.0's symbols (4) and timeseries (5) refused in 1.0
    if (request.hasField(4) || request.hasField(5)) {
      throw new InvalidProtocolBufferException("Remote Write 2.0 field in a 1.0 message");
    }
    List<ByteString> series = messages(request, 1);
    long maxFuture = now + limits.creationGraceMillis();
    if (maxFuture < now) {
      maxFuture = Long.MAX_VALUE;
    }
    long minPast =
        limits.pastGraceMillis() > 0
            ? now - limits.pastGraceMillis() - limits.outOfOrderWindowMillis()
            : Long.MIN_VALUE;

    // ha_dedupe_per_request.go: the HA labels of the first series only.
    byte[] cluster = null;
    byte[] replica = null;
    boolean strip = false;
    if (limits.acceptHaSamples() && !series.isEmpty()) {
      byte[] c = new byte[0];
      byte[] r = new byte[0];
      for (Label l : labels(UnknownFieldSet.parseFrom(series.get(0)))) {
        if (Arrays.equals(l.name(), bytes(limits.haReplicaLabel()))) {
          r = l.value();
        }
        if (Arrays.equals(l.name(), bytes(limits.haClusterLabel()))) {
          c = l.value();
        }
        if (c.length > 0 && r.length > 0) {
          break;
        }
      }
      // checkSample: both set, and the replica within max_label_value_length
      if (c.length > 0 && r.length > 0 && r.length <= limits.maxLabelValueLength()) {
        strip = true;
        cluster = c;
        replica = r;
      }
    }

    long floatSamples = 0;
    long histograms = 0;
    long exemplars = 0;
    int maxLabels = 0;
    int maxName = 0;
    int maxValue = 0;
    long validSamples = 0;
    long invalidSeries = 0;
    long droppedSamples = 0;
    long duplicates = 0;
    long removed = 0;
    long cleared = 0;
    long exemplarsDropped = 0;
    long[] violations = new long[Violation.values().length];
    Violation first = null;
    long firstActual = 0;
    long earliest = Long.MAX_VALUE;
    long earliestFirst = Long.MAX_VALUE; // getEarliestSampleTimestamp, over every series received
    List<Long> keptExemplars = new ArrayList<>();

    for (ByteString bytes : series) {
      UnknownFieldSet ts = UnknownFieldSet.parseFrom(bytes);
      List<Label> raw = labels(ts);
      List<Long> samples = new ArrayList<>();
      for (ByteString s : messages(ts, 2)) {
        samples.add(sampleTimestamp(s));
      }
      List<Histogram> hists = new ArrayList<>();
      for (ByteString h : messages(ts, 4)) {
        hists.add(histogram(h));
      }
      if (!samples.isEmpty()) {
        earliestFirst = Math.min(earliestFirst, samples.get(0));
      }
      if (!hists.isEmpty()) {
        earliestFirst = Math.min(earliestFirst, hists.get(0).timestamp());
      }
      List<ByteString> exs = messages(ts, 3);
      // Mimir unmarshals every exemplar, kept or not: a malformed one fails the request. (When
      // the tenant clears them, the scanner skips their bytes as the old walk did: see README.)
      List<long[]> parsedExemplars = new ArrayList<>(); // {timestamp, valid without the time bound}
      if (limits.exemplarsEnabled()) {
        for (ByteString e : exs) {
          parsedExemplars.add(exemplar(e, maxFuture));
        }
      }
      floatSamples += samples.size();
      histograms += hists.size();
      exemplars += exs.size();
      maxLabels = Math.max(maxLabels, raw.size());
      for (Label l : raw) {
        maxName = Math.max(maxName, l.name().length);
        maxValue = Math.max(maxValue, l.value().length);
      }
      // RemoveLabel(replica) (mimirpb's PreallocTimeseries.RemoveLabel: the first label of that
      // name, whatever its value), RemoveEmptyLabelValues, then SortLabelsIfNeeded.
      List<Label> ls = new ArrayList<>(raw);
      if (strip) {
        for (int i = 0; i < ls.size(); i++) {
          if (Arrays.equals(ls.get(i).name(), bytes(limits.haReplicaLabel()))) {
            ls.remove(i);
            break;
          }
        }
      }
      ls.removeIf(l -> l.value().length == 0);
      if (ls.isEmpty()) {
        removed++;
        if (limits.exemplarsEnabled()) {
          exemplarsDropped += exs.size();
        } else {
          cleared += exs.size();
        }
        continue;
      }
      ls.sort((a, b) -> Arrays.compareUnsigned(a.name(), b.name()));
      for (long t : samples) {
        earliest = Math.min(earliest, t);
      }
      for (Histogram h : hists) {
        earliest = Math.min(earliest, h.timestamp());
      }

      long[] actual = new long[1];
      Violation v = seriesViolation(ls, samples, hists, limits, maxFuture, minPast, actual);
      if (v != null) {
        invalidSeries++;
        violations[v.ordinal()]++;
        droppedSamples += samples.size() + hists.size();
        if (limits.exemplarsEnabled()) {
          exemplarsDropped += exs.size();
        } else {
          cleared += exs.size();
        }
        if (first == null) {
          first = v;
          firstActual = actual[0];
        }
        continue;
      }
      Set<Long> distinct = new HashSet<>(samples);
      Set<Long> distinctHists = new HashSet<>();
      for (Histogram h : hists) {
        distinctHists.add(h.timestamp());
      }
      validSamples += distinct.size() + distinctHists.size();
      duplicates += samples.size() - distinct.size() + hists.size() - distinctHists.size();
      if (!limits.exemplarsEnabled()) {
        cleared += exs.size(); // validateExemplars: ClearExemplars when the limit is 0
        continue;
      }
      for (int i = 0; i < exs.size(); i++) {
        if (limits.maxExemplarsPerSeriesPerRequest() > 0
            && i >= limits.maxExemplarsPerSeriesPerRequest()) {
          exemplarsDropped++; // ResizeExemplars keeps the first ones
          continue;
        }
        long[] e = parsedExemplars.get(i);
        if (e[1] == 0) {
          exemplarsDropped++;
        } else {
          keptExemplars.add(e[0]);
        }
      }
    }

    // cleanAndValidateMetadata
    long validMetadata = 0;
    long invalidMetadata = 0;
    int maxMetadata = 0;
    List<ByteString> metadata = messages(request, 3);
    for (ByteString bytes : metadata) {
      UnknownFieldSet m = UnknownFieldSet.parseFrom(bytes);
      if (!onlyVarints(m.getField(1))) {
        throw new InvalidProtocolBufferException("MetricMetadata.type is not a varint");
      }
      int family = lastLength(m, 2);
      int help = lastLength(m, 4);
      int unit = lastLength(m, 5);
      maxMetadata = Math.max(maxMetadata, Math.max(help, unit));
      Violation v = null;
      if (family == 0 && limits.enforceMetadataMetricName()) {
        v = Violation.METADATA_MISSING_METRIC_NAME;
      } else if (family > limits.maxMetadataLength()) {
        v = Violation.METADATA_METRIC_NAME_TOO_LONG;
      } else if (unit > limits.maxMetadataLength()) {
        v = Violation.METADATA_UNIT_TOO_LONG;
      }
      if (v == null) {
        validMetadata++;
      } else {
        invalidMetadata++;
        violations[v.ordinal()]++;
        if (first == null) {
          first = v;
          firstActual = v == Violation.METADATA_UNIT_TOO_LONG ? unit : family;
        }
      }
    }

    // distributor.go: exemplars older than 5m before the earliest sample (or the past grace
    // period) are dropped; no lower bound without samples.
    long minExemplar = 0;
    if (earliest != Long.MAX_VALUE) {
      minExemplar = earliest - 5 * 60 * 1000L;
      if (limits.pastGraceMillis() > 0) {
        minExemplar = Math.max(minExemplar, minPast);
      }
    }
    long validExemplars = 0;
    for (long t : keptExemplars) {
      if (t >= minExemplar) {
        validExemplars++;
      } else {
        exemplarsDropped++;
      }
    }
    return new WriteRequestStats(
        Protocol.RW1,
        compressedBytes,
        protobuf.length,
        series.size(),
        floatSamples,
        histograms,
        exemplars,
        metadata.size(),
        maxLabels,
        maxName,
        maxValue,
        maxMetadata,
        validSamples,
        validExemplars,
        validMetadata,
        invalidSeries,
        droppedSamples,
        duplicates,
        removed,
        cleared,
        exemplarsDropped,
        invalidMetadata,
        violations,
        first,
        firstActual,
        cluster == null ? null : new String(cluster, StandardCharsets.UTF_8),
        replica == null ? null : new String(replica, StandardCharsets.UTF_8),
        List.of(),
        earliestFirst);
  }

  /** validateLabels, validateSamples, validateHistograms: the first violation of the series. */
  private static Violation seriesViolation(
      List<Label> ls,
      List<Long> samples,
      List<Histogram> hists,
      ValidationLimits limits,
      long maxFuture,
      long minPast,
      long[] actual) {
    Label metric = null;
    for (Label l : ls) {
      if (Arrays.equals(l.name(), METRIC_NAME)) {
        metric = l;
        break;
      }
    }
    boolean legacy = limits.nameValidation() == NameValidation.LEGACY;
    if (metric == null) {
      return Violation.MISSING_METRIC_NAME;
    }
    if (legacy ? !LEGACY_METRIC.matcher(latin1(metric.value())).matches() : !utf8Name(metric)) {
      return Violation.METRIC_NAME_INVALID;
    }
    if (ls.size() > limits.maxLabelNamesPerSeries()) {
      actual[0] = ls.size();
      if (!latin1(metric.value()).endsWith("_info")) {
        return Violation.MAX_LABEL_NAMES_PER_SERIES;
      }
      if (ls.size() > limits.maxLabelNamesPerInfoSeries()) {
        return Violation.MAX_LABEL_NAMES_PER_INFO_SERIES;
      }
    }
    byte[] previous = null;
    for (Label l : ls) {
      boolean nameOk =
          legacy
              ? LEGACY_LABEL.matcher(latin1(l.name())).matches()
              : l.name().length > 0 && validUtf8(l.name());
      if (!nameOk) {
        return Violation.LABEL_INVALID;
      }
      if (l.name().length > limits.maxLabelNameLength()) {
        actual[0] = l.name().length;
        return Violation.LABEL_NAME_TOO_LONG;
      }
      if (!validUtf8(l.value())) {
        return Violation.LABEL_VALUE_INVALID;
      }
      if (l.value().length > limits.maxLabelValueLength()
          && limits.labelValueStrategy() == LabelValueStrategy.ERROR) {
        actual[0] = l.value().length;
        return Violation.LABEL_VALUE_TOO_LONG;
      }
      if (previous != null && Arrays.equals(previous, l.name())) {
        return Violation.DUPLICATE_LABEL_NAMES;
      }
      previous = l.name();
    }
    for (long t : samples) {
      if (t > maxFuture) {
        actual[0] = t;
        return Violation.TOO_FAR_IN_FUTURE;
      }
      if (t < minPast) {
        actual[0] = t;
        return Violation.TOO_FAR_IN_PAST;
      }
    }
    for (Histogram h : hists) {
      actual[0] = h.timestamp();
      if (h.timestamp() > maxFuture) {
        return Violation.TOO_FAR_IN_FUTURE;
      }
      if (h.timestamp() < minPast) {
        return Violation.TOO_FAR_IN_PAST;
      }
      if ((h.schema() < -4 || h.schema() > 8) && h.schema() != -53) {
        actual[0] = h.schema();
        return Violation.INVALID_NATIVE_HISTOGRAM_SCHEMA;
      }
      int bucketLimit = limits.maxNativeHistogramBuckets();
      int count = h.positiveDeltas() + h.negativeDeltas() + h.positiveCounts() + h.negativeCounts();
      if (bucketLimit > 0 && count > bucketLimit) {
        actual[0] = count;
        if (h.schema() == -53) {
          return Violation.NATIVE_HISTOGRAM_CUSTOM_BUCKETS_NOT_REDUCIBLE;
        }
        if (!limits.reduceNativeHistogramOverMaxBuckets()) {
          return Violation.MAX_NATIVE_HISTOGRAM_BUCKETS;
        }
        if (!reducible(h, bucketLimit)) {
          return Violation.NOT_REDUCIBLE_NATIVE_HISTOGRAM;
        }
      }
    }
    return null;
  }

  private static boolean utf8Name(Label metric) {
    return metric.value().length > 0 && validUtf8(metric.value());
  }

  /**
   * validateSampleHistogram's loop over mimirpb's ReduceResolution: for integer histograms a
   * literal port of Prometheus' reduceResolution over the spans and their buckets; the float
   * reduction reports len(PositiveDeltas) + len(NegativeDeltas) (mimirpb's own quirk).
   */
  private static boolean reducible(Histogram h, int bucketLimit) {
    List<int[]> pos = h.positiveSpans();
    List<int[]> neg = h.negativeSpans();
    int posBuckets = h.floatCounts() ? h.positiveCounts() : h.positiveDeltas();
    int negBuckets = h.floatCounts() ? h.negativeCounts() : h.negativeDeltas();
    if (spanBuckets(pos) > posBuckets || spanBuckets(neg) > negBuckets) {
      return false; // Go would index past the buckets: the request fails in Mimir
    }
    int schema = h.schema();
    int posCount = posBuckets;
    int negCount = negBuckets;
    while (true) {
      if (schema == -4) {
        return false;
      }
      int bc;
      if (h.floatCounts()) {
        bc = h.positiveDeltas() + h.negativeDeltas();
      } else {
        pos = reduce(pos, posCount, schema);
        neg = reduce(neg, negCount, schema);
        posCount = (int) spanBuckets(pos);
        negCount = (int) spanBuckets(neg);
        bc = posCount + negCount;
      }
      schema--;
      if (bc < bucketLimit) {
        return true;
      }
    }
  }

  private static long spanBuckets(List<int[]> spans) {
    long n = 0;
    for (int[] s : spans) {
      n += Integer.toUnsignedLong(s[1]);
    }
    return n;
  }

  /** reduceResolution(originSpans, originBuckets, schema, schema-1): the target spans. */
  private static List<int[]> reduce(List<int[]> spans, int buckets, int schema) {
    List<int[]> target = new ArrayList<>();
    int bucketIdx = 0;
    int countIdx = 0;
    int lastTargetIdx = 0;
    for (int[] span : spans) {
      bucketIdx += span[0];
      for (long j = 0; j < Integer.toUnsignedLong(span[1]) && countIdx < buckets; j++) {
        int targetIdx = ((bucketIdx - 1) >> (schema - (schema - 1))) + 1;
        if (target.isEmpty()) {
          target.add(new int[] {targetIdx, 1});
          lastTargetIdx = targetIdx;
        } else if (lastTargetIdx == targetIdx) {
          // merged into the same target bucket
        } else if (lastTargetIdx + 1 == targetIdx) {
          target.get(target.size() - 1)[1]++;
          lastTargetIdx++;
        } else if (lastTargetIdx + 1 < targetIdx) {
          target.add(new int[] {targetIdx - lastTargetIdx - 1, 1});
          lastTargetIdx = targetIdx;
        }
        bucketIdx++;
        countIdx++;
      }
    }
    return target;
  }

  /**
   * validateExemplar: {timestamp, 1 when kept (labels, a timestamp, at most 128 runes, a non-blank
   * label, not after {@code maxFuture}) else 0}.
   */
  private static long[] exemplar(ByteString bytes, long maxFuture)
      throws InvalidProtocolBufferException {
    CodedInputStream in = bytes.newCodedInput();
    long t = 0;
    List<Label> el = new ArrayList<>();
    try {
      int tag;
      while ((tag = in.readTag()) != 0) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> {
            expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            el.add(label(UnknownFieldSet.parseFrom(in.readBytes())));
          }
          case 3 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT);
            t = in.readInt64();
          }
          default -> skip(in, tag);
        }
      }
    } catch (IOException e) {
      throw asInvalid(e);
    }
    long runes = 0;
    boolean nonBlank = false;
    for (Label l : el) {
      runes += goRunes(l.name()) + goRunes(l.value());
      nonBlank |= l.name().length > 0 && l.value().length > 0;
    }
    boolean kept = !el.isEmpty() && t != 0 && runes <= 128 && nonBlank && t <= maxFuture;
    return new long[] {t, kept ? 1 : 0};
  }

  private static Histogram histogram(ByteString bytes) throws InvalidProtocolBufferException {
    CodedInputStream in = bytes.newCodedInput();
    long ts = 0;
    int schema = 0;
    boolean floatCounts = false;
    List<int[]> pos = new ArrayList<>();
    List<int[]> neg = new ArrayList<>();
    int[] entries = new int[4]; // positive deltas, negative deltas, positive counts, negative
    try {
      int tag;
      while ((tag = in.readTag()) != 0) {
        int wire = WireFormat.getTagWireType(tag);
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT);
            in.readUInt64();
            floatCounts = false;
          }
          case 2 -> {
            expect(tag, WireFormat.WIRETYPE_FIXED64);
            in.readDouble();
            floatCounts = true;
          }
          case 4 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT);
            schema = in.readSInt32();
          }
          case 15 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT);
            ts = in.readInt64();
          }
          case 8 -> {
            expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            neg.add(span(in.readBytes()));
          }
          case 11 -> {
            expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            pos.add(span(in.readBytes()));
          }
          case 12, 9 -> {
            int k = WireFormat.getTagFieldNumber(tag) == 12 ? 0 : 1;
            if (wire == WireFormat.WIRETYPE_VARINT) {
              in.readSInt64();
              entries[k]++;
            } else {
              expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
              CodedInputStream packed = in.readBytes().newCodedInput();
              while (!packed.isAtEnd()) {
                packed.readRawVarint64();
                entries[k]++;
              }
            }
          }
          case 13, 10 -> {
            int k = WireFormat.getTagFieldNumber(tag) == 13 ? 2 : 3;
            if (wire == WireFormat.WIRETYPE_FIXED64) {
              in.readDouble();
              entries[k]++;
            } else {
              expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
              ByteString packed = in.readBytes();
              if (packed.size() % 8 != 0) {
                throw new InvalidProtocolBufferException("packed doubles not a multiple of 8");
              }
              entries[k] += packed.size() / 8;
            }
          }
          default -> skip(in, tag);
        }
      }
    } catch (IOException e) {
      throw asInvalid(e);
    }
    return new Histogram(
        ts, schema, floatCounts, pos, neg, entries[0], entries[1], entries[2], entries[3]);
  }

  private static int[] span(ByteString bytes) throws InvalidProtocolBufferException {
    CodedInputStream in = bytes.newCodedInput();
    int offset = 0;
    int length = 0;
    try {
      int tag;
      while ((tag = in.readTag()) != 0) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT);
            offset = in.readSInt32();
          }
          case 2 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT);
            length = in.readUInt32();
          }
          default -> skip(in, tag);
        }
      }
    } catch (IOException e) {
      throw asInvalid(e);
    }
    return new int[] {offset, length};
  }

  private static long sampleTimestamp(ByteString bytes) throws InvalidProtocolBufferException {
    CodedInputStream in = bytes.newCodedInput();
    long ts = 0;
    try {
      int tag;
      while ((tag = in.readTag()) != 0) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> {
            expect(tag, WireFormat.WIRETYPE_FIXED64);
            in.readDouble();
          }
          case 2 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT);
            ts = in.readInt64();
          }
          default -> skip(in, tag);
        }
      }
    } catch (IOException e) {
      throw asInvalid(e);
    }
    return ts;
  }

  /**
   * Skips an unknown field; an end-group tag outside a group is malformed, as protobuf-java says.
   */
  static void skip(CodedInputStream in, int tag) throws IOException {
    if (!in.skipField(tag)) {
      throw new InvalidProtocolBufferException("end-group tag without a start-group");
    }
  }

  private static void expect(int tag, int wireType) throws InvalidProtocolBufferException {
    if (WireFormat.getTagWireType(tag) != wireType) {
      throw new InvalidProtocolBufferException(
          "wrong wire type for field " + WireFormat.getTagFieldNumber(tag));
    }
  }

  private static InvalidProtocolBufferException asInvalid(IOException e) {
    return e instanceof InvalidProtocolBufferException i
        ? i
        : new InvalidProtocolBufferException(e.getMessage());
  }

  private static List<Label> labels(UnknownFieldSet ts) throws InvalidProtocolBufferException {
    List<Label> out = new ArrayList<>();
    for (ByteString l : messages(ts, 1)) {
      out.add(label(UnknownFieldSet.parseFrom(l)));
    }
    return out;
  }

  private static Label label(UnknownFieldSet l) throws InvalidProtocolBufferException {
    return new Label(last(l, 1), last(l, 2));
  }

  /** Go's utf8.RuneCountInString: each byte of an invalid sequence counts as one rune. */
  static long goRunes(byte[] b) {
    long runes = 0;
    int i = 0;
    while (i < b.length) {
      int width = 0;
      for (int w = 1; w <= 4 && i + w <= b.length; w++) {
        byte[] piece = Arrays.copyOfRange(b, i, i + w);
        if (validUtf8(piece)
            && new String(piece, StandardCharsets.UTF_8)
                    .codePointCount(0, new String(piece, StandardCharsets.UTF_8).length())
                == 1) {
          width = w;
          break;
        }
      }
      i += width == 0 ? 1 : width;
      runes++;
    }
    return runes;
  }

  static boolean validUtf8(byte[] b) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The entries of a length-delimited field; any other wire type for it is malformed. */
  private static List<ByteString> messages(UnknownFieldSet set, int number)
      throws InvalidProtocolBufferException {
    UnknownFieldSet.Field field = set.getField(number);
    if (!field.getVarintList().isEmpty()
        || !field.getFixed32List().isEmpty()
        || !field.getFixed64List().isEmpty()
        || !field.getGroupList().isEmpty()) {
      throw new InvalidProtocolBufferException("field " + number + " is not length-delimited");
    }
    return field.getLengthDelimitedList();
  }

  /** The last occurrence of a bytes field (protobuf: the last one wins), empty if none. */
  private static byte[] last(UnknownFieldSet set, int number)
      throws InvalidProtocolBufferException {
    List<ByteString> values = messages(set, number);
    return values.isEmpty() ? new byte[0] : values.get(values.size() - 1).toByteArray();
  }

  private static int lastLength(UnknownFieldSet set, int number)
      throws InvalidProtocolBufferException {
    return last(set, number).length;
  }

  private static boolean onlyVarints(UnknownFieldSet.Field field) {
    return field.getFixed32List().isEmpty()
        && field.getFixed64List().isEmpty()
        && field.getLengthDelimitedList().isEmpty()
        && field.getGroupList().isEmpty();
  }
}
