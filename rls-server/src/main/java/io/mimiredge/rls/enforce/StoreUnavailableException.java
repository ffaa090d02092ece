package io.mimiredge.rls.enforce;

/**
 * A remote {@link BucketStore} could not answer (unreachable, timed out, refused the command). I/O,
 * not a bug: callers fall back to a local store rather than fail a request.
 */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
