// The architecture graph (Cytoscape.js): services in layers along their dependencies (callers above what they
// call), the cluster's nodes below as boxes holding the instances they run, each instance tied to its service.
// Coloured by status; an edge into a DEGRADED or DOWN dependency is drawn red (where a failure propagates to its
// callers); services are labelled and sized by their requests/s. Topology from GET /api/graph (every 10 s and after a
// change), status from micronet.health, traffic from micronet.metrics. A list of the services under the graph
// (data-test graph-node) says the same for keyboards, screen readers and tests; clicking a service opens its card.
import {
  clear, setText, listen, status, fmtRate, fmtMs, fmtPercent, errorText, every, viewHeader, nodeNamer, debounce,
  loadGlobal, CYTOSCAPE_JS, go, fmtTime,
} from './util.js';
import { el } from '../dom.js';

const REFRESH_MS = 10000;
const COLORS = {
  UP: { fill: '#e7f4ea', border: '#2e7d32' },
  DEGRADED: { fill: '#fff4d6', border: '#b7791f' },
  DOWN: { fill: '#fde8e8', border: '#c62828' },
};
const LAYER_GAP = 120;
const SERVICE_GAP = 195;
const INSTANCE_GAP_X = 118;
const INSTANCE_GAP_Y = 46;

export function mount(container, ctx) {
  const { api, bus } = ctx;
  const state = { graph: null, health: null, metrics: null, healthTime: null };
  let cy = null;
  let alive = true;
  let shape = '';

  const showInstances = el('input', { type: 'checkbox', id: 'graph-show-instances', checked: true, 'data-test': 'graph-show-instances' });
  const fitBtn = el('button', { type: 'button', class: 'secondary', 'data-test': 'graph-fit' }, 'Fit');
  const canvas = el('div', { class: 'graph-canvas', 'data-test': 'graph', role: 'img', 'aria-label': 'Architecture graph; the list below describes it' });
  const detail = el('p', { class: 'graph-detail muted', 'aria-live': 'polite' }, 'Click a service to open its card; hover one for its details.');
  const list = el('ul', { class: 'graph-list', 'data-test': 'graph-list', 'aria-label': 'Services' });
  const loadError = el('p', { class: 'ops-error', role: 'alert', hidden: true });
  const asOf = el('span', { class: 'muted' });
  clear(container);
  container.append(el('section', { class: 'ops-view ops-graph' },
    viewHeader('Architecture', 'Callers above what they call; a red edge leads to a dependency that is failing. Nodes are the boxes below, holding their instances.',
      el('label', { class: 'check', for: 'graph-show-instances' }, showInstances, ' instances'), fitBtn),
    loadError,
    el('div', { class: 'card graph-card' }, canvas, legend(), detail),
    el('h2', { class: 'ops-subhead' }, 'Services ', asOf),
    list));

  showInstances.addEventListener('change', () => { shape = ''; draw(); });
  fitBtn.addEventListener('click', () => cy?.fit(undefined, 24));

  async function load() {
    try {
      const graph = await api('GET', '/api/graph');
      if (!alive) return;
      state.graph = graph;
      loadError.hidden = true;
      draw();
    } catch (error) {
      if (!alive) return;
      setText(loadError, 'Could not load the graph: ' + errorText(error));
      loadError.hidden = false;
    }
  }
  const loadSoon = debounce(load, 600);

  /** The graph as now known: /api/graph's topology with the latest health and traffic laid over it. */
  function model() {
    const g = state.graph || { nodes: [], services: [], instances: [], edges: [] };
    const services = (g.services || []).map(s => ({ ...s }));
    const instances = (g.instances || []).map(i => ({ ...i }));
    const health = state.health || {};
    for (const s of services) {
      const live = health[s.name];
      if (live) {
        s.status = live.status;
        s.reasons = live.reasons || [];
        for (const li of live.instances || []) {
          const i = instances.find(x => x.id === li.id);
          if (i) Object.assign(i, { status: li.status, reason: li.reason, breaker: li.breaker });
        }
      }
      const m = state.metrics?.[s.name];
      s.rps = m?.rps;
      s.errorRate = m?.errorRate;
      s.p99 = m?.p99;
    }
    const statusOf = new Map(services.map(s => [s.name, status(s.status)]));
    const edges = (g.edges || []).map(e => ({ ...e, status: statusOf.get(e.to) || status(e.status) }));
    return { nodes: g.nodes || [], services, instances, edges };
  }

  async function draw() {
    if (!state.graph) return;
    const m = model();
    renderList(m);
    let cytoscape;
    try {
      cytoscape = await loadGlobal('cytoscape', CYTOSCAPE_JS);
    } catch (error) {
      setText(loadError, 'The graph library did not load: ' + errorText(error));
      loadError.hidden = false;
      return;
    }
    if (!alive) return;
    const withInstances = showInstances.checked;
    const nextShape = JSON.stringify([withInstances, m.nodes.map(n => n.id), m.services.map(s => s.name),
      m.instances.map(i => i.id + '@' + i.node), m.edges.map(e => e.from + '>' + e.to)]);
    if (!cy) {
      claimCytoscapeStylesheet();
      cy = cytoscape({
        container: canvas,
        style: graphStyle(),
        layout: { name: 'preset' },
        minZoom: 0.2,
        maxZoom: 3,
        boxSelectionEnabled: false,
        autounselectify: true,
      });
      cy.on('tap', 'node.service', event => go(ctx, '#/ops?service=' + encodeURIComponent(event.target.data('name'))));
      cy.on('mouseover', 'node.service, node.instance', event => {
        canvas.style.cursor = event.target.hasClass('service') ? 'pointer' : 'default';
        setText(detail, event.target.data('detail'));
      });
      cy.on('mouseout', 'node', () => {
        canvas.style.cursor = 'default';
        cy.elements('.hl').removeClass('hl');
      });
      // hovering a service lights up its instances and the lines to them
      cy.on('mouseover', 'node.service', event => event.target.connectedEdges('.runs').addClass('hl').connectedNodes().addClass('hl'));
      cy.on('mouseover', 'node.instance', event => event.target.connectedEdges('.runs').addClass('hl').connectedNodes().addClass('hl'));
    }
    if (nextShape !== shape) {
      shape = nextShape;
      cy.elements().remove();
      cy.add(elements(m, withInstances));
      cy.fit(undefined, 24);
    } else {
      refresh(m);
    }
  }

  /** Updates statuses and traffic on the elements already drawn. */
  function refresh(m) {
    cy.batch(() => {
      for (const s of m.services) {
        const node = cy.getElementById('s:' + s.name);
        if (node.nonempty()) node.data(serviceData(s));
      }
      for (const i of m.instances) {
        const node = cy.getElementById('i:' + i.id);
        if (node.nonempty()) node.data(instanceData(i));
      }
      for (const e of m.edges) {
        const edge = cy.getElementById('d:' + e.from + '>' + e.to);
        if (edge.nonempty()) edge.data('status', status(e.status));
      }
    });
  }

  function elements(m, withInstances) {
    const out = [];
    const level = levels(m.services, m.edges);
    const layers = new Map();
    for (const s of m.services) {
      const l = level.get(s.name) || 0;
      if (!layers.has(l)) layers.set(l, []);
      layers.get(l).push(s);
    }
    let maxLevel = 0;
    let widest = 0;
    for (const [l, layer] of layers) {
      maxLevel = Math.max(maxLevel, l);
      widest = Math.max(widest, layer.length);
    }
    // order each layer to cross few edges: the first by whether a service has dependencies at all (the isolated
    // ones at the ends), each next one by the mean position of its callers (the barycentre heuristic)
    const xOf = new Map();
    const linked = new Set(m.edges.flatMap(e => [e.from, e.to]));
    for (const l of [...layers.keys()].sort((a, b) => a - b)) {
      const layer = layers.get(l);
      const key = s => {
        const from = m.edges.filter(e => e.to === s.name && xOf.has(e.from)).map(e => xOf.get(e.from));
        return from.length ? from.reduce((a, b) => a + b, 0) / from.length : null;
      };
      if (l === 0) {
        const isolated = layer.filter(s => !linked.has(s.name));
        const rest = layer.filter(s => linked.has(s.name));
        const half = Math.ceil(isolated.length / 2);
        layer.splice(0, layer.length, ...isolated.slice(0, half), ...rest, ...isolated.slice(half));
      } else {
        const keys = new Map(layer.map((s, k) => [s.name, key(s) ?? k]));
        layer.sort((a, b) => keys.get(a.name) - keys.get(b.name));
      }
      layer.forEach((s, k) => {
        const x = (k - (layer.length - 1) / 2) * SERVICE_GAP;
        xOf.set(s.name, x);
        out.push({
          group: 'nodes', classes: 'service', data: { id: 's:' + s.name, ...serviceData(s) },
          position: { x, y: l * LAYER_GAP },
        });
      });
    }
    for (const e of m.edges) {
      out.push({ group: 'edges', classes: 'dependency', data: { id: 'd:' + e.from + '>' + e.to, source: 's:' + e.from, target: 's:' + e.to, status: status(e.status) } });
    }
    if (!withInstances) return out;
    const nodeName = nodeNamer(m.nodes);
    const byNode = new Map();
    for (const n of m.nodes) byNode.set(n.id, []);
    for (const i of m.instances) {
      if (!byNode.has(i.node)) byNode.set(i.node, []);
      byNode.get(i.node).push(i);
    }
    const top = (maxLevel + 1) * LAYER_GAP + 40;
    // each node's box: a column per service it runs (in the order of the services across the graph, so the
    // lines to them run mostly downwards), that service's instances stacked in it; boxes side by side
    const order = name => (xOf.has(name) ? xOf.get(name) : Infinity);
    const boxes = [...byNode.entries()].map(([nodeId, list]) => {
      const columns = new Map();
      for (const i of [...list].sort((a, b) => order(a.service) - order(b.service) || a.service.localeCompare(b.service) || a.id.localeCompare(b.id))) {
        if (!columns.has(i.service)) columns.set(i.service, []);
        columns.get(i.service).push(i);
      }
      return { nodeId, list, columns: [...columns.values()] };
    });
    const widthOf = box => Math.max(1, box.columns.length) * INSTANCE_GAP_X + 60;
    let left = -boxes.reduce((sum, box) => sum + widthOf(box), 0) / 2;
    for (const box of boxes) {
      const clusterNode = m.nodes.find(n => n.id === box.nodeId) || { id: box.nodeId, status: 'UP' };
      out.push({
        group: 'nodes', classes: 'cluster-node',
        data: {
          id: 'n:' + box.nodeId, label: 'node ' + nodeName(box.nodeId), status: status(clusterNode.status),
          detail: `node ${nodeName(box.nodeId)}${clusterNode.host ? ' (' + clusterNode.host + ')' : ''}: ${box.list.length} instance(s)`,
        },
      });
      box.columns.forEach((column, c) => column.forEach((i, r) => {
        out.push({
          group: 'nodes', classes: 'instance', data: { id: 'i:' + i.id, parent: 'n:' + box.nodeId, service: i.service, ...instanceData(i) },
          position: { x: left + 30 + INSTANCE_GAP_X / 2 + c * INSTANCE_GAP_X, y: top + r * INSTANCE_GAP_Y },
        });
        if (m.services.some(s => s.name === i.service)) {
          out.push({ group: 'edges', classes: 'runs', data: { id: 'r:' + i.id, source: 'i:' + i.id, target: 's:' + i.service } });
        }
      }));
      left += widthOf(box) + 30;
    }
    return out;
  }

  /** The list under the graph: one item per service, kept (and updated in place) so keyboard focus stays put. */
  const chips = new Map();
  function renderList(m) {
    const names = m.services.map(s => s.name);
    for (const [name, chip] of chips) {
      if (!names.includes(name)) {
        chip.item.remove();
        chips.delete(name);
      }
    }
    let previous = null;
    for (const s of m.services) {
      let chip = chips.get(s.name);
      if (!chip) {
        chip = listItem(s.name);
        chips.set(s.name, chip);
      }
      const wanted = previous ? previous.nextSibling : list.firstChild;
      if (wanted !== chip.item) list.insertBefore(chip.item, wanted);
      chip.update(s);
      previous = chip.item;
    }
    setText(asOf, state.healthTime ? `· health as of ${fmtTime(state.healthTime)}` : '');
  }

  function listItem(name) {
    const dot = el('span', { class: 'dot', 'aria-hidden': 'true' });
    const word = el('span', { class: 'chip-status' });
    const fig = el('span', { class: 'chip-fig' });
    const why = el('span', { class: 'chip-why' });
    const button = el('button', {
      type: 'button', class: 'graph-chip', onclick: () => go(ctx, '#/ops?service=' + encodeURIComponent(name)),
    }, dot, el('span', { class: 'chip-name' }, name), word, fig);
    const item = el('li', { 'data-test': 'graph-node', 'data-service': name }, button, why);
    return {
      item,
      update(s) {
        const st = status(s.status);
        const reasons = (s.reasons || []).join('; ');
        item.dataset.status = st;
        button.className = 'graph-chip st-' + st.toLowerCase();
        dot.className = 'dot st-' + st.toLowerCase();
        setText(word, st);
        setText(fig, fmtRate(s.rps));
        setText(why, reasons);
        why.hidden = !reasons;
        button.title = reasons;
      },
    };
  }

  const offHealth = listen(bus, 'micronet.health', event => {
    if (event.type === 'snapshot' && event.services && typeof event.services === 'object') {
      state.health = event.services;
      state.healthTime = event.time;
      const live = Object.entries(event.services).flatMap(([, s]) => (s?.instances || []).map(i => i.id)).sort().join();
      const drawn = (state.graph?.instances || []).map(i => i.id).sort().join();
      if (live !== drawn) loadSoon();
      draw();
    } else if (event.type === 'change' && typeof event.service === 'string') {
      state.health = { ...(state.health || {}) };
      state.health[event.service] = { ...(state.health[event.service] || {}), status: event.status, reasons: event.reasons || [] };
      draw();
      loadSoon();
    }
  });
  const offMetrics = listen(bus, 'micronet.metrics', event => {
    if (event.type === 'snapshot' && event.services && typeof event.services === 'object') {
      state.metrics = event.services;
      draw();
    }
  });
  const offState = typeof bus.onState === 'function'
    ? bus.onState(state => canvas.classList.toggle('stale', state !== 'open')) : () => {};
  const onResize = debounce(() => { cy?.resize(); cy?.fit(undefined, 24); }, 200);
  window.addEventListener('resize', onResize);

  load();
  const stopTimer = every(REFRESH_MS, load);
  return () => {
    alive = false;
    stopTimer();
    loadSoon.cancel();
    offHealth();
    offMetrics();
    offState();
    window.removeEventListener('resize', onResize);
    cy?.destroy();
    cy = null;
  };
}

