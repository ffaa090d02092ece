package io.mimiredge.rls.inspect;

import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.mimiredge.rls.limits.LimitsParseException;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.limits.OverridesParser;
import io.mimiredge.rls.limits.TenantLimits;
import io.mimiredge.rls.remotewrite.Protocol;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code inspect [--overrides FILE] [--tenant ID] [--now TIME] BODY...}: what the RLS counts in
 * captured remote-write bodies and, for a tenant, what it decides. Exits non-zero when a body or
 * the overrides file cannot be read.
 */
public final class InspectCommand extends Command {
  /** Mimir's default -distributor.max-recv-msg-size, which bounds the decoded request. */
  static final int DEFAULT_MAX_DECODED_BYTES = 100 << 20;

  static final long DEFAULT_MAX_REQUEST_BYTES = 100L << 20;

  private final PrintStream out;

  public InspectCommand() {
    this(System.out);
  }

  InspectCommand(PrintStream out) {
    super(
        "inspect",
        "Print, for each snappy remote-write body, what the RLS counts in it and, with --tenant,"
            + " what it decides (one JSON line per body)");
    this.out = out;
  }

  @Override
  public void configure(Subparser subparser) {
    subparser
        .addArgument("--overrides")
        .metavar("FILE")
        .help(
            "Mimir runtime overrides YAML (overrides: {tenant: {...}}); Mimir's defaults without");
    subparser.addArgument("--tenant").metavar("ID").help("decide for this tenant (X-Scope-OrgID)");
    subparser
        .addArgument("--max-request-bytes")
        .type(Long.class)
        .setDefault(DEFAULT_MAX_REQUEST_BYTES)
        .help("largest compressed body accepted (default 100 MiB, Mimir's)");
    subparser
        .addArgument("--max-decoded-bytes")
        .type(Integer.class)
        .setDefault(DEFAULT_MAX_DECODED_BYTES)
        .help("largest decoded body accepted (default 100 MiB)");
    subparser
        .addArgument("--now")
        .metavar("TIME")
        .help(
            "judge the bodies at this time (RFC 3339, e.g. 2026-11-20T10:00:00Z, or Unix ms);"
                + " default: now. Sample timestamps too far in the future or past are relative to"
                + " it");
    subparser
        .addArgument("--protocol")
        .choices("rw1", "rw2", "otlp")
        .help(
            "the bodies' write protocol; default: from BODY's .headers.json (000.bin:"
                + " 000.headers.json) when there is one (its path and Content-Type), else rw1");
    subparser
        .addArgument("--encoding")
        .choices("gzip", "zstd", "lz4", "none")
        .help(
            "OTLP bodies' Content-Encoding; default: the .headers.json's when there is one, else"
                + " none");
    subparser
        .addArgument("bodies")
        .nargs("+")
        .metavar("BODY")
        .help("request bodies as sent (remote write: snappy blocks; OTLP: as encoded)");
  }

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
    Overrides overrides = loadOverrides(namespace.getString("overrides"));
    List<Path> bodies = namespace.<String>getList("bodies").stream().map(Path::of).toList();
    Inspector inspector =
        new Inspector(
            overrides,
            namespace.getString("tenant"),
            namespace.getLong("max_request_bytes"),
            namespace.getInt("max_decoded_bytes"),
            System::nanoTime,
            now(namespace.getString("now")),
            protocol(namespace.getString("protocol")),
            namespace.getString("encoding"));
    int failed = inspector.inspect(bodies, out);
    if (failed > 0) {
      throw new InspectException(failed + " of " + bodies.size() + " bodies could not be read");
    }
  }

  private static Protocol protocol(String label) {
    if (label == null) {
      return null;
    }
    return switch (label) {
      case "rw2" -> Protocol.RW2;
      case "otlp" -> Protocol.OTLP;
      default -> Protocol.RW1;
    };
  }

  private static long now(String text) throws InspectException {
    if (text == null) {
      return System.currentTimeMillis();
    }
    try {
      return text.chars().allMatch(Character::isDigit)
          ? Long.parseLong(text)
          : java.time.Instant.parse(text).toEpochMilli();
    } catch (RuntimeException e) {
      throw new InspectException(
          "--now " + text + ": expected RFC 3339 (2026-11-20T10:00:00Z) or Unix milliseconds");
    }
  }

  private static Overrides loadOverrides(String file) throws InspectException {
    if (file == null) {
      return Overrides.of(TenantLimits.MIMIR_DEFAULTS);
    }
    try (Reader reader = Files.newBufferedReader(Path.of(file))) {
      return OverridesParser.parse(reader, TenantLimits.MIMIR_DEFAULTS);
    } catch (IOException e) {
      throw new InspectException("cannot read overrides " + file + ": " + e);
    } catch (LimitsParseException e) {
      throw new InspectException("overrides " + file + ": " + e.getMessage());
    }
  }

  /** A failure to report as one line, without a stack trace. */
  static final class InspectException extends Exception {
    private static final long serialVersionUID = 1L;

    InspectException(String message) {
      super(message, null, false, false);
    }

    @Override
    public String toString() {
      return "inspect: " + getMessage(); // Dropwizard's CLI prints this on failure
    }
  }
}
