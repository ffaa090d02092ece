package io.mimiredge.rls.remotewrite;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.util.List;

/**
 * A second, independent way to count a WriteRequest, for the tests: protobuf-java's generic {@link
 * UnknownFieldSet} parser builds every message as a field map (slow, allocation-heavy, obviously
 * right), and this class applies the {@link WriteRequestStats} definitions to those maps. It shares
 * no code with the scanner.
 */
final class ReferenceDecoder {
  private ReferenceDecoder() {}

  static WriteRequestStats stats(byte[] protobuf, long compressedBytes, ValidationLimits limits)
      throws InvalidProtocolBufferException {
    UnknownFieldSet request = UnknownFieldSet.parseFrom(protobuf);
    long floatSamples = 0;
    long histograms = 0;
    long exemplars = 0;
    int maxLabels = 0;
    int maxName = 0;
    int maxValue = 0;
    long overLabels = 0;
    long overName = 0;
    long overValue = 0;
    long invalid = 0;
    long dropped = 0;
    List<ByteString> series = messages(request, 1);
    for (ByteString bytes : series) {
      UnknownFieldSet ts = UnknownFieldSet.parseFrom(bytes);
      List<ByteString> labels = messages(ts, 1);
      int name = 0;
      int value = 0;
      for (ByteString label : labels) {
        UnknownFieldSet l = UnknownFieldSet.parseFrom(label);
        name = Math.max(name, lastLength(l, 1));
        value = Math.max(value, lastLength(l, 2));
      }
      long items = messages(ts, 2).size() + messages(ts, 3).size() + messages(ts, 4).size();
      floatSamples += messages(ts, 2).size();
      exemplars += messages(ts, 3).size();
      histograms += messages(ts, 4).size();
      maxLabels = Math.max(maxLabels, labels.size());
      maxName = Math.max(maxName, name);
      maxValue = Math.max(maxValue, value);
      boolean a = labels.size() > limits.maxLabelNamesPerSeries();
      boolean b = name > limits.maxLabelNameLength();
      boolean c = value > limits.maxLabelValueLength();
      overLabels += a ? 1 : 0;
      overName += b ? 1 : 0;
      overValue += c ? 1 : 0;
      if (a || b || c) {
        invalid++;
        dropped += items;
      }
    }
    List<ByteString> metadata = messages(request, 3);
    int maxMetadata = 0;
    long overMetadata = 0;
    for (ByteString bytes : metadata) {
      UnknownFieldSet m = UnknownFieldSet.parseFrom(bytes);
      if (!onlyVarints(m.getField(1))) {
        throw new InvalidProtocolBufferException("MetricMetadata.type is not a varint");
      }
      int family = lastLength(m, 2);
      int help = lastLength(m, 4);
      int unit = lastLength(m, 5);
      maxMetadata = Math.max(maxMetadata, Math.max(help, unit));
      if (family > limits.maxMetadataLength() || unit > limits.maxMetadataLength()) {
        overMetadata++;
        dropped++;
      }
    }
    return new WriteRequestStats(
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
        overLabels,
        overName,
        overValue,
        overMetadata,
        invalid,
        dropped);
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

  /** Length of the last occurrence of a string field (protobuf: the last one wins), 0 if none. */
  private static int lastLength(UnknownFieldSet set, int number)
      throws InvalidProtocolBufferException {
    List<ByteString> values = messages(set, number);
    return values.isEmpty() ? 0 : values.get(values.size() - 1).size();
  }

  private static boolean onlyVarints(UnknownFieldSet.Field field) {
    return field.getFixed32List().isEmpty()
        && field.getFixed64List().isEmpty()
        && field.getLengthDelimitedList().isEmpty()
        && field.getGroupList().isEmpty();
  }
}
