import { vi } from 'vitest';
import type {
  DenialView,
  Denials,
  Health,
  Overview,
  RolloutPreview,
  RolloutStatus,
  TenantDetail,
  TenantRow,
  Window,
} from '../api';

export function window(over: Partial<Window> = {}): Window {
  return {
    seconds: 300,
    requests: 1500,
    allowed: 1200,
    denied: { ingestion_rate: 250, label_value_too_long: 20 },
    deniedTotal: 270,
    shadowDenied: 30,
    shadowDeniedByReason: { ingestion_rate: 30 },
    items: 750000,
    errors: 2,
    latency: { p50Ms: 0.1234, p99Ms: 2.5, count: 1500 },
    ...over,
  };
}

export function overview(over: Partial<Overview> = {}): Overview {
  const w5 = window();
  const w1 = window({ seconds: 60, requests: 120, allowed: 100, deniedTotal: 20, shadowDenied: 0 });
  const w1h = window({ seconds: 3600, requests: 9000 });
  return {
    generatedAt: '2026-11-23T12:00:00.000Z',
    mode: 'enforce',
    rollout: {
      phase: 'canary',
      percent: 25,
      splitBy: 'tenant',
      fraction: 0.25,
      updatedAt: '2026-11-23T11:00:00.000Z',
      updatedBy: 'edgectl',
    },
    windows: { '1m': w1, '5m': w5, '1h': w1h },
    doors: {
      http_push: { '1m': w1, '5m': w5, '1h': w1h },
      shadow: { '1m': window({ requests: 0 }), '5m': window({ requests: 7 }), '1h': w1h },
    },
    tenants: { tracked: 3, max: 10000 },
    topTenants: [{ id: 'tenant-a', requestsPerSecond: 3.5, itemsPerSecond: 1750, denied5m: 12 }],
    ...over,
  };
}

export function row(id: string, over: Partial<TenantRow> = {}): TenantRow {
  return {
    id,
    mode: 'enforce',
    ingestionRate: 10000,
    ingestionBurstSize: 200000,
    requestRate: 0,
    requestBurstSize: 0,
    requestsPerSecond: 1.5,
    itemsPerSecond: 750,
    ingestionRateUsePercent: 7.5,
    ingestionBucketFillPercent: 88.25,
    requestBucketFillPercent: null,
    denied5m: 0,
    shadowDenied5m: 0,
    lastSeen: new Date().toISOString(),
    inOverrides: true,
    adminOverride: false,
    ...over,
  };
}

export function detail(id: string, over: Partial<TenantDetail> = {}): TenantDetail {
  return {
    id,
    mode: 'enforce',
    inOverrides: true,
    adminOverride: false,
    limits: {
      ingestion_rate: { value: 10000, source: 'overrides' },
      ingestion_burst_size: { value: 200000, source: 'default' },
      ingestion_burst_factor: { value: 0, source: 'default' },
      request_rate: { value: 0, source: 'default' },
      request_burst_size: { value: 0, source: 'default' },
      'edge_enforcement.mode': { value: 'enforce', source: 'default' },
    },
    traffic: {
      requestsPerSecond: 2.25,
      itemsPerSecond: 1125.5,
      denied5m: 4,
      shadowDenied5m: 1,
      lastSeen: new Date().toISOString(),
    },
    buckets: {
      ingestion: { held: true, capacity: 200000, ratePerSecond: 10000, available: 150000, fillPercent: 75 },
      request: { held: false, capacity: null, ratePerSecond: null, available: null, fillPercent: 100 },
    },
    recentDenials: [denial(id, 'ingestion_rate')],
    notMirrored: [],
    ...over,
  };
}

export function denial(tenant: string, reason: string, over: Partial<DenialView> = {}): DenialView {
  return {
    time: '2026-11-23T11:59:58.123Z',
    tenant,
    door: 'http_push',
    reason,
    status: reason === 'ingestion_rate' ? 429 : 400,
    verdict: 'deny',
    items: 500,
    series: 500,
    retryAfterSeconds: 1,
    protocol: 'rw1',
    // shaped as Mimir's (enforce/MimirMessages.java): the text, the id, then the advice
    message:
      `the request has been rejected because the tenant exceeded the ${reason} limit` +
      ` (err-mimir-${reason.replaceAll('_', '-')}). To adjust the related per-tenant limit,` +
      ` configure -distributor.${reason.replaceAll('_', '-')}, or contact your service administrator.`,
    notCounted: {},
    ...over,
  };
}

