package io.mimiredge.rls.admin.rollout;

import java.util.Locale;
import java.util.Optional;

/**
 * How a canary splits traffic. {@link #TENANT} (the default) keeps a tenant wholly in or out, so
 * its limits hold as they are; {@link #REQUEST} sends only a share of each tenant's requests
 * through the edge, so the edge must scale the limits by that share.
 */
public enum SplitBy {
  TENANT,
  REQUEST;

  public String token() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code tenant|request}, ignoring case. */
  public static Optional<SplitBy> parse(String text) {
    for (SplitBy s : values()) {
      if (s.token().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
