package io.mimiredge.rls.enforce.replicas;

import io.mimiredge.rls.internal.Lifecycle;
import java.util.function.IntSupplier;

/**
 * How many RLS replicas share each tenant's rates now ({@code Enforcer.replicas(...)}). Always at
 * least 1. Thread-safe.
 */
public interface ReplicaCount extends IntSupplier, Lifecycle {

  /** Whether the count is observed (e.g. from the Service's endpoints) rather than configured. */
  boolean known();

  /** A configured count that never changes. */
  static ReplicaCount fixed(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("replicas must be >= 1, got " + n);
    }
    return new ReplicaCount() {
      @Override
      public int getAsInt() {
        return n;
      }

      @Override
      public boolean known() {
        return false;
      }
    };
  }
}
