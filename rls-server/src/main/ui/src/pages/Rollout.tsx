import {
  api,
  ApiError,
  type GateThresholds,
  type Overview,
  type RolloutPreview,
  type RolloutStatus,
  type Window,
} from '../api';
import { Link } from '../components/Link';
import { Stat } from '../components/Stat';
import { Empty, ErrorBanner, Loading } from '../components/States';
import * as f from '../format';
import { refreshMs, usePoll } from '../poll';
import { hrefs } from '../router';

/** The seed budgets, shown until edgectl has sent its own gates. */
export const SEED_GATES: GateThresholds = {
  window: '5m',
  minRequests: 100,
  maxErrorRate: 0.001,
  maxAddedLatencyP99Ms: 10,
  maxDenyRate: 0.05,
  maxNewlyDeniedTenants: null,
};

export interface GateReading {
  gate: string;
  reading: string;
  threshold: string;
  passed: boolean;
}

/** The RLS' readings of one window held against the gates, as edgectl reads them. */
export function gateReadings(w: Window | undefined, g: GateThresholds): GateReading[] {
  const requests = w?.requests ?? 0;
  const traffic = requests > 0;
  const errorRate = traffic ? w!.errors / requests : null;
  const denyRate = traffic ? (w!.deniedTotal + w!.shadowDenied) / requests : null;
  const p99 = w?.latency.p99Ms ?? null;
  return [
    {
      gate: 'requests',
      reading: f.count(requests),
      threshold: `≥ ${f.count(g.minRequests)} in ${g.window}`,
      passed: requests >= g.minRequests,
    },
    {
      gate: 'error-rate',
      reading: errorRate === null ? 'no data' : f.percent(errorRate * 100),
      threshold: `< ${f.percent(g.maxErrorRate * 100)}`,
      passed: errorRate !== null && errorRate < g.maxErrorRate,
    },
    {
      gate: 'added-latency-p99',
      reading: p99 === null ? 'no data' : f.ms(p99),
      threshold: `< ${f.ms(g.maxAddedLatencyP99Ms)}`,
      passed: p99 !== null && p99 < g.maxAddedLatencyP99Ms,
    },
    {
      gate: 'deny-rate',
      reading: denyRate === null ? 'no data' : f.percent(denyRate * 100),
      threshold: `≤ ${f.percent(g.maxDenyRate * 100)}`,
      passed: denyRate !== null && denyRate <= g.maxDenyRate,
    },
  ];
}

function phaseText(s: RolloutStatus): string {
  const r = s.rollout;
  return r.phase === 'canary' ? `canary ${r.percent}%` : r.phase;
}

/** The preview's own problem (at the top of the ladder) is a state, not an error. */
function previewOrNote(
  data: RolloutPreview | undefined,
  error: ApiError | undefined,
): { preview?: RolloutPreview; note?: string; error?: ApiError } {
  if (data) return { preview: data };
  if (error && error.status === 400) return { note: error.message };
  return { error };
}

