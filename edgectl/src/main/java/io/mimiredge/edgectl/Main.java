package io.mimiredge.edgectl;

import io.mimiredge.edgectl.cli.EdgectlCommand;
import io.mimiredge.edgectl.cli.Environment;
import java.io.PrintWriter;

/** {@code edgectl}: render NGINX phases, promote with health gates, roll back in seconds. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = run(Environment.system(), out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs one command line; returns the exit code. Writes only to {@code out} and {@code err}. */
  public static int run(Environment env, PrintWriter out, PrintWriter err, String... args) {
    return EdgectlCommand.commandLine(env, out, err).execute(args);
  }
}
