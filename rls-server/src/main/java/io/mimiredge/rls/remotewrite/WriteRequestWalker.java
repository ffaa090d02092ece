package io.mimiredge.rls.remotewrite;

import static io.mimiredge.rls.remotewrite.RemoteWriteException.Kind.BAD_BODY;

import com.google.protobuf.WireFormat;

/**
 * One walk over a decoded {@code prometheus.WriteRequest} (remote write 1.0) in protobuf wire
 * format: it reads tags and lengths, skips every byte it does not count and keeps the totals in
 * fields, so a scan allocates nothing per series or label. Single use; not thread-safe.
 *
 * <p>It reads the bytes itself, with protobuf-java's rules (varints of at most 10 bytes, tags of 32
 * bits, field number 0 refused, groups closed by their own end tag, nested at most 100 deep), and
 * the message limits as plain ints. Measured on 2000-series requests, walking with protobuf-java's
 * {@code CodedInputStream} cost 1.5 to 2.9 times the snappy decode (its per-call limit bookkeeping
 * on some 60,000 fields), past the 2x budget the CI gate holds the scan to; reading the bytes
 * directly costs about as much as the decode.
 *
 * <p>Samples, exemplars and histograms are counted, not parsed: a malformed one passes here and
 * Mimir rejects the request. Unknown fields are skipped anywhere; a known field with the wrong wire
 * type is refused, as Mimir's decoder refuses it.
 */
