import { useRef, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { api, type Overview as OverviewData, type Window } from '../api';
import { Link } from '../components/Link';
import { Stat } from '../components/Stat';
import { Empty, ErrorBanner, Loading } from '../components/States';
import * as f from '../format';
import { refreshMs, usePoll } from '../poll';
import { hrefs } from '../router';

const WINDOWS = ['1m', '5m', '1h'] as const;
const HISTORY = 120; // samples kept for the charts (6 minutes at 3 s)

interface Sample {
  t: string;
  requests: number;
  allowed: number;
  denied: number;
  shadowDenied: number;
  p50: number | null;
  p99: number | null;
}

/** Per-second rates of the 1-minute window: the API keeps counts, the UI keeps their history. */
function sample(o: OverviewData): Sample {
  const w = o.windows['1m'];
  const s = w.seconds || 60;
  return {
    t: new Date(o.generatedAt).toLocaleTimeString(),
    requests: w.requests / s,
    allowed: w.allowed / s,
    denied: w.deniedTotal / s,
    shadowDenied: w.shadowDenied / s,
    p50: w.latency.p50Ms,
    p99: w.latency.p99Ms,
  };
}

export function reasonRows(w: Window): { reason: string; denied: number; shadowDenied: number }[] {
  const reasons = new Set([...Object.keys(w.denied), ...Object.keys(w.shadowDeniedByReason)]);
  return [...reasons]
    .map((reason) => ({
      reason,
      denied: w.denied[reason] ?? 0,
      shadowDenied: w.shadowDeniedByReason[reason] ?? 0,
    }))
    .filter((r) => r.denied + r.shadowDenied > 0)
    .sort((a, b) => b.denied + b.shadowDenied - (a.denied + a.shadowDenied));
}

export function Overview() {
  const [win, setWin] = useState<(typeof WINDOWS)[number]>('5m');
  const history = useRef<Sample[]>([]);
  const { data, error, loading } = usePoll(api.overview, refreshMs(), [], (o) => {
    history.current = [...history.current, sample(o)].slice(-HISTORY);
  });

  if (!data) {
    return error ? <ErrorBanner error={error} /> : <Loading what="the overview" />;
  }
  const w = data.windows[win];
  const reasons = reasonRows(w);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Overview</h1>
        <div className="segmented" role="group" aria-label="window">
          {WINDOWS.map((k) => (
            <button
              key={k}
              type="button"
              className={k === win ? 'active' : ''}
              aria-pressed={k === win}
              onClick={() => setWin(k)}
            >
              last {k}
            </button>
          ))}
        </div>
        <span className="muted">
          {loading ? 'refreshing…' : `as of ${new Date(data.generatedAt).toLocaleTimeString()}`}
        </span>
      </div>
      {error && <ErrorBanner error={error} stale />}

      <section className="stats">
        <Stat
          label={`requests/s (${win})`}
          testId="requests-per-second"
          value={f.rate(w.requests / w.seconds)}
          sub={`${f.count(w.requests)} decisions`}
        />
        <Stat label="allowed" testId="allowed" value={f.count(w.allowed)} tone="ok" />
        <Stat
          label="denied"
          testId="denied"
          value={f.count(w.deniedTotal)}
          tone={w.deniedTotal > 0 ? 'bad' : undefined}
        />
        <Stat
          label="shadow-denied"
          testId="shadow-denied"
          value={f.count(w.shadowDenied)}
          tone={w.shadowDenied > 0 ? 'warn' : undefined}
          sub="would have been denied"
        />
        <Stat label="decision p50" testId="latency-p50" value={f.ms(w.latency.p50Ms)} />
        <Stat label="decision p99" testId="latency-p99" value={f.ms(w.latency.p99Ms)} />
        <Stat
          label="rollout"
          testId="rollout-phase"
          value={data.rollout.phase}
          sub={
            <>
              <span data-testid="rollout-percent">{data.rollout.percent}%</span> by{' '}
              {data.rollout.splitBy} · default mode{' '}
              <span data-testid="default-mode">{data.mode}</span>
            </>
          }
        />
      </section>

      {w.requests === 0 && (
        <Empty>
          No decisions in the last {win}. Pushes to /api/v1/push (or the shadow door) show up here.
        </Empty>
      )}

      <section className="grid2">
        <div className="card">
          <h2>Decisions per second (1m window, sampled every few seconds)</h2>
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={history.current}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="t" minTickGap={40} />
              <YAxis />
              <Tooltip formatter={(v) => f.rate(Number(v))} />
              <Legend />
              <Line dataKey="requests" stroke="#3563c9" dot={false} isAnimationActive={false} />
              <Line dataKey="allowed" stroke="#2e9d5b" dot={false} isAnimationActive={false} />
              <Line dataKey="denied" stroke="#d0443e" dot={false} isAnimationActive={false} />
              <Line
                dataKey="shadowDenied"
                name="shadow-denied"
                stroke="#d89a1c"
                dot={false}
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
        </div>
        <div className="card">
          <h2>Decision latency, ms (1m window)</h2>
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={history.current}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="t" minTickGap={40} />
              <YAxis />
              <Tooltip formatter={(v) => f.ms(Number(v))} />
              <Legend />
              <Line dataKey="p50" stroke="#3563c9" dot={false} isAnimationActive={false} />
              <Line dataKey="p99" stroke="#8a3fc2" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </div>
      </section>

      <section className="grid2">
        <div className="card">
          <h2>Denials by reason ({win})</h2>
          {reasons.length === 0 ? (
            <Empty>No denials in the last {win}.</Empty>
          ) : (
            <>
              <ResponsiveContainer width="100%" height={Math.max(120, 40 * reasons.length + 60)}>
                <BarChart data={reasons} layout="vertical" margin={{ left: 40 }}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis type="number" allowDecimals={false} />
                  <YAxis type="category" dataKey="reason" width={150} />
                  <Tooltip />
                  <Legend />
                  <Bar dataKey="denied" fill="#d0443e" isAnimationActive={false} />
                  <Bar
                    dataKey="shadowDenied"
                    name="shadow-denied"
                    fill="#d89a1c"
                    isAnimationActive={false}
                  />
                </BarChart>
              </ResponsiveContainer>
              <table className="table compact" data-testid="reasons">
                <thead>
                  <tr>
                    <th>reason</th>
                    <th className="num">denied</th>
                    <th className="num">shadow-denied</th>
                  </tr>
                </thead>
                <tbody>
                  {reasons.map((r) => (
                    <tr key={r.reason} data-reason={r.reason}>
                      <td>{r.reason}</td>
                      <td className="num" data-col="denied">
                        {f.count(r.denied)}
                      </td>
                      <td className="num" data-col="shadowDenied">
                        {f.count(r.shadowDenied)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </div>
        <div className="card">
          <h2>By door ({win})</h2>
          <table className="table compact" data-testid="doors">
            <thead>
              <tr>
                <th>door</th>
                <th className="num">requests</th>
                <th className="num">allowed</th>
                <th className="num">denied</th>
                <th className="num">shadow-denied</th>
                <th className="num">errors</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(data.doors).map(([door, ws]) => (
                <tr key={door} data-door={door}>
                  <td>{door}</td>
                  <td className="num">{f.count(ws[win].requests)}</td>
                  <td className="num">{f.count(ws[win].allowed)}</td>
                  <td className="num">{f.count(ws[win].deniedTotal)}</td>
                  <td className="num">{f.count(ws[win].shadowDenied)}</td>
                  <td className="num">{f.count(ws[win].errors)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Busiest tenants</h2>
          {data.topTenants.length === 0 ? (
            <Empty>No tenant traffic yet.</Empty>
          ) : (
            <table className="table compact" data-testid="top-tenants">
              <thead>
                <tr>
                  <th>tenant</th>
                  <th className="num">requests/s</th>
                  <th className="num">items/s</th>
                  <th className="num">denied 5m</th>
                </tr>
              </thead>
              <tbody>
                {data.topTenants.map((t) => (
                  <tr key={t.id}>
                    <td>
                      <Link href={hrefs.tenant(t.id)}>{t.id}</Link>
                    </td>
                    <td className="num">{f.rate(t.requestsPerSecond)}</td>
                    <td className="num">{f.rate(t.itemsPerSecond)}</td>
                    <td className="num">{f.count(t.denied5m)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="muted">
            {f.count(data.tenants.tracked)} tenants tracked (at most {f.count(data.tenants.max)}).
          </p>
          {data.overload && (
            <>
              <h2>Load</h2>
              <table className="table compact" data-testid="overload">
                <thead>
                  <tr>
                    <th>door</th>
                    <th className="num">in flight</th>
                    <th className="num">limit</th>
                    <th className="num">shed since start</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(data.overload).map(([door, l]) => (
                    <tr key={door} data-door={door} className={l.shed > 0 ? "warn" : undefined}>
                      <td>{door}</td>
                      <td className="num">{f.count(l.inFlight)}</td>
                      <td className="num">{f.count(l.limit)}</td>
                      <td className="num" data-col="shed">
                        {f.count(l.shed)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="muted">
                Past its limit a door refuses at once (HTTP 503 with Retry-After, gRPC
                UNAVAILABLE); forwards: pushes waiting on the distributor.
              </p>
            </>
          )}
        </div>
      </section>
    </div>
  );
}
