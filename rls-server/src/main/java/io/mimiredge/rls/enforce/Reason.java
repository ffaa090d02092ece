package io.mimiredge.rls.enforce;

/**
 * Why a request got its verdict. Labels are stable: metrics, logs and the admin API use them.
 * Statuses are the HTTP statuses Mimir answers for the same problem.
 */
public enum Reason {
  ALLOWED("allowed", 200),
  /**
   * Admitted without being judged: Envoy sent only the start of the body ({@code
   * x-envoy-auth-partial-body: true}), which must never be scanned as if it were whole.
   */
  PARTIAL_BODY("partial_body", 200),
  MISSING_TENANT("missing_tenant", 401),
  INVALID_TENANT("invalid_tenant", 400),
  BODY_TOO_LARGE("body_too_large", 413),
  DECODED_TOO_LARGE("decoded_too_large", 413),
  BAD_BODY("bad_body", 400),
  /** A remote-write message the edge cannot count (remote write 2.0): 415, like a receiver. */
  UNSUPPORTED_MESSAGE("unsupported_message", 415),
  REQUEST_RATE("request_rate", 429),
  INGESTION_RATE("ingestion_rate", 429),
  MAX_LABEL_NAMES_PER_SERIES("max_label_names_per_series", 400),
  LABEL_NAME_TOO_LONG("label_name_too_long", 400),
  LABEL_VALUE_TOO_LONG("label_value_too_long", 400),
  METADATA_TOO_LONG("metadata_too_long", 400);

  private final String label;
  private final int status;

  Reason(String label, int status) {
    this.label = label;
    this.status = status;
  }

  /** Stable snake_case label. */
  public String label() {
    return label;
  }

  /** HTTP status of a denial for this reason (200 for the reasons that admit). */
  public int status() {
    return status;
  }

  /** Whether this is a reason to admit ({@link #ALLOWED}, {@link #PARTIAL_BODY}). */
  public boolean admits() {
    return this == ALLOWED || this == PARTIAL_BODY;
  }
}
