// End to end: the admin UI in Debian's Chromium (driven by playwright-core) against a running RLS.
//
//   node e2e/e2e.mjs <rls base url> <admin token> <fixtures dir> <screenshot dir>
//
// The RLS must already have seen traffic (UiEndToEndTest sends it) for these tenants: "beta"
// (denied for ingestion_rate), "gamma" (shadow-denied), "epsilon" (denied for
// label_value_too_long) and "delta" (allowed; this script tightens its limit in the UI and pushes
// again). Every page's numbers are read off the page and compared with what the API answers at
// that moment. Exit code 0 when every check passes; screenshots of every page in <screenshot dir>
// (UiEndToEndTest: rls-server/target/ui-screenshots/; 6-rollout.png is the rollout page), 4-denials-open.png with a denial's full
// message opened under its row.
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, token, fixtures, shots] = process.argv.slice(2);
if (!base || !token || !fixtures || !shots) {
  console.error('usage: node e2e/e2e.mjs <rls base url> <admin token> <fixtures dir> <screenshot dir>');
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const TIMEOUT = 20_000;
mkdirSync(shots, { recursive: true });

// ---- the UI's number formats (src/format.ts) ----
const two = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fmt = {
  count: (n) => (n === null || n === undefined ? '—' : whole.format(n)),
  rate: (n) => (n === null || n === undefined ? '—' : two.format(n)),
  percent: (n) => (n === null || n === undefined ? '—' : `${two.format(n)}%`),
  ms: (n) => (n === null || n === undefined ? '—' : `${two.format(n)} ms`),
  limit: (v) =>
    typeof v === 'number' ? (Number.isInteger(v) ? whole.format(v) : two.format(v)) : v === null ? '—' : String(v),
};

// ---- the UI's reading of Mimir's messages (src/mimirErrors.ts) ----
const mimirId = (message) =>
  /\((err-mimir-[a-z0-9]+(?:-[a-z0-9]+)*)\)(?:\. To adjust the related [^()']*)?$/.exec((message ?? '').trimEnd())?.[1] ??
  null;

// ---- helpers ----
let checks = 0;
function ok(what) {
  checks++;
  console.log(`ok ${checks} - ${what}`);
}

async function api(path) {
  const r = await fetch(base + path, { headers: { Accept: 'application/json' } });
  const body = await r.json();
  if (!r.ok && !(path === '/api/health' && r.status === 503)) {
    throw new Error(`${path}: HTTP ${r.status} ${JSON.stringify(body)}`);
  }
  return body;
}

/**
 * Repeats `compare` (which reads the page and the API and returns a list of mismatches) until
 * it finds none: the page refreshes every second and the API moves on, so one moment's snapshot
 * of both may differ while the page catches up.
 */
async function eventually(what, compare, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last = [];
  for (;;) {
    try {
      last = await compare();
    } catch (e) {
      last = [String(e && e.stack ? e.stack : e)];
    }
    if (last.length === 0) {
      ok(what);
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: still different after ${timeout} ms:\n  ${last.join('\n  ')}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

function diff(out, label, page, expected) {
  if (page !== expected) out.push(`${label}: page shows ${JSON.stringify(page)}, API gives ${JSON.stringify(expected)}`);
}

// The API's answers as the page received them, by path and query: rates and bucket fills move
// every millisecond, so those are compared with the very answer the page rendered; counts, limits
// and IDs are compared with the test's own API calls as well.
const seen = new Map();
function record(page) {
  page.on('response', async (r) => {
    const u = new URL(r.url());
    if (!u.pathname.startsWith('/api/') || !(r.headers()['content-type'] ?? '').includes('json')) return;
    try {
      seen.set(u.pathname + u.search, await r.json());
    } catch {
      // a response the page abandoned
    }
  });
}

const text = async (page, testId) => ((await page.getByTestId(testId).first().textContent()) ?? '').trim();

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  console.log(`# screenshot ${join(shots, name + '.png')}`);
}

async function push(tenant) {
  const body = readFileSync(join(fixtures, '000.bin'));
  const r = await fetch(`${base}/api/v1/push`, {
    method: 'POST',
    headers: {
      'Content-Encoding': 'snappy',
      'Content-Type': 'application/x-protobuf',
      'X-Prometheus-Remote-Write-Version': '0.1.0',
      'X-Scope-OrgID': tenant,
    },
    body,
  });
  await r.arrayBuffer();
  return r;
}

// ---- the pages ----
async function overview(page) {
  await page.goto(`${base}/?refresh=1000`);
  await page.waitForURL(/\/ui\/\?refresh=1000$/);
  ok('/ redirects to the UI at /ui/');
  await eventually('Overview shows the API numbers of the 5m window', async () => {
    const o = await api('/api/overview');
    const w = o.windows['5m'];
    const out = [];
    diff(out, 'requests/s', await text(page, 'requests-per-second'), fmt.rate(w.requests / w.seconds));
    diff(out, 'allowed', await text(page, 'allowed'), fmt.count(w.allowed));
    diff(out, 'denied', await text(page, 'denied'), fmt.count(w.deniedTotal));
    diff(out, 'shadow-denied', await text(page, 'shadow-denied'), fmt.count(w.shadowDenied));
    diff(out, 'p50', await text(page, 'latency-p50'), fmt.ms(w.latency.p50Ms));
    diff(out, 'p99', await text(page, 'latency-p99'), fmt.ms(w.latency.p99Ms));
    diff(out, 'rollout phase', await text(page, 'rollout-phase'), o.rollout.phase);
    diff(out, 'rollout percent', await text(page, 'rollout-percent'), `${o.rollout.percent}%`);
    diff(out, 'default mode', await text(page, 'default-mode'), o.mode);
    const reasons = new Set([...Object.keys(w.denied), ...Object.keys(w.shadowDeniedByReason)]);
    for (const r of reasons) {
      const d = w.denied[r] ?? 0;
      const s = w.shadowDeniedByReason[r] ?? 0;
      if (d + s === 0) continue;
      const row = page.locator(`[data-testid=reasons] tr[data-reason="${r}"]`);
      if ((await row.count()) !== 1) {
        out.push(`reason ${r}: no row on the page`);
        continue;
      }
      diff(out, `${r} denied`, (await row.locator('[data-col=denied]').textContent())?.trim(), fmt.count(d));
      diff(out, `${r} shadow`, (await row.locator('[data-col=shadowDenied]').textContent())?.trim(), fmt.count(s));
    }
    if (w.deniedTotal === 0 || w.shadowDenied === 0) out.push('the test traffic should have denials and shadow denials');
    return out;
  });
  // charts draw from samples taken every second; give them a few
  await page.waitForTimeout(3500);
  const charts = await page.locator('.recharts-wrapper').count();
  if (charts < 3) throw new Error(`Overview: expected 3 charts, found ${charts}`);
  ok(`Overview draws ${charts} charts`);
  await shot(page, '1-overview');
}

async function tenants(page) {
  const started = Date.now();
  await page.goto(`${base}/ui/tenants?refresh=1000`);
  await page.locator('[data-testid=tenant-table] [role=row][data-tenant]').first().waitFor({ timeout: TIMEOUT });
  const firstRowMs = Date.now() - started;
  const all = await api('/api/tenants?limit=1');
  if (all.total < 10000) throw new Error(`expected at least 10,000 tenants, the API has ${all.total}`);
  if (firstRowMs > 5000) throw new Error(`Tenants: first rows of ${all.total} tenants took ${firstRowMs} ms`);
  ok(`Tenants: first rows of ${fmt.count(all.total)} tenants shown in ${firstRowMs} ms`);
  const domRows = await page.locator('[data-testid=tenant-table] [role=row][data-tenant]').count();
  if (domRows > 100) throw new Error(`Tenants: ${domRows} rows in the DOM; the table should be virtualized`);
  ok(`Tenants: only ${domRows} rows in the DOM (virtualized)`);

  const compareRows = async (sort, n) => {
    const p = await api(`/api/tenants?limit=${n}&offset=0&sort=${sort}`);
    const out = [];
    diff(out, 'total', await text(page, 'tenant-total'), `${fmt.count(p.total)} tenants`);
    const rendered = seen.get(`/api/tenants?limit=200&offset=0&sort=${encodeURIComponent(sort)}`);
    if (!rendered) return [`the page did not ask for sort=${sort}`];
    for (const [i, t] of p.tenants.entries()) {
      const r = rendered.tenants[i];
      diff(out, `row ${i + 1}: the page's answer`, r?.id, t.id);
      if (r?.id !== t.id) continue;
      const row = page.locator(`[role=row][aria-rowindex="${i + 1}"]`);
      diff(out, `row ${i + 1} id`, await row.getAttribute('data-tenant'), t.id);
      if ((await row.getAttribute('data-tenant')) !== t.id) continue;
      const cell = async (c) => ((await row.locator(`[data-col=${c}]`).textContent()) ?? '').trim();
      diff(out, `${t.id} mode`, (await cell('mode')).replace('admin', '').trim(), t.mode);
      diff(out, `${t.id} limit`, await cell('limit'), `${fmt.limit(t.ingestionRate)} / ${fmt.limit(t.ingestionBurstSize)}`);
      const items =
        fmt.rate(r.itemsPerSecond) + (r.ingestionRateUsePercent === null ? '' : ` (${fmt.percent(r.ingestionRateUsePercent)})`);
      diff(out, `${t.id} items/s`, await cell('items'), items);
      diff(out, `${t.id} fill`, await cell('fill'), fmt.percent(r.ingestionBucketFillPercent));
      diff(out, `${t.id} denied 5m`, await cell('denied5m'), fmt.count(t.denied5m));
      diff(out, `${t.id} shadow 5m`, await cell('shadowDenied5m'), fmt.count(t.shadowDenied5m));
    }
    return out;
  };
  await eventually('Tenants: rows sorted by ID match the API', () => compareRows('id', 8));
  await page.getByRole('columnheader', { name: /denied 5m/ }).click();
  await eventually('Tenants: sorted by denials (descending, on the server) match the API', () =>
    compareRows('-denials', 4),
  );
  await page.getByRole('columnheader', { name: /shadow 5m/ }).click();
  await eventually('Tenants: sorted by shadow denials match the API', () => compareRows('-shadowDenials', 3));
  await shot(page, '2-tenants');

  // scrolled far down, the rows there are fetched and shown
  await page.getByRole('columnheader', { name: /^tenant/ }).click();
  // Scroll only once the table shows the new order: rows arriving for a new sort start the list
  // at its top again, and on a loaded machine they can arrive after the scroll.
  const firstId = (await api('/api/tenants?limit=1&offset=0&sort=id')).tenants[0].id;
  await page
    .locator(`[data-testid=tenant-table] [role=row][data-tenant]`)
    .first()
    .and(page.locator(`[data-tenant="${firstId}"]`))
    .waitFor({ timeout: TIMEOUT });
  await page.locator('.vscroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  const lastId = (await api(`/api/tenants?limit=1&offset=${all.total - 1}&sort=id`)).tenants[0].id;
  await page.locator(`[role=row][data-tenant="${lastId}"]`).waitFor({ timeout: TIMEOUT });
  ok(`Tenants: scrolled to the end, the last tenant (${lastId}) is shown`);

  await page.getByLabel('Filter tenants').fill('bulk-0042');
  await eventually('Tenants: filtering by ID asks the API and shows its rows', async () => {
    const p = await api('/api/tenants?limit=50&q=bulk-0042&sort=id');
    const out = [];
    diff(out, 'total', await text(page, 'tenant-total'), `${fmt.count(p.total)} tenants`);
    const ids = await page.locator('[role=row][data-tenant]').evaluateAll((rs) => rs.map((r) => r.dataset.tenant));
    diff(out, 'ids', ids.join(','), p.tenants.map((t) => t.id).join(','));
    return out;
  });
}

/**
 * The denial rows on the page against the API's denials (newest first, as the page lists them):
 * each row's reason and Mimir error id (a dash without one), and each row one line high.
 */
async function compareDenialRows(page, expected) {
  const out = [];
  const rows = await page.locator('[data-testid=denials] tr.denial').evaluateAll((rs) =>
    rs.map((r) => {
      const cell = (c) => r.querySelector(`[data-col="${c}"]`);
      // a cell's text on one line box has one client rect; wrapped, one per line
      const lines = (el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return new Set([...range.getClientRects()].map((x) => Math.round(x.top))).size;
      };
      const reasonRange = document.createRange();
      reasonRange.selectNodeContents(cell('reason'));
      const lineHeight = reasonRange.getBoundingClientRect().height;
      const td = getComputedStyle(cell('reason'));
      const chrome = parseFloat(td.paddingTop) + parseFloat(td.paddingBottom) + parseFloat(td.borderBottomWidth);
      return {
        time: r.querySelector('[data-col=time]').getAttribute('title'),
        reason: cell('reason').textContent,
        id: cell('mimir-id').textContent,
        reasonLines: lines(cell('reason')),
        idLines: lines(cell('mimir-id')),
        height: r.getBoundingClientRect().height,
        oneLine: lineHeight * 1.5 + chrome,
      };
    }),
  );
  diff(out, 'denial rows', rows.length, expected.length);
  for (const [i, d] of expected.entries()) {
    const r = rows[i];
    if (!r) break;
    diff(out, `row ${i + 1} time`, r.time, d.time);
    diff(out, `row ${i + 1} reason`, r.reason, d.reason);
    diff(out, `row ${i + 1} Mimir error id`, r.id, mimirId(d.message) ?? '–');
    if (r.reasonLines !== 1 || r.idLines !== 1) out.push(`row ${i + 1}: reason on ${r.reasonLines} lines, id on ${r.idLines}`);
    if (r.height > r.oneLine) out.push(`row ${i + 1}: ${r.height}px high, more than one line (${r.oneLine.toFixed(1)}px)`);
  }
  return out;
}

async function tenant(page, id) {
  await page.goto(`${base}/ui/tenants/${id}?refresh=1000`);
  await eventually(`Tenant ${id}: limits with their sources, traffic and denials match the API`, async () => {
    const d = await api(`/api/tenants/${id}`);
    const out = [];
    diff(out, 'id', await text(page, 'tenant-id'), d.id);
    diff(out, 'mode', await text(page, 'tenant-mode'), d.mode);
    for (const [k, l] of Object.entries(d.limits)) {
      const row = page.locator(`[data-testid=limits] tr[data-limit="${k}"]`);
      diff(out, `${k} value`, ((await row.locator('[data-col=value]').textContent()) ?? '').trim(), fmt.limit(l.value));
      diff(
        out,
        `${k} source`,
        ((await row.locator('[data-col=source]').textContent()) ?? '').trim(),
        l.source === 'admin' ? 'admin override' : l.source,
      );
    }
    const r = seen.get(`/api/tenants/${id}`);
    if (!r) return ['the page did not ask for the tenant'];
    diff(out, 'items/s', await text(page, 'items-per-second'), fmt.rate(r.traffic.itemsPerSecond));
    diff(out, 'requests/s', await text(page, 'tenant-requests-per-second'), fmt.rate(r.traffic.requestsPerSecond));
    diff(out, 'denied 5m', await text(page, 'tenant-denied-5m'), fmt.count(d.traffic.denied5m));
    diff(out, 'shadow 5m', await text(page, 'tenant-shadow-denied-5m'), fmt.count(d.traffic.shadowDenied5m));
    diff(out, 'ingestion fill', await text(page, 'ingestion-fill'), fmt.percent(r.buckets.ingestion.fillPercent));
    if (d.recentDenials.length === 0) {
      diff(out, 'recent denials', await page.locator('[data-testid=denials] tr.denial').count(), 0);
    } else {
      out.push(...(await compareDenialRows(page, d.recentDenials)));
    }
    return out;
  });
}

async function denials(page) {
  await page.goto(`${base}/ui/denials?refresh=1000`);
  await eventually('Denials: the live list matches the API', async () => {
    const d = await api('/api/denials?limit=500');
    const out = [];
    const rows = await page.locator('[data-testid=denials] tr.denial').evaluateAll((rs) =>
      rs.map((r) => `${r.querySelector('[data-col=tenant]').textContent}/${r.dataset.reason}`),
    );
    diff(out, 'rows', rows.join(','), d.denials.map((x) => `${x.tenant}/${x.reason}`).join(','));
    diff(out, 'recorded', await text(page, 'denials-recorded'), fmt.count(d.recorded));
    if (d.denials.length === 0) out.push('the test traffic should have denials');
    return out;
  });
  await eventually('Denials: each row one line high, with its reason and Mimir error id', async () => {
    const d = await api('/api/denials?limit=500');
    const out = await compareDenialRows(page, d.denials);
    // and the ids the test traffic must have brought, whatever the rule above says
    const ids = await page.locator('[data-testid=denials] [data-col=mimir-id]').allTextContents();
    for (const want of ['err-mimir-tenant-max-ingestion-rate', 'err-mimir-label-value-too-long']) {
      if (!ids.includes(want)) out.push(`no row shows ${want}: ${[...new Set(ids)]}`);
    }
    return out;
  });
  await shot(page, '4-denials');
  await openDenial(page);
  await page.getByLabel('Filter by reason').selectOption('label_value_too_long');
  await eventually('Denials: filtered by reason', async () => {
    const d = await api('/api/denials?limit=500');
    const want = d.denials.filter((x) => x.reason === 'label_value_too_long').length;
    const out = [];
    diff(out, 'rows', await page.locator('[data-testid=denials] tr.denial').count(), want);
    diff(out, 'shown', await text(page, 'denials-shown'), fmt.count(want));
    if (want === 0) out.push('expected label_value_too_long denials (tenant epsilon)');
    return out;
  });
  await page.getByLabel('Filter by reason').selectOption('');
  await page.getByLabel('Filter by tenant').fill('beta');
  await eventually('Denials: filtered by tenant (on the server)', async () => {
    const d = await api('/api/denials?limit=500&tenant=beta');
    const out = [];
    const tenants = await page.locator('[data-testid=denials] [data-col=tenant]').allTextContents();
    diff(out, 'rows', tenants.length, d.denials.length);
    if (tenants.some((t) => t !== 'beta')) out.push(`other tenants shown: ${tenants}`);
    return out;
  });
  await page.getByLabel('Filter by tenant').fill('');
  const href = await page.getByTestId('csv-export').getAttribute('href');
  const csv = await page.request.get(base + href);
  const csvText = await csv.text();
  if (csv.status() !== 200 || !csv.headers()['content-type'].startsWith('text/csv') || !csvText.startsWith('time,tenant,door,reason')) {
    throw new Error(`CSV export: HTTP ${csv.status()} ${csv.headers()['content-type']}: ${csvText.slice(0, 100)}`);
  }
  ok(`Denials: CSV export link gives ${csvText.trim().split('\n').length - 1} denials as CSV`);
}

/** A beta denial's full message, opened from the keyboard under its row: shown whole, selectable, copied. */
async function openDenial(page) {
  const row = page.locator('[data-testid=denials] tr.denial', { has: page.locator('[data-col=tenant]', { hasText: /^beta$/ }) }).first();
  const time = await row.locator('[data-col=time]').getAttribute('title');
  const d = (await api('/api/denials?limit=500')).denials.find((x) => x.tenant === 'beta' && x.time === time);
  if (!d) throw new Error(`Denials: the API has no beta denial at ${time}`);
  const button = row.getByRole('button', { name: /^Message of the/ });
  await button.focus();
  await page.keyboard.press('Enter');
  const detail = row.locator('xpath=following-sibling::tr[1]');
  const message = detail.getByTestId('denial-message');
  await message.waitFor({ state: 'visible' });
  if ((await button.getAttribute('aria-expanded')) !== 'true') throw new Error('Denials: the opened row is not aria-expanded');
  const shown = await message.textContent();
  if (shown !== d.message) throw new Error(`Denials: opened message ${JSON.stringify(shown)}, API gives ${JSON.stringify(d.message)}`);
  const box = await message.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, clipped: el.scrollWidth > el.clientWidth, lines: Math.round(r.height / parseFloat(getComputedStyle(el).lineHeight)) };
  });
  if (box.clipped || box.left < 0 || box.right > 1440) throw new Error(`Denials: the message is cut off: ${JSON.stringify(box)}`);
  ok(`Denials: Enter on a beta row opens its whole message under it (${box.lines} lines): "${shown.slice(0, 60)}…"`);

  await message.click({ clickCount: 3 });
  const selected = (await page.evaluate(() => window.getSelection().toString())).trim();
  if (selected !== d.message) throw new Error(`Denials: a triple click selects ${JSON.stringify(selected)}`);
  ok('Denials: the message is selectable text (a triple click selects it whole)');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await detail.getByRole('button', { name: 'Copy message' }).click();
  await detail.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  if (copied !== d.message) throw new Error(`Denials: Copy message put ${JSON.stringify(copied)} on the clipboard`);
  ok('Denials: Copy message puts the whole message on the clipboard');
  const runbook = await detail.getByRole('link', { name: /Mimir runbook/ }).getAttribute('href');
  if (!runbook.endsWith(`#${mimirId(d.message)}`)) throw new Error(`Denials: runbook link ${runbook}`);
  ok(`Denials: the opened row links Mimir's runbook for ${mimirId(d.message)}`);
  await button.focus();
  await shot(page, '4-denials-open');

  await page.keyboard.press('Enter');
  await message.waitFor({ state: 'detached' });
  ok('Denials: Enter again closes it');
}

async function health(page) {
  await page.goto(`${base}/ui/health?refresh=1000`);
  await eventually('Health: limits, upstream, gRPC and state store match the API', async () => {
    const h = await api('/api/health');
    const out = [];
    diff(out, 'status', await text(page, 'health-status'), h.status);
    diff(out, 'limits loaded', await text(page, 'limits-loaded'), h.limits.loaded ? 'loaded' : 'not loaded');
    diff(out, 'limits source', await text(page, 'limits-source'), h.limits.source);
    // the page shows the reload in the browser's local time, then how long ago
    const shown = await page.evaluate((iso) => new Date(iso).toLocaleString(), h.limits.lastSuccess);
    const last = await text(page, 'limits-last-success');
    if (!last.startsWith(shown + ' (')) out.push(`last reload: page shows ${last}, API gives ${h.limits.lastSuccess} (${shown})`);
    diff(out, 'upstream url', await text(page, 'upstream-url'), h.upstream.url);
    diff(out, 'upstream reachable', await text(page, 'upstream-reachable'), h.upstream.reachable ? 'reachable' : 'unreachable');
    diff(
      out,
      'gRPC',
      await text(page, 'grpc-serving'),
      h.grpc ? (h.grpc.serving ? 'serving' : 'not serving') : 'not running: no gRPC server is registered with this RLS',
    );
    diff(out, 'state store', await text(page, 'state-store-type'), h.stateStore?.type ?? 'not reported by this RLS');
    return out;
  });
  await shot(page, '5-health');
}

async function rollout(page) {
  // what edgectl sends when it promotes: the phase, the transition and its gates
  const put = await fetch(`${base}/api/rollout`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({
      phase: 'mirror',
      event: { at: new Date().toISOString(), who: 'e2e', action: 'promote', from: 'direct', to: 'mirror', result: 'applied' },
      gates: { window: '5m', minRequests: 1, maxErrorRate: 0.001, maxAddedLatencyP99Ms: 10, maxDenyRate: 0.5 },
    }),
  });
  if (put.status !== 200) throw new Error(`PUT /api/rollout: HTTP ${put.status} ${await put.text()}`);
  ok('Rollout: edgectl\'s PUT with its transition and gates accepted');
  await page.goto(`${base}/ui/rollout?refresh=1000`);
  await eventually('Rollout: phase, enforced share and the next rung match the API', async () => {
    const s = await api('/api/rollout/status');
    const p = await api('/api/rollout/preview');
    const out = [];
    diff(out, 'phase', await text(page, 'rollout-phase'), s.rollout.phase);
    diff(out, 'tenants enforced', await text(page, 'tenants-enforced'), `${s.tenantsEnforced} of ${s.tenantsKnown}`);
    const summary = await text(page, 'preview-summary');
    const want =
      p.tenantsDenied === 0
        ? `${p.tenantsReached} tenants reached, none refused`
        : `${p.tenantsDenied} of the ${p.tenantsReached} tenants ${p.to} reaches`;
    if (!summary.includes(want)) out.push(`preview: page shows "${summary}", API gives "${want}"`);
    for (const t of p.tenants) {
      if ((await page.locator(`[data-testid="preview"] tr[data-tenant="${t.id}"]`).count()) !== 1) {
        out.push(`preview: no row for ${t.id}`);
      }
    }
    if ((await page.getByTestId('seed-gates').count()) > 0) out.push('the seed gates are shown after edgectl sent its own');
    return out;
  });
  const gateRows = await page.locator('[data-testid="gates"] tbody tr').count();
  if (gateRows !== 4) throw new Error(`Rollout: ${gateRows} gate rows, expected 4`);
  ok('Rollout: four gates, each with its reading, threshold and verdict');
  const history = (await page.getByTestId('history').textContent()) ?? '';
  if (!history.includes('e2e') || !history.includes('direct → mirror')) {
    throw new Error(`Rollout: the transition is not listed: ${history}`);
  }
  ok('Rollout: the transition edgectl sent is listed');
  await shot(page, '6-rollout');
}

async function changeLimit(page, id) {
  const before = await push(id);
  if (before.status !== 200) throw new Error(`push for ${id} before the change: HTTP ${before.status}`);
  ok(`push for ${id} before the change: 200`);

  await page.goto(`${base}/ui/tenants/${id}?refresh=1000`);
  await page.getByTestId('read-only').waitFor();
  if (!(await page.getByLabel('ingestion_burst_size').isDisabled())) throw new Error('limits editable without a token');
  ok('Tenant: read-only without the admin token');

  // a wrong token: the API's 401 and its message on the page, nothing changed
  await page.getByLabel('Admin token', { exact: true }).fill('not-the-admin-token');
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.getByLabel('ingestion_burst_size').fill('100');
  await page.getByRole('button', { name: 'Save limits' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  const alertText = await alert.textContent();
  if (!/Not authorized \(401\)/.test(alertText) || !/token/i.test(alertText)) throw new Error(`401 shown as: ${alertText}`);
  ok(`Tenant: a wrong token shows the API's 401: "${alertText.trim()}"`);
  if ((await api(`/api/tenants/${id}`)).adminOverride) throw new Error('a 401 changed the tenant');

  await page.getByRole('button', { name: 'Forget token' }).click();
  await page.getByLabel('Admin token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Use token' }).click();
  const stored = await page.evaluate(() => sessionStorage.getItem('rls.adminToken'));
  if (stored !== token) throw new Error('the token is not in sessionStorage');
  ok('Tenant: the admin token is kept in sessionStorage');

  await page.getByLabel('ingestion_burst_size').fill('100');
  await page.getByRole('button', { name: 'Save limits' }).click();
  await page.getByTestId('change-ok').waitFor({ timeout: TIMEOUT });
  await eventually(`Tenant ${id}: the new limit shows as an admin override`, async () => {
    const d = await api(`/api/tenants/${id}`);
    const out = [];
    diff(out, 'api value', d.limits.ingestion_burst_size.value, 100);
    diff(out, 'api source', d.limits.ingestion_burst_size.source, 'admin');
    const row = page.locator('[data-testid=limits] tr[data-limit="ingestion_burst_size"]');
    diff(out, 'page value', ((await row.locator('[data-col=value]').textContent()) ?? '').trim(), '100');
    diff(out, 'page source', ((await row.locator('[data-col=source]').textContent()) ?? '').trim(), 'admin override');
    return out;
  });

  const after = await push(id);
  const reason = after.headers.get('x-edge-enforcement-reason');
  if (after.status !== 429 || reason !== 'ingestion_rate') {
    throw new Error(`push for ${id} after the change: HTTP ${after.status} reason ${reason}, expected 429 ingestion_rate`);
  }
  ok(`push for ${id} after the change in the UI: 429 (${reason})`);
  await tenant(page, id);
  await shot(page, '3-tenant-changed');
}

// ---- run ----
let browser;
let page;
let failed = false;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Playwright gives every launch a fresh profile of its own; these keep Chromium off the
    // (closed) network, which it otherwise tries at every start.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // over HTTPS: trust exactly the RLS' key (base64 SHA-256 of its SPKI), as the test made it
      ...(process.env.E2E_SPKI ? [`--ignore-certificate-errors-spki-list=${process.env.E2E_SPKI}`] : []),
    ],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'en-US' });
  page.setDefaultTimeout(TIMEOUT);
  record(page);
  page.on('pageerror', (e) => {
    console.log(`# page error: ${e.message}`);
    failed = true;
  });
  await overview(page);
  await tenants(page);
  await tenant(page, 'beta');
  await shot(page, '3-tenant');
  await denials(page);
  await health(page);
  await rollout(page);
  await changeLimit(page, 'delta');
  if (failed) throw new Error('the page threw errors (see above)');
  console.log(`# all ${checks} checks passed`);
} catch (e) {
  console.log(`not ok ${checks + 1} - ${e && e.stack ? e.stack : e}`);
  if (page) await page.screenshot({ path: join(shots, 'failure.png'), fullPage: true }).catch(() => {});
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
}
