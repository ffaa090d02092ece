package io.mimiredge.rls.remotewrite;

import java.util.Locale;

/**
 * What a push's {@code Content-Type} says about its message. Remote write 2.0 sends {@code
 * application/x-protobuf;proto=io.prometheus.write.v2.Request}, whose fields the 1.0 scanner would
 * read as unknown: such a body would count as empty and pass every limit, so it must be refused.
 */
public final class ContentTypes {
  private ContentTypes() {}

  /**
   * Whether the content type names a protobuf message other than remote write 1.0's {@code
   * prometheus.WriteRequest}. A missing type or one without {@code proto=} is 1.0, as Prometheus
   * and Mimir take it.
   */
  public static boolean isUnsupportedProtobufMessage(String contentType) {
    if (contentType == null) {
      return false;
    }
    for (String part : contentType.split(";")) {
      String p = part.strip();
      if (p.regionMatches(true, 0, "proto=", 0, 6)) {
        String message = p.substring(6).strip().replace("\"", "").toLowerCase(Locale.ROOT);
        return !message.equals("prometheus.writerequest");
      }
    }
    return false;
  }
}
