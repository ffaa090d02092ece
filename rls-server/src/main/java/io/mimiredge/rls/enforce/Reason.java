package io.mimiredge.rls.enforce;

import io.mimiredge.rls.remotewrite.Violation;

/**
 * Why a request got its verdict. Labels are stable: metrics, logs and the admin API use them.
 * Statuses are the HTTP statuses Mimir answers for the same problem ({@code
 * pkg/distributor/errors.go}).
 */
public enum Reason {
  ALLOWED("allowed", 200),
  /**
   * Admitted without being judged: Envoy sent only the start of the body ({@code
   * x-envoy-auth-partial-body: true}), which must never be scanned as if it were whole.
   */
  PARTIAL_BODY("partial_body", 200),
  /**
   * Admitted, counting nothing: a replica of an HA pair that is not the elected one. Mimir answers
   * it 202 and drops its samples; the edge forwards it so that Mimir's own election decides.
   */
  HA_DEDUPED("ha_deduped", 200),
  MISSING_TENANT("missing_tenant", 401),
  INVALID_TENANT("invalid_tenant", 401), // Mimir's tenant validation middleware (pkg/api/tenant.go)
  /**
   * A body over the size the edge takes: 413 as the status of record (OTLP's); a remote write gets
   * 400, as Mimir's push handler answers it ({@link Enforcer#bodyTooLarge}).
   */
  BODY_TOO_LARGE("body_too_large", 413),
  /** A body that decodes past the limit: as {@link #BODY_TOO_LARGE}, 400 for a remote write. */
  DECODED_TOO_LARGE("decoded_too_large", 413),
  BAD_BODY("bad_body", 400),
  /**
   * A {@code Content-Type} naming a message other than remote write 1.0 or 2.0: 400, as Mimir's
   * {@code isRemoteWrite2} answers it.
   */
  BAD_CONTENT_TYPE("bad_content_type", 400),
  /**
   * An OTLP push in a format or compression Mimir does not read: 415, as {@code
   * pkg/distributor/otel.go} answers it.
   */
  UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415),
  REQUEST_RATE("request_rate", 429),
  INGESTION_RATE("ingestion_rate", 429),
  /**
   * A new HA cluster over {@code ha_max_clusters} ({@code err-mimir-tenant-too-many-ha-clusters}).
   */
  TOO_MANY_HA_CLUSTERS("too_many_ha_clusters", 400),
  // Validation, under a tenant's deny policy: one reason per Mimir violation, with its label.
  MISSING_METRIC_NAME(Violation.MISSING_METRIC_NAME),
  METRIC_NAME_INVALID(Violation.METRIC_NAME_INVALID),
  MAX_LABEL_NAMES_PER_SERIES(Violation.MAX_LABEL_NAMES_PER_SERIES),
  MAX_LABEL_NAMES_PER_INFO_SERIES(Violation.MAX_LABEL_NAMES_PER_INFO_SERIES),
  LABEL_INVALID(Violation.LABEL_INVALID),
  LABEL_NAME_TOO_LONG(Violation.LABEL_NAME_TOO_LONG),
  LABEL_VALUE_INVALID(Violation.LABEL_VALUE_INVALID),
  LABEL_VALUE_TOO_LONG(Violation.LABEL_VALUE_TOO_LONG),
  DUPLICATE_LABEL_NAMES(Violation.DUPLICATE_LABEL_NAMES),
  TOO_FAR_IN_FUTURE(Violation.TOO_FAR_IN_FUTURE),
  TOO_FAR_IN_PAST(Violation.TOO_FAR_IN_PAST),
  INVALID_NATIVE_HISTOGRAM_SCHEMA(Violation.INVALID_NATIVE_HISTOGRAM_SCHEMA),
  MAX_NATIVE_HISTOGRAM_BUCKETS(Violation.MAX_NATIVE_HISTOGRAM_BUCKETS),
  NOT_REDUCIBLE_NATIVE_HISTOGRAM(Violation.NOT_REDUCIBLE_NATIVE_HISTOGRAM),
  NATIVE_HISTOGRAM_CUSTOM_BUCKETS_NOT_REDUCIBLE(
      Violation.NATIVE_HISTOGRAM_CUSTOM_BUCKETS_NOT_REDUCIBLE),
  OTLP_PARSE_ERROR(Violation.OTLP_PARSE_ERROR),
  METADATA_MISSING_METRIC_NAME(Violation.METADATA_MISSING_METRIC_NAME),
  METADATA_METRIC_NAME_TOO_LONG(Violation.METADATA_METRIC_NAME_TOO_LONG),
  METADATA_UNIT_TOO_LONG(Violation.METADATA_UNIT_TOO_LONG);

  private final String label;
  private final int status;
  private final Violation violation;

  Reason(String label, int status) {
    this.label = label;
    this.status = status;
    this.violation = null;
  }

  /** A validation reason: the violation's label, Mimir's 400. */
  Reason(Violation v) {
    this.label = v.label();
    this.status = 400;
    this.violation = v;
  }

  /** Stable snake_case label. */
  public String label() {
    return label;
  }

  /** HTTP status of a denial for this reason (200 for the reasons that admit). */
  public int status() {
    return status;
  }

  /**
   * Whether this is a reason to admit ({@link #ALLOWED}, {@link #PARTIAL_BODY}, {@link
   * #HA_DEDUPED}).
   */
  public boolean admits() {
    return this == ALLOWED || this == PARTIAL_BODY || this == HA_DEDUPED;
  }

  /** The validation violation this reason stands for; null for the others. */
  public Violation violation() {
    return violation;
  }

  /** The reason of a validation denial for {@code v}. */
  public static Reason of(Violation v) {
    for (Reason r : values()) {
      if (r.violation == v) {
        return r;
      }
    }
    throw new IllegalArgumentException("no reason for " + v);
  }
}
