package io.mimiredge.rls.limits.source;

import io.mimiredge.rls.limits.LimitsParseException;
import io.mimiredge.rls.limits.LimitsSource;
import io.mimiredge.rls.limits.LimitsUnavailableException;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.limits.TenantLimits;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * An overrides file bundled in the jar (the example the embedded default runs on): loaded once at
 * start, never reloaded. Thread-safe.
 */
public final class BundledLimitsSource implements LimitsSource {
  private final String resource;
  private final LiveLimits limits;
  private final LimitsLoader loader;

  public BundledLimitsSource(
      String resource,
      TenantLimits defaults,
      LiveLimits limits,
      Clock clock,
      ReloadListener listener) {
    this.resource = Objects.requireNonNull(resource, "resource");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.loader = new LimitsLoader(location(), defaults, limits, clock, listener);
  }

  @Override
  public String location() {
    return "classpath:" + resource;
  }

  @Override
  public synchronized void start() {
    byte[] content = read();
    if (content == null) {
      throw new LimitsUnavailableException("bundled limits " + location() + " are missing");
    }
    try {
      loader.apply(loader.parse(content));
    } catch (LimitsParseException e) {
      throw new LimitsUnavailableException(
          "bundled limits " + location() + " are invalid:\n  " + String.join("\n  ", e.problems()));
    }
  }

  @Override
  public void stop() {}

  @Override
  public Optional<String> check() {
    if (read() == null) {
      return Optional.of("bundled limits " + location() + " are missing");
    }
    return limits.loaded() ? Optional.empty() : Optional.of("limits not loaded from " + location());
  }

  private byte[] read() {
    try (InputStream in =
        BundledLimitsSource.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }
}
