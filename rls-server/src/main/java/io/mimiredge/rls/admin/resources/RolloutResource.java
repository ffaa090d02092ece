package io.mimiredge.rls.admin.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mimiredge.api.admin.RolloutPreview;
import io.mimiredge.api.admin.RolloutView;
import io.mimiredge.api.rollout.Ladder;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.Rollout;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.rls.admin.AdminChange;
import io.mimiredge.rls.admin.preview.ImpactPreview;
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
  private static final Set<String> FIELDS = Set.of("phase", "percent", "splitBy", "by");
  private static final int MAX_BY = 100;

  private static final Map<String, Duration> WINDOWS =
      Map.of("1m", Duration.ofMinutes(1), "5m", Duration.ofMinutes(5), "1h", Duration.ofHours(1));

  private final AdminContext ctx;
  private final ImpactPreview preview;

  public RolloutResource(AdminContext ctx) {
    this.ctx = ctx;
    this.preview = new ImpactPreview(ctx.traffic(), ctx.enforcer()::modeFor);
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
                problems.add(f + ": unknown field; expected phase, percent, splitBy, by");
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
    Rollout r = ctx.rollout().set(Phase.of(kind, percent), splitBy, updatedBy);
    Map<String, String> values = new LinkedHashMap<>();
    values.put("phase", r.phase().kind().token());
    values.put("percent", String.valueOf(r.phase().percent()));
    values.put("splitBy", r.splitBy().token());
    values.put("fraction", String.valueOf(r.fraction()));
    ctx.audit().changed(new AdminChange(r.since(), updatedBy, "set_rollout", null, values));
    return RolloutView.of(r);
  }
}
