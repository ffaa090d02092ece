package io.mimiredge.rls.admin.resources;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;

/** Answers a {@link ProblemException} with its status and a JSON body. Stateless. */
@Provider
public final class ProblemMapper implements ExceptionMapper<ProblemException> {

  /** The error body: Dropwizard's {@code code} and {@code message}, plus every problem found. */
  public record Body(int code, String message, List<String> problems) {}

  @Override
  public Response toResponse(ProblemException e) {
    return response(e.status(), e.getMessage(), e.problems());
  }

  static Response response(int status, String message, List<String> problems) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new Body(status, message, problems))
        .build();
  }
}
