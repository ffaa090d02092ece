package io.mimiredge.rls.limits.source;

import io.mimiredge.rls.limits.LimitsParseException;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.OverridesParser;
import io.mimiredge.rls.limits.TenantLimits;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses a source's bytes and puts the result in force, or records the failure: the one place that
 * updates {@link LiveLimits} from a source, tells the {@link ReloadListener} and logs the change.
 * Not thread-safe; each source calls it from one thread at a time.
 */
final class LimitsLoader {
  private static final Logger LOG = LoggerFactory.getLogger("io.mimiredge.rls.limits");

  private final String location;
  private final TenantLimits defaults;
  private final LiveLimits limits;
  private final Clock clock;
  private final ReloadListener listener;

  LimitsLoader(
      String location,
      TenantLimits defaults,
      LiveLimits limits,
      Clock clock,
      ReloadListener listener) {
    this.location = Objects.requireNonNull(location, "location");
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** Parses {@code content} with the configured defaults. */
  Overrides parse(byte[] content) throws LimitsParseException {
    try (Reader r =
        new InputStreamReader(new ByteArrayInputStream(content), StandardCharsets.UTF_8)) {
      return OverridesParser.parse(r, defaults);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("reading a byte array cannot fail", e);
    }
  }

  /**
   * Parses and applies {@code content}.
   *
   * @return the problems, empty when the new limits are in force
   */
  List<String> load(byte[] content) {
    Overrides next;
    try {
      next = parse(content);
    } catch (LimitsParseException e) {
      failed(e.problems());
      return e.problems();
    }
    apply(next);
    return List.of();
  }

  /** Puts {@code next} in force and logs what changed. */
  void apply(Overrides next) {
    Overrides before = limits.fromSource();
    boolean first = !limits.loaded();
    Instant at = clock.instant();
    limits.sourceLoaded(next, at);
    listener.loaded(at, next);
    if (!next.notMirrored().isEmpty()) {
      // settings the edge does not apply: it may count more than Mimir for these tenants
      StringBuilder b = new StringBuilder();
      next.notMirrored()
          .forEach(
              (tenant, keys) -> {
                b.append(b.length() == 0 ? "" : "; ").append(tenant).append(": ");
                for (int i = 0; i < keys.size(); i++) {
                  String k = keys.get(i);
                  b.append(i == 0 ? "" : ", ")
                      .append(k)
                      .append(" (")
                      .append(OverridesParser.NOT_MIRRORED.get(k))
                      .append(')');
                }
              });
      LOG.warn(
          "limits from {}: {} tenants set Mimir settings the edge does not mirror; consider"
              + " edge_enforcement.mode: shadow for them: {}",
          location,
          next.notMirrored().size(),
          b);
    }
    if (first) {
      LOG.info("limits loaded from {}: {} tenants with overrides", location, next.tenants().size());
    } else {
      OverridesDiff diff = OverridesDiff.between(before, next);
      LOG.info(
          "limits reloaded from {}: {} tenants with overrides; {}",
          location,
          next.tenants().size(),
          diff.describe(OverridesDiff.defaultsChanged(before, next)));
    }
  }

  /**
   * Records that the source still holds {@code current}, the overrides in force (a resync or poll
   * of unchanged content): a success, with nothing to log.
   */
  void confirm(Overrides current) {
    Instant at = clock.instant();
    limits.sourceLoaded(current, at);
    listener.loaded(at, current);
  }

  /** Records a failed load: the last good limits stay; each problem is logged with its line. */
  void failed(List<String> problems) {
    Instant at = clock.instant();
    limits.sourceFailed(location + ": " + String.join("; ", problems), at);
    listener.failed(at, problems);
    LOG.error(
        "limits from {} not applied ({} problems); the last good limits stay in force",
        location,
        problems.size());
    for (String p : problems) {
      LOG.error("limits problem in {}: {}", location, p);
    }
  }
}
