package io.mimiredge.rls.admin.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mimiredge.api.admin.ApiTime;
import io.mimiredge.api.admin.GateThresholds;
import io.mimiredge.api.admin.RolloutEvent;
import io.mimiredge.api.admin.RolloutPreview;
import io.mimiredge.api.admin.RolloutStatus;
import io.mimiredge.api.admin.RolloutView;
import io.mimiredge.api.rollout.Ladder;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.Rollout;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.rls.admin.AdminChange;
import io.mimiredge.rls.admin.preview.ImpactPreview;
import io.mimiredge.rls.enforce.Door;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET|PUT /api/rollout}: the rollout phase edgectl set, and the traffic fraction the limits
 * are scaled by. PUT needs the bearer token. Thread-safe.
 */
@Path("/api/rollout")
@Produces(MediaType.APPLICATION_JSON)
public final class RolloutResource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS =
      Set.of("phase", "percent", "splitBy", "by", "event", "gates");
  private static final List<String> EVENT_FIELDS =
      List.of("at", "who", "action", "from", "to", "result", "message");
  private static final int MAX_EVENT_TEXT = 1000;
  private static final int MAX_BY = 100;

  private static final Map<String, Duration> WINDOWS =
      Map.of("1m", Duration.ofMinutes(1), "5m", Duration.ofMinutes(5), "1h", Duration.ofHours(1));

  private final AdminContext ctx;
  private final ImpactPreview preview;

  public RolloutResource(AdminContext ctx) {
    this.ctx = ctx;
    this.preview = new ImpactPreview(ctx.traffic(), ctx.enforcer()::modeFor, ctx.clock());
  }

  @GET
  public RolloutView get() {
    return RolloutView.of(ctx.rollout().get());
  }

  /**
   * {@code GET /api/rollout/preview?to=canary-50&window=5m}: who the rung {@code to} (by default
   * the default ladder's next one) would start denying; see {@link ImpactPreview}. {@code from} and
   * {@code splitBy} (edgectl sends its target's) stand for the rollout in force when given.
   */
  @GET
  @Path("preview")
  public RolloutPreview preview(
      @QueryParam("to") String to,
      @QueryParam("window") String window,
      @QueryParam("from") String from,
      @QueryParam("splitBy") String splitBy) {
    String w = window == null || window.isBlank() ? "5m" : window.strip();
    Duration d = WINDOWS.get(w);
    if (d == null) {
      throw ProblemException.badRequest(
          "window: expected 1m, 5m or 1h, got '" + Params.shown(w) + "'");
    }
    Rollout set = ctx.rollout().get();
    Rollout now;
    Phase target;
    try {
      now =
          new Rollout(
              from == null || from.isBlank() ? set.phase() : Phase.parse(from),
              splitBy == null || splitBy.isBlank() ? set.splitBy() : SplitBy.parse(splitBy),
              set.since(),
              set.by());
      target =
          to == null || to.isBlank()
              ? Ladder.DEFAULT
                  .next(now.phase())
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "already at "
                                  + now.phase()
                                  + ", the top of the ladder: nothing to preview"))
              : Phase.parse(to);
      return preview.preview(now, target, d, w);
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest(Params.shown(e.getMessage()));
    }
  }

  /**
   * Sets the rollout: {@code {"phase": "direct|mirror|canary|full", "percent": 0-100, "splitBy":
   * "tenant|request", "by": "who (optional)"}}. Percent may be left out for direct, mirror (0) and
   * full (100); splitBy defaults to tenant.
   */
  @PUT
  @RequiresToken
  @Consumes(MediaType.WILDCARD)
  public RolloutView put(
      InputStream body, @Context HttpServletRequest request, @Context HttpHeaders headers) {
    JsonNode n;
    try {
      byte[] bytes = body == null ? new byte[0] : body.readNBytes(LimitsBodies.MAX_BODY_BYTES + 1);
      if (bytes.length > LimitsBodies.MAX_BODY_BYTES) {
        throw new ProblemException(413, "body larger than " + LimitsBodies.MAX_BODY_BYTES);
      }
      n = bytes.length == 0 ? null : JSON.readTree(bytes);
    } catch (IOException e) {
      throw ProblemException.badRequest("body is not valid JSON: " + e.getMessage());
    }
    if (n == null || !n.isObject()) {
      throw ProblemException.badRequest(
          "expected a JSON object like {\"phase\": \"canary\", \"percent\": 25, \"splitBy\":"
              + " \"tenant\"}");
    }
    List<String> problems = new ArrayList<>();
    n.fieldNames()
        .forEachRemaining(
            f -> {
              if (!FIELDS.contains(f)) {
                problems.add(
                    f + ": unknown field; expected phase, percent, splitBy, by, event, gates");
              }
            });
    Phase.Kind kind = null;
    JsonNode p = n.get("phase");
    if (p == null || !p.isTextual()) {
      problems.add("phase: required, one of direct, mirror, canary, full");
    } else {
      try {
        kind = Phase.Kind.parse(p.asText());
      } catch (IllegalArgumentException e) {
        problems.add(
            "phase: expected one of direct, mirror, canary, full, got '"
                + Params.shown(p.asText())
                + "'");
      }
    }
    Integer percent = null;
    JsonNode pc = n.get("percent");
    if (pc != null && !pc.isNull()) {
      if (pc.isIntegralNumber() && pc.canConvertToInt()) {
        percent = pc.intValue();
      } else {
        problems.add("percent: expected a whole number from 0 to 100, got " + pc);
      }
    }
    SplitBy splitBy = SplitBy.TENANT;
    JsonNode s = n.get("splitBy");
    if (s != null && !s.isNull()) {
      try {
        splitBy = SplitBy.parse(s.isTextual() ? s.asText() : null);
      } catch (IllegalArgumentException e) {
        problems.add("splitBy: expected tenant or request, got " + s);
      }
    }
    JsonNode by = n.get("by");
    if (by != null && !by.isNull() && !by.isTextual()) {
      problems.add("by: expected a string");
    }
    RolloutEvent event = event(n.get("event"), problems);
    GateThresholds gates = gates(n.get("gates"), problems);
    if (kind != null && problems.isEmpty()) {
      String problem = Phase.problem(kind, percent);
      if (problem != null) {
        problems.add("percent: " + problem);
      }
    }
    if (!problems.isEmpty()) {
      throw new ProblemException(400, "invalid rollout, nothing was changed", problems);
    }
    String who = Callers.describe(request, headers.getRequestHeaders());
    String updatedBy =
        by == null || by.isNull() || by.asText().isBlank()
            ? who
            : Params.shown(by.asText().substring(0, Math.min(MAX_BY, by.asText().length())))
                + " from "
                + who;
    Rollout before = ctx.rollout().get();
    Rollout r = ctx.rollout().set(Phase.of(kind, percent), splitBy, updatedBy);
    ctx.rollout()
        .record(
            event != null
                ? event
                : new RolloutEvent(
                    ApiTime.format(r.since()),
                    updatedBy,
                    "set",
                    before.phase().token(),
                    r.phase().token(),
                    "applied",
                    null));
    if (gates != null) {
      ctx.rollout().gates(gates);
    }
    Map<String, String> values = new LinkedHashMap<>();
    values.put("phase", r.phase().kind().token());
    values.put("percent", String.valueOf(r.phase().percent()));
    values.put("splitBy", r.splitBy().token());
    values.put("fraction", String.valueOf(r.fraction()));
    ctx.audit().changed(new AdminChange(r.since(), updatedBy, "set_rollout", null, values));
    return RolloutView.of(r);
  }

  /**
   * {@code GET /api/rollout/status}: the setting, how much it enforces, edgectl's gates and the
   * recent transitions, for the rollout page.
   */
  @GET
  @Path("status")
  public RolloutStatus status() {
    Rollout r = ctx.rollout().get();
    int known = 0;
    int enforced = 0;
    for (String t : ctx.traffic().trackedIds()) {
      known++;
      if (r.phase().enforcedShare(t, r.splitBy()) > 0) {
        enforced++;
      }
    }
    Duration five = Duration.ofMinutes(5);
    long enforcing =
        ctx.traffic().window(Door.HTTP_PUSH, five).requests()
            + ctx.traffic().window(Door.EXT_AUTHZ, five).requests();
    long all = enforcing + ctx.traffic().window(Door.SHADOW, five).requests();
    // a canary split by request copies nothing to the shadow door: its share is the split's
    Double share = all == 0 ? null : Double.valueOf(Views.round((double) enforcing / all));
    if (r.phase().kind() == Phase.Kind.CANARY && r.splitBy() == SplitBy.REQUEST) {
      share = r.phase().percent() / 100.0;
    }
    return new RolloutStatus(
        RolloutView.of(r), known, enforced, share, ctx.rollout().gates(), ctx.rollout().history());
  }

  /** The {@code event} of a PUT: strings, the known fields only; null when absent. */
  private static RolloutEvent event(JsonNode e, List<String> problems) {
    if (e == null || e.isNull()) {
      return null;
    }
    if (!e.isObject()) {
      problems.add("event: expected an object with " + EVENT_FIELDS);
      return null;
    }
    e.fieldNames()
        .forEachRemaining(
            f -> {
              if (!EVENT_FIELDS.contains(f)) {
                problems.add("event." + f + ": unknown field; expected " + EVENT_FIELDS);
              }
            });
    String[] v = new String[EVENT_FIELDS.size()];
    for (int i = 0; i < v.length; i++) {
      JsonNode x = e.get(EVENT_FIELDS.get(i));
      if (x != null && !x.isNull() && !x.isTextual()) {
        problems.add("event." + EVENT_FIELDS.get(i) + ": expected a string");
      } else if (x != null && !x.isNull()) {
        String t = x.asText();
        v[i] = t.length() > MAX_EVENT_TEXT ? t.substring(0, MAX_EVENT_TEXT) + "..." : t;
      }
    }
    return new RolloutEvent(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
  }

  /** The {@code gates} of a PUT: edgectl's thresholds; null when absent. */
  private static GateThresholds gates(JsonNode g, List<String> problems) {
    if (g == null || g.isNull()) {
      return null;
    }
    try {
      GateThresholds t = JSON.treeToValue(g, GateThresholds.class);
      if (t.window() == null
          || (t.maxNewlyDeniedTenants() != null && t.maxNewlyDeniedTenants() < 0)
          || t.minRequests() < 1
          || t.maxErrorRate() < 0
          || t.maxDenyRate() < 0
          || t.maxAddedLatencyP99Ms() < 0) {
        problems.add(
            "gates: expected window, minRequests >= 1 and non-negative maxErrorRate,"
                + " maxAddedLatencyP99Ms, maxDenyRate, maxNewlyDeniedTenants");
        return null;
      }
      return t;
    } catch (IOException | IllegalArgumentException ex) {
      problems.add("gates: " + Params.shown(ex.getMessage()));
      return null;
    }
  }
}
