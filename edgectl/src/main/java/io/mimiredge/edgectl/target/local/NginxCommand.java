package io.mimiredge.edgectl.target.local;

import io.mimiredge.edgectl.EdgectlException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code nginx} binary: {@code -t} on a candidate file, {@code -s reload} on the running
 * master. {@code prefix} and {@code globals} are the {@code -p} and {@code -g} the master was
 * started with, so {@code -s} finds its pid file. Thread-safe (stateless).
 */
public final class NginxCommand {
  private final String binary;
  private final String prefix;
  private final String globals;
  private final List<String> reloadCommand;

  public NginxCommand(String binary, String prefix, String globals, List<String> reloadCommand) {
    this.binary = binary == null ? "nginx" : binary;
    this.prefix = prefix;
    this.globals = globals;
    this.reloadCommand = reloadCommand == null ? List.of() : List.copyOf(reloadCommand);
  }

  /** {@code nginx -t} on {@code conf}; throws with NGINX's own message when it fails. */
  public void test(Path conf) {
    List<String> cmd = base(conf);
    cmd.add("-t");
    cmd.add("-q");
    Result r = run(cmd, 30);
    if (r.code != 0) {
      throw new EdgectlException("nginx -t rejected " + conf + ":\n" + r.output.strip());
    }
  }

  /** Graceful reload: old workers finish their requests, new ones take the new file. */
  public void reload(Path conf) {
    List<String> cmd;
    if (reloadCommand.isEmpty()) {
      cmd = base(conf);
      cmd.add("-s");
      cmd.add("reload");
    } else {
      cmd = new ArrayList<>(reloadCommand);
    }
    Result r = run(cmd, 30);
    if (r.code != 0) {
      throw new EdgectlException.TargetUnreachable(
          "NGINX reload failed (" + String.join(" ", cmd) + "): " + r.output.strip(), null);
    }
  }

  private List<String> base(Path conf) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary);
    if (prefix != null && !prefix.isBlank()) {
      cmd.add("-p");
      cmd.add(prefix);
    }
    cmd.add("-c");
    cmd.add(conf.toAbsolutePath().toString());
    if (globals != null && !globals.isBlank()) {
      cmd.add("-g");
      cmd.add(globals);
    }
    return cmd;
  }

  private static Result run(List<String> cmd, int timeoutSeconds) {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new EdgectlException.TargetUnreachable(
          "cannot run "
              + cmd.get(0)
              + " (is NGINX installed? target.local.nginx): "
              + e.getMessage(),
          e);
    }
    try {
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new EdgectlException(
            String.join(" ", cmd) + " did not finish in " + timeoutSeconds + "s");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new EdgectlException("running " + String.join(" ", cmd) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EdgectlException("interrupted while running " + String.join(" ", cmd), e);
    }
  }

  private record Result(int code, String output) {}
}