/**
 * Cytoscape adds an inline <style> (position: relative for its container) unless an element with its id is in the
 * page already; the gateway's CSP refuses inline styles, so a placeholder takes that id and ops.css gives the rule.
 */
function claimCytoscapeStylesheet() {
  const id = '__________cytoscape_stylesheet';
  if (!document.getElementById(id)) document.head.append(el('meta', { id, name: 'cytoscape-style', content: 'css/ops.css' }));
}

function serviceData(s) {
  const st = status(s.status);
  const traffic = typeof s.rps === 'number' ? s.rps : 0;
  const why = (s.reasons || []).join('; ');
  return {
    name: s.name,
    status: st,
    label: `${s.name}\n${st} · ${fmtRate(s.rps)}`,
    // wider with traffic: 0 → 140 px, 100/s and more → 180 px
    width: 140 + Math.round(40 * Math.min(1, Math.log10(1 + traffic) / 2)),
    detail: `${s.name}: ${st}${why ? ' — ' + why : ''} · ${fmtRate(s.rps)}, errors ${fmtPercent(s.errorRate)}, p99 ${fmtMs(s.p99)}`
      + (s.dependencies?.length ? ` · depends on ${s.dependencies.join(', ')}` : ''),
  };
}

function instanceData(i) {
  const st = status(i.status);
  return {
    status: st,
    label: i.id,
    detail: `${i.id} (${i.service}): ${st}${i.reason ? ' — ' + i.reason : ''}${i.breaker ? ' · breaker ' + i.breaker : ''}`,
  };
}

