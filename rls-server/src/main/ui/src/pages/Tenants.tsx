import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, csvExport, type TenantRow } from '../api';
import { Link } from '../components/Link';
import { Empty, ErrorBanner, Loading } from '../components/States';
import * as f from '../format';
import { refreshMs } from '../poll';
import { hrefs } from '../router';

// Rows come from the API in blocks, sorted and filtered by the server, and only the rows on
// screen are in the DOM: 10,000 tenants cost one block request and ~40 rows.
export const BLOCK = 200;
const ROW_HEIGHT = 34;

interface Column {
  label: string;
  /** the API's sort key; none: the API cannot sort by it */
  sort?: string;
  /** numbers sort biggest first on the first click */
  descFirst?: boolean;
  num?: boolean;
  title?: string;
}

const COLUMNS: Column[] = [
  { label: 'tenant', sort: 'id' },
  { label: 'mode', sort: 'mode' },
  { label: 'ingestion limit', num: true, title: 'ingestion_rate (items/s) / ingestion_burst_size' },
  { label: 'items/s', sort: 'items', descFirst: true, num: true, title: 'now, against the limit' },
  { label: 'requests/s', sort: 'requests', descFirst: true, num: true },
  { label: 'bucket fill', sort: 'fill', num: true, title: 'tokens left in the ingestion bucket' },
  { label: 'denied 5m', sort: 'denials', descFirst: true, num: true },
  { label: 'shadow 5m', sort: 'shadowDenials', descFirst: true, num: true },
  { label: 'last seen', sort: 'lastSeen', descFirst: true },
];

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function Bar({ percent, tone }: { percent: number; tone: 'use' | 'fill' }) {
  const p = Math.max(0, Math.min(100, percent));
  let cls = 'ok';
  if (tone === 'use') cls = p >= 90 ? 'bad' : p >= 70 ? 'warn' : 'ok';
  else cls = p <= 10 ? 'bad' : p <= 30 ? 'warn' : 'ok';
  return (
    <span className="bar" aria-hidden="true">
      <span className={`bar-in ${cls}`} style={{ width: `${p}%` }} />
    </span>
  );
}

function Row({ t }: { t: TenantRow }) {
  return (
    <>
      <div className="cell" data-col="id">
        <Link href={hrefs.tenant(t.id)}>{t.id}</Link>
        {t.adminOverride && (
          <span className="badge admin" title="limits changed through the admin API">
            admin
          </span>
        )}
      </div>
      <div className="cell" data-col="mode">
        <span className={`badge mode-${t.mode}`}>{t.mode}</span>
      </div>
      <div
        className="cell num"
        data-col="limit"
        title={`ingestion_rate ${t.ingestionRate}, ingestion_burst_size ${t.ingestionBurstSize}`}
      >
        {f.limitValue(t.ingestionRate)} / {f.limitValue(t.ingestionBurstSize)}
      </div>
      <div className="cell num" data-col="items">
        {f.rate(t.itemsPerSecond)}
        {t.ingestionRateUsePercent !== null && (
          <>
            <span className="muted"> ({f.percent(t.ingestionRateUsePercent)})</span>
            <Bar percent={t.ingestionRateUsePercent} tone="use" />
          </>
        )}
      </div>
      <div className="cell num" data-col="requests">
        {f.rate(t.requestsPerSecond)}
        {t.requestRate > 0 && <span className="muted"> / {f.limitValue(t.requestRate)}</span>}
      </div>
      <div className="cell num" data-col="fill">
        {f.percent(t.ingestionBucketFillPercent)}
        <Bar percent={t.ingestionBucketFillPercent} tone="fill" />
      </div>
      <div className={`cell num ${t.denied5m > 0 ? 'bad-text' : ''}`} data-col="denied5m">
        {f.count(t.denied5m)}
      </div>
      <div className="cell num" data-col="shadowDenied5m">
        {f.count(t.shadowDenied5m)}
      </div>
      <div className="cell" data-col="lastSeen" title={t.lastSeen ?? ''}>
        {t.lastSeen ? f.ago(Date.now() - Date.parse(t.lastSeen)) : 'never'}
      </div>
    </>
  );
}

