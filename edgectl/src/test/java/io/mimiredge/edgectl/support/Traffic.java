package io.mimiredge.edgectl.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Remote writes as a client sends them, over plain sockets: one request per connection ({@code
 * Connection: close}), so what is measured is NGINX's guarantee for in-flight and new requests
 * across reloads. Returns the status, or -1 when the request failed at the socket level.
 */
public final class Traffic {
  private Traffic() {}

  public record Result(int status, String phase, String route) {}

  public static Result push(int port, String tenant, String seq, byte[] body) {
    return post(port, "/api/v1/push", tenant, seq, body);
  }

  /**
   * As {@link #push}, to another write path (e.g. {@code /otlp/v1/metrics}): NGINX routes by path
   * and tenant, never by the body, so the remote-write headers do not matter to it.
   */
  public static Result post(int port, String path, String tenant, String seq, byte[] body) {
    return send(port, path, "X-Scope-OrgID: " + tenant, seq, body);
  }

  /** As {@link #push}, with {@code headerLines} (CRLF-separated) in place of the tenant header. */
  public static Result pushWithHeaders(int port, String headerLines, String seq, byte[] body) {
    return send(port, "/api/v1/push", headerLines, seq, body);
  }

  /** As {@link #push}, the tenant the basic-auth user (as a gateway in front of Mimir maps it). */
  public static Result pushAs(int port, String user, String seq, byte[] body) {
    String credentials =
        java.util.Base64.getEncoder()
            .encodeToString((user + ":secret").getBytes(StandardCharsets.UTF_8));
    return send(port, "/api/v1/push", "Authorization: Basic " + credentials, seq, body);
  }

  private static Result send(int port, String path, String tenantLine, String seq, byte[] body) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      String head =
          "POST "
              + path
              + " HTTP/1.1\r\n"
              + "Host: edge\r\n"
              + tenantLine
              + "\r\n"
              + "X-Seq: "
              + seq
              + "\r\n"
              + "Content-Type: application/x-protobuf\r\n"
              + "Content-Encoding: snappy\r\n"
              + "X-Prometheus-Remote-Write-Version: 0.1.0\r\n"
              + "Content-Length: "
              + body.length
              + "\r\n"
              + "Connection: close\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      byte[] b = new byte[4096];
      int n;
      while ((n = in.read(b)) > 0) {
        buf.write(b, 0, n);
      }
      String resp = buf.toString(StandardCharsets.ISO_8859_1);
      if (!resp.startsWith("HTTP/1.1 ")) {
        return new Result(-1, null, null);
      }
      int status = Integer.parseInt(resp.substring(9, 12));
      return new Result(status, header(resp, "X-Edge-Phase"), header(resp, "X-Edge-Route"));
    } catch (IOException e) {
      return new Result(-1, null, null);
    }
  }

  private static String header(String resp, String name) {
    int end = resp.indexOf("\r\n\r\n");
    for (String line : resp.substring(0, end < 0 ? resp.length() : end).split("\r\n")) {
      int c = line.indexOf(':');
      if (c > 0 && line.substring(0, c).equalsIgnoreCase(name)) {
        return line.substring(c + 1).trim();
      }
    }
    return null;
  }
}