/** Each service's layer: 0 for one nobody depends on, else one below its deepest caller (cycles cut). */
function levels(services, edges) {
  const callers = new Map(services.map(s => [s.name, []]));
  for (const e of edges) callers.get(e.to)?.push(e.from);
  const level = new Map();
  const visiting = new Set();
  const depth = name => {
    if (level.has(name)) return level.get(name);
    if (visiting.has(name)) return 0;
    visiting.add(name);
    let d = 0;
    for (const caller of callers.get(name) || []) d = Math.max(d, depth(caller) + 1);
    visiting.delete(name);
    level.set(name, d);
    return d;
  };
  services.forEach(s => depth(s.name));
  return level;
}

function graphStyle() {
  const byStatus = (prop, key) => ele => COLORS[ele.data('status')]?.[key] || COLORS.DOWN[key];
  return [
    {
      selector: 'node.service',
      style: {
        shape: 'round-rectangle', width: 'data(width)', height: 50, label: 'data(label)', 'text-wrap': 'wrap',
        'text-valign': 'center', 'text-halign': 'center', 'font-size': 13, 'font-weight': 600, color: '#1b1f24',
        'background-color': byStatus('background-color', 'fill'), 'border-width': 2.5,
        'border-color': byStatus('border-color', 'border'),
      },
    },
    { selector: 'node.service[status = "DOWN"]', style: { 'border-width': 4 } },
    {
      selector: 'node.cluster-node',
      style: {
        shape: 'round-rectangle', 'background-color': '#f4f6f9', 'border-color': '#9aa5b5', 'border-width': 1.5,
        'border-style': 'dashed', label: 'data(label)', 'text-valign': 'top', 'text-halign': 'center',
        'font-size': 12, color: '#3b4452', padding: 14,
      },
    },
    { selector: 'node.cluster-node[status = "DOWN"]', style: { 'border-color': '#c62828', 'border-style': 'solid' } },
    {
      selector: 'node.instance',
      style: {
        shape: 'round-rectangle', width: 104, height: 26, label: 'data(label)', 'font-size': 9.5, color: '#1b1f24',
        'text-valign': 'center', 'text-halign': 'center', 'background-color': byStatus('background-color', 'fill'),
        'border-width': 1.5, 'border-color': byStatus('border-color', 'border'),
      },
    },
    {
      selector: 'edge.dependency',
      style: {
        width: 2, 'line-color': '#8792a2', 'target-arrow-color': '#8792a2', 'target-arrow-shape': 'triangle',
        'curve-style': 'bezier', 'arrow-scale': 1.1,
      },
    },
    {
      selector: 'edge.dependency[status != "UP"]',
      style: { width: 3.5, 'line-color': '#c62828', 'target-arrow-color': '#c62828' },
    },
    { selector: 'edge.dependency[status = "DEGRADED"]', style: { 'line-style': 'dashed' } },
    {
      selector: 'edge.runs',
      style: { width: 1, 'line-color': '#c5ccd6', 'curve-style': 'straight', 'line-style': 'dotted', 'target-arrow-shape': 'none', opacity: 0.7 },
    },
    { selector: 'edge.runs.hl', style: { width: 2, 'line-color': '#1f54c9', 'line-style': 'solid', opacity: 1 } },
    { selector: 'node.hl', style: { 'underlay-color': '#1f54c9', 'underlay-opacity': 0.18, 'underlay-padding': 5 } },
  ];
}

function legend() {
  const item = (cls, text) => el('li', {}, el('span', { class: 'swatch ' + cls, 'aria-hidden': 'true' }), text);
  return el('ul', { class: 'graph-legend', 'aria-label': 'Legend' },
    item('st-up', 'UP'), item('st-degraded', 'DEGRADED'), item('st-down', 'DOWN'),
    item('edge-ok', 'depends on'), item('edge-bad', 'depends on a failing service'));
}
