package io.mimiredge.rls.limits.source;

import io.mimiredge.rls.internal.Periodic;
import io.mimiredge.rls.limits.LimitsParseException;
import io.mimiredge.rls.limits.LimitsSource;
import io.mimiredge.rls.limits.LimitsUnavailableException;
import io.mimiredge.rls.limits.LiveLimits;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.TenantLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mimir's runtime overrides YAML in a file, hot reloaded.
 *
 * <p>At start the file must be readable and valid, or the start fails with a message naming the
 * file and the problems: an operator who configured a path wants to hear it is wrong, not to run on
 * defaults. Afterwards the file is re-read by path every {@code reloadInterval} and its content
 * hash compared with the last content tried, so a Kubernetes ConfigMap mount (which swaps a
 * symlink, leaving mtimes of little use) is followed too. A bad or unreadable file keeps the last
 * good limits in force; the failure shows in {@link LiveLimits#status()}, the listener and the log,
 * once per distinct content or error.
 *
 * <p>Thread-safe: loads are serialized.
 */
public final class FileLimitsSource implements LimitsSource {
  private static final Logger LOG = LoggerFactory.getLogger(FileLimitsSource.class);

  private final Path path;
  private final Duration interval;
  private final LimitsLoader loader;
  private final LiveLimits limits;
  private Periodic reloads;

  /** Hash of the content last parsed (good or bad); null forces the next poll to parse. */
  private byte[] lastHash;

  /** The read error last reported, so an unreadable file is reported once, not every poll. */
  private String lastReadError;

  public FileLimitsSource(
      Path path,
      TenantLimits defaults,
      LiveLimits limits,
      Duration interval,
      Clock clock,
      ReloadListener listener) {
    this.path = Objects.requireNonNull(path, "path");
    this.interval = Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("reload interval must be > 0, got " + interval);
    }
    this.limits = Objects.requireNonNull(limits, "limits");
    this.loader = new LimitsLoader(path.toString(), defaults, limits, clock, listener);
  }

  @Override
  public String location() {
    return path.toString();
  }

  @Override
  public synchronized void start() {
    byte[] content;
    try {
      content = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new LimitsUnavailableException(
          "cannot read limits file " + path + ": " + describe(e) + " (limits.file)");
    }
    Overrides first;
    try {
      first = loader.parse(content);
    } catch (LimitsParseException e) {
      loader.failed(e.problems());
      throw new LimitsUnavailableException(
          "limits file " + path + " is invalid:\n  " + String.join("\n  ", e.problems()));
    }
    loader.apply(first);
    lastHash = sha256(content);
    reloads = new Periodic("limits-reload", interval, this::poll); // logs a failed run, goes on
    reloads.start();
  }

  @Override
  public void stop() throws InterruptedException {
    Periodic p;
    synchronized (this) {
      p = reloads;
      reloads = null;
    }
    if (p != null) {
      p.stop();
    }
  }

  /**
   * Reads the file now and applies it when its content changed (what the reload task does every
   * interval).
   *
   * @return whether a load was attempted (the content or readability changed)
   */
  public synchronized boolean poll() {
    byte[] content;
    try {
      content = Files.readAllBytes(path);
    } catch (IOException e) {
      String error = "cannot read " + path + ": " + describe(e);
      lastHash = null; // when the file comes back, load it even if unchanged, to clear the error
      if (error.equals(lastReadError)) {
        return false;
      }
      lastReadError = error;
      loader.failed(List.of(error));
      return true;
    }
    lastReadError = null;
    byte[] hash = sha256(content);
    if (Arrays.equals(hash, lastHash)) {
      return false;
    }
    lastHash = hash;
    loader.load(content);
    return true;
  }

  @Override
  public Optional<String> check() {
    if (!Files.isReadable(path)) {
      return Optional.of("cannot read limits file " + path);
    }
    if (!limits.loaded()) {
      return Optional.of("limits not loaded from " + path);
    }
    return Optional.ofNullable(limits.status().lastError());
  }

  private static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
