// One-click test: calls each service through the gateway as a user would — users GET /api/users/me, products
// GET /api/products, orders GET /api/orders, the gateway GET /status — twice per running instance (the gateway's
// round robin reaches each of them), and shows every call's status, latency and X-Request-Id; a manager's answers
// name the instance that served them (X-MicroNet-Instance), so each instance gets its own calls and latency, next to
// its health, breaker and the latency the gateway measured for it (micronet.metrics). A row's data-status: UP when
// every call answered 2xx, DEGRADED when some did, DOWN when none did.
import { clear, setText, listen, errorText, viewHeader, fmtMs, fmtPercent, status, statusClass, nodeNamer } from './util.js';
import { el } from '../dom.js';

const TARGETS = [
  { service: 'users', method: 'GET', path: '/api/users/me' },
  { service: 'products', method: 'GET', path: '/api/products?size=1' },
  { service: 'orders', method: 'GET', path: '/api/orders?size=1' },
  { service: 'gateway', method: 'GET', path: '/status', own: true },
];
const CALLS_PER_INSTANCE = 2;
const MAX_CALLS = 12;

export function mount(container, ctx) {
  const { api, bus, session } = ctx;
  let metrics = null;
  let running = false;
  let alive = true;

  const run = el('button', { type: 'button', class: 'primary', 'data-test': 'onetest-run' }, 'Run the test');
  const info = el('p', { class: 'ops-summary', role: 'status' }, 'Calls each service through the gateway, twice per instance.');
  const body = el('tbody');
  const tableBox = el('div', { class: 'table-wrap' }, el('table', { class: 'onetest-table' },
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, 'Service'), el('th', { scope: 'col' }, 'Call'), el('th', { scope: 'col' }, 'Result'),
      el('th', { scope: 'col' }, 'Latency'), el('th', { scope: 'col' }, 'Calls (status · ms · request id)'),
      el('th', { scope: 'col' }, 'Instances (calls · median · health · breaker · gateway p50/p99 · errors)'))),
    body));
  tableBox.hidden = true;
  clear(container);
  container.append(el('section', { class: 'ops-view ops-onetest' },
    viewHeader('One-click test', 'Every service answered through the gateway, as a user would see it.', run),
    info, tableBox));

  const offMetrics = listen(bus, 'micronet.metrics', event => {
    if (event.type === 'snapshot' && event.services) metrics = event.services;
  });

  run.addEventListener('click', async () => {
    if (running) return;
    running = true;
    run.disabled = true;
    tableBox.setAttribute('aria-busy', 'true');
    setText(info, 'Testing…');
    const started = performance.now();
    try {
      const [listed, graph] = await Promise.all([
        api('GET', '/api/services?size=100').catch(() => ({ items: [] })),
        api('GET', '/api/graph').catch(() => null),
      ]);
      const nodeName = nodeNamer(graph?.nodes);
      const byService = new Map();
      for (const item of listed?.items || []) {
        if (!byService.has(item.service)) byService.set(item.service, []);
        byService.get(item.service).push(item);
      }
      const results = [];
      const platform = new Set([...(graph?.services || []).map(s => s.name), ...byService.keys()]);
      for (const target of TARGETS) {
        const instances = byService.get(target.service) || [];
        if (!target.own && !platform.has(target.service)) {
          // not a service of this platform at all (the demo has no products or orders): nothing to call
          results.push({ target, calls: [], instances, absent: true });
          continue;
        }
        const times = target.own ? 1 : Math.min(MAX_CALLS, CALLS_PER_INSTANCE * Math.max(1, instances.length));
        const calls = [];
        for (let k = 0; k < times; k++) calls.push(await call(target));
        results.push({ target, calls, instances });
        if (!alive) return;
      }
      if (!metrics) metrics = (await api('GET', '/api/metrics').catch(() => null))?.services || null;
      clear(body);
      for (const r of results) body.append(row(r, metrics, nodeName));
      tableBox.hidden = false;
      const ok = results.filter(r => rowStatus(r.calls) === 'UP').length;
      setText(info, `${ok} of ${results.length} services answered every call · ${Math.round(performance.now() - started)} ms in all · ${new Date().toLocaleTimeString([], { hourCycle: 'h23' })}`);
    } catch (error) {
      setText(info, 'The test failed: ' + errorText(error));
    } finally {
      running = false;
      run.disabled = false;
      tableBox.removeAttribute('aria-busy');
    }
  });

  /** One call with the session's token; the status, the time to the full answer and the request id. */
  async function call(target) {
    const headers = { Accept: 'application/json' };
    if (session?.token) headers.Authorization = 'Bearer ' + session.token;
    const t0 = performance.now();
    try {
      const response = await fetch(target.path, { method: target.method, headers, cache: 'no-store' });
      const text = await response.text();
      const ms = performance.now() - t0;
      let message = '';
      if (!response.ok) {
        try { message = JSON.parse(text)?.error?.message || ''; } catch { message = ''; }
        if (response.status === 401) session?.expired?.();
      }
      return { status: response.status, ok: response.ok, ms, requestId: response.headers.get('X-Request-Id') || '',
        instance: response.headers.get('X-MicroNet-Instance') || '', message };
    } catch {
      return { status: 0, ok: false, ms: performance.now() - t0, requestId: '', message: 'the gateway cannot be reached' };
    }
  }

  return () => {
    alive = false;
    offMetrics();
  };
}

