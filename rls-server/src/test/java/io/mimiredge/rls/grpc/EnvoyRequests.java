package io.mimiredge.rls.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.mimiredge.rls.testing.TestFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Requests shaped the way Envoy sends them: ext_authz with {@code with_request_body} and {@code
 * pack_as_bytes: true} (the body in {@code raw_body}, header names lower-cased, pseudo-headers
 * included, an {@code x-request-id}); the rate-limit filter's descriptors.
 */
final class EnvoyRequests {
  static final String DOMAIN = "mimir_remote_write";
  private static final ObjectMapper JSON = new ObjectMapper();

  private EnvoyRequests() {}

  /** A captured Prometheus push, with the headers it was captured with plus {@code extra}. */
  static CheckRequest fixture(String file, Map<String, String> extra) {
    byte[] body = TestFixtures.body(file);
    Map<String, String> headers = new LinkedHashMap<>(capturedHeaders(file));
    headers.putAll(extra);
    return push(headers, ByteString.copyFrom(body), true);
  }

  /** The headers a fixture was captured with (Prometheus 2.42's). */
  static Map<String, String> capturedHeaders(String file) {
    String json = file.replace(".bin", ".headers.json");
    try {
      JsonNode node = JSON.readTree(Files.readString(TestFixtures.dir().resolve(json)));
      Map<String, String> headers = new LinkedHashMap<>();
      node.get("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
      return headers;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Prometheus's headers for a body of this size, plus {@code extra}. */
  static Map<String, String> prometheusHeaders(int bodyBytes, Map<String, String> extra) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", "mimir.example:8080");
    h.put("User-Agent", "Prometheus/2.42.0+ds");
    h.put("Content-Length", Integer.toString(bodyBytes));
    h.put("Content-Encoding", "snappy");
    h.put("Content-Type", "application/x-protobuf");
    h.put("X-Prometheus-Remote-Write-Version", "0.1.0");
    h.putAll(extra);
    return h;
  }

  /**
   * A push with these headers (any case: lower-cased as Envoy does) and body, in {@code raw_body}
   * when {@code packAsBytes}, else in {@code body} (which protobuf-java accepts only as UTF-8).
   */
  static CheckRequest push(Map<String, String> headers, ByteString body, boolean packAsBytes) {
    AttributeContext.HttpRequest.Builder http =
        AttributeContext.HttpRequest.newBuilder()
            .setId("1234567890123456789")
            .setMethod("POST")
            .setPath("/api/v1/push")
            .setHost(headers.getOrDefault("Host", "mimir.example:8080"))
            .setScheme("http")
            .setProtocol("HTTP/1.1")
            .setSize(body.size())
            .putHeaders(":method", "POST")
            .putHeaders(":path", "/api/v1/push")
            .putHeaders(":scheme", "http")
            .putHeaders(":authority", headers.getOrDefault("Host", "mimir.example:8080"))
            .putHeaders("x-forwarded-proto", "http")
            .putHeaders("x-request-id", "3e5c8f0a-6f0e-4d7e-9a51-3c2b7f1d9e11");
    headers.forEach(
        (k, v) -> {
          if (!k.equalsIgnoreCase("Host")) {
            http.putHeaders(k.toLowerCase(Locale.ROOT), v);
          }
        });
    if (packAsBytes) {
      http.setRawBody(body);
    } else {
      http.setBody(body.toStringUtf8());
    }
    return CheckRequest.newBuilder()
        .setAttributes(
            AttributeContext.newBuilder()
                .setSource(peer("10.0.3.7", 51234))
                .setDestination(peer("10.0.0.12", 8080))
                .setRequest(
                    AttributeContext.Request.newBuilder()
                        .setTime(Timestamp.newBuilder().setSeconds(1_795_456_897L))
                        .setHttp(http)))
        .build();
  }

  private static AttributeContext.Peer peer(String ip, int port) {
    return AttributeContext.Peer.newBuilder()
        .setAddress(
            Address.newBuilder()
                .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)))
        .build();
  }

  /** What Envoy's rate-limit filter sends for one descriptor {@code [(key, tenant)]}. */
  static RateLimitRequest rateLimit(String domain, String key, String tenant, int hitsAddend) {
    return RateLimitRequest.newBuilder()
        .setDomain(domain)
        .addDescriptors(descriptor(key, tenant))
        .setHitsAddend(hitsAddend)
        .build();
  }

  static RateLimitDescriptor descriptor(String key, String value) {
    return RateLimitDescriptor.newBuilder()
        .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value))
        .build();
  }
}
