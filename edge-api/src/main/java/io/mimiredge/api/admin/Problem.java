package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The admin API's error body: Dropwizard's {@code code} and {@code message}, plus every problem
 * found (each field of a refused value, with what was expected).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Problem(int code, String message, List<String> problems) {
  public Problem {
    problems = problems == null ? List.of() : problems;
  }
}
