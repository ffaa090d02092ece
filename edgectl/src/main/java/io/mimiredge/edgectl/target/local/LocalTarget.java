package io.mimiredge.edgectl.target.local;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mimiredge.api.rollout.Rollout;
import io.mimiredge.edgectl.EdgectlException;
import io.mimiredge.edgectl.config.EdgectlConfig;
import io.mimiredge.edgectl.rollout.HistoryEntry;
import io.mimiredge.edgectl.target.RecordedRollout;
import io.mimiredge.edgectl.target.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A local NGINX: the config file is replaced atomically after {@code nginx -t}, NGINX reloads
 * gracefully, and the state directory keeps {@code state.json}, {@code history.jsonl}, {@code
 * previous.conf} (the file before the last apply), {@code direct.conf} (the known-good direct
 * config, rendered and validated at every apply) and {@code target.json} (how to reach NGINX), so
 * an emergency rollback needs nothing but this directory.
 */
public final class LocalTarget implements Target {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);
  private static final int CONFIRMATIONS = 3;

  private final Path config;
  private final Path stateDir;
  private final NginxCommand nginx;
  private final Map<String, Object> reach;
  private final String probeUrl;
  private final Clock clock;

  private LocalTarget(
      Path config,
      Path stateDir,
      NginxCommand nginx,
      Map<String, Object> reach,
      String probeUrl,
      Clock clock) {
    this.config = config;
    this.stateDir = stateDir;
    this.nginx = nginx;
    this.reach = reach;
    this.probeUrl = probeUrl;
    this.clock = clock;
  }

  public static LocalTarget from(EdgectlConfig.Local c, String listen, Clock clock) {
    String probe = c.probeUrl() != null ? c.probeUrl() : defaultProbe(listen);
    Map<String, Object> reach = new LinkedHashMap<>();
    reach.put("config", Path.of(c.config()).toAbsolutePath().toString());
    reach.put("nginx", c.nginx());
    reach.put("prefix", c.prefix());
    reach.put("globals", c.globals());
    reach.put("reloadCommand", c.reloadCommand());
    reach.put("probeUrl", probe);
    return new LocalTarget(
        Path.of(c.config()).toAbsolutePath(),
        Path.of(c.stateDir()).toAbsolutePath(),
        new NginxCommand(c.nginx(), c.prefix(), c.globals(), c.reloadCommand()),
        reach,
        probe,
        clock);
  }

  /** The target as recorded at the last apply: what an emergency rollback uses without a config. */
  @SuppressWarnings("unchecked")
  public static LocalTarget fromStateDir(Path stateDir, Clock clock) {
    Path file = stateDir.resolve("target.json");
    Map<String, Object> m;
    try {
      m = JSON.readValue(Files.readString(file), new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new EdgectlException(
          "no usable " + file + " (written at every apply): " + e.getMessage(), e);
    }
    EdgectlConfig.Local c =
        new EdgectlConfig.Local(
            (String) m.get("config"),
            stateDir.toString(),
            (String) m.get("nginx"),
            (String) m.get("prefix"),
            (String) m.get("globals"),
            (List<String>) m.get("reloadCommand"),
            (String) m.get("probeUrl"));
    return from(c, "8080", clock);
  }

  static String defaultProbe(String listen) {
    String l = listen.split(" ")[0];
    int colon = l.lastIndexOf(':');
    String port = colon >= 0 ? l.substring(colon + 1) : l;
    String host = colon > 0 ? l.substring(0, colon) : "127.0.0.1";
    if (host.equals("0.0.0.0") || host.equals("*") || host.equals("[::]")) {
      host = "127.0.0.1";
    }
    return "http://" + host + ":" + port + "/_edge/phase";
  }

  public Path configPath() {
    return config;
  }

  public Path stateDir() {
    return stateDir;
  }

  @Override
  public String describe() {
    return "local NGINX " + config;
  }

  @Override
  public Rollout state() {
    Path f = stateDir.resolve("state.json");
    if (!Files.exists(f)) {
      return RecordedRollout.initial();
    }
    try {
      return RecordedRollout.fromMap(
          JSON.readValue(Files.readString(f), new TypeReference<Map<String, String>>() {}));
    } catch (IOException | RuntimeException e) {
      throw new EdgectlException("unreadable state file " + f + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String currentConfig() {
    try {
      return Files.exists(config) ? Files.readString(config) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void validate(String text) {
    Path candidate = sibling(config, ".edgectl-check");
    try {
      Files.createDirectories(candidate.getParent());
      Files.writeString(candidate, text);
      nginx.test(candidate);
    } catch (IOException e) {
      throw new EdgectlException("cannot write " + candidate + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(candidate);
    }
  }

  @Override
  public void apply(String text, String directText, Rollout next) {
    try {
      Files.createDirectories(stateDir);
      // 1. Both files must pass nginx -t before anything changes.
      Path candidate = sibling(config, ".edgectl-next");
      Files.writeString(candidate, text);
      try {
        nginx.test(candidate);
      } catch (RuntimeException e) {
        deleteQuietly(candidate);
        throw e;
      }
      Path directCandidate = stateDir.resolve("direct.conf.next");
      Files.writeString(directCandidate, directText);
      nginx.test(directCandidate);
      move(directCandidate, stateDir.resolve("direct.conf"));
      // 2. Keep the file in effect, then swap atomically and reload.
      String before = currentConfig();
      writeAtomically(stateDir.resolve("previous.conf"), before);
      move(candidate, config);
      try {
        nginx.reload(config);
      } catch (RuntimeException e) {
        // The running NGINX still serves the old file: put it back on disk too.
        writeAtomically(config, before);
        throw e;
      }
      writeAtomically(stateDir.resolve("target.json"), JSON.writeValueAsString(reach));
      writeState(next);
      confirm(next.phase().token());
    } catch (IOException e) {
      throw new EdgectlException("applying to " + config + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void emergencyDirect(
      Supplier<Optional<String>> fallbackSupplier, Rollout next, boolean scaleDown) {
    Path kept = stateDir.resolve("direct.conf");
    try {
      String direct =
          Files.exists(kept)
              ? Files.readString(kept)
              : fallbackSupplier
                  .get()
                  .orElseThrow(
                      () ->
                          new EdgectlException(
                              "no known-good direct config at "
                                  + kept
                                  + " and no config to render one from"));
      String before = currentConfig();
      Files.createDirectories(stateDir);
      writeAtomically(stateDir.resolve("previous.conf"), before);
      // Validated when it was kept; NGINX re-checks it on reload and keeps serving if it fails,
      // which the confirmation below catches.
      writeAtomically(config, direct);
      nginx.reload(config);
      writeState(next);
      confirm(next.phase().token());
    } catch (IOException e) {
      throw new EdgectlException("emergency rollback on " + config + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<String> livePhase() {
    if (probeUrl == null || probeUrl.isBlank()) {
      return Optional.empty();
    }
    // HttpURLConnection, not HttpClient: far less to load on the emergency path.
    HttpURLConnection c = null;
    try {
      c = (HttpURLConnection) URI.create(probeUrl).toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(500);
      c.setUseCaches(false);
      if (c.getResponseCode() != 200) {
        return Optional.empty();
      }
      try (var in = c.getInputStream()) {
        return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    } finally {
      if (c != null) {
        c.disconnect();
      }
    }
  }

  /** Waits until NGINX's own probe reports the phase: a reload NGINX refused shows here. */
  private void confirm(String token) {
    if (probeUrl == null || probeUrl.isBlank()) {
      return;
    }
    long deadline = clock.millis() + CONFIRM_TIMEOUT.toMillis();
    Optional<String> live = Optional.empty();
    // Right after a reload, old workers may still accept for a moment: the new phase must be
    // seen several times in a row before it counts as serving.
    int inARow = 0;
    while (clock.millis() < deadline) {
      live = livePhase();
      inARow = live.isPresent() && live.get().equals(token) ? inARow + 1 : 0;
      if (inARow >= CONFIRMATIONS) {
        return;
      }
      try {
        Thread.sleep(inARow == 0 ? 10 : 20); // polling a local reload, not logic time
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new EdgectlException.TargetUnreachable(
        "NGINX did not confirm phase "
            + token
            + " at "
            + probeUrl
            + " within "
            + CONFIRM_TIMEOUT.toSeconds()
            + "s (it reports "
            + live.orElse("nothing")
            + "); see the NGINX error log",
        null);
  }

  private void writeState(Rollout s) throws IOException {
    writeAtomically(
        stateDir.resolve("state.json"), JSON.writeValueAsString(RecordedRollout.toMap(s)) + "\n");
  }

  @Override
  public void record(HistoryEntry entry) {
    try {
      Files.createDirectories(stateDir);
      Files.writeString(
          stateDir.resolve("history.jsonl"),
          JSON.writeValueAsString(entry) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new EdgectlException("cannot write history in " + stateDir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<HistoryEntry> history() {
    Path f = stateDir.resolve("history.jsonl");
    List<HistoryEntry> out = new ArrayList<>();
    if (!Files.exists(f)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(f)) {
        if (!line.isBlank()) {
          out.add(JSON.readValue(line, HistoryEntry.class));
        }
      }
    } catch (IOException e) {
      throw new EdgectlException("unreadable history " + f + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static Path sibling(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }

  private static void writeAtomically(Path target, String text) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path tmp = sibling(target, ".tmp");
    Files.writeString(tmp, text);
    move(tmp, target);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a leftover candidate is harmless
    }
  }
}
