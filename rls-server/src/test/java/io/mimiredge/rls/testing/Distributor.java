package io.mimiredge.rls.testing;

import io.mimiredge.testsupport.StubUpstream;
import io.mimiredge.testsupport.StubUpstream.Received;
import io.mimiredge.testsupport.StubUpstream.Response;
import java.io.IOException;
import java.time.Duration;

/**
 * Mimir's distributor as the RLS's tests need it: a {@link StubUpstream} named "distributor" that
 * records every request and answers 200, with Mimir's Written headers on a remote write 2.0 push; a
 * request for tenant {@value #SLOW_TENANT} is answered only after a delay.
 */
public final class Distributor {
  public static final String SLOW_TENANT = "slow";

  private Distributor() {}

  /** Starts one that answers tenant {@value #SLOW_TENANT} after {@code slow}. */
  public static StubUpstream start(Duration slow) {
    // room for the parallel forwards of the end-to-end tests' Prometheus senders
    return StubUpstream.builder("distributor").threads(32).answer(r -> answer(r, slow)).start();
  }

  private static Response answer(Received r, Duration slow) {
    if (SLOW_TENANT.equals(r.tenant())) {
      try {
        Thread.sleep(slow.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Response ok = Response.status(200);
    String type = r.header("Content-Type");
    if (type != null && type.endsWith(";proto=io.prometheus.write.v2.Request")) {
      return written(ok, r.body()); // as Mimir answers a remote write 2.0 push
    }
    return ok;
  }

  /**
   * Mimir's X-Prometheus-Remote-Write-*-Written headers for a 2.0 body, counted with the generated
   * classes (what it received); none for a body that does not decode.
   */
  private static Response written(Response ok, byte[] body) {
    try {
      var request =
          io.mimiredge.rls.testing.rw2.Request.parseFrom(org.xerial.snappy.Snappy.uncompress(body));
      long samples = 0;
      long histograms = 0;
      long exemplars = 0;
      for (var ts : request.getTimeseriesList()) {
        samples += ts.getSamplesCount();
        histograms += ts.getHistogramsCount();
        exemplars += ts.getExemplarsCount();
      }
      return ok.withHeader("X-Prometheus-Remote-Write-Samples-Written", Long.toString(samples))
          .withHeader("X-Prometheus-Remote-Write-Histograms-Written", Long.toString(histograms))
          .withHeader("X-Prometheus-Remote-Write-Exemplars-Written", Long.toString(exemplars));
    } catch (IOException e) {
      return ok; // not a 2.0 body: no headers, as Prometheus would then see
    }
  }
}
