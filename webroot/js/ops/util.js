// Helpers the manager's views share (elements come from dom.js's el): feed subscriptions that unsubscribe with the
// view, number formats, status names, the confirmation dialog and error texts. Nothing here ever writes HTML from
// data: every string goes in as a text node or an attribute value.
import { el, clear, confirmDialog } from '../dom.js';

export { clear };

/** Sets an element's text (never HTML). */
export function setText(node, text) {
  node.textContent = text === null || text === undefined ? '' : String(text);
}

/**
 * Registers on a bus feed and returns the function that unregisters; the handler gets the message body whatever
 * shape the bus hands over (a body, or (error, message) as the Vert.x client does).
 */
export function listen(bus, address, handler) {
  const off = bus.on(address, (a, b) => {
    let body = a;
    if (b && typeof b === 'object' && 'body' in b) {
      body = b.body;
    } else if (a && typeof a === 'object' && 'body' in a && 'address' in a) {
      body = a.body;
    }
    if (body && typeof body === 'object') {
      try {
        handler(body);
      } catch (e) {
        console.warn('ops: feed handler failed', address, e);
      }
    }
  });
  return typeof off === 'function' ? off : () => bus.off?.(address, handler);
}

export const STATUSES = ['UP', 'DEGRADED', 'DOWN'];

/** A status name the views know (anything else counts as DOWN: unknown is not healthy). */
export function status(value) {
  return STATUSES.includes(value) ? value : 'DOWN';
}

export function statusClass(value) {
  return 'st-' + status(value).toLowerCase();
}

function finite(n) {
  return typeof n === 'number' && Number.isFinite(n);
}

export function fmtRate(rps) {
  if (!finite(rps)) return '–';
  if (rps === 0) return '0/s';
  return (rps >= 100 ? rps.toFixed(0) : rps >= 10 ? rps.toFixed(1) : rps.toFixed(2)) + '/s';
}

export function fmtPercent(share) {
  if (!finite(share)) return '–';
  const pct = share * 100;
  return (pct === 0 ? '0' : pct < 1 ? pct.toFixed(2) : pct.toFixed(1)) + '%';
}

export function fmtMs(ms) {
  if (!finite(ms)) return '–';
  if (ms >= 1000) return (ms / 1000).toFixed(ms >= 10000 ? 0 : 1) + ' s';
  return (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)) + ' ms';
}

export function fmtTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

export function fmtDateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString([], { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

/** The text of an error for a person: the contract's message, then each field the details name. */
export function errorText(error) {
  if (!error) return 'unknown error';
  const message = error.message || String(error);
  const details = error.details;
  if (details && typeof details === 'object' && !Array.isArray(details)) {
    const parts = Object.entries(details).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    if (parts.length) return `${message} (${parts.join('; ')})`;
  }
  return error.status ? `${message} [${error.status}${error.code ? ' ' + error.code : ''}]` : message;
}

/** The current hash route's query parameters (#/ops/overview?service=products). */
export function routeParams() {
  const hash = location.hash || '';
  const at = hash.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : hash.slice(at + 1));
}

/** Goes to a route through the shell's navigate when it has one. */
export function go(ctx, route) {
  if (typeof ctx.navigate === 'function') {
    ctx.navigate(route);
  } else {
    location.hash = route;
  }
}

/**
 * The shell's confirmation dialog (data-test confirm-dialog / confirm-yes / confirm-no) with a title, what would
 * happen as text, and the lines of detail under it; resolves true for yes.
 */
export function confirmAction({ title, text, lines = [], yes = 'Yes', danger = true }) {
  const detail = lines.length ? '\n' + lines.map(line => '• ' + line).join('\n') : '';
  return confirmDialog(text + detail, { title, yes, danger });
}

/** Loads a library the page did not load yet (same origin, so the CSP allows it) and resolves its global. */
const loading = new Map();
export function loadGlobal(name, src) {
  if (window[name]) return Promise.resolve(window[name]);
  if (!loading.has(src)) {
    loading.set(src, new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = () => (window[name] ? resolve(window[name]) : reject(new Error(name + ' did not load')));
      script.onerror = () => { loading.delete(src); reject(new Error('could not load ' + src)); };
      document.head.append(script);
    }));
  }
  return loading.get(src);
}

export const CHART_JS = '/webjars/chart.js/4.4.7/dist/chart.umd.js';
export const CYTOSCAPE_JS = '/webjars/cytoscape/3.33.1/dist/cytoscape.min.js';

/** Runs fn every ms while the view is mounted; returns the stop function. */
export function every(ms, fn) {
  const id = setInterval(fn, ms);
  return () => clearInterval(id);
}

/** A view's header: title, a line of help, and optional controls on the right. */
export function viewHeader(title, help, ...controls) {
  return el('header', { class: 'ops-head' },
    el('div', { class: 'ops-head-text' }, el('h1', {}, title), help ? el('p', { class: 'ops-help' }, help) : null),
    controls.length ? el('div', { class: 'ops-head-controls' }, controls) : null);
}

/** Debounces fn by ms. */
export function debounce(fn, ms) {
  let timer = null;
  const debounced = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}

/** Node names by id from /api/graph's nodes (an id with no name shows as a short id). */
export function nodeNamer(nodes) {
  const names = new Map();
  for (const node of nodes || []) {
    if (node && node.id) names.set(node.id, node.name || node.id);
  }
  return id => names.get(id) || (id ? (id.length > 18 ? id.slice(0, 18) + '…' : id) : '?');
}
