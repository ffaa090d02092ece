package io.mimiredge.edgectl.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.mimiredge.edgectl.rollout.Sleeper;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a command gets from outside: environment variables, time, waiting, HTTP and Kubernetes
 * clients. Tests pass their own.
 */
public record Environment(
    Map<String, String> env,
    Clock clock,
    Sleeper sleeper,
    HttpClient http,
    Supplier<KubernetesClient> kubernetes) {

  public static Environment system() {
    return new Environment(
        System.getenv(),
        Clock.systemUTC(),
        Sleeper.REAL,
        defaultHttp(),
        () -> new KubernetesClientBuilder().build());
  }

  public static HttpClient defaultHttp() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(2))
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  public Environment withEnv(Map<String, String> e) {
    return new Environment(e, clock, sleeper, http, kubernetes);
  }
}
