package io.mimiredge.edgectl.rls;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * The part of the RLS' {@code GET /api/overview} that edgectl reads — the contract the RLS must
 * keep. Unknown fields are ignored, so the RLS may say more.
 *
 * <pre>{@code
 * {
 *   "mode": "shadow",                  // enforce | shadow | off | mixed (tenants differ)
 *   "windows": {                       // keys "1m", "5m", "1h"; edgectl reads gates.window's
 *     "5m": {
 *       "requests": 12000,             // remote-write requests decided, all doors (required)
 *       "allowed": 11900,              // allowed (enforced doors)
 *       "denied": {                    // enforced denials by reason (absent = none)
 *         "ingestion_rate": 80, "request_rate": 5, "body_size": 1
 *       },
 *       "shadowDenied": 15,            // would have been denied (shadow door / shadow mode)
 *       "errors": 0,                   // requests that failed at the edge: decision errors,
 *                                      //   upstream 5xx and unreachable upstream (required)
 *       "latency": {                   // the RLS' own decision time, milliseconds
 *         "p50Ms": 0.4, "p99Ms": 2.1   //   (p99Ms required: the "added latency" gate)
 *       }
 *     }
 *   }
 * }
 * }</pre>
 *
 * Missing required numbers read as "no data", and a gate with no data fails.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Overview(String mode, Map<String, Window> windows) {

  public Overview {
    windows = windows == null ? Map.of() : Map.copyOf(windows);
  }

  /** One time window of the overview. Boxed numbers: {@code null} means the RLS did not say. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Window(
      Long requests,
      Long allowed,
      Map<String, Long> denied,
      Long shadowDenied,
      Long errors,
      Latency latency) {
    public Window {
      denied = denied == null ? Map.of() : Map.copyOf(denied);
    }

    public long deniedTotal() {
      return denied.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Decision latency percentiles in milliseconds. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Latency(Double p50Ms, Double p99Ms) {}
}
