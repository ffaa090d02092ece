package io.mimiredge.helm.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz;
import io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.health_check.v3.HealthCheck;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.io.IOException;

/**
 * Envoy's own schema for the bootstrap: YAML to JSON (Jackson), then protobuf's {@link JsonFormat}
 * into {@link Bootstrap} with every {@code typed_config} type registered. An unknown field, a wrong
 * type or an unregistered {@code @type} fails.
 */
public final class Envoy {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every type the bootstrap names in a {@code typed_config} or {@code "@type"}. */
  public static final JsonFormat.TypeRegistry TYPES =
      JsonFormat.TypeRegistry.newBuilder()
          .add(HttpConnectionManager.getDescriptor())
          .add(ExtAuthz.getDescriptor())
          .add(ExtAuthzPerRoute.getDescriptor())
          .add(RateLimit.getDescriptor())
          .add(HealthCheck.getDescriptor())
          .add(Router.getDescriptor())
          .add(HttpProtocolOptions.getDescriptor())
          .add(StdoutAccessLog.getDescriptor())
          .add(
              io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
                  .getDescriptor())
          .build();

  private Envoy() {}

  public static Bootstrap parse(String yaml) {
    try {
      String json = JSON.writeValueAsString(YAML.readTree(yaml));
      Bootstrap.Builder b = Bootstrap.newBuilder();
      JsonFormat.parser().usingTypeRegistry(TYPES).merge(json, b);
      return b.build();
    } catch (IOException e) {
      throw new IllegalArgumentException("not an Envoy v3 bootstrap: " + e.getMessage(), e);
    }
  }

  public static HttpConnectionManager connectionManager(Bootstrap b) {
    Filter f = b.getStaticResources().getListeners(0).getFilterChains(0).getFilters(0);
    return unpack(f.getTypedConfig(), HttpConnectionManager.class);
  }

  /** The HTTP filter of that type in the listener's connection manager. */
  public static <T extends Message> T filter(Bootstrap b, Class<T> type) {
    for (HttpFilter f : connectionManager(b).getHttpFiltersList()) {
      if (f.getTypedConfig().is(type)) {
        return unpack(f.getTypedConfig(), type);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " filter");
  }

  public static <T extends Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
