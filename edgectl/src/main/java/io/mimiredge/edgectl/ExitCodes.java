package io.mimiredge.edgectl;

/** The exit codes of every edgectl command. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int ERROR = 1;
  public static final int USAGE = 2;
  public static final int GATE_FAILED = 3;
  public static final int TARGET_UNREACHABLE = 4;

  private ExitCodes() {}
}
