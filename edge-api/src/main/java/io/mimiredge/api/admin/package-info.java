/**
 * The RLS admin API's JSON, as records whose component names are the JSON names: what the RLS
 * writes, what edgectl reads ({@code /api/overview}, {@code /api/rollout}, {@code /api/tenants})
 * and what the admin UI's types in {@code rls-server/src/main/ui/src/api.ts} describe (a Vitest
 * test checks them against JSON the real server wrote). Times are ISO-8601 strings in UTC; numbers
 * that cannot be known are null, never NaN. Readers ignore fields they do not know, so the RLS may
 * say more than an older reader reads.
 */
package io.mimiredge.api.admin;
