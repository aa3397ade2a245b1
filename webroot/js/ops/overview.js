// The manager's service cards: status (UP / DEGRADED / DOWN and why), instances per node with their breaker
// state, live rate / error rate / p99, and the lifecycle and failure buttons. Topology from GET /api/graph and
// GET /api/services (every 10 s and soon after a health change), status live from micronet.health, figures live
// from micronet.metrics. Stop, scale and inject ask first, showing the REST dry run's answer (?dryRun=true).
import {
  clear, setText, listen, status, statusClass, fmtRate, fmtPercent, fmtMs, fmtTime, errorText, routeParams,
  confirmAction, every, viewHeader, nodeNamer, debounce,
} from './util.js';
import { el } from '../dom.js';

const REFRESH_MS = 10000;
const FAILURE_MODES = ['error', 'latency', 'crash'];

export function mount(container, ctx) {
  const { api, bus } = ctx;
  const state = { graph: null, listed: [], health: null, healthTime: null, metrics: null, loaded: false };
  const cards = new Map();
  let focusService = (ctx.query instanceof URLSearchParams ? ctx.query : routeParams()).get('service');
  let alive = true;

  const summary = el('p', { class: 'ops-summary', 'aria-live': 'polite' }, 'Loading services…');
  const filter = el('input', {
    type: 'search', class: 'input', placeholder: 'Filter services', 'aria-label': 'Filter services',
    'data-test': 'overview-filter', oninput: () => applyFilter(),
  });
  const loadError = el('p', { class: 'ops-error', role: 'alert', hidden: true });
  const grid = el('div', { class: 'svc-grid' });
  clear(container);
  container.append(el('section', { class: 'ops-view ops-overview' },
    viewHeader('Services', 'Live status of every service and its instances. Stop, scale and failures ask before they act.', filter),
    summary, loadError, grid));

  async function load() {
    try {
      const [graph, listed] = await Promise.all([api('GET', '/api/graph'), api('GET', '/api/services?size=100')]);
      if (!alive) return;
      state.graph = graph;
      state.listed = Array.isArray(listed?.items) ? listed.items : [];
      state.loaded = true;
      loadError.hidden = true;
      render();
    } catch (error) {
      if (!alive) return;
      setText(loadError, 'Could not load the services: ' + errorText(error));
      loadError.hidden = false;
      if (!state.loaded) setText(summary, '');
    }
  }
  const loadSoon = debounce(load, 600);

  /** Every service the views know, with its status, reasons and instances, by name. */
  function services() {
    const byName = new Map();
    const graph = state.graph || { services: [], instances: [] };
    for (const s of graph.services || []) {
      byName.set(s.name, { name: s.name, scope: s.scope, status: s.status, reasons: s.reasons || [], dependencies: s.dependencies || [], instances: [] });
    }
    for (const i of graph.instances || []) {
      byName.get(i.service)?.instances.push({ id: i.id, node: i.node, status: i.status, reason: i.reason, breaker: i.breaker });
    }
    // node-scope services (monitor, metrics, activity) appear only in /api/services
    const listedBy = new Map();
    for (const item of state.listed) {
      listedBy.set(item.id, item);
      if (!byName.has(item.service)) {
        byName.set(item.service, { name: item.service, scope: item.scope, status: null, reasons: [], dependencies: [], instances: [], listedOnly: true });
      }
      const svc = byName.get(item.service);
      if (svc.listedOnly) {
        svc.instances.push({ id: item.id, node: item.node, status: item.health, reason: item.healthReason, breaker: null });
      }
    }
    // the monitor's latest snapshot wins for the services it names
    const snapshot = state.health || {};
    for (const [name, s] of Object.entries(snapshot)) {
      if (!s || typeof s !== 'object') continue;
      const svc = byName.get(name) || { name, dependencies: [], instances: [] };
      svc.status = s.status;
      svc.reasons = Array.isArray(s.reasons) ? s.reasons : [];
      if (Array.isArray(s.dependencies)) svc.dependencies = s.dependencies;
      if (Array.isArray(s.instances)) svc.instances = s.instances.map(i => ({ ...i }));
      svc.listedOnly = false;
      byName.set(name, svc);
    }
    for (const svc of byName.values()) {
      for (const i of svc.instances) {
        const listed = listedBy.get(i.id);
        i.gatewayBreaker = listed?.breaker || null;
        if (!i.node && listed) i.node = listed.node;
      }
      if (!svc.status) svc.status = derivedStatus(svc.instances);
    }
    return byName;
  }

  function render() {
    const all = services();
    const names = orderedNames(all);
    const nodeName = nodeNamer(state.graph?.nodes);
    for (const [name, card] of cards) {
      if (!all.has(name)) {
        card.root.remove();
        cards.delete(name);
      }
    }
    let previous = null;
    for (const name of names) {
      let card = cards.get(name);
      if (!card) {
        card = serviceCard(name, ctx, { onChanged: loadSoon });
        cards.set(name, card);
      }
      // keep the cards in order without re-creating them (inputs keep their values and focus)
      const wanted = previous ? previous.nextSibling : grid.firstChild;
      if (wanted !== card.root) grid.insertBefore(card.root, wanted);
      card.update(all.get(name), state.metrics?.[name], nodeName);
      previous = card.root;
    }
    const counts = { UP: 0, DEGRADED: 0, DOWN: 0 };
    names.forEach(n => counts[status(all.get(n).status)]++);
    const nodes = state.graph?.nodes?.length || 0;
    setText(summary, `${names.length} services: ${counts.UP} up, ${counts.DEGRADED} degraded, ${counts.DOWN} down · `
      + `${nodes} node${nodes === 1 ? '' : 's'}` + (state.healthTime ? ` · health as of ${fmtTime(state.healthTime)}` : ''));
    applyFilter();
    if (focusService && cards.has(focusService)) {
      const card = cards.get(focusService);
      focusService = null;
      card.root.classList.add('svc-focus');
      card.root.scrollIntoView({ block: 'center' });
      card.root.focus({ preventScroll: true });
      setTimeout(() => card.root.classList.remove('svc-focus'), 2500);
    }
  }

  function orderedNames(all) {
    const fromGraph = (state.graph?.services || []).map(s => s.name).filter(n => all.has(n));
    const rest = [...all.keys()].filter(n => !fromGraph.includes(n)).sort();
    return [...fromGraph, ...rest];
  }

  function applyFilter() {
    const q = filter.value.trim().toLowerCase();
    for (const [name, card] of cards) {
      card.root.hidden = q !== '' && !name.toLowerCase().includes(q);
    }
  }

  const offHealth = listen(bus, 'micronet.health', event => {
    if (event.type === 'snapshot' && event.services && typeof event.services === 'object') {
      const known = new Set(Object.keys(state.health || {}));
      state.health = event.services;
      state.healthTime = event.time;
      const topologyMoved = instanceIds(event.services) !== instanceIds(healthFromGraph());
      if (state.loaded) render();
      if (topologyMoved || Object.keys(event.services).some(n => !known.has(n) && !cards.has(n))) loadSoon();
    } else if (event.type === 'change' && typeof event.service === 'string') {
      state.health = { ...(state.health || {}) };
      const s = state.health[event.service] || {};
      state.health[event.service] = { ...s, status: event.status, reasons: event.reasons || [] };
      if (state.loaded) render();
      loadSoon();
    }
  });
  const offMetrics = listen(bus, 'micronet.metrics', event => {
    if (event.type === 'snapshot' && event.services && typeof event.services === 'object') {
      state.metrics = event.services;
      if (state.loaded) render();
    }
  });

  function healthFromGraph() {
    const out = {};
    for (const i of state.graph?.instances || []) {
      (out[i.service] ||= { instances: [] }).instances.push(i);
    }
    return out;
  }

  // while the bridge is down the cards show what was last known: dimmed, so nobody takes them for live
  const offState = typeof bus.onState === 'function'
    ? bus.onState(state => grid.classList.toggle('stale', state !== 'open')) : () => {};
  if (bus.state && bus.state !== 'open') grid.classList.add('stale');

  // figures before the first metrics snapshot arrives (it comes every 2 s, but the page should not wait)
  api('GET', '/api/metrics').then(m => {
    if (alive && !state.metrics && m?.services) {
      state.metrics = m.services;
      if (state.loaded) render();
    }
  }).catch(() => {});
  load();
  const stopTimer = every(REFRESH_MS, load);

  return () => {
    alive = false;
    stopTimer();
    loadSoon.cancel();
    offHealth();
    offMetrics();
    offState();
  };
}

