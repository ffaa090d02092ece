// How numbers look on every page. The e2e test reads them back with the same rules.

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const two = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Counts: 12,345. */
export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : whole.format(n);
}

/** Rates and percentages: 12.35. */
export function rate(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : two.format(n);
}

export function percent(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : `${two.format(n)}%`;
}

export function ms(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : `${two.format(n)} ms`;
}

/** A limit value as configured: numbers as counts (ingestion_rate may be fractional). */
export function limitValue(v: unknown): string {
  if (typeof v === 'number') {
    return Number.isInteger(v) ? whole.format(v) : two.format(v);
  }
  if (v === null || v === undefined) return '—';
  return String(v);
}

/** An API time (ISO-8601, UTC) as local time, with how long ago. */
export function time(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toLocaleString()} (${ago(now - t)})`;
}

export function ago(millis: number): string {
  const s = Math.max(0, Math.round(millis / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}
