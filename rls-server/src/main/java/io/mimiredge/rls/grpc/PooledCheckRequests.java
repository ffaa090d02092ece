package io.mimiredge.rls.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;

/**
 * Envoy's {@code Check} with its request read into a pooled buffer and walked where it lies ({@link
 * CheckRequestWire}): the {@code raw_body} (the push, most of the message) is decided from that
 * buffer, and no message is built. grpc-java's default marshaller reads a message into a reused
 * array and parses it into objects, with a copy of every {@code bytes} field; here the buffer stays
 * the call's until its answer is sent, then goes back to the pool (a call cancelled after its
 * message is read and before it is half-closed leaves it to the collector).
 *
 * <p>Only the request's reading changes: the service, its answers and its errors are {@link
 * ExtAuthzService}'s; a message protobuf-java would refuse is gRPC's {@code INTERNAL}, as with its
 * own marshaller. A message of unknown length (no transport here sends one) is read into an array
 * of its own.
 */
final class PooledCheckRequests {
  /**
   * A request read in place, the pooled buffer it lies in (null: none), and when it was read (the
   * doors' clock, on the event loop): its decision's recorded time runs from then, so that the wait
   * for a decision thread counts. Released once, after its answer: its buffer goes back to the
   * buffer pool and its reader (with its arrays) to the marshaller's spares, so neither may be used
   * after that.
   */
  static final class Parsed {
    private final CheckRequestWire request;
    private final RetainableByteBuffer buffer;
    private final long readNanos;
    private final Spares spares; // null: the reader is not reused
    private boolean released;

    Parsed(CheckRequestWire request, RetainableByteBuffer buffer, long readNanos, Spares spares) {
      this.request = request;
      this.buffer = buffer;
      this.readNanos = readNanos;
      this.spares = spares;
    }

    CheckRequestWire request() {
      return request;
    }

    RetainableByteBuffer buffer() {
      return buffer;
    }

    long readNanos() {
      return readNanos;
    }

    /** Frees what the request holds; a second call does nothing (by the call's one thread). */
    void release() {
      if (released) {
        return;
      }
      released = true;
      request.forget();
      if (buffer != null) {
        buffer.release();
      }
      if (spares != null) {
        spares.put(request);
      }
    }
  }

  /**
   * Readers kept for reuse, each with its header arrays (about 300 bytes a {@code Check} would
   * otherwise allocate): as many as calls are decided at once, up to {@value #MAX}; more are left
   * to the collector. Thread-safe (a call is read on an event loop and may be released on a
   * decision thread).
   */
  static final class Spares {
    static final int MAX = 256;

    private final ArrayBlockingQueue<CheckRequestWire> readers = new ArrayBlockingQueue<>(MAX);

    CheckRequestWire take() {
      CheckRequestWire r = readers.poll();
      return r != null ? r : CheckRequestWire.empty();
    }

    void put(CheckRequestWire r) {
      readers.offer(r);
    }

    int size() {
      return readers.size();
    }
  }

  private PooledCheckRequests() {}

  /**
   * {@code service}'s {@code Check}, its requests parsed into buffers of {@code pool} on the event
   * loop, stamped by the service's clock, and decided where {@code threads} says.
   */
  static ServerServiceDefinition bind(
      ExtAuthzService service, ByteBufferPool pool, DecisionThreads threads) {
    MethodDescriptor<Parsed, CheckResponse> check =
        AuthorizationGrpc.getCheckMethod().toBuilder(
                new Marshaller(pool, service.nanoClock()),
                ProtoUtils.marshaller(CheckResponse.getDefaultInstance()))
            .build();
    return ServerServiceDefinition.builder(AuthorizationGrpc.SERVICE_NAME)
        .addMethod(
            check,
            threads.unary(
                (Parsed parsed, io.grpc.stub.StreamObserver<CheckResponse> answer) -> {
                  try {
                    // answers before it returns
                    service.check(parsed.request(), parsed.readNanos(), answer);
                  } finally {
                    parsed.release();
                  }
                },
                parsed -> service.decisionBytes(parsed.request()),
                Parsed::release))
        .build();
  }

  /** Reads a request into a pooled buffer and parses it with aliasing. */
  static final class Marshaller implements MethodDescriptor.Marshaller<Parsed> {
    private final ByteBufferPool pool;
    private final LongSupplier nanoClock;
    private final Spares spares = new Spares();

    /** The readers kept for reuse. */
    Spares spares() {
      return spares;
    }

    Marshaller(ByteBufferPool pool, LongSupplier nanoClock) {
      this.pool = Objects.requireNonNull(pool, "pool");
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    @Override
    public InputStream stream(Parsed value) {
      CheckRequestWire r = value.request();
      return new ByteArrayInputStream(r.buffer(), r.offset(), r.length());
    }

    @Override
    public Parsed parse(InputStream stream) {
      long readNanos = nanoClock.getAsLong(); // the message is complete: from here it is held
      try (stream) {
        int size = stream instanceof KnownLength ? stream.available() : -1;
        if (size < 0) {
          byte[] bytes = stream.readAllBytes();
          return new Parsed(CheckRequestWire.read(bytes, 0, bytes.length), null, readNanos, null);
        }
        RetainableByteBuffer buffer = pool.acquire(Math.max(1, size), false);
        CheckRequestWire reader = spares.take();
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
          // read where it lies: the buffer stays the request's until it is released, after the call
          reader.readInto(array, offset, size);
          return new Parsed(reader, buffer, readNanos, spares);
        } catch (IOException | RuntimeException e) {
          reader.forget();
          spares.put(reader);
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
