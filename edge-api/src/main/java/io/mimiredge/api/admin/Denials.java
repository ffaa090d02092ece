package io.mimiredge.api.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * {@code GET /api/denials}.
 *
 * @param capacity how many denials the RLS keeps
 * @param recorded denials recorded since the start
 * @param count the denials in this answer
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Denials(int capacity, long recorded, int count, List<DenialView> denials) {}
