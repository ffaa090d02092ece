package io.mimiredge.edgectl.support;

import io.mimiredge.edgectl.Main;
import io.mimiredge.edgectl.cli.Environment;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs edgectl in-process and captures what it writes. */
public final class Cli {
  public record Run(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private Cli() {}

  public static Run run(Environment env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try (PrintWriter o = new PrintWriter(out);
        PrintWriter e = new PrintWriter(err)) {
      code = Main.run(env, o, e, args);
    }
    return new Run(code, out.toString(), err.toString());
  }
}
