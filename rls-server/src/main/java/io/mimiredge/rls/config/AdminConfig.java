package io.mimiredge.rls.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;

/**
 * {@code admin:} the admin API. Only the token lives here for now; the admin API's own settings
 * join this section when it is wired in.
 */
public class AdminConfig {
  private String token;

  /** Bearer token for the admin API's changes; absent: every change is refused. */
  @JsonProperty
  public String getToken() {
    return token;
  }

  @JsonProperty
  public void setToken(String token) {
    this.token = token;
  }

  public Optional<String> buildToken() {
    return Optional.ofNullable(token).filter(t -> !t.isBlank());
  }

  @Override
  public String toString() {
    return "AdminConfig{token=" + (token == null ? "absent" : "***") + "}";
  }
}
