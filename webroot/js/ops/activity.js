// The activity log: the past from GET /api/activity (newest first, a page at a time), then each new event from
// micronet.activity on top as it happens. Filter by kind and service (kept in the address, so a reload keeps them);
// "Pause" holds new events back without losing them.
import { clear, setText, listen, errorText, viewHeader, fmtTime, fmtDateTime } from './util.js';
import { el } from '../dom.js';

const KINDS = ['lifecycle', 'health', 'breaker', 'failure', 'scale', 'chatops', 'alert', 'cluster'];
const PAGE_SIZE = 50;
const MAX_SHOWN = 500;

export function mount(container, ctx) {
  const { api, bus } = ctx;
  const query = ctx.query instanceof URLSearchParams ? ctx.query : new URLSearchParams();
  let kind = KINDS.includes(query.get('kind')) ? query.get('kind') : '';
  let service = query.get('service') || '';
  let page = 0;
  let total = 0;
  let paused = false;
  let alive = true;
  let generation = 0;
  const seen = new Set();
  const held = [];
  const services = new Set();

  const kindSelect = el('select', { 'data-test': 'activity-filter-kind', 'aria-label': 'Kind' },
    el('option', { value: '' }, 'all kinds'), KINDS.map(k => el('option', { value: k }, k)));
  kindSelect.value = kind;
  const serviceSelect = el('select', { 'data-test': 'activity-filter-service', 'aria-label': 'Service' },
    el('option', { value: '' }, 'all services'));
  const pauseBtn = el('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false', 'data-test': 'activity-pause' }, 'Pause');
  const info = el('p', { class: 'ops-summary', role: 'status' });
  const loadError = el('p', { class: 'ops-error', role: 'alert', hidden: true });
  const list = el('ol', { class: 'activity-list', 'data-test': 'activity-list', 'aria-label': 'Activity, newest first' });
  const more = el('button', { type: 'button', class: 'secondary', hidden: true, 'data-test': 'activity-more' }, 'Older events');
  clear(container);
  container.append(el('section', { class: 'ops-view ops-activity' },
    viewHeader('Activity', 'What happened on the platform, newest first, live.', kindSelect, serviceSelect, pauseBtn),
    info, loadError, list, el('div', { class: 'more-row' }, more)));

  kindSelect.addEventListener('change', () => { kind = kindSelect.value; filtersChanged(); });
  serviceSelect.addEventListener('change', () => { service = serviceSelect.value; filtersChanged(); });
  more.addEventListener('click', () => loadPage(page + 1));
  pauseBtn.addEventListener('click', () => {
    paused = !paused;
    pauseBtn.setAttribute('aria-pressed', String(paused));
    setText(pauseBtn, paused ? 'Resume' : 'Pause');
    if (!paused) {
      held.splice(0).reverse().forEach(e => show(e, true));
    }
    summary();
  });

  function filtersChanged() {
    ctx.setQuery?.({ kind, service });
    loadPage(0);
  }

  function addService(name) {
    if (!name || services.has(name)) return;
    services.add(name);
    const names = [...services].sort();
    const chosen = serviceSelect.value || service;
    while (serviceSelect.options.length > 1) serviceSelect.remove(1);
    names.forEach(n => serviceSelect.append(el('option', { value: n }, n)));
    serviceSelect.value = names.includes(chosen) ? chosen : '';
  }

  async function loadServices() {
    try {
      const graph = await api('GET', '/api/graph');
      (graph?.services || []).forEach(s => addService(s.name));
    } catch { /* the list fills from the events too */ }
    if (service) addService(service);
    serviceSelect.value = service;
  }

  async function loadPage(n) {
    const mine = ++generation;
    const params = new URLSearchParams({ page: String(n), size: String(PAGE_SIZE) });
    if (kind) params.set('kind', kind);
    if (service) params.set('service', service);
    list.setAttribute('aria-busy', 'true');
    try {
      const answer = await api('GET', '/api/activity?' + params);
      if (!alive || mine !== generation) return;
      if (n === 0) {
        clear(list);
        seen.clear();
        held.length = 0;
      }
      page = n;
      total = answer?.total || 0;
      for (const event of answer?.items || []) show(event, false);
      loadError.hidden = true;
      more.hidden = (page + 1) * PAGE_SIZE >= total || list.children.length >= MAX_SHOWN;
      summary();
    } catch (error) {
      if (!alive || mine !== generation) return;
      setText(loadError, 'Could not load the activity: ' + errorText(error));
      loadError.hidden = false;
    } finally {
      if (mine === generation) list.removeAttribute('aria-busy');
    }
  }

  function summary() {
    const filters = [kind && `kind ${kind}`, service && `service ${service}`].filter(Boolean).join(', ');
    setText(info, `${list.children.length} of ${total} event${total === 1 ? '' : 's'}${filters ? ' (' + filters + ')' : ''}`
      + (paused ? ` · paused, ${held.length} new held back` : ' · live'));
    if (!list.children.length) {
      list.append(el('li', { class: 'muted activity-empty' }, 'No events yet.'));
    }
  }

  function matches(event) {
    return (!kind || event.kind === kind) && (!service || event.service === service);
  }

  /** Shows one event: on top when live, at the bottom when read from the history. */
  function show(event, live) {
    if (!event || typeof event !== 'object' || !event.id || seen.has(event.id)) return;
    seen.add(event.id);
    list.querySelector('.activity-empty')?.remove();
    const item = activityItem(event);
    if (live) {
      list.prepend(item);
      item.classList.add('fresh');
      total++;
      while (list.children.length > MAX_SHOWN) list.lastChild.remove();
    } else {
      list.append(item);
    }
  }

  const offActivity = listen(bus, 'micronet.activity', event => {
    if (event.type && event.type !== 'activity') return;
    addService(event.service);
    if (!matches(event)) return;
    if (paused) {
      held.unshift(event);
      if (held.length > MAX_SHOWN) held.pop();
    } else {
      show(event, true);
    }
    summary();
  });

  loadServices();
  loadPage(0);
  return () => {
    alive = false;
    offActivity();
  };
}

function activityItem(e) {
  const kind = typeof e.kind === 'string' ? e.kind : 'other';
  return el('li', { class: 'activity-item kind-' + kind.replace(/[^a-z]/g, ''), 'data-test': 'activity-item', 'data-kind': kind, 'data-service': e.service || '' },
    el('time', { datetime: e.time || '', title: fmtDateTime(e.time) }, fmtTime(e.time)),
    el('span', { class: 'kind-badge' }, kind),
    el('span', { class: 'activity-text' }, String(e.text ?? '')),
    el('span', { class: 'activity-meta muted' },
      [e.service && `service ${e.service}`, e.instance && `instance ${e.instance}`, e.actor && `by ${e.actor}`].filter(Boolean).join(' · ')));
}