final class WriteRequestWalker {
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
  // prometheus.MetricMetadata
  private static final int METADATA_TYPE = 1;
  private static final int METADATA_FAMILY_NAME = 2;
  private static final int METADATA_HELP = 4;
  private static final int METADATA_UNIT = 5;
  // names of the wire types 0-7, for error messages
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
    METADATA
  }

  // one-byte tags of the hot fields, length-delimited: (field << 3) | 2
  private static final byte LABELS_TAG = (LABELS << 3) | 2;
  private static final byte SAMPLES_TAG = (SAMPLES << 3) | 2;
  private static final byte NAME_TAG = (LABEL_NAME << 3) | 2;
  private static final byte VALUE_TAG = (LABEL_VALUE << 3) | 2;
  private static final int MAX_GROUP_DEPTH = 100; // protobuf-java's default recursion limit
  private static final String TRUNCATED = "ended unexpectedly in the middle of a field";

  private final byte[] buf;
  private final int length;
  private int pos;
  private int limit; // end of the message being read
  private final ValidationLimits limits;
  private Place place = Place.REQUEST;
  private int tagAt; // offset of the field being read, for error messages

  private long series;
  private long floatSamples;
  private long histograms;
  private long exemplars;
  private long metadata;
  private int maxLabelsPerSeries;
  private int maxLabelNameLength;
  private int maxLabelValueLength;
  private int maxMetadataLength;
  private long seriesOverMaxLabelNames;
  private long seriesOverLabelNameLength;
  private long seriesOverLabelValueLength;
  private long metadataOverLength;
  private long invalidSeries;
  private long droppedItems;

  // the series being walked
  private int seriesLabels;
  private int labelNameLength;
  private int labelValueLength;

  private WriteRequestWalker(byte[] buf, int length, ValidationLimits limits) {
    this.buf = buf;
    this.length = length;
    this.limit = length;
    this.limits = limits;
  }

  /** Walks {@code buf[0, length)} as a WriteRequest and counts it against {@code limits}. */
  static WriteRequestStats walk(
      byte[] buf, int length, long compressedBytes, ValidationLimits limits)
      throws RemoteWriteException {
    WriteRequestWalker walker = new WriteRequestWalker(buf, length, limits);
    walker.request();
    return walker.stats(compressedBytes);
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
        default -> skip(tag);
      }
    }
  }

  private void timeSeries() throws RemoteWriteException {
    seriesLabels = 0;
    int longestName = 0;
    int longestValue = 0;
    long items = 0; // samples + histograms + exemplars: what Mimir drops with an invalid series
    int tag;
    while (true) {
      // The common shapes first: a label whose lengths fit one byte each, and a sample. Anything
      // else, including anything malformed, goes the general way below with its checks and errors.
      int p = pos;
      if (p + 1 < limit) {
        byte first = buf[p];
        int size = buf[p + 1];
        if (size >= 0 && size <= limit - p - 2) {
          if (first == LABELS_TAG && shortLabel(p + 2, p + 2 + size)) {
            pos = p + 2 + size;
            seriesLabels++;
            longestName = Math.max(longestName, labelNameLength);
            longestValue = Math.max(longestValue, labelValueLength);
            continue;
          }
          if (first == SAMPLES_TAG) {
            pos = p + 2 + size;
            floatSamples++;
            items++;
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
          label();
          leave(outer, Place.SERIES);
          seriesLabels++;
          longestName = Math.max(longestName, labelNameLength);
          longestValue = Math.max(longestValue, labelValueLength);
        }
        case SAMPLES -> {
          skipBytes(tag, "TimeSeries.samples");
          floatSamples++;
          items++;
        }
        case EXEMPLARS -> {
          skipBytes(tag, "TimeSeries.exemplars");
          exemplars++;
          items++;
        }
        case HISTOGRAMS -> {
          skipBytes(tag, "TimeSeries.histograms");
          histograms++;
          items++;
        }
        default -> skip(tag);
      }
    }
    series++;
    maxLabelsPerSeries = Math.max(maxLabelsPerSeries, seriesLabels);
    maxLabelNameLength = Math.max(maxLabelNameLength, longestName);
    maxLabelValueLength = Math.max(maxLabelValueLength, longestValue);
    // Each limit is counted on its own; a series breaking several is still one invalid series.
    boolean tooManyLabels = seriesLabels > limits.maxLabelNamesPerSeries();
    boolean nameTooLong = longestName > limits.maxLabelNameLength();
    boolean valueTooLong = longestValue > limits.maxLabelValueLength();
    if (tooManyLabels) {
      seriesOverMaxLabelNames++;
    }
    if (nameTooLong) {
      seriesOverLabelNameLength++;
    }
    if (valueTooLong) {
      seriesOverLabelValueLength++;
    }
    if (tooManyLabels || nameTooLong || valueTooLong) {
      invalidSeries++;
      droppedItems += items;
    }
  }

  /**
   * Reads a label in {@code buf[p, end)} made only of name and value fields with one-byte lengths
   * (nearly every label), setting {@link #labelNameLength} and {@link #labelValueLength}; false,
   * having changed nothing, for any other label.
   */
  private boolean shortLabel(int p, int end) {
    int name = 0;
    int value = 0;
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
        name = size; // a field seen twice: the last one wins, as protobuf decoders do
      } else if (field == VALUE_TAG) {
        value = size;
      } else {
        return false;
      }
      p += 2 + size;
    }
    labelNameLength = name;
    labelValueLength = value;
    return true;
  }

  private void label() throws RemoteWriteException {
    // A field seen twice: the last one wins, as protobuf decoders do.
    labelNameLength = 0;
    labelValueLength = 0;
    int tag;
    while ((tag = nextTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case LABEL_NAME -> labelNameLength = skipBytes(tag, "Label.name");
        case LABEL_VALUE -> labelValueLength = skipBytes(tag, "Label.value");
        default -> skip(tag);
      }
    }
  }

  private void metricMetadata() throws RemoteWriteException {
    int familyName = 0;
    int help = 0;
    int unit = 0;
    int tag;
    while ((tag = nextTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case METADATA_TYPE -> {
          if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_VARINT) {
            throw wrongWireType(tag, "MetricMetadata.type", WireFormat.WIRETYPE_VARINT);
          }
          readVarint();
        }
        case METADATA_FAMILY_NAME ->
            familyName = skipBytes(tag, "MetricMetadata.metric_family_name");
        case METADATA_HELP -> help = skipBytes(tag, "MetricMetadata.help");
        case METADATA_UNIT -> unit = skipBytes(tag, "MetricMetadata.unit");
        default -> skip(tag);
      }
    }
    metadata++;
    maxMetadataLength = Math.max(maxMetadataLength, Math.max(help, unit));
    // Mimir truncates an over-long help text but drops the entry for a long name or unit.
    if (familyName > limits.maxMetadataLength() || unit > limits.maxMetadataLength()) {
      metadataOverLength++;
      droppedItems++;
    }
  }

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

  private void leave(int outerLimit, Place outer) {
    limit = outerLimit;
    place = outer;
  }

  /** Skips a length-delimited field (bytes, string or message); returns its length. */
  private int skipBytes(int tag, String field) throws RemoteWriteException {
    int size = length(tag, field);
    pos += size; // length() checked it fits
    return size;
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
          case LABEL -> "timeseries #" + series + ", label #" + seriesLabels;
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
    return new WriteRequestStats(
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
        seriesOverMaxLabelNames,
        seriesOverLabelNameLength,
        seriesOverLabelValueLength,
        metadataOverLength,
        invalidSeries,
        droppedItems);
  }
}
