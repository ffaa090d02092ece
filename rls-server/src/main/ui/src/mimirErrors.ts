// Mimir's error ids in denial messages. Mimir's globalerror puts the id in parentheses right
// after the text ("... (err-mimir-label-value-too-long)") and may add one sentence of advice
// (". To adjust the related per-tenant limit, configure -validation.max-length-label-value, or
// contact your service administrator."); the RLS writes the same (enforce/MimirMessages.java).
// Messages without an id (no org id, a bad tenant ID, a bad body, a content type) stay without:
// only an id in that last place counts, so a tenant ID quoted in a message never reads as one.

const ID_AT_END =
  /\((err-mimir-[a-z0-9]+(?:-[a-z0-9]+)*)\)(?:\. To adjust the related [^()']*)?$/;

/** The `err-mimir-*` id a denial message ends with; null when it has none. */
export function mimirErrorId(message: string | null | undefined): string | null {
  const m = ID_AT_END.exec((message ?? '').trimEnd());
  return m ? m[1] : null;
}

/** Mimir's runbook section for an id: what it means and what to do. */
export function runbookUrl(id: string): string {
  return `https://grafana.com/docs/mimir/latest/manage/mimir-runbooks/#${id}`;
}
