// Charts per service (Chart.js): requests/s with the error rate, and latency p50 / p95 / p99. The chosen range
// (15 min, 1 h, 24 h) comes from GET /api/metrics/history; then every micronet.metrics snapshot (2 s) is added to
// the newest bucket of the range's step, so a chart moves on by itself without re-reading the history.
import {
  clear, setText, listen, errorText, viewHeader, loadGlobal, CHART_JS, fmtRate, fmtPercent, fmtMs,
} from './util.js';
import { el } from '../dom.js';

const RANGES = [
  { key: '15m', label: '15 min', ms: 15 * 60 * 1000, step: 10 },
  { key: '1h', label: '1 h', ms: 60 * 60 * 1000, step: 30 },
  { key: '24h', label: '24 h', ms: 24 * 60 * 60 * 1000, step: 600 },
];
const COLORS = {
  rps: '#2563eb', errors: '#dc2626', p50: '#059669', p95: '#d97706', p99: '#7c3aed',
};

export function mount(container, ctx) {
  const { api, bus } = ctx;
  const query = ctx.query instanceof URLSearchParams ? ctx.query : new URLSearchParams();
  let range = RANGES.find(r => r.key === query.get('range')) || RANGES[0];
  let only = query.get('service') || '';
  let alive = true;
  const panels = new Map();          // service → {root, traffic, latency, points, figures}
  let known = [];

  const rangeButtons = RANGES.map(r => el('button', {
    type: 'button', class: 'seg', 'data-test': 'chart-range', 'data-range': r.key, 'aria-pressed': String(r === range),
    onclick: () => { range = r; rangeButtons.forEach(b => b.setAttribute('aria-pressed', String(b.dataset.range === r.key))); remember(); reloadAll(); },
  }, r.label));
  const serviceSelect = el('select', { 'data-test': 'chart-service', 'aria-label': 'Service shown' }, el('option', { value: '' }, 'all services'));
  serviceSelect.addEventListener('change', () => { only = serviceSelect.value; remember(); layout(); });
  const loadError = el('p', { class: 'ops-error', role: 'alert', hidden: true });
  const grid = el('div', { class: 'chart-grid' });
  clear(container);
  container.append(el('section', { class: 'ops-view ops-charts' },
    viewHeader('Charts', 'Requests/s and error rate, and latency percentiles, per service. Live every 2 s.',
      el('div', { class: 'segmented', role: 'group', 'aria-label': 'Time range' }, rangeButtons), serviceSelect),
    loadError, grid));

  function remember() {
    ctx.setQuery?.({ range: range.key === '15m' ? '' : range.key, service: only });
  }

  let Chart = null;
  async function start() {
    try {
      Chart = await loadGlobal('Chart', CHART_JS);
    } catch (error) {
      setText(loadError, 'The chart library did not load: ' + errorText(error));
      loadError.hidden = false;
      return;
    }
    try {
      const [graph, latest] = await Promise.all([api('GET', '/api/graph').catch(() => null), api('GET', '/api/metrics')]);
      if (!alive) return;
      const names = new Set((graph?.services || []).map(s => s.name));
      Object.keys(latest?.services || {}).forEach(n => names.add(n));
      setServices([...names]);
    } catch (error) {
      if (!alive) return;
      setText(loadError, 'Could not load the services: ' + errorText(error));
      loadError.hidden = false;
    }
  }

  /** The services to chart: those of the graph first (in its order), then the platform's own. */
  function setServices(names) {
    const next = [...new Set(names)];
    if (next.join() === known.join()) return;
    const added = next.filter(n => !known.includes(n));
    known = next;
    const chosen = serviceSelect.value || only;
    while (serviceSelect.options.length > 1) serviceSelect.remove(1);
    known.forEach(n => serviceSelect.append(el('option', { value: n }, n)));
    serviceSelect.value = known.includes(chosen) ? chosen : '';
    only = serviceSelect.value;
    layout();
    added.forEach(n => { if (panels.has(n)) reload(n); });
  }

  function layout() {
    const shown = only ? [only] : known;
    for (const [name, panel] of panels) {
      if (!shown.includes(name)) {
        panel.destroy();
        panel.root.remove();
        panels.delete(name);
      }
    }
    shown.forEach(name => {
      if (!panels.has(name)) {
        const panel = servicePanel(Chart, name);
        panels.set(name, panel);
        reload(name);
      }
      grid.append(panels.get(name).root);
    });
    grid.classList.toggle('single', shown.length === 1);
  }

  function reloadAll() {
    for (const name of panels.keys()) reload(name);
  }

  async function reload(name) {
    const panel = panels.get(name);
    if (!panel) return;
    const wanted = range;
    const to = new Date();
    const from = new Date(to.getTime() - wanted.ms);
    panel.loading(true);
    try {
      const series = await api('GET', `/api/metrics/history?service=${encodeURIComponent(name)}&from=${from.toISOString()}`
        + `&to=${to.toISOString()}&step=${wanted.step}`);
      if (!alive || panels.get(name) !== panel || wanted !== range) return;
      panel.setHistory((series?.points || []).map(p => ({ t: Date.parse(p.time), ...p })).filter(p => Number.isFinite(p.t)), wanted);
      panel.error('');
    } catch (error) {
      if (alive && panels.get(name) === panel) panel.error('History unavailable: ' + errorText(error));
    } finally {
      panel.loading(false);
    }
  }

  const offMetrics = listen(bus, 'micronet.metrics', event => {
    if (event.type !== 'snapshot' || !event.services || typeof event.services !== 'object') return;
    const t = Date.parse(event.time) || Date.now();
    const names = Object.keys(event.services);
    if (names.some(n => !known.includes(n))) setServices([...known, ...names]);
    for (const [name, panel] of panels) {
      const s = event.services[name];
      if (s) panel.add(t, s, range);
    }
  });

  start();
  return () => {
    alive = false;
    offMetrics();
    for (const panel of panels.values()) panel.destroy();
    panels.clear();
  };
}

