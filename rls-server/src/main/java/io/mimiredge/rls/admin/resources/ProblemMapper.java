package io.mimiredge.rls.admin.resources;

import io.mimiredge.api.admin.Problem;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;

/** Answers a {@link ProblemException} with its status and a JSON body. Stateless. */
@Provider
public final class ProblemMapper implements ExceptionMapper<ProblemException> {

  @Override
  public Response toResponse(ProblemException e) {
    return response(e.status(), e.getMessage(), e.problems());
  }

  static Response response(int status, String message, List<String> problems) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new Problem(status, message, problems))
        .build();
  }
}
