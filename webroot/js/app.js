// The dashboard's one page: a hash router over view modules, the top bar (who, role, connection, sign-out), toasts
// and broadcasts. A view module exports mount(container, ctx) and may return an unmount(); ctx gives it
// {api, bus, session, toast, navigate, confirm, params, query, setQuery}. Feeds a view registers through ctx.bus
// are unregistered for it when it goes away.
import { el, clear, confirmDialog } from './dom.js';
import { api } from './api.js';
import { session } from './session.js';
import { bus } from './bus.js';
import { mountSignIn, mountRegister, mountStatus } from './auth.js';

const RETURN_TO = 'micronet.returnTo';

/** Routes: `path` may hold `:name` parts; `role` limits it (manager routes are never offered to a client). */
const ROUTES = [
  { path: 'status', title: 'Status', public: true, view: mountStatus },
  { path: 'signin', title: 'Sign in', public: true, view: mountSignIn },
  { path: 'register', title: 'Create an account', public: true, view: mountRegister },
  { path: 'ops', title: 'Overview', role: 'manager', module: './ops/overview.js', nav: 'Overview' },
  // second and third: on a phone the nav scrolls, and the firing count should be in sight
  { path: 'ops/alerts', title: 'Alerts', role: 'manager', module: './ops/alerts.js', nav: 'Alerts', test: 'alerts-nav' },
  { path: 'ops/rules', title: 'Alert rules', role: 'manager', module: './ops/rules.js', nav: 'Rules', test: 'rules-nav' },
  { path: 'ops/graph', title: 'Architecture', role: 'manager', module: './ops/graph.js', nav: 'Graph' },
  { path: 'ops/charts', title: 'Charts', role: 'manager', module: './ops/charts.js', nav: 'Charts' },
  { path: 'ops/activity', title: 'Activity', role: 'manager', module: './ops/activity.js', nav: 'Activity' },
  { path: 'ops/chat', title: 'ChatOps', role: 'manager', module: './chat.js', nav: 'ChatOps' },
  { path: 'ops/onetest', title: 'One-click test', role: 'manager', module: './ops/onetest.js', nav: 'Test' },
  { path: 'ops/users', title: 'Users', role: 'manager', module: './ops/users.js', nav: 'Users' },
  { path: 'shop', title: 'Catalog', module: './shop/catalog.js', nav: 'Shop', shop: 'Catalog' },
  { path: 'shop/product/:id', title: 'Product', module: './shop/product.js' },
  { path: 'shop/cart', title: 'Cart', module: './shop/cart.js', shop: 'Cart' },
  { path: 'shop/orders', title: 'My orders', module: './shop/orders.js', shop: 'My orders' },
  { path: 'shop/chat', title: 'ChatOps', role: 'client', module: './chat.js', shop: 'ChatOps' },
];

const topbar = document.getElementById('topbar');
const main = document.getElementById('main');
const toasts = document.getElementById('toasts');
const broadcasts = document.getElementById('broadcasts');

let current = null;        // {unmount, cleanups}
let renderCount = 0;
let everOpen = false;

// ---- routing ------------------------------------------------------------------------------------------------

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, search = ''] = raw.split('?');
  return { path: path.replace(/\/+$/, ''), query: new URLSearchParams(search) };
}

function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const route of ROUTES) {
    const want = route.path.split('/');
    if (want.length !== parts.length) continue;
    const params = {};
    if (want.every((w, i) => (w.startsWith(':') ? (params[w.slice(1)] = decodeURIComponent(parts[i]), true) : w === parts[i]))) {
      return { route, params };
    }
  }
  return null;
}

function home() {
  if (!session.signedIn) return '#/status';
  return session.isManager ? '#/ops' : '#/shop';
}

/** Goes to `hash` ('#/shop/cart' or 'shop/cart'). */
export function navigate(hash) {
  const target = hash.startsWith('#') ? hash : `#/${hash.replace(/^\//, '')}`;
  if (location.hash === target) render();
  else location.hash = target;
}

function allowed(route) {
  if (route.public) return true;
  if (!session.signedIn) return false;
  return !route.role || route.role === session.user.role;
}

