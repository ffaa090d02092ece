package io.mimiredge.rls.enforce;

import io.mimiredge.rls.otlp.OtlpScanner;
import io.mimiredge.rls.otlp.OtlpStatus;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer the edge makes itself to a push it denies, as Mimir would write it for that write
 * protocol, the same at every door (NGINX's HTTP door, Envoy's ext_authz):
 *
 * <ul>
 *   <li>remote write: the message as text, and for remote write 2.0 the {@link WriteResponseStats}
 *       headers;
 *   <li>OTLP: a {@code google.rpc.Status} in the request's format, protobuf or JSON ({@code
 *       writeOTLPResponse} in {@code pkg/distributor/otel.go}), whose {@code code} is the HTTP
 *       status for what the request parser refuses (400 undecodable, 413, 415) and the gRPC code
 *       for what the distributor refuses (3 {@code InvalidArgument} for validation and HA, 8 {@code
 *       ResourceExhausted} for the rate limits). A request without a tenant is refused by Mimir's
 *       auth middleware before the handler, in plain text: so it is here.
 * </ul>
 *
 * <p>Every answer also carries {@code X-Edge-Enforcement-Reason} and, when Mimir would set one, its
 * {@code Retry-After} ({@link RetryAfterHeader}, computed by the door from the request).
 *
 * @param status the HTTP status
 * @param contentType the body's media type
 * @param body the body
 * @param headers the headers to set besides {@code Content-Type}, in order
 */
public record DenialResponse(
    int status, String contentType, byte[] body, Map<String, String> headers) {
  public static final String REASON_HEADER = "X-Edge-Enforcement-Reason";
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";

  // google.golang.org/grpc/codes
  private static final int INVALID_ARGUMENT = 3;
  private static final int RESOURCE_EXHAUSTED = 8;

  /**
   * The answer to denial {@code d} of a remote-write push sent with {@code contentType}; {@code
   * retryAfter} is the {@code Retry-After} value, null for none.
   */
  public static DenialResponse remoteWrite(Decision d, String contentType, String retryAfter) {
    Map<String, String> headers = common(d, retryAfter);
    headers.putAll(WriteResponseStats.headers(contentType, d));
    return new DenialResponse(
        d.status(),
        "text/plain; charset=utf-8",
        (d.message() + "\n").getBytes(StandardCharsets.UTF_8),
        headers);
  }

  /** The answer to denial {@code d} of an OTLP push sent with {@code contentType}. */
  public static DenialResponse otlp(Decision d, String contentType, String retryAfter) {
    return otlp(d, contentType, false, retryAfter);
  }

  /**
   * {@link #otlp(Decision, String, String)}, the body valid UTF-8 when {@code utf8Body}: Envoy
   * takes a denial's body as a protobuf {@code string}, and a protobuf {@code Status} whose message
   * is 128 bytes or longer has a length that is not UTF-8. Its message is then cut to 127 bytes (at
   * a character boundary); the whole message stays in the JSON form and the text answers.
   */
  public static DenialResponse otlp(
      Decision d, String contentType, boolean utf8Body, String retryAfter) {
    Map<String, String> headers = common(d, retryAfter);
    if (d.reason() == Reason.MISSING_TENANT) {
      return new DenialResponse(
          d.status(),
          "text/plain; charset=utf-8",
          (d.message() + "\n").getBytes(StandardCharsets.UTF_8),
          headers);
    }
    headers.put("X-Content-Type-Options", "nosniff");
    int code = statusCode(d);
    boolean json = OtlpScanner.json(contentType);
    return new DenialResponse(
        d.status(),
        json ? JSON : PROTOBUF,
        json
            ? OtlpStatus.json(code, d.message())
            : OtlpStatus.protobuf(code, utf8Body ? cut(d.message(), 127) : d.message()),
        headers);
  }

  /** The {@code google.rpc.Status} code Mimir writes for the denial. */
  static int statusCode(Decision d) {
    if (d.reason().violation() != null || d.reason() == Reason.TOO_MANY_HA_CLUSTERS) {
      return INVALID_ARGUMENT;
    }
    if (d.status() == 429) {
      return RESOURCE_EXHAUSTED;
    }
    return d.status(); // the request parser's httpgrpc errors: the HTTP status itself
  }

  private static Map<String, String> common(Decision d, String retryAfter) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (retryAfter != null) {
      headers.put("Retry-After", retryAfter);
    }
    headers.put(REASON_HEADER, d.reason().label());
    return headers;
  }

  /** {@code s} cut to at most {@code max} UTF-8 bytes, whole characters only. */
  static String cut(String s, int max) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length <= max) {
      return s;
    }
    int n = max;
    while (n > 0 && (b[n] & 0xc0) == 0x80) {
      n--; // b[n] continues a character: cut before its lead byte
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }
}