/** Mimir's message for an ingestion rate denial, as the RLS writes it. */
export const INGESTION_RATE_MESSAGE =
  'the request has been rejected because the tenant exceeded the ingestion rate limit, set to 1 items/s' +
  ' with a maximum allowed burst of 600. This limit is applied on the total number of samples, exemplars' +
  ' and metadata received across all distributors (err-mimir-tenant-max-ingestion-rate). To adjust the' +
  ' related per-tenant limits, configure -distributor.ingestion-rate-limit and' +
  ' -distributor.ingestion-burst-size, or contact your service administrator.';

export function denials(list = [denial('tenant-a', 'ingestion_rate'), denial('tenant-b', 'label_value_too_long')]): Denials {
  return { capacity: 1000, recorded: 4242, count: list.length, denials: list };
}

export function health(over: Partial<Health> = {}): Health {
  return {
    status: 'ok',
    limits: {
      loaded: true,
      source: '/etc/rls/overrides.yaml',
      lastSuccess: '2026-11-23T11:59:00Z',
      lastAttempt: '2026-11-23T11:59:30Z',
      lastError: null,
    },
    upstream: { url: 'http://distributor:8080', reachable: true, checkedAt: '2026-11-23T11:59:55Z', error: null },
    stateStore: { type: 'local', shared: false, reachable: true },
    ...over,
  };
}

export function rolloutStatus(over: Partial<RolloutStatus> = {}): RolloutStatus {
  return {
    rollout: overview().rollout,
    tenantsKnown: 40,
    tenantsEnforced: 9,
    trafficEnforcedShare: 0.2468,
    gates: {
      window: '5m',
      minRequests: 100,
      maxErrorRate: 0.001,
      maxAddedLatencyP99Ms: 10,
      maxDenyRate: 0.05,
      maxNewlyDeniedTenants: 2,
    },
    history: [
      {
        at: '2026-11-23T11:00:00Z',
        who: 'alice',
        action: 'promote',
        from: 'canary-10',
        to: 'canary-25',
        result: 'applied',
        message: null,
      },
      {
        at: '2026-11-23T10:00:00Z',
        who: 'alice',
        action: 'promote',
        from: 'canary-10',
        to: 'canary-25',
        result: 'blocked',
        message: 'error-rate@rls=0.500% (needs < 0.100%)',
      },
    ],
    ...over,
  };
}

export function preview(over: Partial<RolloutPreview> = {}): RolloutPreview {
  return {
    from: 'canary-25',
    to: 'canary-50',
    splitBy: 'tenant',
    window: '5m',
    windowSeconds: 300,
    tenantsReached: 12,
    tenantsDenied: 1,
    estimated: false,
    tenants: [
      {
        id: 'tenant-over',
        share: 1,
        requestsPerMinute: 60,
        itemsPerMinute: 30000,
        deniedRequestsPerMinute: 20.5,
        deniedItemsPerMinute: 10250,
        deniedItemsShare: 0.3417,
        reasons: [{ reason: 'ingestion_rate', requestsPerMinute: 20.5, itemsPerMinute: 10250 }],
      },
    ],
    ...over,
  };
}

export interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

type Handler = (c: Call) => { status?: number; json?: unknown } | Promise<{ status?: number; json?: unknown }>;

/** Stubs fetch: the first route whose prefix the URL starts with answers. Returns the calls seen. */
export function mockApi(routes: Record<string, Handler | { status?: number; json?: unknown }>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const c: Call = {
        url,
        method: init.method ?? 'GET',
        headers: (init.headers ?? {}) as Record<string, string>,
        body: init.body ? JSON.parse(String(init.body)) : undefined,
      };
      calls.push(c);
      const key = Object.keys(routes)
        .filter((k) => {
          const [m, p] = k.includes(' ') ? k.split(' ') : ['GET', k];
          return m === c.method && url.startsWith(p);
        })
        .sort((a, b) => b.length - a.length)[0];
      if (!key) throw new TypeError('Failed to fetch');
      const r = routes[key];
      const out = typeof r === 'function' ? await r(c) : r;
      const status = out.status ?? 200;
      return new Response(out.json === undefined ? '' : JSON.stringify(out.json), {
        status,
        headers: { 'Content-Type': 'application/json' },
      });
    }),
  );
  return calls;
}

/** fetch that never gets through: the RLS is down. */
export function unreachable() {
  vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
}
