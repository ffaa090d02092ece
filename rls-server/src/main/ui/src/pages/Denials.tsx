import { useEffect, useState } from 'react';
import { api, csvExport } from '../api';
import { DenialTable } from '../components/DenialTable';
import { Empty, ErrorBanner, Loading } from '../components/States';
import * as f from '../format';
import { refreshMs, usePoll } from '../poll';

/** Every reason the RLS denies for (io.mimiredge.rls.enforce.Reason, without "allowed"). */
export const REASONS = [
  'ingestion_rate',
  'request_rate',
  'missing_tenant',
  'invalid_tenant',
  'body_too_large',
  'decoded_too_large',
  'bad_body',
  'max_label_names_per_series',
  'label_name_too_long',
  'label_value_too_long',
  'metadata_too_long',
];
const SHOWN = 500;

export function Denials() {
  const [draft, setDraft] = useState('');
  const [tenant, setTenant] = useState('');
  const [reason, setReason] = useState('');
  const [capacity, setCapacity] = useState<number>();
  useEffect(() => {
    const t = setTimeout(() => setTenant(draft.trim()), 300);
    return () => clearTimeout(t);
  }, [draft]);

  const limit = capacity === undefined ? undefined : Math.min(SHOWN, capacity);
  const { data, error, loading } = usePoll(
    (s) => api.denials({ tenant: tenant || undefined, limit }, s),
    refreshMs(),
    [tenant, limit],
    (d) => setCapacity(d.capacity),
  );

  const shown = data ? data.denials.filter((d) => !reason || d.reason === reason) : [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>Denials</h1>
        <input
          type="search"
          placeholder="tenant ID"
          aria-label="Filter by tenant"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <select aria-label="Filter by reason" value={reason} onChange={(e) => setReason(e.target.value)}>
          <option value="">every reason</option>
          {REASONS.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <a className="button" href={csvExport('denials')} download data-testid="csv-export">
          Export CSV
        </a>
        <span className="muted">{loading ? 'refreshing…' : 'live'}</span>
      </div>
      {data && error && <ErrorBanner error={error} stale />}
      {!data ? (
        error ? (
          <ErrorBanner error={error} />
        ) : (
          <Loading what="denials" />
        )
      ) : (
        <>
          <p className="muted">
            <span data-testid="denials-shown">{f.count(shown.length)}</span> shown of the{' '}
            {f.count(data.count)} newest
            {tenant ? ` for ${tenant}` : ''}; <span data-testid="denials-recorded">{f.count(data.recorded)}</span>{' '}
            recorded since start, the last {f.count(data.capacity)} kept.
          </p>
          {shown.length === 0 ? (
            <Empty>
              No denials
              {tenant ? ` for tenant ${tenant}` : ''}
              {reason ? ` with reason ${reason}` : ''} among the recent ones.
            </Empty>
          ) : (
            <DenialTable denials={shown} />
          )}
        </>
      )}
    </div>
  );
}
