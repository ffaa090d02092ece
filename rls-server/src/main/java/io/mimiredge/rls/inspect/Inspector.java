package io.mimiredge.rls.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mimiredge.rls.enforce.Decision;
import io.mimiredge.rls.enforce.Enforcer;
import io.mimiredge.rls.enforce.PushEvaluator;
import io.mimiredge.rls.enforce.Reason;
import io.mimiredge.rls.enforce.local.LocalBucketStore;
import io.mimiredge.rls.ha.HaTracker;
import io.mimiredge.rls.ha.local.LocalHaTracker;
import io.mimiredge.rls.limits.Mode;
import io.mimiredge.rls.limits.Overrides;
import io.mimiredge.rls.otlp.OtlpScanner;
import io.mimiredge.rls.remotewrite.ContentTypes;
import io.mimiredge.rls.remotewrite.Protocol;
import io.mimiredge.rls.remotewrite.RemoteWriteException;
import io.mimiredge.rls.remotewrite.Violation;
import io.mimiredge.rls.remotewrite.WriteRequestScanner;
import io.mimiredge.rls.remotewrite.WriteRequestStats;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Answers "why was this request denied?" for captured remote-write bodies: one JSON line per body
 * with what it holds, what Mimir counts of it and what it does not count and why, and, for a
 * tenant, the decision its limits give on full buckets. The HA elections carry over from one body
 * to the next (the first replica seen is elected), as they would for a sequence of pushes. A body
 * that cannot be read or decoded gives a JSON line with the error. Not thread-safe.
 */
public final class Inspector {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Overrides overrides;
  private final String tenant;
  private final WriteRequestScanner scanner;
  private final OtlpScanner otlp;
  private final long maxRequestBytes;
  private final LongSupplier nanoClock;
  private final long nowMillis;
  private final HaTracker ha = new LocalHaTracker(Enforcer.DEFAULT_HA_CLUSTERS);
  private final Protocol protocol;
  private final String encoding;

  /** How a body was sent: its protocol and headers. */
  private record Sent(Protocol protocol, String contentType, String contentEncoding) {}

  /**
   * @param tenant the tenant to decide for, or null for statistics only
   * @param nowMillis the time the bodies are judged at (Unix ms): timestamps too far in the future
   *     or past are relative to it
   */
  public Inspector(
      Overrides overrides,
      String tenant,
      long maxRequestBytes,
      int maxDecodedBytes,
      LongSupplier nanoClock,
      long nowMillis) {
    this(overrides, tenant, maxRequestBytes, maxDecodedBytes, nanoClock, nowMillis, null, null);
  }

  /**
   * @param protocol the bodies' protocol, or null to read each body's from the {@code
   *     .headers.json} beside it (its path, {@code /otlp/v1/metrics} for OTLP, and its {@code
   *     Content-Type}); remote write 1.0 without one
   * @param encoding OTLP bodies' {@code Content-Encoding} ({@code none} for none), or null for the
   *     {@code .headers.json}'s
   */
  public Inspector(
      Overrides overrides,
      String tenant,
      long maxRequestBytes,
      int maxDecodedBytes,
      LongSupplier nanoClock,
      long nowMillis,
      Protocol protocol,
      String encoding) {
    this.protocol = protocol;
    this.encoding = encoding;
    this.otlp = new OtlpScanner(maxDecodedBytes);
    this.overrides = Objects.requireNonNull(overrides, "overrides");
    this.tenant = tenant;
    this.scanner = new WriteRequestScanner(maxDecodedBytes);
    this.maxRequestBytes = maxRequestBytes;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.nowMillis = nowMillis;
  }

  /**
   * Prints one JSON line per body to {@code out}.
   *
   * @return how many bodies could not be read or decoded
   */
  public int inspect(List<Path> bodies, PrintStream out) {
    int failed = 0;
    for (Path body : bodies) {
      ObjectNode line = inspect(body);
      if (line.has("error")) {
        failed++;
      }
      out.println(line);
    }
    out.flush();
    return failed;
  }

