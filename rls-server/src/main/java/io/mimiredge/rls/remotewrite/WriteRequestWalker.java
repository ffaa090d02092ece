package io.mimiredge.rls.remotewrite;

import static io.mimiredge.rls.remotewrite.RemoteWriteException.Kind.BAD_BODY;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;

/**
 * One walk over a decoded {@code prometheus.WriteRequest} (remote write 1.0) in protobuf wire
 * format: it reads tags and lengths, skips every byte it does not count and keeps the totals in
 * fields, so a scan allocates nothing per series or label. Single use; not thread-safe.
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

  private final CodedInputStream in;
  private final int length;
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
    this.in = CodedInputStream.newInstance(buf, 0, length);
    this.length = length;
    this.limits = limits;
  }

  /** Walks {@code buf[0, length)} as a WriteRequest and counts it against {@code limits}. */
  static WriteRequestStats walk(
      byte[] buf, int length, long compressedBytes, ValidationLimits limits)
      throws RemoteWriteException {
    WriteRequestWalker walker = new WriteRequestWalker(buf, length, limits);
    try {
      walker.request();
    } catch (IOException e) { // protobuf-java's InvalidProtocolBufferException: bad varint, etc.
      throw walker.bad(firstSentence(e.getMessage()));
    }
    return walker.stats(compressedBytes);
  }

  private void request() throws IOException, RemoteWriteException {
    in.pushLimit(length); // an explicit limit makes getBytesUntilLimit() work at the top level
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

  private void timeSeries() throws IOException, RemoteWriteException {
    seriesLabels = 0;
    int longestName = 0;
    int longestValue = 0;
    long items = 0; // samples + histograms + exemplars: what Mimir drops with an invalid series
    int tag;
    while ((tag = nextTag()) != 0) {
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

  private void label() throws IOException, RemoteWriteException {
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

  private void metricMetadata() throws IOException, RemoteWriteException {
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
          in.readRawVarint64();
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

  private int nextTag() throws IOException {
    tagAt = in.getTotalBytesRead();
    return in.readTag();
  }

  /** Enters the embedded message of a length-delimited field; returns the limit to restore. */
  private int enter(int tag, String field, Place inner) throws IOException, RemoteWriteException {
    int size = length(tag, field);
    place = inner;
    return in.pushLimit(size);
  }

  private void leave(int outerLimit, Place outer) {
    in.popLimit(outerLimit);
    place = outer;
  }

  /** Skips a length-delimited field (bytes, string or message); returns its length. */
  private int skipBytes(int tag, String field) throws IOException, RemoteWriteException {
    int size = length(tag, field);
    in.skipRawBytes(size);
    return size;
  }

  /**
   * Reads the length of a length-delimited field ({@code field} null for an unknown one), checking
   * that it fits in what is left of the enclosing message. Read as 64 bits rather than with
   * protobuf-java's readRawVarint32, which silently drops the high bits of a huge length.
   */
  private int length(int tag, String field) throws IOException, RemoteWriteException {
    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      throw wrongWireType(tag, field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    }
    long size = in.readRawVarint64();
    int left = in.getBytesUntilLimit();
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

  private void skip(int tag) throws IOException, RemoteWriteException {
    switch (WireFormat.getTagWireType(tag)) {
      case WireFormat.WIRETYPE_LENGTH_DELIMITED -> in.skipRawBytes(length(tag, null));
      case WireFormat.WIRETYPE_END_GROUP ->
          throw bad(describe(tag, null) + ": end-group tag without a start-group");
      case 6, 7 ->
          throw bad(describe(tag, null) + ": invalid wire type " + WireFormat.getTagWireType(tag));
      default -> in.skipField(tag); // varint, fixed64, fixed32 or a group (checked to close)
    }
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

  /** protobuf-java's messages run to several sentences of advice; the first says what happened. */
  private static String firstSentence(String message) {
    if (message == null) {
      return "invalid protobuf";
    }
    int end = message.indexOf('.');
    return end > 0 ? message.substring(0, end) : message;
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
