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
    Supplier<HttpClient> httpClient,
    Supplier<KubernetesClient> kubernetes) {

  public static Environment system() {
    return new Environment(
        System.getenv(),
        Clock.systemUTC(),
        Sleeper.REAL,
        memoize(Environment::defaultHttp),
        () -> new KubernetesClientBuilder().build());
  }

  /** The HTTP client, built on first use (the emergency path never builds one: startup time). */
  public HttpClient http() {
    return httpClient.get();
  }

  private static <T> Supplier<T> memoize(Supplier<T> s) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = s.get();
        }
        return value;
      }
    };
  }

  public static HttpClient defaultHttp() {
    return httpBuilder().build();
  }

  /** edgectl's HTTP client settings (2 s to connect, HTTP/1.1), to add TLS to. */
  public static HttpClient.Builder httpBuilder() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(2))
        .version(HttpClient.Version.HTTP_1_1);
  }

  public Environment withEnv(Map<String, String> e) {
    return new Environment(e, clock, sleeper, httpClient, kubernetes);
  }
}