async function render() {
  const { path, query } = parseHash();
  const found = path ? match(path) : null;
  if (!found) {
    location.replace(home());
    return;
  }
  const { route, params } = found;
  if (!route.public && !session.signedIn) {
    sessionStorage.setItem(RETURN_TO, location.hash);
    location.replace('#/signin');
    return;
  }
  if (!allowed(route) || (session.signedIn && (route.path === 'signin' || route.path === 'register'))) {
    location.replace(home());
    return;
  }
  const mine = ++renderCount;
  unmountCurrent();
  renderTopbar(route);
  document.title = `${route.title} · MicroNet`;
  clear(main);
  main.appendChild(el('p', { class: 'muted loading' }, 'Loading…'));
  let mountFn = route.view;
  if (!mountFn) {
    try {
      mountFn = (await import(route.module)).mount;
    } catch (error) {
      console.warn('view failed to load', route.module, error);
      if (mine !== renderCount) return;
      clear(main).appendChild(el('p', { class: 'error', role: 'alert' }, `This page failed to load (${route.module}). Reload to try again.`));
      return;
    }
  }
  if (mine !== renderCount) return;
  clear(main);
  const container = el('div', { class: `view view-${route.path.split('/')[0]}` });
  main.appendChild(container);
  const cleanups = [];
  current = { unmount: null, cleanups };
  try {
    const unmount = await mountFn(container, context(params, query, cleanups));
    if (mine === renderCount) current.unmount = typeof unmount === 'function' ? unmount : null;
    else if (typeof unmount === 'function') unmount();
  } catch (error) {
    console.warn('view failed', route.path, error);
    if (mine === renderCount) container.appendChild(el('p', { class: 'error', role: 'alert' }, error.message || String(error)));
  }
}

function unmountCurrent() {
  if (!current) return;
  const { unmount, cleanups } = current;
  current = null;
  try { if (unmount) unmount(); } catch (error) { console.warn('unmount failed', error); }
  for (const fn of cleanups) fn();
}

function context(params, query, cleanups) {
  const scopedBus = {
    on: (address, handler) => { const off = bus.on(address, handler); cleanups.push(off); return off; },
    onState: fn => { const off = bus.onState(fn); cleanups.push(off); return off; },
    command: text => bus.command(text),
    get state() { return bus.state; },
  };
  return {
    api, bus: scopedBus, session, toast, navigate, confirm: confirmDialog, params, query,
    /** Rewrites the hash's query (a view's filters) without re-rendering, so a reload or a re-sign-in keeps them. */
    setQuery(values) {
      const { path } = parseHash();
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '') search.set(key, value);
      const text = search.toString();
      history.replaceState(null, '', `#/${path}${text ? `?${text}` : ''}`);
    },
  };
}

// ---- top bar ------------------------------------------------------------------------------------------------

function renderTopbar(route) {
  clear(topbar);
  const user = session.signedIn ? session.user : null;
  const links = [];
  const here = route.path;
  const link = (r, label) => el('a', { href: `#/${r.path}`, class: 'nav-link', 'data-test': r.test, 'aria-current': here === r.path ? 'page' : null },
    label, r.path === 'ops/alerts' ? alertsBadge() : null);
  if (user) {
    for (const r of ROUTES) {
      if (r.nav && allowed(r) && !(r.path === 'shop' && user.role === 'client')) links.push(link(r, r.nav));
    }
    if (user.role === 'client' || here.startsWith('shop')) {
      for (const r of ROUTES) if (r.shop && allowed(r)) links.push(link(r, r.shop));
    }
  }
  topbar.append(
    el('a', { href: home(), class: 'brand' }, el('span', { class: 'logo', 'aria-hidden': 'true' }, '◆'), 'MicroNet'),
    el('nav', { class: 'nav', 'aria-label': 'Main' }, links),
    el('div', { class: 'who' },
      user ? connState() : null,
      user ? el('span', { class: 'user', 'data-test': 'user' }, el('span', { class: 'username' }, user.username),
        el('span', { class: `role role-${user.role}`, 'data-test': 'role' }, user.role)) : null,
      user
        ? el('button', { type: 'button', class: 'secondary small', 'data-test': 'signout', onclick: signOut }, 'Sign out')
        : (here === 'signin' ? null : el('a', { href: '#/signin', class: 'button small' }, 'Sign in'))));
}

function connState() {
  const node = el('span', { class: 'conn', 'data-test': 'conn-state', role: 'status', 'aria-live': 'polite', title: 'live updates over the event bus' });
  paintConn(node, bus.state);
  return node;
}

function paintConn(node, state) {
  if (state === 'open') everOpen = true;
  node.dataset.state = state;
  node.textContent = state === 'open' ? 'live' : state === 'reconnecting' ? (everOpen ? 'reconnecting…' : 'connecting…') : 'offline';
}

