package io.mimiredge.edgectl.cli;

import io.mimiredge.edgectl.EdgectlException;
import io.mimiredge.edgectl.ExitCodes;
import io.mimiredge.edgectl.config.ConfigLoader;
import io.mimiredge.edgectl.config.EdgectlConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The top command: global options, and the one place domain errors become exit codes. */
@Command(
    name = "edgectl",
    mixinStandardHelpOptions = true,
    version = "edgectl 0.1.0",
    description = "Render NGINX phases, promote with health gates, roll back in seconds.",
    subcommands = {
      RenderCommand.class,
      ValidateCommand.class,
      StatusCommand.class,
      PromoteCommand.class,
      RollbackCommand.class,
      HistoryCommand.class,
      GatesCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:error", "2:usage", "3:a gate failed", "4:target unreachable"})
public final class EdgectlCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "edgectl.yaml (default: $EDGECTL_CONFIG, else ./edgectl.yaml)")
  Path config;

  @Option(
      names = "--templates",
      paramLabel = "DIR",
      description = "NGINX templates directory (default: the ones packaged in edgectl)")
  Path templates;

  @Option(
      names = "--who",
      paramLabel = "NAME",
      description = "who is acting, for the history (default: $EDGECTL_USER, else $USER)")
  String who;

  private final Environment env;
  private EdgectlConfig loaded;

  EdgectlCommand(Environment env) {
    this.env = env;
  }

  public static CommandLine commandLine(Environment env, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new EdgectlCommand(env));
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter w = commandLine.getErr();
          if (e instanceof EdgectlException ee) {
            w.println("edgectl: " + ee.getMessage());
            w.flush();
            return ee.exitCode();
          }
          if (e instanceof IllegalArgumentException) {
            w.println("edgectl: " + e.getMessage());
            w.flush();
            return ExitCodes.USAGE;
          }
          w.println("edgectl: unexpected error: " + e);
          e.printStackTrace(w);
          w.flush();
          return ExitCodes.ERROR;
        });
    return cl;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.USAGE;
  }

  Environment env() {
    return env;
  }

  Path configPath() {
    if (config != null) {
      return config;
    }
    String fromEnv = env.env().get("EDGECTL_CONFIG");
    return Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv : "edgectl.yaml");
  }

  EdgectlConfig config() {
    if (loaded == null) {
      loaded = ConfigLoader.load(configPath());
    }
    return loaded;
  }

  Path templates() {
    return templates;
  }

  String who() {
    if (who != null) {
      return who;
    }
    String w = env.env().get("EDGECTL_USER");
    if (w == null || w.isBlank()) {
      w = env.env().get("USER");
    }
    return w == null || w.isBlank() ? "unknown" : w;
  }

  Wiring wiring() {
    return new Wiring(config(), this);
  }
}