/** The instance ids of a health view, as one comparable string. */
function instanceIds(services) {
  const ids = [];
  for (const s of Object.values(services || {})) {
    for (const i of s?.instances || []) ids.push(i.id);
  }
  return ids.sort().join(',');
}

function derivedStatus(instances) {
  if (!instances.length) return 'DOWN';
  const up = instances.filter(i => i.status === 'UP').length;
  return up === instances.length ? 'UP' : up === 0 && instances.every(i => i.status === 'DOWN') ? 'DOWN' : 'DEGRADED';
}

/** One service's card: built once, then updated in place. */
function serviceCard(name, ctx, { onChanged }) {
  const { api, toast } = ctx;
  const id = 'svc-' + name.replace(/[^A-Za-z0-9_-]/g, '_');
  const badge = el('span', { class: 'badge' });
  const reasons = el('ul', { class: 'svc-reasons' });
  const fig = {
    rps: el('dd', {}, '–'), err: el('dd', {}, '–'), p99: el('dd', {}, '–'), count: el('dd', {}, '–'),
  };
  const instancesBox = el('div', { class: 'svc-instances' });
  const result = el('p', { class: 'svc-result', role: 'status', hidden: true });
  const failure = el('p', { class: 'svc-error', role: 'alert', hidden: true });

  const startBtn = el('button', { type: 'button', class: 'secondary small', 'data-test': 'card-start', title: `Start one more instance of ${name}` }, 'Start');
  const stopBtn = el('button', { type: 'button', class: 'secondary small', 'data-test': 'card-stop', title: `Stop one instance of ${name}` }, 'Stop');
  const scaleInput = el('input', {
    type: 'number', class: 'input input-num', min: 0, max: 64, step: 1, value: 1, 'data-test': 'card-scale-count',
    'aria-label': `Instances of ${name}`, oninput: () => { scaleTouched = true; },
  });
  const scaleBtn = el('button', { type: 'button', class: 'secondary small', 'data-test': 'card-scale' }, 'Scale');
  const modeSelect = el('select', { class: 'input', 'data-test': 'card-fail-mode', 'aria-label': `Failure mode for ${name}` },
    FAILURE_MODES.map(m => el('option', { value: m }, m)));
  const durationInput = el('input', {
    type: 'number', class: 'input input-num', min: 1, max: 3600, step: 1, value: 30, 'data-test': 'card-fail-duration',
    'aria-label': `Failure duration in seconds for ${name}`,
  });
  const instanceSelect = el('select', { class: 'input', 'data-test': 'card-fail-instance', 'aria-label': `Instance to fail in ${name}` },
    el('option', { value: '' }, 'all instances'));
  const failBtn = el('button', { type: 'button', class: 'warn small', 'data-test': 'card-fail' }, 'Inject failure');
  const recoverBtn = el('button', { type: 'button', class: 'secondary small', 'data-test': 'card-recover', title: `End every failure injected into ${name}` }, 'Recover');
  const buttons = [startBtn, stopBtn, scaleBtn, failBtn, recoverBtn];
  let scaleTouched = false;
  let busy = false;

  // shown by scope (see update): start/stop/scale for cluster-scope services, failures for any defined service
  const lifecycleGroup = el('div', { class: 'svc-actions', role: 'group', 'aria-label': `Lifecycle of ${name}`, hidden: true },
    startBtn, stopBtn,
    el('span', { class: 'svc-scale' }, scaleInput, scaleBtn));
  const failGroup = el('div', { class: 'svc-actions svc-fail', role: 'group', 'aria-label': `Failures of ${name}`, hidden: true },
    modeSelect,
    el('span', { class: 'svc-duration' }, durationInput, el('span', { class: 'unit', 'aria-hidden': 'true' }, 's')),
    instanceSelect,
    el('span', { class: 'svc-fail-buttons' }, failBtn, recoverBtn));

  const root = el('article', {
    class: 'card svc-card', 'data-test': 'service-card', 'data-service': name, 'data-status': 'UP', tabindex: '-1',
    'aria-labelledby': id + '-title',
  },
  el('header', { class: 'svc-head' }, el('h2', { id: id + '-title', class: 'svc-name' }, name), badge),
  reasons,
  el('dl', { class: 'svc-figures' },
    el('div', {}, el('dt', {}, 'Requests'), fig.rps),
    el('div', {}, el('dt', {}, 'Errors'), fig.err),
    el('div', {}, el('dt', {}, 'p99'), fig.p99),
    el('div', {}, el('dt', {}, 'Instances'), fig.count)),
  instancesBox,
  lifecycleGroup, failGroup, result, failure);

  function say(text) {
    setText(result, text);
    result.hidden = !text;
  }
  function fail(text) {
    setText(failure, text);
    failure.hidden = !text;
  }

  /** Runs one action: the dry run and a confirmation first when asked, then the call itself. */
  async function act({ label, method, path, body, confirm }) {
    if (busy) return;
    busy = true;
    const origin = document.activeElement;
    buttons.forEach(b => { b.disabled = true; });
    root.setAttribute('aria-busy', 'true');
    fail('');
    say('');
    try {
      if (confirm) {
        const preview = await api(method, path + '?dryRun=true', body);
        const lines = [];
        if (!preview?.text) for (const a of preview?.actions || []) if (a?.text) lines.push(String(a.text));
        if (!preview?.text && Array.isArray(preview?.instances)) {
          preview.instances.forEach(i => lines.push(`${i}${preview.nodes?.[i] ? ' on node ' + preview.nodes[i] : ''}`));
        }
        const yes = await confirmAction({
          title: `${label} ${name}?`,
          text: preview?.text ? String(preview.text) : `${label} ${name}`,
          lines,
          yes: label,
        });
        if (!yes) {
          say('Nothing done.');
          return;
        }
      }
      const answer = await api(method, path, body);
      const text = answer?.text ? String(answer.text) : `${label}: done`;
      say(text);
      toast?.(text, 'ok');
      onChanged();
    } catch (error) {
      const text = `${label} failed: ${errorText(error)}`;
      fail(text);
    } finally {
      busy = false;
      buttons.forEach(b => { b.disabled = false; });
      root.removeAttribute('aria-busy');
      // a disabled button loses focus: give it back so a keyboard user stays where they were
      if ((document.activeElement === document.body || !document.activeElement) && origin?.isConnected) origin.focus();
    }
  }

  const base = '/api/services/' + encodeURIComponent(name);
  startBtn.addEventListener('click', () => act({ label: 'Start', method: 'POST', path: base + '/start', body: {} }));
  stopBtn.addEventListener('click', () => act({ label: 'Stop', method: 'POST', path: base + '/stop', body: {}, confirm: true }));
  scaleBtn.addEventListener('click', () => {
    const n = Number(scaleInput.value);
    if (!Number.isInteger(n) || n < 0 || n > 64) {
      fail('Scale: the number of instances must be a whole number from 0 to 64.');
      scaleInput.focus();
      return;
    }
    act({ label: 'Scale', method: 'POST', path: base + '/scale', body: { instances: n }, confirm: true })
      .then(() => { scaleTouched = false; });
  });
  failBtn.addEventListener('click', () => {
    const seconds = Number(durationInput.value);
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) {
      fail('Inject failure: the duration must be a whole number of seconds from 1 to 3600.');
      durationInput.focus();
      return;
    }
    const body = { mode: modeSelect.value, durationSeconds: seconds };
    if (instanceSelect.value) body.instanceId = instanceSelect.value;
    act({ label: 'Inject failure', method: 'POST', path: base + '/failures', body, confirm: true });
  });
  recoverBtn.addEventListener('click', () => act({ label: 'Recover', method: 'DELETE', path: base + '/failures' }));
  scaleInput.addEventListener('keydown', e => { if (e.key === 'Enter') scaleBtn.click(); });

  function update(svc, figures, nodeName) {
    // a node-scope service runs on every node that lists it (no start/stop/scale); the node agents are no service to fail
    lifecycleGroup.hidden = svc.scope !== 'cluster';
    failGroup.hidden = svc.scope !== 'cluster' && svc.scope !== 'node';
    const st = status(svc.status);
    root.dataset.status = st;
    root.classList.remove('st-up', 'st-degraded', 'st-down');
    root.classList.add(statusClass(st));
    badge.className = 'badge ' + statusClass(st);
    setText(badge, st);
    clear(reasons);
    for (const reason of svc.reasons || []) reasons.append(el('li', {}, String(reason)));
    if (!svc.reasons?.length && st === 'UP') reasons.append(el('li', { class: 'muted' }, 'all instances answer'));
    if (svc.dependencies?.length) reasons.append(el('li', { class: 'muted' }, 'depends on ' + svc.dependencies.join(', ')));

    setText(fig.rps, fmtRate(figures?.rps));
    setText(fig.err, fmtPercent(figures?.errorRate));
    setText(fig.p99, figures?.p99 > 0 ? fmtMs(figures.p99) : '–');
    const healthy = svc.instances.filter(i => i.status === 'UP').length;
    setText(fig.count, svc.instances.length ? `${healthy}/${svc.instances.length}` : '0');
    fig.err.classList.toggle('bad', (figures?.errorRate || 0) >= 0.05);

    clear(instancesBox);
    const byNode = new Map();
    for (const i of svc.instances) {
      const key = i.node || '';
      if (!byNode.has(key)) byNode.set(key, []);
      byNode.get(key).push(i);
    }
    if (!svc.instances.length && !(svc.reasons || []).length) instancesBox.append(el('p', { class: 'muted' }, 'no instance running'));
    for (const [node, list] of [...byNode.entries()].sort((a, b) => nodeName(a[0]).localeCompare(nodeName(b[0])))) {
      instancesBox.append(el('div', { class: 'svc-node' },
        el('h3', {}, 'node ', el('span', { class: 'mono' }, nodeName(node))),
        el('ul', {}, list.map(i => instanceRow(i, figures?.instances?.[i.id])))));
    }

    if (!scaleTouched && document.activeElement !== scaleInput) scaleInput.value = String(svc.instances.length);
    const chosen = instanceSelect.value;
    const ids = svc.instances.map(i => i.id).sort();
    const present = [...instanceSelect.options].slice(1).map(o => o.value);
    if (ids.join() !== present.join()) {
      while (instanceSelect.options.length > 1) instanceSelect.remove(1);
      ids.forEach(i => instanceSelect.append(el('option', { value: i }, i)));
      instanceSelect.value = ids.includes(chosen) ? chosen : '';
    }
  }

  return { root, update };
}

function instanceRow(instance, figures) {
  const st = status(instance.status);
  const breaker = instance.breaker || instance.gatewayBreaker || 'CLOSED';
  return el('li', { class: 'svc-inst', 'data-test': 'instance-row', 'data-instance': instance.id, 'data-status': st },
    el('span', { class: 'dot ' + statusClass(st), title: st, 'aria-hidden': 'true' }),
    el('span', { class: 'mono inst-id' }, instance.id),
    el('span', { class: 'inst-status ' + statusClass(st) }, st),
    el('span', { class: 'breaker breaker-' + breaker.toLowerCase(), title: 'circuit breaker' }, 'breaker ' + breaker),
    el('span', { class: 'inst-fig' }, `${fmtRate(figures?.rps)} · p99 ${figures?.p99 > 0 ? fmtMs(figures.p99) : '–'}`),
    instance.reason ? el('span', { class: 'inst-reason' }, String(instance.reason)) : null);
}
