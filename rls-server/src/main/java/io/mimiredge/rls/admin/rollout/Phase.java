package io.mimiredge.rls.admin.rollout;

import java.util.Locale;
import java.util.Optional;

/** Where the rollout stands, as edgectl drives it: direct → mirror → canary P → full. */
public enum Phase {
  /** NGINX writes straight to Mimir; the edge sees nothing. */
  DIRECT,
  /** NGINX mirrors every request to the shadow door; nothing is enforced. */
  MIRROR,
  /** A share of the traffic (by tenant or by request) goes through the enforcing doors. */
  CANARY,
  /** All traffic goes through the enforcing doors. */
  FULL;

  public String token() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code direct|mirror|canary|full}, ignoring case. */
  public static Optional<Phase> parse(String text) {
    for (Phase p : values()) {
      if (p.token().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
