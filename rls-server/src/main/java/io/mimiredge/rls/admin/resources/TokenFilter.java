package io.mimiredge.rls.admin.resources;

import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a {@link RequiresToken} method run only with {@code Authorization: Bearer <admin.token>}:
 * 401 without the header or with another token, 403 when no token is configured (changes are
 * disabled). Runs before the body is parsed; a refused request's body (the admin API's bodies are
 * small) is read and dropped first, so the client's kept-alive connection stays usable (unread, it
 * can make the server close the connection under the client's next request). Compares SHA-256
 * digests with {@link MessageDigest#isEqual}, so neither the token's content nor its length leaks
 * through timing. Never logs a token. Thread-safe.
 */
@RequiresToken
@Priority(Priorities.AUTHENTICATION)
public final class TokenFilter implements ContainerRequestFilter {
  private static final Logger LOG = LoggerFactory.getLogger(TokenFilter.class);
  private static final String BEARER = "bearer ";

  private final byte[] tokenDigest;
  private final Runnable onFailure;

  @Context private HttpServletRequest servletRequest;

  /**
   * @param token the configured token; null or blank when none is configured
   * @param onFailure called for each request refused for a missing or wrong token
   */
  public TokenFilter(String token, Runnable onFailure) {
    this.tokenDigest = token == null || token.isBlank() ? null : sha256(token);
    this.onFailure = onFailure;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    if (tokenDigest == null) {
      refuse(
          request,
          ProblemMapper.response(
              403,
              "admin changes are disabled: no admin token is configured. Set admin.token in the"
                  + " RLS configuration (at least 16 characters, e.g. from an environment"
                  + " variable) and send it as 'Authorization: Bearer <token>'",
              List.of()));
      return;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    String problem;
    if (header == null || header.isBlank()) {
      problem = "missing bearer token";
    } else if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      problem = "Authorization is not a bearer token";
    } else if (!MessageDigest.isEqual(
        tokenDigest, sha256(header.substring(BEARER.length()).trim()))) {
      problem = "wrong bearer token";
    } else {
      return;
    }
    onFailure.run();
    LOG.warn(
        "admin API: refused {} /{} from {}: {}",
        request.getMethod(),
        request.getUriInfo().getPath(),
        Callers.describe(servletRequest, request.getHeaders()),
        problem);
    refuse(
        request,
        Response.fromResponse(
                ProblemMapper.response(
                    401, problem + ": send 'Authorization: Bearer <admin.token>'", List.of()))
            .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"rls-admin\"")
            .build());
  }

  /**
   * Answers {@code response} after dropping the body, up to the admin API's largest; past that the
   * connection is closed (Connection: close) rather than read on.
   */
  private static void refuse(ContainerRequestContext request, Response response) {
    request.abortWith(
        drain(request.getEntityStream())
            ? response
            : Response.fromResponse(response).header("Connection", "close").build());
  }

  /**
   * Reads and drops a body; false when it is larger than any the admin API takes, or unreadable.
   */
  private static boolean drain(InputStream body) {
    if (body == null) {
      return true;
    }
    byte[] buffer = new byte[8192];
    long left = LimitsBodies.MAX_BODY_BYTES;
    try {
      for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
        left -= n;
        if (left < 0) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
