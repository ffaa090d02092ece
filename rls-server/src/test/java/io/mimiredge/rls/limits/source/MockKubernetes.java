package io.mimiredge.rls.limits.source;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * fabric8's Kubernetes mock server in CRUD mode, on 127.0.0.1, whose watches a test can break: it
 * then closes every open watch and answers new ones with 500, while gets and lists keep working.
 */
public final class MockKubernetes implements AutoCloseable {
  private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
  private final AtomicBoolean watchesBroken = new AtomicBoolean();
  private final Set<WebSocket> watches = ConcurrentHashMap.newKeySet();
  private final KubernetesMockServer server;
  private final KubernetesClient client;

  public MockKubernetes() {
    Dispatcher dispatcher =
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if (!request.getPath().contains("watch=true")) {
              return crud.dispatch(request);
            }
            if (watchesBroken.get()) {
              return new MockResponse()
                  .setResponseCode(500)
                  .setBody(
                      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                          + "\"message\":\"watch refused by the test\",\"code\":500}");
            }
            MockResponse response = crud.dispatch(request);
            WebSocketListener inner = response.getWebSocketListener();
            return inner == null ? response : response.withWebSocketUpgrade(tracking(inner));
          }
        };
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(server.url("/"))
            .withNamespace("default")
            .withTrustCerts(true)
            .withWatchReconnectInterval(100)
            .withRequestRetryBackoffLimit(0)
            .build();
    client = new KubernetesClientBuilder().withConfig(config).build();
  }

  public KubernetesClient client() {
    return client;
  }

  /** Closes the open watches and refuses new ones (500) until {@link #healWatches}. */
  void breakWatches() throws InterruptedException {
    watchesBroken.set(true);
    // The client may see its watch start a moment before the server registers the socket.
    long deadline = System.nanoTime() + 2_000_000_000L;
    boolean closedOne = false;
    while (!closedOne && System.nanoTime() < deadline) {
      for (WebSocket ws : watches) {
        ws.close(1011, "broken by the test");
        watches.remove(ws);
        closedOne = true;
      }
      if (!closedOne) {
        Thread.sleep(10);
      }
    }
  }

  void healWatches() {
    watchesBroken.set(false);
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  private WebSocketListener tracking(WebSocketListener inner) {
    return new WebSocketListener() {
      @Override
      public void onBeforeAccept(WebSocket ws, Response r) {
        inner.onBeforeAccept(ws, r);
      }

      @Override
      public void onOpen(WebSocket ws, Response r) {
        watches.add(ws);
        inner.onOpen(ws, r);
      }

      @Override
      public void onMessage(WebSocket ws, String text) {
        inner.onMessage(ws, text);
      }

      @Override
      public void onMessage(WebSocket ws, ByteString bytes) {
        inner.onMessage(ws, bytes);
      }

      @Override
      public void onMessage(WebSocket ws, byte[] bytes) {
        inner.onMessage(ws, bytes);
      }

      @Override
      public void onClosing(WebSocket ws, int code, String reason) {
        watches.remove(ws);
        inner.onClosing(ws, code, reason);
      }

      @Override
      public void onClosed(WebSocket ws, int code, String reason) {
        watches.remove(ws);
        inner.onClosed(ws, code, reason);
      }

      @Override
      public void onFailure(WebSocket ws, Throwable t, Response r) {
        watches.remove(ws);
        inner.onFailure(ws, t, r);
      }
    };
  }
}
