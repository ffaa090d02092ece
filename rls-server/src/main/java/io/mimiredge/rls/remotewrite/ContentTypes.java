package io.mimiredge.rls.remotewrite;

/**
 * Which remote-write message a push's {@code Content-Type} names, decided exactly as Mimir's
 * distributor decides it ({@code isRemoteWrite2} in {@code pkg/distributor/push.go}), oddities
 * included:
 *
 * <ul>
 *   <li>the header is split on {@code ;}, then each parameter on {@code =}, with no trimming and no
 *       case folding: {@code application/x-protobuf; proto=io.prometheus.write.v2.Request} (a space
 *       after the {@code ;}) has a parameter {@code " proto"}, which is not {@code proto}, so the
 *       push is taken as remote write 1.0 (and its 2.0 body then fails to decode, a 400);
 *   <li>a media type other than exactly {@code application/x-protobuf} (missing, {@code
 *       text/plain}, another case) is remote write 1.0, with no error;
 *   <li>{@code proto=prometheus.WriteRequest} is 1.0, {@code proto=io.prometheus.write.v2.Request}
 *       is 2.0, any other value (quoted ones too) is a 400, never the 415 Prometheus' own receiver
 *       answers; a parameter that is not exactly one {@code key=value} pair is a 400 as well.
 * </ul>
 *
 * <p>Mimir, after writing that 400, goes on and decodes the body as remote write 1.0 (its handler
 * has no {@code return} after the error); its client has its 400 whatever happens next. The edge
 * answers the same 400 and forwards nothing.
 */
public final class ContentTypes {
  static final String PROTOBUF = "application/x-protobuf";
  static final String RW1_MESSAGE = "prometheus.WriteRequest";
  static final String RW2_MESSAGE = "io.prometheus.write.v2.Request";

  /** The Content-Type of a remote write 2.0 push, as Prometheus sends it. */
  public static final String RW2 = PROTOBUF + ";proto=" + RW2_MESSAGE;

  private ContentTypes() {}

  /**
   * The protocol {@code contentType} (null when the header is absent) names.
   *
   * @throws RemoteWriteException {@link RemoteWriteException.Kind#BAD_CONTENT_TYPE}, with Mimir's
   *     message, when Mimir answers the header with a 400
   */
  public static Protocol remoteWriteProtocol(String contentType) throws RemoteWriteException {
    if (contentType == null || contentType.isEmpty()) {
      return Protocol.RW1;
    }
    if (contentType.indexOf(';') < 0) {
      return Protocol.RW1; // one part: PROTOBUF or another type, 1.0 either way (nothing split)
    }
    String[] parts = contentType.split(";", -1); // Go's strings.Split keeps empty parts
    if (!parts[0].equals(PROTOBUF)) {
      return Protocol.RW1;
    }
    for (int i = 1; i < parts.length; i++) {
      String[] pair = parts[i].split("=", -1);
      if (pair.length != 2) {
        throw new RemoteWriteException(
            RemoteWriteException.Kind.BAD_CONTENT_TYPE,
            "as per https://www.rfc-editor.org/rfc/rfc9110#parameter expected parameters to be"
                + " key-values, got "
                + parts[i]
                + " in "
                + contentType
                + " content-type");
      }
      if (pair[0].equals("proto")) {
        return switch (pair[1]) {
          case RW1_MESSAGE -> Protocol.RW1;
          case RW2_MESSAGE -> Protocol.RW2;
          default ->
              throw new RemoteWriteException(
                  RemoteWriteException.Kind.BAD_CONTENT_TYPE,
                  "got "
                      + contentType
                      + " content type; expected "
                      + RW1_MESSAGE
                      + " or "
                      + RW2_MESSAGE);
        };
      }
    }
    return Protocol.RW1;
  }
}
