package io.mimiredge.rls.limits;

/**
 * No limits at start: the configured source is missing, unreadable or invalid. The message says
 * which and where; it is meant for an operator, so there is no stack trace.
 */
public final class LimitsUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LimitsUnavailableException(String message) {
    super(message, null, false, false);
  }

  @Override
  public String toString() {
    return "limits unavailable: " + getMessage();
  }
}
