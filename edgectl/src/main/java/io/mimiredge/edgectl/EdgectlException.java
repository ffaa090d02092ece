package io.mimiredge.edgectl;

/**
 * A failure the operator must read: a message that says what went wrong and what to do, and the
 * exit code the CLI returns for it. Subclasses name the codes the issue fixes.
 */
public class EdgectlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  public EdgectlException(String message) {
    this(message, ExitCodes.ERROR, null);
  }

  public EdgectlException(String message, Throwable cause) {
    this(message, ExitCodes.ERROR, cause);
  }

  protected EdgectlException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** Exit 2: the command line or the request makes no sense (e.g. promote to a lower rung). */
  public static final class Usage extends EdgectlException {
    private static final long serialVersionUID = 1L;

    public Usage(String message) {
      super(message, ExitCodes.USAGE, null);
    }
  }

  /** Exit 3: a health gate failed, so nothing was promoted, or a watch rolled back. */
  public static final class GateFailed extends EdgectlException {
    private static final long serialVersionUID = 1L;

    public GateFailed(String message) {
      super(message, ExitCodes.GATE_FAILED, null);
    }
  }

  /** Exit 4: the target (NGINX, Kubernetes API) could not be reached or refused the change. */
  public static final class TargetUnreachable extends EdgectlException {
    private static final long serialVersionUID = 1L;

    public TargetUnreachable(String message, Throwable cause) {
      super(message, ExitCodes.TARGET_UNREACHABLE, cause);
    }
  }
}
