package io.mimiredge.rls.enforce;

/**
 * A read-only snapshot of one bucket, for the admin API. Immutable.
 *
 * @param key the bucket's key
 * @param spec the spec the bucket last ran with
 * @param availableTokens tokens it holds now, refill included
 */
public record BucketView(String key, BucketSpec spec, long availableTokens) {}
