package io.mimiredge.edgectl.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a canary splits on. {@link #TENANT} (the default) keeps each tenant wholly enforced or not,
 * so per-tenant limits stay exact; {@link #REQUEST} splits requests, and the RLS is told the
 * fraction so it can scale the limits.
 */
public enum SplitBy {
  TENANT,
  REQUEST;

  @JsonCreator
  public static SplitBy parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("splitBy must be tenant or request, got '" + text + "'");
    }
  }

  @JsonValue
  public String token() {
    return name().toLowerCase(Locale.ROOT);
  }
}
