package io.mimiredge.rls.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import io.mimiredge.rls.limits.LimitsParseException;
import io.mimiredge.rls.limits.OverridesParser;
import io.mimiredge.rls.limits.TenantLimits;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** {@code limits:} where the tenant limits come from. */
public class LimitsFactory {
  /** The example overrides bundled in the jar, used when no file is configured. */
  public static final String BUNDLED_RESOURCE = "example-overrides.yaml";

  private String file;

  @NotNull
  @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
  @MaxDuration(value = 1, unit = TimeUnit.HOURS)
  private Duration reloadInterval = Duration.seconds(10);

  private Map<String, Object> defaults = Map.of();
  private TenantLimits parsedDefaults = TenantLimits.MIMIR_DEFAULTS;

  @Valid private KubernetesLimitsFactory kubernetes;

  /**
   * Mimir's runtime overrides from a ConfigMap through the Kubernetes API (watched, polled while
   * the watch is down) instead of a file; absent: the file (or the bundled example).
   */
  @JsonProperty
  public KubernetesLimitsFactory getKubernetes() {
    return kubernetes;
  }

  @JsonProperty
  public void setKubernetes(KubernetesLimitsFactory kubernetes) {
    this.kubernetes = kubernetes;
  }

  @ValidationMethod(message = "set limits.file or limits.kubernetes, not both")
  @JsonIgnore
  public boolean isOneSource() {
    return file == null || kubernetes == null;
  }

  /** Mimir runtime overrides YAML; absent: the bundled example. */
  @JsonProperty
  public String getFile() {
    return file;
  }

  @JsonProperty
  public void setFile(String file) {
    this.file = file == null || file.isBlank() ? null : file;
  }

  @JsonProperty
  public Duration getReloadInterval() {
    return reloadInterval;
  }

  @JsonProperty
  public void setReloadInterval(Duration reloadInterval) {
    this.reloadInterval = reloadInterval;
  }

  @JsonProperty
  public Map<String, Object> getDefaults() {
    return defaults;
  }

  /**
   * Limits for every tenant without overrides, with Mimir's key names ({@code ingestion_rate: ...})
   * over Mimir's own defaults. Parsed here, so a bad value fails when the configuration is read.
   */
  @JsonProperty
  public void setDefaults(Map<String, Object> defaults) {
    Map<String, Object> copy = defaults == null ? Map.of() : new LinkedHashMap<>(defaults);
    try {
      this.parsedDefaults = OverridesParser.parseDefaults(copy);
    } catch (LimitsParseException e) {
      throw new IllegalArgumentException("limits.defaults: " + String.join("; ", e.problems()), e);
    }
    this.defaults = copy;
  }

  /** The configured file, if any. */
  public Optional<Path> buildFile() {
    return Optional.ofNullable(file).map(Path::of);
  }

  public java.time.Duration buildReloadInterval() {
    return reloadInterval.toJavaDuration();
  }

  /** The defaults block over Mimir's defaults. */
  public TenantLimits buildDefaults() {
    return parsedDefaults;
  }
}
