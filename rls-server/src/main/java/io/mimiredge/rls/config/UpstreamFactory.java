package io.mimiredge.rls.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/** {@code upstream:} the Mimir distributor (or gateway) that {@code /api/v1/push} forwards to. */
public class UpstreamFactory {
  @NotEmpty
  @Pattern(
      regexp = "https?://[^/?#\\s]+(/[^?#\\s]*)?",
      message = "must be an http:// or https:// URL without query, e.g. http://distributor:8080")
  private String url = "http://127.0.0.1:9009";

  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
  private Duration connectTimeout = Duration.seconds(2);

  @NotNull
  @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
  private Duration timeout = Duration.seconds(30);

  @Min(1)
  @Max(100_000)
  private int maxConnections = 256;

  @NotNull
  @MinDuration(value = 0, unit = TimeUnit.MILLISECONDS)
  private Duration healthCacheFor = Duration.seconds(5);

  /**
   * Base URL; the request's path ({@code /api/v1/push}) is appended. A URL with a path (e.g. a
   * Prometheus receiver's {@code http://prometheus:9090/api/v1/write}) is used as it is.
   */
  @JsonProperty
  public String getUrl() {
    return url;
  }

  @JsonProperty
  public void setUrl(String url) {
    this.url = url;
  }

  /** How long to wait for a TCP connection; past it the client gets 504. */
  @JsonProperty
  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  @JsonProperty
  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  /** The whole exchange with the upstream, connect to last byte; past it the client gets 504. */
  @JsonProperty
  public Duration getTimeout() {
    return timeout;
  }

  @JsonProperty
  public void setTimeout(Duration timeout) {
    this.timeout = timeout;
  }

  /** Pooled connections to the upstream. */
  @JsonProperty
  public int getMaxConnections() {
    return maxConnections;
  }

  @JsonProperty
  public void setMaxConnections(int maxConnections) {
    this.maxConnections = maxConnections;
  }

  /** How long a reachability check of the upstream is reused by {@code /api/health}. */
  @JsonProperty
  public Duration getHealthCacheFor() {
    return healthCacheFor;
  }

  @JsonProperty
  public void setHealthCacheFor(Duration healthCacheFor) {
    this.healthCacheFor = healthCacheFor;
  }

  public URI buildUri() {
    String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    return URI.create(u);
  }

  public java.time.Duration buildConnectTimeout() {
    return connectTimeout.toJavaDuration();
  }

  public java.time.Duration buildTimeout() {
    return timeout.toJavaDuration();
  }

  public java.time.Duration buildHealthCacheFor() {
    return healthCacheFor.toJavaDuration();
  }
}
