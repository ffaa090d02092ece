package io.mimiredge.rls.upstream;

import java.util.List;
import java.util.Objects;

/**
 * The upstream's answer, or why there is none.
 *
 * @param outcome whether the upstream answered
 * @param status the upstream's status; for a failure the status the client gets (502, 504)
 * @param headers the upstream's end-to-end headers; empty for a failure
 * @param body the upstream's body; for a failure a message for the client (text/plain)
 */
public record UpstreamResponse(
    Outcome outcome, int status, List<Upstream.Header> headers, byte[] body) {

  /** What happened to the exchange. Labels are stable (metrics). */
  public enum Outcome {
    /** The upstream answered (any status). */
    RESPONSE("response"),
    /** No connection: refused, unknown host, unreachable. 502. */
    CONNECT_ERROR("connect_error"),
    /** Connecting or the whole exchange took too long. 504. */
    TIMEOUT("timeout"),
    /** The connection broke during the exchange, or the answer was unusable. 502. */
    ERROR("error");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public UpstreamResponse {
    Objects.requireNonNull(outcome, "outcome");
    headers = List.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  /** A failure answered to the client with {@code status} and {@code message}. */
  public static UpstreamResponse failure(Outcome outcome, int status, String message) {
    return new UpstreamResponse(
        outcome, status, List.of(), message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