  /** The JSON line for one body. */
  public ObjectNode inspect(Path body) {
    ObjectNode line = JSON.createObjectNode().put("file", body.getFileName().toString());
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(body);
    } catch (IOException e) {
      line.putObject("error").put("reason", "unreadable").put("message", String.valueOf(e));
      return line;
    }
    // Scanned with the tenant's limits (the defaults' without a tenant), so what is not counted
    // is what this tenant's limits make of the body.
    String limitsOf = tenant == null ? "" : tenant;
    Sent sent;
    try {
      sent = sent(body);
    } catch (RemoteWriteException e) { // a Content-Type Mimir refuses: the decision says it too
      sent = new Sent(Protocol.RW1, contentType(body), null);
    }
    try {
      Protocol p =
          ContentTypes.remoteWriteProtocol(
              sent.protocol() == Protocol.OTLP ? null : sent.contentType());
      line.put("protocol", (sent.protocol() == Protocol.OTLP ? Protocol.OTLP : p).label());
      var limits = overrides.entryFor(limitsOf).validation();
      WriteRequestStats stats =
          sent.protocol() == Protocol.OTLP
              ? otlp.scan(
                  bytes,
                  0,
                  bytes.length,
                  sent.contentType(),
                  sent.contentEncoding(),
                  limits,
                  nowMillis,
                  limitsOf)
              : scanner.scan(bytes, 0, bytes.length, limits, nowMillis, p, limitsOf);
      putStats(line, stats);
    } catch (RemoteWriteException e) {
      line.putObject("error").put("reason", e.kind().reason()).put("message", e.getMessage());
    }
    if (tenant != null) {
      Decision d = decide(sent, bytes);
      putDecision(line, d);
      if (d.reason() == Reason.HA_DEDUPED && line.has("not_counted")) {
        // the other replica of an HA pair: Mimir counts none of it
        ((ObjectNode) line.get("not_counted")).put("ha_deduped", d.stats().receivedItems());
      }
    }
    return line;
  }

  /**
   * How {@code body} was sent: the protocol {@code --protocol} names, else the {@code
   * .headers.json}'s (an OTLP path, else its Content-Type's remote write), else remote write 1.0;
   * the headers from the {@code .headers.json}, {@code --encoding} over its Content-Encoding.
   */
  private Sent sent(Path body) throws RemoteWriteException {
    String type = contentType(body);
    JsonNode h = captured(body);
    String capturedEncoding = header(h, "Content-Encoding");
    String enc = encoding != null ? (encoding.equals("none") ? null : encoding) : capturedEncoding;
    boolean otlpPath = h != null && h.path("path").asText("").endsWith("/otlp/v1/metrics");
    Protocol p = protocol;
    if (p == null) {
      p = otlpPath ? Protocol.OTLP : ContentTypes.remoteWriteProtocol(type);
    }
    return switch (p) {
      case OTLP -> new Sent(p, type != null ? type : "application/x-protobuf", enc);
      case RW2 -> new Sent(p, protocol != null ? ContentTypes.RW2 : type, null);
      case RW1 -> new Sent(p, protocol != null ? "application/x-protobuf" : type, null);
    };
  }

  /** The Content-Type of the {@code .headers.json} beside {@code body}; null without one. */
  private static String contentType(Path body) {
    return header(captured(body), "Content-Type");
  }

  private static String header(JsonNode captured, String name) {
    if (captured == null) {
      return null;
    }
    for (var e : captured.path("headers").properties()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue().asText();
      }
    }
    return null;
  }

  /** The {@code .headers.json} captured beside {@code body}, or null. */
  private static JsonNode captured(Path body) {
    String name = body.getFileName().toString();
    int dot = name.lastIndexOf('.');
    Path headers = body.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".headers.json");
    if (!Files.isReadable(headers)) {
      return null;
    }
    try {
      return JSON.readTree(headers.toFile());
    } catch (IOException e) {
      return null; // not a capture's headers: judged as remote write 1.0
    }
  }

  /** The decision on fresh, full buckets, in enforce mode unless the tenant's overrides say. */
  private Decision decide(Sent sent, byte[] bytes) {
    Enforcer enforcer =
        Enforcer.builder()
            .overrides(overrides)
            .buckets(new LocalBucketStore(nanoClock))
            .haTracker(ha)
            .defaultMode(Mode.ENFORCE)
            .build();
    PushEvaluator evaluator =
        new PushEvaluator(enforcer, scanner, otlp, maxRequestBytes, () -> nowMillis);
    return sent.protocol() == Protocol.OTLP
        ? evaluator.evaluateOtlp(
            tenant, sent.contentType(), sent.contentEncoding(), bytes, 0, bytes.length)
        : evaluator.evaluate(tenant, sent.contentType(), bytes, 0, bytes.length);
  }

  private static void putStats(ObjectNode line, WriteRequestStats s) {
    line.put("compressed_bytes", s.compressedBytes())
        .put("uncompressed_bytes", s.uncompressedBytes())
        .put("series", s.series())
        .put("float_samples", s.floatSamples())
        .put("histograms", s.histograms())
        .put("exemplars", s.exemplars())
        .put("metadata", s.metadata())
        .put("max_labels_per_series", s.maxLabelsPerSeries())
        .put("max_label_name_len", s.maxLabelNameLength())
        .put("max_label_value_len", s.maxLabelValueLength())
        .put("max_metadata_len", s.maxMetadataLength())
        .put("received_items", s.receivedItems())
        .put("items", s.items());
    ObjectNode counted =
        line.putObject("counted")
            .put("samples", s.validSamples())
            .put("exemplars", s.validExemplars())
            .put("metadata", s.validMetadata());
    if (s.items() == 0 && s.receivedItems() > 0) {
      counted.put("note", "no valid sample or metadata: Mimir skips the ingestion limit");
    }
    // The same breakdown as the denial log's, with the invalid series' samples and Mimir's id.
    ObjectNode notCounted = line.putObject("not_counted");
    s.notCounted().forEach(notCounted::put);
    ObjectNode invalid =
        line.putObject("invalid")
            .put("series", s.invalidSeries())
            .put("samples", s.droppedSamples())
            .put("metadata", s.invalidMetadata());
    if (s.firstViolation() != null) {
      Violation v = s.firstViolation();
      invalid.put("first_error", "err-mimir-" + v.id());
    }
    if (s.ha()) {
      ObjectNode ha =
          line.putObject("ha").put("cluster", s.haCluster()).put("replica", s.haReplica());
      putEarliest(ha, s.earliestSampleMillis());
    }
    if (s.perSampleHa()) {
      // ha_tracker_per_sample_dedupe: what each replica's series add, kept only if it is elected
      var groups = line.putArray("ha_groups");
      for (WriteRequestStats.HaGroup g : s.haGroups()) {
        ObjectNode n = groups.addObject();
        if (g.ha()) {
          n.put("cluster", g.cluster()).put("replica", g.replica());
        }
        n.put("series", g.series()).put("items", g.items() + g.exemplars());
        putEarliest(n, g.earliestSampleMillis());
        if (g.firstViolation() != null) {
          n.put("first_error", "err-mimir-" + g.firstViolation().id());
        }
      }
    }
  }

  /**
   * The earliest of the series' first samples: what {@code ha_tracker_sample_failover_timeout}
   * compares with the elected replica's last-seen time.
   */
  private static void putEarliest(ObjectNode node, long earliestSampleMillis) {
    if (earliestSampleMillis != Long.MAX_VALUE) {
      node.put("earliest_sample_ms", earliestSampleMillis);
    }
  }

  private static void putDecision(ObjectNode line, Decision d) {
    ObjectNode node =
        line.putObject("decision")
            .put("tenant", d.tenant())
            .put("verdict", d.verdict().label())
            .put("reason", d.reason().label())
            .put("status", d.status())
            .put("mode", d.mode().yamlName())
            .put("items", d.items())
            .put("message", d.message());
    if (d.retryAfter() != null) {
      node.put("retry_after_seconds", d.retryAfter().toSeconds());
    }
  }
}
