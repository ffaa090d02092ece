package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * One recent denial: counts and Mimir's message, never body bytes or label values.
 *
 * @param door the door that decided ({@code http_push}, {@code shadow}, {@code ext_authz}, ...)
 * @param reason the reason label ({@code ingestion_rate}, ...)
 * @param verdict {@code denied} or {@code shadow_denied}
 * @param retryAfterSeconds the {@code Retry-After} sent; null when none
 * @param message Mimir's message, with its {@code err-mimir-*} id
 * @param notCounted what Mimir would not have counted of the request, by why
 * @param protocol {@code rw1}, {@code rw2} or {@code otlp}; null when the body was not scanned
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DenialView(
    String time,
    String tenant,
    String door,
    String reason,
    int status,
    String verdict,
    long items,
    long series,
    Long retryAfterSeconds,
    String message,
    Map<String, Long> notCounted,
    String protocol) {}
