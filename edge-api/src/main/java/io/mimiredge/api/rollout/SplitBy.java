package io.mimiredge.api.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a canary splits on. {@link #TENANT} (the default) keeps each tenant wholly enforced or not,
 * so its limits hold as they are; {@link #REQUEST} sends only a share of each tenant's requests
 * through the edge, so the RLS is told the share and scales the limits by it.
 */
public enum SplitBy {
  TENANT,
  REQUEST;

  /**
   * Parses {@code tenant|request}, ignoring case and surrounding blanks.
   *
   * @throws IllegalArgumentException naming what was expected
   */
  @JsonCreator
  public static SplitBy parse(String text) {
    String t = text == null ? "" : text.strip();
    for (SplitBy s : values()) {
      if (s.token().equalsIgnoreCase(t)) {
        return s;
      }
    }
    throw new IllegalArgumentException("splitBy must be tenant or request, got '" + text + "'");
  }

  @JsonValue
  public String token() {
    return name().toLowerCase(Locale.ROOT);
  }
}
