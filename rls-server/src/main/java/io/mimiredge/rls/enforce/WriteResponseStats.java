package io.mimiredge.rls.enforce;

import io.mimiredge.rls.remotewrite.ContentTypes;
import io.mimiredge.rls.remotewrite.Protocol;
import io.mimiredge.rls.remotewrite.RemoteWriteException;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code X-Prometheus-Remote-Write-{Samples,Histograms,Exemplars}-Written} headers of an answer
 * to a remote write 2.0 push. Prometheus takes a 2xx without them as a failure it does not retry,
 * and subtracts them from what it sent to count what failed; Mimir sets all three on every answer
 * to a 2.0 push that reached its handler ({@code addWriteResponseStats}, {@code
 * pkg/distributor/push.go}), with the counts received, before HA dedupe and validation ({@code
 * metricsMiddleware}): zeros when the request never got that far (the request rate, a body that
 * does not decode or is too large).
 *
 * <p>The edge relays the distributor's headers on what it forwards; this is for the answers it
 * makes itself.
 */
public final class WriteResponseStats {
  public static final String SAMPLES = "X-Prometheus-Remote-Write-Samples-Written";
  public static final String HISTOGRAMS = "X-Prometheus-Remote-Write-Histograms-Written";
  public static final String EXEMPLARS = "X-Prometheus-Remote-Write-Exemplars-Written";

  private WriteResponseStats() {}

  /**
   * The headers Mimir would set on the answer {@code d} to a push sent with {@code contentType}:
   * none for a 1.0 push, a {@code Content-Type} Mimir refuses or a request without a valid tenant
   * (refused before the handler).
   */
  public static Map<String, String> headers(String contentType, Decision d) {
    Map<String, String> out = new LinkedHashMap<>();
    Protocol protocol;
    try {
      protocol = ContentTypes.remoteWriteProtocol(contentType);
    } catch (RemoteWriteException e) {
      return out;
    }
    if (protocol != Protocol.RW2 || d.tenant() == null) {
      return out;
    }
    WriteRequestStats s = d.stats();
    out.put(SAMPLES, Long.toString(s == null ? 0 : s.floatSamples()));
    out.put(HISTOGRAMS, Long.toString(s == null ? 0 : s.histograms()));
    // exemplars of a tenant that keeps none are never decoded: 0 written
    out.put(EXEMPLARS, Long.toString(s == null ? 0 : s.exemplars() - s.exemplarsCleared()));
    return out;
  }
}