export function Tenants() {
  const [sort, setSort] = useState('id');
  const [draft, setDraft] = useState('');
  const q = useDebounced(draft.trim(), 250);
  const key = `${sort}|${q}`;

  // blocks of rows for the current sort and filter; `version` re-renders when one arrives
  const blocks = useRef(new Map<number, TenantRow[]>());
  const inFlight = useRef(new Set<number>());
  const keyRef = useRef(key);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<ApiError>();
  const [, setVersion] = useState(0);

  const fetchBlock = useCallback(
    async (b: number, force = false) => {
      const k = keyRef.current;
      if (inFlight.current.has(b) || (!force && blocks.current.has(b))) return;
      inFlight.current.add(b);
      try {
        const page = await api.tenants({ limit: BLOCK, offset: b * BLOCK, sort, q });
        if (keyRef.current !== k) return;
        blocks.current.set(b, page.tenants);
        setTotal(page.total);
        setError(undefined);
        setVersion((v) => v + 1);
      } catch (e) {
        if (keyRef.current !== k) return;
        setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
      } finally {
        inFlight.current.delete(b);
      }
    },
    [sort, q],
  );

  useEffect(() => {
    keyRef.current = key;
    blocks.current = new Map();
    inFlight.current = new Set();
    setTotal(null);
    setError(undefined);
    void fetchBlock(0);
  }, [key, fetchBlock]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
    initialRect: { width: 1200, height: 640 },
  });
  const items = virtualizer.getVirtualItems();
  const first = items.length ? Math.floor(items[0].index / BLOCK) : 0;
  const last = items.length ? Math.floor(items[items.length - 1].index / BLOCK) : 0;

  // fetch the blocks that scrolled into view
  useEffect(() => {
    if (total === null) return;
    for (let b = first; b <= last; b++) void fetchBlock(b);
  }, [first, last, total, fetchBlock]);

  // live: refresh the blocks on screen
  const every = refreshMs(5000);
  useEffect(() => {
    const t = setInterval(() => {
      for (let b = first; b <= last; b++) void fetchBlock(b, true);
    }, every);
    return () => clearInterval(t);
  }, [first, last, every, fetchBlock]);

  const clickSort = (c: Column) => {
    if (!c.sort) return;
    if (sort === c.sort) setSort('-' + c.sort);
    else if (sort === '-' + c.sort) setSort(c.sort);
    else setSort(c.descFirst ? '-' + c.sort : c.sort);
  };

  let body;
  if (total === null) {
    body = error ? <ErrorBanner error={error} /> : <Loading what="tenants" />;
  } else if (total === 0) {
    body = (
      <Empty>
        {q
          ? `No tenant ID contains “${q}”.`
          : 'No tenants known yet: none in the limits file, none set through the API, no traffic seen.'}
      </Empty>
    );
  } else {
    body = (
      <div className="vtable" role="table" aria-rowcount={total} data-testid="tenant-table">
        <div className="vrow head" role="row">
          {COLUMNS.map((c) => {
            const active = c.sort && (sort === c.sort || sort === '-' + c.sort);
            const dir = active ? (sort.startsWith('-') ? 'descending' : 'ascending') : undefined;
            return (
              <div
                key={c.label}
                role="columnheader"
                aria-sort={dir ?? 'none'}
                className={`cell ${c.num ? 'num' : ''} ${c.sort ? 'sortable' : ''}`}
                title={c.title ?? (c.sort ? 'sort' : 'the API cannot sort by this')}
                onClick={() => clickSort(c)}
              >
                {c.label}
                {dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''}
              </div>
            );
          })}
        </div>
        <div className="vscroll" ref={scrollRef}>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((it) => {
              const row = blocks.current.get(Math.floor(it.index / BLOCK))?.[it.index % BLOCK];
              return (
                <div
                  key={it.key}
                  role="row"
                  aria-rowindex={it.index + 1}
                  className="vrow"
                  data-tenant={row?.id}
                  style={{ transform: `translateY(${it.start}px)`, height: ROW_HEIGHT }}
                >
                  {row ? <Row t={row} /> : <div className="cell muted">loading…</div>}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    );
  }

  return (
    <div className="page">
      <div className="page-head">
        <h1>Tenants</h1>
        <input
          type="search"
          placeholder="filter by tenant ID"
          aria-label="Filter tenants"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <span className="muted" data-testid="tenant-total">
          {total === null ? '' : `${f.count(total)} tenants`}
        </span>
        <a className="button" href={csvExport('tenants')} download>
          Export CSV
        </a>
      </div>
      {total !== null && error && <ErrorBanner error={error} stale />}
      {body}
    </div>
  );
}