export function Rollout() {
  const every = refreshMs(5000);
  const status = usePoll(api.rolloutStatus, every, []);
  const overview = usePoll<Overview>(api.overview, every, []);
  const preview = usePoll((signal) => api.preview({}, signal), every, []);
  const s = status.data;
  if (!s) {
    return status.error ? <ErrorBanner error={status.error} /> : <Loading what="the rollout" />;
  }
  const gates = s.gates ?? SEED_GATES;
  // the RLS keeps 1m, 5m and 1h: another window of edgectl's is read as 5m, and the title says so
  const readWindow = overview.data?.windows[gates.window] ? gates.window : '5m';
  const window = overview.data?.windows[readWindow];
  const readings = gateReadings(window, gates);
  const p = previewOrNote(preview.data, preview.error);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Rollout</h1>
        <span className="badge big" data-testid="rollout-phase">
          {phaseText(s)}
        </span>
      </div>
      {status.error && <ErrorBanner error={status.error} stale />}
      <section className="stats">
        <Stat
          label="split by"
          testId="rollout-split"
          value={s.rollout.splitBy}
          sub={`set ${f.time(s.rollout.updatedAt)} by ${s.rollout.updatedBy ?? 'unknown'}`}
        />
        <Stat
          label="tenants enforced"
          testId="tenants-enforced"
          value={`${f.count(s.tenantsEnforced)} of ${f.count(s.tenantsKnown)}`}
          sub={
            s.tenantsKnown > 0
              ? `${f.percent((100 * s.tenantsEnforced) / s.tenantsKnown)} of the tenants seen`
              : 'no tenants seen yet'
          }
        />
        <Stat
          label="traffic enforced"
          testId="traffic-enforced"
          value={
            s.trafficEnforcedShare === null ? '—' : f.percent(s.trafficEnforcedShare * 100)
          }
          sub="of the requests decided, last 5m"
        />
      </section>

      <section className="grid2">
        <div className="card">
          <h2>
            Gates ({readWindow}
            {readWindow !== gates.window ? `; edgectl reads ${gates.window}` : ''})
          </h2>
          {!s.gates && (
            <p className="hint" data-testid="seed-gates">
              edgectl has not sent its gates yet: the seed budgets are shown.
            </p>
          )}
          <table className="table compact" data-testid="gates">
            <thead>
              <tr>
                <th>gate</th>
                <th className="num">reading</th>
                <th>threshold</th>
                <th>verdict</th>
              </tr>
            </thead>
            <tbody>
              {readings.map((r) => (
                <tr key={r.gate} data-gate={r.gate}>
                  <td>{r.gate}</td>
                  <td className="num" data-col="reading">
                    {r.reading}
                  </td>
                  <td data-col="threshold">{r.threshold}</td>
                  <td>
                    <span className={`badge ${r.passed ? 'ok' : 'bad'}`} data-col="verdict">
                      {r.passed ? 'PASS' : 'FAIL'}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="card">
          <h2>
            Next rung{p.preview ? `: ${p.preview.to}` : ''}
            {p.preview?.estimated ? ' (estimated)' : ''}
          </h2>
          <p className="hint">
            The default ladder's next rung; <code>edgectl promote --dry-run</code> previews yours.
          </p>
          {p.error && <ErrorBanner error={p.error} />}
          {p.note && <Empty>{p.note}</Empty>}
          {p.preview && (
            <>
              <p data-testid="preview-summary">
                {p.preview.tenantsDenied === 0
                  ? `Nobody would start being denied: ${f.count(p.preview.tenantsReached)} tenants reached, none refused in the last ${p.preview.window}.`
                  : `${f.count(p.preview.tenantsDenied)} of the ${f.count(p.preview.tenantsReached)} tenants ${p.preview.to} reaches would start being denied (last ${p.preview.window}).`}
              </p>
              {p.preview.tenants.length > 0 && (
                <table className="table compact" data-testid="preview">
                  <thead>
                    <tr>
                      <th>tenant</th>
                      <th className="num">denied req/min</th>
                      <th className="num">denied items/min</th>
                      <th className="num">items refused</th>
                      <th>reasons</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.preview.tenants.map((t) => (
                      <tr key={t.id} data-tenant={t.id}>
                        <td>
                          <Link href={hrefs.tenant(t.id)}>{t.id}</Link>
                        </td>
                        <td className="num" data-col="deniedRequests">
                          {f.rate(t.deniedRequestsPerMinute)}
                        </td>
                        <td className="num" data-col="deniedItems">
                          {f.rate(t.deniedItemsPerMinute)}
                        </td>
                        <td className="num">{f.percent(t.deniedItemsShare * 100)}</td>
                        <td>{t.reasons.map((r) => r.reason).join(', ')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
        </div>
      </section>

      <section className="card">
        <h2>Recent transitions</h2>
        {s.history.length === 0 ? (
          <Empty>No transition since this RLS started.</Empty>
        ) : (
          <table className="table compact" data-testid="history">
            <thead>
              <tr>
                <th>when</th>
                <th>who</th>
                <th>action</th>
                <th>from → to</th>
                <th>result</th>
                <th>why</th>
              </tr>
            </thead>
            <tbody>
              {s.history.map((e, i) => (
                <tr key={`${e.at}-${i}`}>
                  <td>{f.time(e.at)}</td>
                  <td>{e.who}</td>
                  <td>{e.action}</td>
                  <td>
                    {e.from} → {e.to}
                  </td>
                  <td>
                    <span className={`badge ${e.result === 'applied' ? 'ok' : 'bad'}`}>
                      {e.result}
                    </span>
                  </td>
                  <td>{e.message ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
