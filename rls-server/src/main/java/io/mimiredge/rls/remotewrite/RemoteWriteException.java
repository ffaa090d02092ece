package io.mimiredge.rls.remotewrite;

/**
 * A request body the scanner cannot accept. Checked: every caller must turn it into a decision (400
 * for {@link Kind#BAD_BODY} and {@link Kind#BAD_CONTENT_TYPE}, 413 for {@link
 * Kind#DECODED_TOO_LARGE}, 415 for {@link Kind#UNSUPPORTED_MEDIA_TYPE}) rather than let it escape.
 * Carries no bytes of the body.
 */
public final class RemoteWriteException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the body was refused. */
  public enum Kind {
    /** Not valid snappy, or not a valid {@code prometheus.WriteRequest}. */
    BAD_BODY("bad_body"),
    /** The snappy header declares more decoded bytes than allowed. */
    DECODED_TOO_LARGE("decoded_too_large"),
    /** A {@code Content-Type} Mimir answers with a 400 (an unknown {@code proto=} message). */
    BAD_CONTENT_TYPE("bad_content_type"),
    /**
     * An OTLP push whose {@code Content-Type} or {@code Content-Encoding} Mimir does not accept (a
     * 415, {@code pkg/distributor/otel.go}).
     */
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type");

    private final String reason;

    Kind(String reason) {
      this.reason = reason;
    }

    /** The reason label used in decisions, metrics and logs. */
    public String reason() {
      return reason;
    }
  }

  private final Kind kind;

  public RemoteWriteException(Kind kind, String message) {
    super(message, null, false, false); // no stack trace: this is an expected outcome on bad input
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