/** One service's panel: two charts and the latest figures. */
function servicePanel(Chart, name) {
  const now = {
    rps: el('span', {}, '–'), err: el('span', {}, '–'), p99: el('span', {}, '–'),
  };
  const trafficCanvas = el('canvas', { role: 'img', 'aria-label': `${name}: requests per second and error rate` });
  const latencyCanvas = el('canvas', { role: 'img', 'aria-label': `${name}: latency p50, p95 and p99` });
  const note = el('p', { class: 'chart-note muted', role: 'status' });
  const root = el('article', { class: 'card chart-card', 'data-test': 'chart', 'data-service': name },
    el('header', { class: 'chart-head' },
      el('h2', {}, name),
      el('p', { class: 'chart-now' }, now.rps, ' · errors ', now.err, ' · p99 ', now.p99)),
    el('div', { class: 'chart-pair' },
      el('figure', { class: 'chart-box' }, el('figcaption', {}, 'Requests/s and errors'), el('div', { class: 'chart-canvas' }, trafficCanvas)),
      el('figure', { class: 'chart-box' }, el('figcaption', {}, 'Latency (ms)'), el('div', { class: 'chart-canvas' }, latencyCanvas))),
    note);

  let points = [];
  let shownRange = null;
  const traffic = new Chart(trafficCanvas, config([
    dataset('requests/s', COLORS.rps, 'y', true),
    dataset('errors %', COLORS.errors, 'y1', false),
  ], {
    y: { beginAtZero: true, title: { display: false }, ticks: { maxTicksLimit: 5 } },
    y1: {
      beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, suggestedMax: 5,
      ticks: { maxTicksLimit: 5, callback: v => v + '%' },
    },
  }));
  const latency = new Chart(latencyCanvas, config([
    dataset('p50', COLORS.p50, 'y', false),
    dataset('p95', COLORS.p95, 'y', false),
    dataset('p99', COLORS.p99, 'y', false),
  ], { y: { beginAtZero: true, ticks: { maxTicksLimit: 5 } } }));

  function redraw() {
    const min = shownRange ? Date.now() - shownRange.ms : undefined;
    points = points.filter(p => min === undefined || p.t >= min);
    const xy = key => points.map(p => ({ x: p.t, y: num(p[key]) }));
    traffic.data.datasets[0].data = xy('rps');
    traffic.data.datasets[1].data = points.map(p => ({ x: p.t, y: num(p.errorRate) * 100 }));
    latency.data.datasets[0].data = xy('p50');
    latency.data.datasets[1].data = xy('p95');
    latency.data.datasets[2].data = xy('p99');
    for (const chart of [traffic, latency]) {
      chart.options.scales.x.min = min;
      chart.options.scales.x.max = Date.now();
      chart.update('none');
    }
    setText(note, points.length ? '' : 'No requests recorded in this range yet.');
  }

  return {
    root,
    setHistory(list, r) {
      shownRange = r;
      points = list.sort((a, b) => a.t - b.t);
      redraw();
    },
    /** A live snapshot: merged into the bucket of the range's step it falls in (a running mean). */
    add(t, s, r) {
      setText(now.rps, fmtRate(s.rps));
      setText(now.err, fmtPercent(s.errorRate));
      setText(now.p99, fmtMs(s.p99));
      now.err.classList.toggle('bad', (s.errorRate || 0) >= 0.05);
      if (!shownRange || shownRange !== r) return;
      const stepMs = r.step * 1000;
      const bucket = Math.floor(t / stepMs) * stepMs;
      const last = points[points.length - 1];
      if (last && last.t === bucket && last.live) {
        const n = last.live + 1;
        for (const key of ['rps', 'errorRate', 'p50', 'p95', 'p99']) last[key] = (num(last[key]) * last.live + num(s[key])) / n;
        last.live = n;
      } else if (!last || bucket > last.t) {
        points.push({ t: bucket, live: 1, rps: s.rps, errorRate: s.errorRate, p50: s.p50, p95: s.p95, p99: s.p99 });
      }
      redraw();
    },
    loading(on) {
      root.setAttribute('aria-busy', String(on));
    },
    error(text) {
      if (text) setText(note, text);
    },
    destroy() {
      traffic.destroy();
      latency.destroy();
    },
  };
}

function num(v) {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function dataset(label, color, axis, fill) {
  return {
    label, data: [], borderColor: color, backgroundColor: fill ? color + '22' : color, fill, yAxisID: axis,
    borderWidth: 1.8, pointRadius: 0, pointHitRadius: 6, tension: 0.25, spanGaps: false,
  };
}

function config(datasets, scales) {
  return {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 2, font: { size: 11 } } },
        tooltip: {
          callbacks: {
            title: items => (items.length ? new Date(items[0].parsed.x).toLocaleTimeString([], { hourCycle: 'h23' }) : ''),
            label: item => `${item.dataset.label}: ${Number(item.parsed.y).toFixed(2)}`,
          },
        },
      },
      scales: {
        x: {
          type: 'linear',
          ticks: {
            maxTicksLimit: 6, maxRotation: 0, includeBounds: false, autoSkipPadding: 14,
            callback: v => new Date(v).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
          },
          grid: { display: false },
        },
        ...scales,
      },
    },
  };
}
