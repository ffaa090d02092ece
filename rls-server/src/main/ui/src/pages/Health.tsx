import { api, type Health as HealthData } from '../api';
import { ErrorBanner, Loading } from '../components/States';
import * as f from '../format';
import { refreshMs, usePoll } from '../poll';

const KNOWN = new Set(['status', 'limits', 'upstream', 'stateStore']);

function Yes({ ok, yes, no, testId }: { ok: boolean; yes: string; no: string; testId: string }) {
  return (
    <span className={`badge ${ok ? 'ok' : 'bad'}`} data-testid={testId}>
      {ok ? yes : no}
    </span>
  );
}

/** Servers registered with the health report ("grpc": {"serving": true}). */
function servers(h: HealthData): [string, boolean][] {
  return Object.entries(h)
    .filter(([k, v]) => !KNOWN.has(k) && typeof v === 'object' && v !== null && 'serving' in v)
    .map(([k, v]) => [k, Boolean((v as { serving: unknown }).serving)]);
}

export function Health() {
  const { data: h, error } = usePoll(api.health, refreshMs(5000), []);
  if (!h) {
    return error ? <ErrorBanner error={error} /> : <Loading what="health" />;
  }
  const srv = servers(h);
  const grpc = srv.find(([k]) => k === 'grpc');
  return (
    <div className="page">
      <div className="page-head">
        <h1>Health</h1>
        <span
          className={`badge big ${h.status === 'ok' ? 'ok' : h.status === 'degraded' ? 'warn' : 'bad'}`}
          data-testid="health-status"
        >
          {h.status}
        </span>
      </div>
      {error && <ErrorBanner error={error} stale />}
      <section className="grid2">
        <div className="card">
          <h2>Limits</h2>
          <dl>
            <dt>loaded</dt>
            <dd>
              <Yes ok={h.limits.loaded} yes="loaded" no="not loaded" testId="limits-loaded" />
            </dd>
            <dt>source</dt>
            <dd data-testid="limits-source">{h.limits.source}</dd>
            <dt>last reload</dt>
            <dd data-testid="limits-last-success">{f.time(h.limits.lastSuccess)}</dd>
            <dt>last attempt</dt>
            <dd>{f.time(h.limits.lastAttempt)}</dd>
            {h.limits.lastError && (
              <>
                <dt>last error</dt>
                <dd className="bad-text" data-testid="limits-error">
                  {h.limits.lastError}
                </dd>
              </>
            )}
          </dl>
        </div>
        <div className="card">
          <h2>Upstream</h2>
          <dl>
            <dt>url</dt>
            <dd data-testid="upstream-url">{h.upstream.url}</dd>
            <dt>reachable</dt>
            <dd>
              <Yes
                ok={h.upstream.reachable}
                yes="reachable"
                no="unreachable"
                testId="upstream-reachable"
              />
            </dd>
            <dt>checked</dt>
            <dd>{f.time(h.upstream.checkedAt)}</dd>
            {h.upstream.error && (
              <>
                <dt>error</dt>
                <dd className="bad-text">{h.upstream.error}</dd>
              </>
            )}
          </dl>
        </div>
        <div className="card">
          <h2>gRPC</h2>
          {grpc ? (
            <Yes ok={grpc[1]} yes="serving" no="not serving" testId="grpc-serving" />
          ) : (
            <p data-testid="grpc-serving">not running: no gRPC server is registered with this RLS</p>
          )}
          {srv
            .filter(([k]) => k !== 'grpc')
            .map(([k, on]) => (
              <p key={k}>
                {k}: <Yes ok={on} yes="serving" no="not serving" testId={`server-${k}`} />
              </p>
            ))}
        </div>
        <div className="card">
          <h2>State store</h2>
          {h.stateStore ? (
            <dl>
              <dt>type</dt>
              <dd data-testid="state-store-type">{h.stateStore.type}</dd>
              <dt>shared</dt>
              <dd>{h.stateStore.shared ? 'shared by every replica' : 'this replica only'}</dd>
              <dt>reachable</dt>
              <dd>
                <Yes
                  ok={h.stateStore.reachable}
                  yes="reachable"
                  no="unreachable"
                  testId="state-store-reachable"
                />
              </dd>
              {h.stateStore.transport && (
                <>
                  <dt>transport</dt>
                  <dd
                    className={h.stateStore.transport === 'tls' ? undefined : 'bad-text'}
                    data-testid="state-store-transport"
                  >
                    {h.stateStore.transport}
                  </dd>
                </>
              )}
            </dl>
          ) : (
            <p data-testid="state-store-type">not reported by this RLS</p>
          )}
        </div>
      </section>
    </div>
  );
}