function watchConnection() {
  bus.onState(state => {
    if (state === 'open') everOpen = true;
    const node = topbar.querySelector('[data-test="conn-state"]');
    if (node) paintConn(node, state);
  });
}

function signOut() {
  unwatchAlerts();
  bus.stop();
  session.signOut();
  sessionStorage.removeItem(RETURN_TO);
  clear(broadcasts);
  toast('Signed out.', 'info');
  navigate('#/signin');
}

// ---- the firing alerts' count (managers) ----------------------------------------------------------------------

let alerts = null;        // ./ops/alertstore.js once a manager signed in

function alertsBadge() {
  const node = el('span', { class: 'nav-badge', 'data-test': 'alerts-badge', hidden: true });
  paintAlertsBadge(node);
  return node;
}

function paintAlertsBadge(node = topbar.querySelector('[data-test="alerts-badge"]')) {
  if (!node) return;
  const firing = alerts && session.isManager ? alerts.needingAttention(alerts.alertStore.alerts()).length : 0;
  node.textContent = String(firing);
  node.hidden = firing === 0;
  node.title = `${firing} firing alert${firing === 1 ? '' : 's'} not acknowledged or silenced`;
  node.setAttribute('aria-label', node.title);
}

async function watchAlerts() {
  if (!session.isManager) return;
  try {
    if (!alerts) {
      alerts = await import('./ops/alertstore.js');
      alerts.alertStore.subscribe(() => paintAlertsBadge());
    }
    if (session.isManager) alerts.alertStore.start();
  } catch (error) {
    console.warn('the alerts badge failed to load', error);
  }
}

function unwatchAlerts() {
  if (alerts) alerts.alertStore.stop();
}

// ---- toasts and broadcasts ----------------------------------------------------------------------------------

/** A short message at the corner: kind 'info' | 'ok' | 'error'. Text only. */
export function toast(text, kind = 'info') {
  const node = el('div', { class: `toast toast-${kind}`, 'data-test': 'toast', 'data-kind': kind, role: kind === 'error' ? 'alert' : 'status' },
    el('span', { class: 'toast-text' }, text),
    el('button', { type: 'button', class: 'icon', 'aria-label': 'Dismiss', onclick: () => node.remove() }, '×'));
  toasts.appendChild(node);
  while (toasts.children.length > 4) toasts.firstChild.remove();
  setTimeout(() => node.remove(), kind === 'error' ? 9000 : 5000);
  return node;
}

function showBroadcast(body) {
  if (!body || typeof body !== 'object') return;
  const time = body.time ? new Date(body.time) : new Date();
  const node = el('div', { class: 'broadcast', 'data-test': 'broadcast', role: 'status' },
    el('span', { class: 'broadcast-label' }, 'Broadcast'),
    el('span', { class: 'broadcast-text' }, String(body.text ?? '')),
    el('span', { class: 'broadcast-meta muted' }, `— ${body.from ?? 'someone'} · ${Number.isNaN(time.getTime()) ? '' : time.toLocaleTimeString([], { hourCycle: 'h23' })}`),
    el('button', { type: 'button', class: 'icon', 'aria-label': 'Dismiss broadcast', onclick: () => node.remove() }, '×'));
  broadcasts.prepend(node);
  while (broadcasts.children.length > 3) broadcasts.lastChild.remove();
}

// ---- start --------------------------------------------------------------------------------------------------

session.onChange(reason => {
  if (reason === 'signin') {
    bus.start();
    watchAlerts();
    const back = sessionStorage.getItem(RETURN_TO);
    sessionStorage.removeItem(RETURN_TO);
    const target = back && match(back.replace(/^#\/?/, '').split('?')[0]);
    navigate(target && allowed(target.route) && !target.route.public ? back : home());
  } else if (reason === 'expired') {
    unwatchAlerts();
    bus.stop();
    const { path } = parseHash();
    if (path !== 'signin' && path !== 'register') sessionStorage.setItem(RETURN_TO, location.hash);
    navigate('#/signin');
  }
});

bus.on('micronet.broadcast', showBroadcast);
watchConnection();
// the skip link jumps to the content without touching the hash (the hash is the route)
document.querySelector('.skip-link')?.addEventListener('click', event => { event.preventDefault(); main.focus(); });
window.addEventListener('hashchange', render);
if (session.signedIn) {
  bus.start();
  watchAlerts();
}
render();
