package io.mimiredge.rls.internal;

import io.dropwizard.lifecycle.Managed;

/**
 * A part that runs between a start and a stop (a limits source's watch, the replica informer, the
 * Redis prober), without knowing who starts it: the domain packages use this, and the wiring hands
 * each to Dropwizard's lifecycle through {@link #managed(Lifecycle)}.
 */
public interface Lifecycle {
  /** Starts; a failure here fails the service's start. */
  default void start() throws Exception {}

  /** Stops; called once at shutdown. */
  default void stop() throws Exception {}

  /** The part as Dropwizard's {@link Managed}, for {@code environment.lifecycle().manage(...)}. */
  static Managed managed(Lifecycle part) {
    return new Managed() {
      @Override
      public void start() throws Exception {
        part.start();
      }

      @Override
      public void stop() throws Exception {
        part.stop();
      }

      @Override
      public String toString() {
        return part.toString();
      }
    };
  }
}
