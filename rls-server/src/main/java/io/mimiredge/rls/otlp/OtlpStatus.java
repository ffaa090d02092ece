package io.mimiredge.rls.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The body of an OTLP refusal: a {@code google.rpc.Status}, in protobuf or in JSON as the request
 * was ({@code writeOTLPResponse} in Mimir's {@code pkg/distributor/otel.go}).
 */
public final class OtlpStatus {
  private static final JsonFactory JSON_FACTORY = new JsonFactory();

  private OtlpStatus() {}

  public static byte[] protobuf(int code, String message) {
    return com.google.rpc.Status.newBuilder()
        .setCode(code)
        .setMessage(message)
        .build()
        .toByteArray();
  }

  /** As Go's {@code encoding/json} writes the struct: fields left out when empty. */
  public static byte[] json(int code, String message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(message.length() + 32);
    try (JsonGenerator g = JSON_FACTORY.createGenerator(out)) {
      g.writeStartObject();
      if (code != 0) {
        g.writeNumberField("code", code);
      }
      if (!message.isEmpty()) {
        g.writeStringField("message", message);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
