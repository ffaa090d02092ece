package io.mimiredge.rls.admin.resources;

import java.util.List;

/**
 * A request the admin API refuses, answered by {@link ProblemMapper} as JSON {@code {"code",
 * "message", "problems"}}. Thrown from resource methods only.
 */
public final class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final List<String> problems;

  public ProblemException(int status, String message, List<String> problems) {
    super(message, null, false, false);
    this.status = status;
    this.problems = List.copyOf(problems);
  }

  public ProblemException(int status, String message) {
    this(status, message, List.of());
  }

  static ProblemException badRequest(String message) {
    return new ProblemException(400, message);
  }

  public int status() {
    return status;
  }

  public List<String> problems() {
    return problems;
  }
}