function rowStatus(calls) {
  if (!calls.length) return 'DOWN';
  const ok = calls.filter(c => c.ok).length;
  return ok === calls.length ? 'UP' : ok === 0 ? 'DOWN' : 'DEGRADED';
}

/** The median time of some calls (undefined for none: fmtMs shows a dash). */
function median(calls) {
  const sorted = calls.map(c => c.ms).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function row({ target, calls, instances, absent }, metrics, nodeName) {
  const st = rowStatus(calls);
  const seen = metrics?.[target.service]?.gateway?.instances || {};
  return el('tr', { 'data-test': 'onetest-row', 'data-service': target.service, 'data-status': st, class: statusClass(st) },
    el('th', { scope: 'row' }, target.service),
    el('td', { class: 'mono', 'data-label': 'Call' }, `${target.method} ${target.path}`),
    el('td', { class: 'result', 'data-label': 'Result' }, el('span', { class: 'badge ' + statusClass(st) }, st),
      ' ', `${calls.filter(c => c.ok).length}/${calls.length} ok`),
    el('td', { class: 'num', 'data-label': 'Latency (median)' }, fmtMs(median(calls))),
    el('td', { 'data-label': 'Calls' }, absent ? el('span', { class: 'muted' }, 'not called: this platform runs no such service') : el('ul', { class: 'plain' }, calls.map(c => el('li', { class: c.ok ? '' : 'bad' },
      `${c.status || 'no answer'} · ${fmtMs(c.ms)}`,
      c.requestId ? el('span', { class: 'mono muted' }, ' · ' + c.requestId) : null,
      c.message ? el('span', {}, ' · ' + c.message) : null)))),
    el('td', { 'data-label': 'Instances' }, target.own
      ? el('span', { class: 'muted' }, 'the gateway itself')
      : instances.length
        ? el('ul', { class: 'plain' }, instances.map(i => {
          const f = seen[i.id];
          const health = status(i.health);
          const served = calls.filter(c => c.instance === i.id);
          return el('li', { 'data-instance': i.id, 'data-test': 'onetest-instance', 'data-calls': String(served.length) },
            el('span', { class: 'dot ' + statusClass(health), 'aria-hidden': 'true' }),
            el('span', { class: 'mono' }, i.id), ` on ${nodeName(i.node)} · `,
            served.length ? el('span', { class: served.every(c => c.ok) ? '' : 'bad' },
              `${served.filter(c => c.ok).length}/${served.length} ok · ${fmtMs(median(served))}`)
              : el('span', { class: 'muted' }, 'no call reached it'),
            ` · ${health} · breaker ${i.breaker || '–'}`,
            f ? ` · ${fmtMs(f.p50)} / ${fmtMs(f.p99)} · ${fmtPercent(f.errorRate)}` : '',
            i.healthReason ? el('span', { class: 'muted' }, ' · ' + i.healthReason) : null);
        }))
        : el('span', { class: 'bad' }, 'no instance running')));
}
