// The RLS admin API as the UI uses it: the JSON shapes (the records of edge-api's io.mimiredge.api.admin;
// src/test/contract.test.ts checks these types against JSON the real server wrote) and one fetch
// wrapper that turns every failure into an ApiError.

export interface Latency {
  p50Ms: number | null;
  p99Ms: number | null;
  count: number;
}

export interface Window {
  seconds: number;
  requests: number;
  allowed: number;
  denied: Record<string, number>;
  deniedTotal: number;
  shadowDenied: number;
  shadowDeniedByReason: Record<string, number>;
  items: number;
  errors: number;
  latency: Latency;
}

export interface Rollout {
  phase: string;
  percent: number;
  splitBy: string;
  fraction: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** One transition edgectl recorded (or a change made without it: action `set`). */
export interface RolloutEvent {
  at: string | null;
  who: string | null;
  action: string | null;
  from: string | null;
  to: string | null;
  result: string | null;
  message: string | null;
}

/** The health gates edgectl promotes on, as it last sent them. */
export interface GateThresholds {
  window: string;
  minRequests: number;
  maxErrorRate: number;
  maxAddedLatencyP99Ms: number;
  maxDenyRate: number;
  maxNewlyDeniedTenants: number | null;
}

export interface RolloutStatus {
  rollout: Rollout;
  tenantsKnown: number;
  tenantsEnforced: number;
  trafficEnforcedShare: number | null;
  gates: GateThresholds | null;
  history: RolloutEvent[];
}

export interface PreviewReason {
  reason: string;
  requestsPerMinute: number;
  itemsPerMinute: number;
}

export interface PreviewTenant {
  id: string;
  share: number;
  requestsPerMinute: number;
  itemsPerMinute: number;
  deniedRequestsPerMinute: number;
  deniedItemsPerMinute: number;
  deniedItemsShare: number;
  reasons: PreviewReason[];
}

/** Who the next rung would start denying (GET /api/rollout/preview). */
export interface RolloutPreview {
  from: string;
  to: string;
  splitBy: string;
  window: string;
  windowSeconds: number;
  tenantsReached: number;
  tenantsDenied: number;
  estimated: boolean;
  tenants: PreviewTenant[];
}

export interface TenantRate {
  id: string;
  requestsPerSecond: number;
  itemsPerSecond: number;
  denied5m: number;
}

export interface Overview {
  generatedAt: string;
  mode: string;
  rollout: Rollout;
  windows: Record<string, Window>;
  doors: Record<string, Record<string, Window>>;
  tenants: { tracked: number; max: number };
  topTenants: TenantRate[];
  /** Each door's concurrency limit, what it works on now and what it refused (shed) since start. */
  overload?: Record<string, DoorLoad>;
}

export interface DoorLoad {
  limit: number;
  inFlight: number;
  shed: number;
}

export interface TenantRow {
  id: string;
  mode: string;
  ingestionRate: number;
  ingestionBurstSize: number;
  requestRate: number;
  requestBurstSize: number;
  requestsPerSecond: number;
  itemsPerSecond: number;
  ingestionRateUsePercent: number | null;
  ingestionBucketFillPercent: number;
  requestBucketFillPercent: number | null;
  denied5m: number;
  shadowDenied5m: number;
  lastSeen: string | null;
  inOverrides: boolean;
  adminOverride: boolean;
}

export interface TenantPage {
  total: number;
  offset: number;
  limit: number | null;
  sort: string;
  tenants: TenantRow[];
}

export interface Limit {
  value: unknown;
  source: 'default' | 'overrides' | 'admin' | string;
}

export interface BucketFill {
  held: boolean;
  capacity: number | null;
  ratePerSecond: number | null;
  available: number | null;
  fillPercent: number;
}

export interface DenialView {
  time: string;
  tenant: string;
  door: string;
  reason: string;
  status: number;
  verdict: string;
  items: number;
  series: number;
  retryAfterSeconds: number | null;
  /** Mimir's message, ending with its err-mimir-* id where Mimir has one (src/mimirErrors.ts) */
  message: string;
  /** What Mimir would not have counted of the request, by why (empty when nothing was scanned) */
  notCounted: Record<string, number>;
  /** rw1, rw2 or otlp; null when the body was not scanned */
  protocol: string | null;
}

export interface TenantDetail {
  id: string;
  mode: string;
  inOverrides: boolean;
  adminOverride: boolean;
  limits: Record<string, Limit>;
  traffic: {
    requestsPerSecond: number;
    itemsPerSecond: number;
    denied5m: number;
    shadowDenied5m: number;
    lastSeen: string | null;
  };
  buckets: { ingestion: BucketFill; request: BucketFill };
  recentDenials: DenialView[];
  /** Mimir settings of the tenant's overrides the edge does not apply (its counts may differ) */
  notMirrored: string[];
}

export interface Denials {
  capacity: number;
  recorded: number;
  count: number;
  denials: DenialView[];
}

export interface StateStore {
  type: string;
  shared: boolean;
  reachable: boolean;
  /** How the connection to a remote store (Redis) is protected: plaintext, tls, tls-unverified. */
  transport?: string;
}

export interface Health {
  status: 'ok' | 'degraded' | 'down' | string;
  limits: {
    loaded: boolean;
    source: string;
    lastSuccess: string | null;
    lastAttempt: string | null;
    lastError: string | null;
  };
  upstream: { url: string; reachable: boolean; checkedAt: string | null; error: string | null };
  stateStore?: StateStore;
  // Registered servers ("grpc": {"serving": true}) appear as further top-level keys.
  [server: string]: unknown;
}

/** Why a call failed: status 0 when the RLS could not be reached at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get unreachable(): boolean {
    return this.status === 0;
  }
}

export interface CallOptions {
  method?: 'GET' | 'PUT' | 'DELETE';
  body?: unknown;
  token?: string | null;
  /** Statuses whose JSON body is still the answer (the health report comes with 503). */
  acceptStatus?: number[];
  signal?: AbortSignal;
}

