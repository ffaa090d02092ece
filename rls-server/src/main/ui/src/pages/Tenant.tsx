import { useEffect, useRef, useState } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { ApiError, api, type TenantDetail } from '../api';
import { DenialTable } from '../components/DenialTable';
import { Link } from '../components/Link';
import { Stat } from '../components/Stat';
import { Empty, ErrorBanner, Loading } from '../components/States';
import * as f from '../format';
import { refreshMs, usePoll } from '../poll';
import { hrefs } from '../router';
import { useToken } from '../token';

const HISTORY = 120;
const MODES = ['enforce', 'shadow', 'off'];
/** The limits the form edits; the others are shown and can be set through the API. */
export const EDITABLE = [
  'ingestion_rate',
  'ingestion_burst_size',
  'request_rate',
  'request_burst_size',
] as const;

interface Sample {
  t: string;
  items: number;
  requests: number;
  fill: number;
}

/** A form value as JSON: numbers as numbers, anything else as typed (the API says what's wrong). */
function jsonValue(s: string): unknown {
  const t = s.trim();
  return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t) ? Number(t) : t;
}

function Changes({ d, onChanged }: { d: TenantDetail; onChanged: (d: TenantDetail) => void }) {
  const token = useToken();
  const current = () =>
    Object.fromEntries(EDITABLE.map((k) => [k, String(d.limits[k]?.value ?? '')]));
  const [mode, setMode] = useState(d.mode);
  const [values, setValues] = useState<Record<string, string>>(current);
  // when the values in force change (this form's save, or someone else's), show them
  const inForce = `${d.mode}|${EDITABLE.map((k) => String(d.limits[k]?.value)).join('|')}`;
  useEffect(() => {
    setMode(d.mode);
    setValues(current());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [inForce]);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok?: string; error?: ApiError }>({});

  const run = async (what: string, change: () => Promise<TenantDetail>) => {
    setBusy(true);
    setResult({});
    try {
      const updated = await change();
      onChanged(updated);
      setResult({ ok: what });
    } catch (e) {
      setResult({ error: e instanceof ApiError ? e : new ApiError(0, String(e)) });
    } finally {
      setBusy(false);
    }
  };

  const changed = EDITABLE.filter((k) => values[k].trim() !== String(d.limits[k]?.value ?? ''));
  return (
    <div className="card" data-testid="changes">
      <h2>Change</h2>
      {!token && (
        <p className="hint" data-testid="read-only">
          Read-only: enter the admin token (top right) to change this tenant’s mode or limits.
        </p>
      )}
      <fieldset disabled={!token || busy}>
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void run(`mode set to ${mode}`, () => api.setMode(d.id, mode, token));
          }}
        >
          <label>
            mode{' '}
            <select aria-label="mode" value={mode} onChange={(e) => setMode(e.target.value)}>
              {MODES.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={mode === d.mode}>
            Set mode
          </button>
        </form>
        <form
          className="limits-form"
          onSubmit={(e) => {
            e.preventDefault();
            const body = Object.fromEntries(changed.map((k) => [k, jsonValue(values[k])]));
            void run(`${changed.join(', ')} saved`, () => api.setLimits(d.id, body, token));
          }}
        >
          {EDITABLE.map((k) => (
            <label key={k}>
              <span>{k}</span>
              <input
                aria-label={k}
                inputMode="decimal"
                value={values[k]}
                onChange={(e) => setValues({ ...values, [k]: e.target.value })}
              />
            </label>
          ))}
          <div className="actions">
            <button type="submit" disabled={changed.length === 0}>
              Save limits
            </button>
            {d.adminOverride && (
              <button
                type="button"
                className="secondary"
                onClick={() =>
                  void run('admin override cleared', () => api.clearAdmin(d.id, token))
                }
              >
                Clear admin override
              </button>
            )}
          </div>
        </form>
      </fieldset>
      {result.ok && (
        <div className="state success" role="status" data-testid="change-ok">
          Done: {result.ok}.
        </div>
      )}
      {result.error && <ErrorBanner error={result.error} />}
    </div>
  );
}

