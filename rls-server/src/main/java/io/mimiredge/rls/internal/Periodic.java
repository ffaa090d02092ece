package io.mimiredge.rls.internal;

import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a housekeeping task every {@code interval} on its own daemon thread while the server runs. A
 * failing run is logged and the schedule goes on.
 */
public final class Periodic implements Managed {
  private static final Logger LOG = LoggerFactory.getLogger(Periodic.class);

  private final String name;
  private final Duration interval;
  private final Runnable task;
  private ScheduledExecutorService executor;

  public Periodic(String name, Duration interval, Runnable task) {
    this.name = Objects.requireNonNull(name, "name");
    this.interval = Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(name + ": interval must be > 0, got " + interval);
    }
    this.task = Objects.requireNonNull(task, "task");
  }

  @Override
  public synchronized void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    long ms = interval.toMillis();
    executor.scheduleWithFixedDelay(this::runQuietly, ms, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() throws InterruptedException {
    ScheduledExecutorService e;
    synchronized (this) {
      e = executor;
      executor = null;
    }
    if (e != null) {
      e.shutdownNow();
      e.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private void runQuietly() {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.error("{} failed; it runs again in {}", name, interval, e);
    }
  }
}
