package io.mimiredge.edgectl.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.edgectl.cli.Environment;
import io.mimiredge.edgectl.rollout.Sleeper;
import io.mimiredge.testsupport.StubUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * A whole local edge for tests: a real NGINX (started on the rendered direct config), a stub
 * distributor, a stub enforcement upstream (the RLS pass-through door), a stub RLS (shadow door and
 * admin API), and an {@code edgectl.yaml} pointing at all of them.
 */
public final class LocalEdge implements AutoCloseable {
  public final Path prefix;
  public final Path configFile;
  public final Path nginxConf;
  public final Path stateDir;
  public final int port;
  public final StubUpstream distributor;
  public final StubUpstream enforce;
  public final Rls rls;
  public final Environment env;
  private Nginx nginx;

  private LocalEdge(
      String name, String extraYaml, String rlsDoors, String upstreamsYaml, String nginxYaml) {
    Nginx.binaryOrSkip();
    prefix = Nginx.newPrefix(name);
    port = Nginx.freePort();
    distributor = StubUpstream.start("distributor", 200);
    enforce = StubUpstream.start("enforce", 200);
    rls = new Rls();
    nginxConf = prefix.resolve("nginx.conf");
    stateDir = prefix.resolve("state");
    configFile = prefix.resolve("edgectl.yaml");
    String yaml =
        "nginx:\n"
            + "  listen: \"127.0.0.1:"
            + port
            + "\"\n"
            + "  workerProcesses: \"1\"\n"
            + "  tempDir: "
            + prefix.resolve("temp")
            + "\n"
            + nginxYaml
            + "upstreams:\n"
            + "  distributor: [\""
            + distributor.hostPort()
            + "\"]\n"
            + "  rlsPassThrough: [\""
            + (rlsDoors == null ? enforce.hostPort() : rlsDoors)
            + "\"]\n"
            + "  rlsShadow: [\""
            + (rlsDoors == null ? rls.hostPort() : rlsDoors)
            + "\"]\n"
            + "  keepalive: 8\n"
            + upstreamsYaml
            + "rls:\n"
            + "  url: "
            + rls.url()
            + "\n"
            + "gates:\n"
            + "  minRequests: 100\n"
            + "  interval: 100ms\n"
            + "target:\n"
            + "  local:\n"
            + "    config: "
            + nginxConf
            + "\n"
            + "    stateDir: "
            + stateDir
            + "\n"
            + "    nginx: "
            + Nginx.binaryOrSkip()
            + "\n"
            + "    prefix: "
            + prefix
            + "\n"
            + "    globals: \""
            + Nginx.globals(prefix)
            + "\"\n"
            + extraYaml;
    try {
      Files.writeString(configFile, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    env =
        new Environment(
            Map.of("EDGECTL_USER", "test-operator"),
            Clock.systemUTC(),
            Sleeper.REAL,
            Environment::defaultHttp,
            () -> {
              throw new IllegalStateException("no Kubernetes here");
            });
  }

  /** Renders direct with edgectl, starts NGINX on it. */
  public static LocalEdge start(String name) {
    return start(name, "");
  }

  public static LocalEdge start(String name, String extraYaml) {
    return start(name, extraYaml, null, "");
  }

  /**
   * As {@link #start(String, String)}, with the pass-through and shadow upstreams at {@code
   * rlsDoors} (a real RLS's application port, {@code host:port}) instead of the stubs; the admin
   * API edgectl's gates read stays the stub's.
   */
  public static LocalEdge start(String name, String extraYaml, String rlsDoors) {
    return start(name, extraYaml, rlsDoors, "");
  }

  /**
   * As {@link #start(String, String, String)}, with {@code upstreamsYaml} (lines indented by two
   * spaces, e.g. {@code " rlsTls: {...}\n"}) added to the {@code upstreams:} section.
   */
  public static LocalEdge start(
      String name, String extraYaml, String rlsDoors, String upstreamsYaml) {
    return start(name, extraYaml, rlsDoors, upstreamsYaml, "");
  }

  /**
   * As {@link #start(String, String, String, String)}, with {@code nginxYaml} (lines indented by
   * two spaces, e.g. {@code " tenantFrom: basicAuthUser\n"}) added to the {@code nginx:} section.
   */
  public static LocalEdge start(
      String name, String extraYaml, String rlsDoors, String upstreamsYaml, String nginxYaml) {
    LocalEdge e = new LocalEdge(name, extraYaml, rlsDoors, upstreamsYaml, nginxYaml);
    Cli.Run r = e.edgectl("render", "direct", "--out", e.nginxConf.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    e.nginx = Nginx.start(e.prefix, e.nginxConf, e.port);
    return e;
  }

  public Cli.Run edgectl(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = configFile.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return Cli.run(env, all);
  }

  public Nginx nginx() {
    return nginx;
  }

  public void resetCounts() {
    distributor.reset();
    enforce.reset();
    rls.server().reset();
  }

  @Override
  public void close() {
    if (nginx != null) {
      nginx.close();
    }
    distributor.close();
    enforce.close();
    rls.close();
    Nginx.deletePrefix(prefix);
  }
}