export function Tenant({ id }: { id: string }) {
  const history = useRef<Sample[]>([]);
  const [override, setOverride] = useState<TenantDetail>();
  const { data, error } = usePoll(
    (s) => api.tenant(id, s),
    refreshMs(),
    [id],
    (d) => {
      setOverride(undefined);
      history.current = [
        ...history.current,
        {
          t: new Date().toLocaleTimeString(),
          items: d.traffic.itemsPerSecond,
          requests: d.traffic.requestsPerSecond,
          fill: d.buckets.ingestion.fillPercent,
        },
      ].slice(-HISTORY);
    },
  );
  const d = override ?? data;
  if (!d) {
    return error ? <ErrorBanner error={error} /> : <Loading what={`tenant ${id}`} />;
  }
  const ing = d.buckets.ingestion;
  const req = d.buckets.request;
  return (
    <div className="page">
      <div className="page-head">
        <h1>
          <Link href={hrefs.tenants}>Tenants</Link> / <span data-testid="tenant-id">{d.id}</span>
        </h1>
        <span className={`badge mode-${d.mode}`} data-testid="tenant-mode">
          {d.mode}
        </span>
        {d.inOverrides && <span className="badge">in overrides file</span>}
        {d.adminOverride && <span className="badge admin">admin override</span>}
      </div>
      {error && <ErrorBanner error={error} stale />}
      {d.notMirrored.length > 0 && (
        <p className="hint" data-testid="not-mirrored">
          Mimir settings the edge does not apply everywhere, so its counts may differ from
          Mimir&apos;s for this tenant:{' '}
          {d.notMirrored.join(', ')}. Consider <code>edge_enforcement.mode: shadow</code>.
        </p>
      )}

      <section className="stats">
        <Stat label="items/s" testId="items-per-second" value={f.rate(d.traffic.itemsPerSecond)} />
        <Stat
          label="requests/s"
          testId="tenant-requests-per-second"
          value={f.rate(d.traffic.requestsPerSecond)}
        />
        <Stat
          label="denied 5m"
          testId="tenant-denied-5m"
          value={f.count(d.traffic.denied5m)}
          tone={d.traffic.denied5m > 0 ? 'bad' : undefined}
        />
        <Stat
          label="shadow-denied 5m"
          testId="tenant-shadow-denied-5m"
          value={f.count(d.traffic.shadowDenied5m)}
        />
        <Stat
          label="ingestion bucket"
          testId="ingestion-fill"
          value={f.percent(ing.fillPercent)}
          sub={
            ing.held
              ? `${f.count(ing.available)} of ${f.count(ing.capacity)} tokens, +${f.rate(ing.ratePerSecond)}/s`
              : 'not held on this replica (full)'
          }
        />
        <Stat
          label="request bucket"
          testId="request-fill"
          value={f.percent(req.fillPercent)}
          sub={
            req.held
              ? `${f.count(req.available)} of ${f.count(req.capacity)}, +${f.rate(req.ratePerSecond)}/s`
              : 'not held on this replica (full)'
          }
        />
        <Stat
          label="last seen"
          testId="last-seen"
          value={d.traffic.lastSeen ? f.ago(Date.now() - Date.parse(d.traffic.lastSeen)) : 'never'}
        />
      </section>

      <section className="grid2">
        <div className="card">
          <h2>Usage over time (sampled by this page every few seconds)</h2>
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={history.current}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="t" minTickGap={40} />
              <YAxis yAxisId="rate" />
              <YAxis yAxisId="pct" orientation="right" domain={[0, 100]} />
              <Tooltip />
              <Legend />
              <Line
                yAxisId="rate"
                dataKey="items"
                name="items/s"
                stroke="#3563c9"
                dot={false}
                isAnimationActive={false}
              />
              <Line
                yAxisId="rate"
                dataKey="requests"
                name="requests/s"
                stroke="#2e9d5b"
                dot={false}
                isAnimationActive={false}
              />
              <Line
                yAxisId="pct"
                dataKey="fill"
                name="bucket fill %"
                stroke="#d89a1c"
                dot={false}
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
        </div>
        <Changes d={d} onChanged={setOverride} />
      </section>

      {/* full width: a denial's row needs it, and its message opens under the row */}
      <section className="card wide">
        <h2>Recent denials</h2>
        {d.recentDenials.length === 0 ? (
          <Empty>No recent denials for {d.id}.</Empty>
        ) : (
          <DenialTable denials={d.recentDenials} showTenant={false} />
        )}
      </section>

      <section className="grid2">
        <div className="card">
          <h2>Limits</h2>
          <table className="table compact" data-testid="limits">
            <thead>
              <tr>
                <th>key</th>
                <th className="num">value</th>
                <th>source</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(d.limits).map(([k, l]) => (
                <tr key={k} data-limit={k}>
                  <td>
                    <code>{k}</code>
                  </td>
                  <td className="num" data-col="value">
                    {f.limitValue(l.value)}
                  </td>
                  <td data-col="source">
                    <span className={`badge source-${l.source}`}>
                      {l.source === 'admin' ? 'admin override' : l.source}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