/** Calls the API on the page's own origin; throws ApiError with the API's own message. */
export async function call<T>(path: string, opts: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (opts.token) {
    headers.Authorization = `Bearer ${opts.token}`;
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') {
      throw e;
    }
    throw new ApiError(0, 'The RLS is unreachable: ' + (e instanceof Error ? e.message : String(e)));
  }
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (res.ok || opts.acceptStatus?.includes(res.status)) {
    if (body === undefined) {
      throw new ApiError(res.status, `${path} answered ${res.status} without JSON`);
    }
    return body as T;
  }
  const problem = body as { message?: unknown; problems?: unknown } | undefined;
  const message =
    typeof problem?.message === 'string' && problem.message
      ? problem.message
      : `${path} answered HTTP ${res.status}${res.statusText ? ' ' + res.statusText : ''}`;
  const problems = Array.isArray(problem?.problems) ? problem.problems.map(String) : [];
  throw new ApiError(res.status, message, problems);
}

export const api = {
  overview: (signal?: AbortSignal) => call<Overview>('/api/overview', { signal }),
  tenants: (
    p: { limit: number; offset: number; sort: string; q: string },
    signal?: AbortSignal,
  ) => {
    const qs = new URLSearchParams({
      limit: String(p.limit),
      offset: String(p.offset),
      sort: p.sort,
    });
    if (p.q) {
      qs.set('q', p.q);
    }
    return call<TenantPage>(`/api/tenants?${qs}`, { signal });
  },
  tenant: (id: string, signal?: AbortSignal) =>
    call<TenantDetail>(`/api/tenants/${encodeURIComponent(id)}`, { signal }),
  setLimits: (id: string, limits: Record<string, unknown>, token: string | null) =>
    call<TenantDetail>(`/api/tenants/${encodeURIComponent(id)}/limits`, {
      method: 'PUT',
      body: limits,
      token,
    }),
  setMode: (id: string, mode: string, token: string | null) =>
    call<TenantDetail>(`/api/tenants/${encodeURIComponent(id)}/mode`, {
      method: 'PUT',
      body: { mode },
      token,
    }),
  clearAdmin: (id: string, token: string | null) =>
    call<TenantDetail>(`/api/tenants/${encodeURIComponent(id)}/limits`, {
      method: 'DELETE',
      token,
    }),
  /** Without a limit the API sends its default (100, or fewer when its buffer is smaller). */
  denials: (p: { tenant?: string; limit?: number }, signal?: AbortSignal) => {
    const qs = new URLSearchParams();
    if (p.limit) {
      qs.set('limit', String(p.limit));
    }
    if (p.tenant) {
      qs.set('tenant', p.tenant);
    }
    return call<Denials>(`/api/denials?${qs}`, { signal });
  },
  rolloutStatus: (signal?: AbortSignal) => call<RolloutStatus>('/api/rollout/status', { signal }),
  /** The next rung of the default ladder unless `to` names one. */
  preview: (p: { to?: string; window?: string }, signal?: AbortSignal) => {
    const qs = new URLSearchParams();
    if (p.to) {
      qs.set('to', p.to);
    }
    if (p.window) {
      qs.set('window', p.window);
    }
    return call<RolloutPreview>(`/api/rollout/preview?${qs}`, { signal });
  },
  health: (signal?: AbortSignal) => call<Health>('/api/health', { acceptStatus: [503], signal }),
};

export const csvExport = (what: 'tenants' | 'denials') => `/api/export/csv?what=${what}`;
