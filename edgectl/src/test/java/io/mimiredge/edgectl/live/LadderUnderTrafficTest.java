package io.mimiredge.edgectl.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.mimiredge.edgectl.support.Cli;
import io.mimiredge.edgectl.support.LocalEdge;
import io.mimiredge.edgectl.support.Traffic;
import io.mimiredge.testsupport.StubUpstream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The whole ladder under continuous traffic, then the emergency rollback: no request fails, none is
 * lost, none is delivered twice.
 */
class LadderUnderTrafficTest {

  @Test
  void promoteUpTheWholeLadderThenEmergencyRollbackLosesNoRequest() throws Exception {
    try (LocalEdge edge = LocalEdge.start("ladder")) {
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();
      AtomicBoolean running = new AtomicBoolean(true);
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        int client = c;
        Thread t =
            new Thread(
                () -> {
                  int i = 0;
                  while (running.get()) {
                    String tenant = "tenant-" + (i % 97);
                    String seq = client + "-" + i++;
                    Traffic.Result r =
                        Traffic.push(
                            edge.port, tenant, seq, ("w " + seq).getBytes(StandardCharsets.UTF_8));
                    sent.add(seq);
                    if (r.status() != 200) {
                      failures.add(seq + " -> " + r.status());
                    }
                  }
                },
                "traffic-" + c);
        t.start();
        clients.add(t);
      }
      List<String> phases = new ArrayList<>();
      try {
        String[] ladder = {
          "mirror", "canary-10", "canary-25", "canary-50", "canary-75", "canary-100", "full"
        };
        for (String expected : ladder) {
          Thread.sleep(150);
          Cli.Run r = edge.edgectl("promote");
          assertThat(r.code()).as(r.toString()).isZero();
          assertThat(Files.readString(edge.stateDir.resolve("state.json")))
              .contains("\"phase\":\"" + expected + "\"");
          phases.add(expected);
        }
        Cli.Run top = edge.edgectl("promote");
        assertThat(top.code()).as("promote at the top is a usage error").isEqualTo(2);
        Thread.sleep(150);
        edge.rls.close(); // the RLS admin API is gone: the emergency must not care
        Cli.Run back = edge.edgectl("rollback", "--emergency");
        assertThat(back.code()).as(back.toString()).isZero();
        Matcher m = Pattern.compile("in (\\d+) ms").matcher(back.out());
        assertThat(m.find()).isTrue();
        System.out.println("in-process emergency rollback full -> direct: " + m.group(1) + " ms");
        // a sanity bound only: the measured figure comes from scripts/measure-emergency-rollback.sh
        assertThat(Long.parseLong(m.group(1))).isLessThan(5000);
        Thread.sleep(200);
      } finally {
        running.set(false);
        for (Thread t : clients) {
          t.join(20_000);
        }
      }
      assertThat(failures).as("failed requests").isEmpty();
      // every request delivered exactly once, to the distributor or through enforcement
      Map<String, Integer> delivered = new HashMap<>();
      for (StubUpstream u : List.of(edge.distributor, edge.enforce)) {
        for (StubUpstream.Received s : u.received()) {
          delivered.merge(s.header("X-Seq"), 1, Integer::sum);
        }
      }
      List<String> all = new ArrayList<>(sent);
      assertThat(all.size()).isGreaterThan(200);
      List<String> lost = all.stream().filter(s -> !delivered.containsKey(s)).toList();
      assertThat(lost).as("lost requests").isEmpty();
      assertThat(delivered.values().stream().filter(n -> n > 1).count()).as("duplicates").isZero();
      assertThat(delivered).hasSize(all.size());
      assertThat(edge.enforce.count()).as("some went through enforcement").isPositive();
      // the last requests went direct
      edge.nginx().awaitWorkers(1);
      Traffic.Result after = Traffic.push(edge.port, "t", "after", new byte[] {1});
      assertThat(after.phase()).isEqualTo("direct");
      Cli.Run history = edge.edgectl("history", "--json");
      assertThat(history.out())
          .contains("emergency-rollback")
          .contains("\"who\" : \"test-operator\"");
      assertThat(history.out().split("\"result\" : \"applied\"")).hasSize(phases.size() + 2);
    }
  }

  @Test
  void emergencyRollbackWorksWithABrokenConfigFromTheStateDirectory() throws Exception {
    try (LocalEdge edge = LocalEdge.start("broken")) {
      assertThat(edge.edgectl("promote", "--to", "full").code()).isZero();
      Files.writeString(edge.configFile, "upstreams: [this is not\n");
      Cli.Run noDir = edge.edgectl("rollback", "--emergency");
      assertThat(noDir.code()).isEqualTo(1);
      assertThat(noDir.err()).contains("--state-dir");
      Cli.Run r = edge.edgectl("rollback", "--emergency", "--state-dir", edge.stateDir.toString());
      assertThat(r.code()).as(r.toString()).isZero();
      edge.nginx().awaitWorkers(1);
      assertThat(Traffic.push(edge.port, "t", "1", new byte[] {1}).phase()).isEqualTo("direct");
      assertThat(Files.readString(edge.nginxConf))
          .isEqualTo(Files.readString(edge.stateDir.resolve("direct.conf")));
      assertThat(Files.readString(edge.stateDir.resolve("previous.conf")))
          .contains("edgectl phase \"full\"");
    }
  }

  @Test
  void gracefulRollbackStepsDownTheLadderToMirror() throws Exception {
    try (LocalEdge edge = LocalEdge.start("graceful")) {
      assertThat(edge.edgectl("promote", "--canary", "50").code()).isZero();
      Cli.Run r = edge.edgectl("rollback", "--step-wait", "100ms");
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out())
          .contains("rolled back canary 50 -> canary 25")
          .contains("rolled back canary 25 -> canary 10")
          .contains("rolled back canary 10 -> mirror");
      edge.nginx().awaitWorkers(1);
      assertThat(Traffic.push(edge.port, "t", "1", new byte[] {1}).phase()).isEqualTo("mirror");
    }
  }

  @Test
  void gracefulRollbackStopsWhenTheGatesFailBetweenSteps() throws Exception {
    try (LocalEdge edge = LocalEdge.start("gracefulfail")) {
      assertThat(edge.edgectl("promote", "--canary", "50").code()).isZero();
      edge.rls.overview(10_000, 500, 2.0, 0); // 5 % errors
      Cli.Run r = edge.edgectl("rollback", "--step-wait", "100ms");
      assertThat(r.code()).as(r.toString()).isEqualTo(3);
      assertThat(r.err()).contains("rollback --emergency");
      edge.nginx().awaitWorkers(1);
      assertThat(Traffic.push(edge.port, "t", "1", new byte[] {1}).phase()).isEqualTo("canary-25");
    }
  }
}
