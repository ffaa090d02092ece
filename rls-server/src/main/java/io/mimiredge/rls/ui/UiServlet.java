package io.mimiredge.rls.ui;

import io.dropwizard.jetty.setup.ServletEnvironment;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the admin UI (built by Vite into the jar's {@code /ui} folder) at {@code /ui/}, and sends
 * {@code /} there. Jersey keeps {@code /*}: the push doors and the API live beside the UI on one
 * port, and the servlet container picks the longer prefix {@code /ui/*} (and the exact root) over
 * Jersey's. Paths without a file extension are the single-page app's routes and get {@code
 * index.html}. Hashed assets are cached for a year, {@code index.html} is revalidated on every
 * load. Files are read once and kept in memory (the whole UI is well under a megabyte).
 * Thread-safe.
 */
public final class UiServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  /** Where the UI is served. */
  public static final String PATH = "/ui";

  private static final Pattern SAFE = Pattern.compile("(/[A-Za-z0-9_][A-Za-z0-9._-]*)+");
  private static final String INDEX = "/index.html";
  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("mjs", "text/javascript; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("json", "application/json"),
          Map.entry("map", "application/json"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("txt", "text/plain; charset=utf-8"));
  // recharts sets inline styles; everything else comes from this origin.
  private static final String CSP =
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
          + " frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private final String classpathRoot;
  private final transient ClassLoader loader;
  private final transient Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

  private record Asset(byte[] bytes, String type, String etag) {}

  /** The UI from the classpath folder {@code /ui}, where the Maven build puts it. */
  public UiServlet() {
    this("/ui");
  }

  /**
   * @param classpathRoot the classpath folder holding {@code index.html} and {@code assets/}
   */
  public UiServlet(String classpathRoot) {
    if (!classpathRoot.startsWith("/") || classpathRoot.endsWith("/")) {
      throw new IllegalArgumentException(
          "classpathRoot must start and not end with '/', e.g. /ui; got '" + classpathRoot + "'");
    }
    this.classpathRoot = classpathRoot;
    this.loader = UiServlet.class.getClassLoader();
  }

  /** Maps the UI at {@code /ui/*} and the root {@code /} (which redirects to it). */
  public static void register(ServletEnvironment servlets) {
    servlets.addServlet("admin-ui", new UiServlet()).addMapping("", PATH + "/*");
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String info = req.getPathInfo();
    if (!PATH.equals(req.getServletPath()) || info == null) {
      // "/" or "/ui": the app lives at "/ui/" so that its relative asset URLs resolve
      String query = req.getQueryString();
      resp.setHeader("Cache-Control", "no-cache");
      resp.sendRedirect(PATH + "/" + (query == null ? "" : "?" + query));
      return;
    }
    String file = route(info);
    if (file == null) {
      resp.sendError(HttpServletResponse.SC_NOT_FOUND);
      return;
    }
    Optional<Asset> asset = cache.computeIfAbsent(file, this::load);
    if (asset.isEmpty()) {
      if (INDEX.equals(file)) {
        resp.setStatus(HttpServletResponse.SC_NOT_FOUND);
        resp.setContentType("text/plain; charset=utf-8");
        resp.getWriter()
            .println(
                "The admin UI is not in this build: build rls-server with Maven (mvn package),"
                    + " which runs npm in rls-server/src/main/ui.");
      } else {
        resp.sendError(HttpServletResponse.SC_NOT_FOUND);
      }
      return;
    }
    Asset a = asset.get();
    resp.setHeader("ETag", a.etag());
    resp.setHeader("X-Content-Type-Options", "nosniff");
    if (INDEX.equals(file)) {
      resp.setHeader("Cache-Control", "no-cache");
      resp.setHeader("Content-Security-Policy", CSP);
      resp.setHeader("Referrer-Policy", "no-referrer");
    } else if (file.startsWith("/assets/")) {
      // Vite puts a content hash in every asset's name: a new build means new names
      resp.setHeader("Cache-Control", "public, max-age=31536000, immutable");
    } else {
      resp.setHeader("Cache-Control", "public, max-age=3600");
    }
    String ifNoneMatch = req.getHeader("If-None-Match");
    if (ifNoneMatch != null && ifNoneMatch.contains(a.etag())) {
      resp.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
      return;
    }
    resp.setContentType(a.type());
    resp.setContentLength(a.bytes().length);
    resp.getOutputStream().write(a.bytes());
  }

  /**
   * The file a path under {@code /ui} answers with: itself when it names a file (a last segment
   * with a dot), {@code index.html} for the app's routes, null for a file name that is not safe to
   * look up. Tenant pages ({@code /tenants/<id>}) are routes whatever the ID holds.
   */
  static String route(String pathInfo) {
    String p = pathInfo.endsWith("/") ? pathInfo.substring(0, pathInfo.length() - 1) : pathInfo;
    if (p.isEmpty() || p.startsWith("/tenants/")) {
      return INDEX;
    }
    String last = p.substring(p.lastIndexOf('/') + 1);
    if (!last.contains(".")) {
      return INDEX;
    }
    return SAFE.matcher(p).matches() && !p.contains("..") ? p : null;
  }

  private Optional<Asset> load(String file) {
    String ext = file.substring(file.lastIndexOf('.') + 1);
    try (InputStream in = loader.getResourceAsStream(classpathRoot.substring(1) + file)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] bytes = in.readAllBytes();
      return Optional.of(
          new Asset(bytes, TYPES.getOrDefault(ext, "application/octet-stream"), etag(bytes)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + classpathRoot + file, e);
    }
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
