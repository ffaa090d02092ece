package io.mimiredge.rls.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;

/**
 * Envoy's {@code Check} with its request read into a pooled buffer and parsed with protobuf's
 * aliasing on: the {@code raw_body} (the push, most of the message) is a view of that buffer, not a
 * copy of its own. grpc-java's default marshaller reads a message into a reused array and parses it
 * with a copy of every {@code bytes} field; here the buffer stays the call's until its answer is
 * sent, then goes back to the pool (a call cancelled between the two leaves it to the collector).
 *
 * <p>Only the request's parse changes: the service, its answers and its errors are {@link
 * ExtAuthzService}'s. A message of unknown length (no transport here sends one) is parsed the
 * ordinary way.
 */
final class PooledCheckRequests {
  /** A parsed request and the buffer its {@code bytes} fields point into (null: none). */
  record Parsed(CheckRequest request, RetainableByteBuffer buffer) {
    void release() {
      if (buffer != null) {
        buffer.release();
      }
    }
  }

  private PooledCheckRequests() {}

  /** {@code service}'s {@code Check}, its requests parsed into buffers of {@code pool}. */
  static ServerServiceDefinition bind(ExtAuthzService service, ByteBufferPool pool) {
    MethodDescriptor<Parsed, CheckResponse> check =
        AuthorizationGrpc.getCheckMethod().toBuilder(
                new Marshaller(pool), ProtoUtils.marshaller(CheckResponse.getDefaultInstance()))
            .build();
    return ServerServiceDefinition.builder(AuthorizationGrpc.SERVICE_NAME)
        .addMethod(
            check,
            ServerCalls.asyncUnaryCall(
                (Parsed parsed, io.grpc.stub.StreamObserver<CheckResponse> answer) -> {
                  try {
                    service.check(parsed.request(), answer); // answers before it returns
                  } finally {
                    parsed.release();
                  }
                }))
        .build();
  }

  /** Reads a request into a pooled buffer and parses it with aliasing. */
  static final class Marshaller implements MethodDescriptor.Marshaller<Parsed> {
    private final ByteBufferPool pool;

    Marshaller(ByteBufferPool pool) {
      this.pool = Objects.requireNonNull(pool, "pool");
    }

    @Override
    public InputStream stream(Parsed value) {
      return value.request().toByteString().newInput();
    }

    @Override
    public Parsed parse(InputStream stream) {
      try (stream) {
        int size = stream instanceof KnownLength ? stream.available() : -1;
        if (size < 0) {
          return new Parsed(CheckRequest.parseFrom(stream), null);
        }
        RetainableByteBuffer buffer = pool.acquire(Math.max(1, size), false);
        try {
          ByteBuffer b = buffer.getByteBuffer();
          byte[] array = b.array();
          int offset = b.arrayOffset();
          int read = 0;
          while (read < size) {
            int n = stream.read(array, offset + read, size - read);
            if (n < 0) {
              throw new IOException("the message ended after " + read + " of " + size + " bytes");
            }
            read += n;
          }
          // Protobuf aliases bytes fields only into a buffer it is told will not change:
          // unsafeWrap says so (true until the buffer is released, after the call).
          CodedInputStream in =
              UnsafeByteOperations.unsafeWrap(array, offset, size).newCodedInput();
          in.enableAliasing(true);
          in.setSizeLimit(Integer.MAX_VALUE); // the transport has bounded the message already
          return new Parsed(CheckRequest.parseFrom(in), buffer);
        } catch (IOException | RuntimeException e) {
          buffer.release();
          throw e;
        }
      } catch (InvalidProtocolBufferException e) {
        throw Status.INTERNAL
            .withDescription("Invalid protobuf byte sequence")
            .withCause(e)
            .asRuntimeException();
      } catch (IOException e) {
        throw Status.INTERNAL
            .withDescription("could not read the request")
            .withCause(e)
            .asRuntimeException();
      }
    }
  }
}
