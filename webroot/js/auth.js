// The public pages: sign-in, a client's registration, and the status of the services (the landing page).
import { el, clear, table } from './dom.js';

function field(label, attrs) {
  const id = `f-${attrs.name}`;
  return el('div', { class: 'field' },
    el('label', { for: id }, label),
    el('input', { id, ...attrs }));
}

function showError(node, text) {
  node.textContent = text;
  node.hidden = !text;
}

/** #/signin: username and password; a clear message for wrong credentials, an unreachable gateway or an expiry. */
export function mountSignIn(container, ctx) {
  const notice = ctx.session.takeNotice();
  const error = el('p', { class: 'form-error', 'data-test': 'signin-error', role: 'alert', hidden: true });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-test': 'signin-submit' }, 'Sign in');
  const form = el('form', { class: 'card auth', novalidate: true, 'aria-labelledby': 'signin-title' },
    el('h1', { id: 'signin-title' }, 'Sign in to MicroNet'),
    notice ? el('p', { class: 'notice', 'data-test': 'signin-notice', role: 'alert' }, notice) : null,
    field('Username', { name: 'username', autocomplete: 'username', required: true, 'data-test': 'signin-username', autocapitalize: 'none', spellcheck: 'false' }),
    field('Password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-test': 'signin-password' }),
    error,
    el('div', { class: 'actions' }, submit),
    el('p', { class: 'muted' }, 'New here? ', el('a', { href: '#/register', 'data-test': 'register-link' }, 'Create a shop account'),
      ' · ', el('a', { href: '#/status' }, 'Service status')));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const username = form.elements.username.value.trim();
    const password = form.elements.password.value;
    if (!username || !password) {
      showError(error, 'Enter your username and your password.');
      (username ? form.elements.password : form.elements.username).focus();
      return;
    }
    showError(error, '');
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      await ctx.session.signIn(username, password);
    } catch (e) {
      showError(error, e.message);
      form.elements.password.select();
      form.elements.password.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  });
  container.appendChild(el('div', { class: 'auth-page' }, form));
  const lastUser = ctx.session.takeLastUser();
  if (lastUser) {
    form.elements.username.value = lastUser;
    form.elements.password.focus();
  } else {
    form.elements.username.focus();
  }
}

/** #/register: a client account (POST /api/auth/register), then signed in straight away. */
export function mountRegister(container, ctx) {
  const error = el('p', { class: 'form-error', 'data-test': 'register-error', role: 'alert', hidden: true });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-test': 'register-submit' }, 'Create account');
  const form = el('form', { class: 'card auth', novalidate: true, 'aria-labelledby': 'register-title' },
    el('h1', { id: 'register-title' }, 'Create a shop account'),
    field('Username', { name: 'username', autocomplete: 'username', required: true, 'data-test': 'register-username', autocapitalize: 'none', spellcheck: 'false' }),
    field('Email', { name: 'email', type: 'email', autocomplete: 'email', required: true, 'data-test': 'register-email' }),
    field('Name (optional)', { name: 'name', autocomplete: 'name', 'data-test': 'register-name' }),
    field('Password (8 characters or more)', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: '8', 'data-test': 'register-password' }),
    error,
    el('div', { class: 'actions' }, submit),
    el('p', { class: 'muted' }, 'Already have an account? ', el('a', { href: '#/signin' }, 'Sign in')));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const values = Object.fromEntries(['username', 'email', 'name', 'password'].map(k => [k, form.elements[k].value.trim()]));
    values.password = form.elements.password.value;
    const missing = ['username', 'email', 'password'].filter(k => !values[k]);
    if (missing.length) {
      showError(error, `Please fill in: ${missing.join(', ')}.`);
      form.elements[missing[0]].focus();
      return;
    }
    if (!values.name) delete values.name;
    showError(error, '');
    submit.disabled = true;
    try {
      await ctx.api('POST', '/api/auth/register', values);
      ctx.toast(`Welcome, ${values.username}! Your account is ready.`, 'ok');
      await ctx.session.signIn(values.username, values.password);
    } catch (e) {
      showError(error, describe(e));
    } finally {
      submit.disabled = false;
    }
  });
  container.appendChild(el('div', { class: 'auth-page' }, form));
  form.elements.username.focus();
}

/** A registration error in words: the fields the server named, or its message. */
function describe(error) {
  const details = error.details;
  if (details && typeof details === 'object' && !Array.isArray(details)) {
    const fields = Object.entries(details).map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    if (fields.length) return `Please check: ${fields.join('; ')}.`;
  }
  if (Array.isArray(details) && details.length) {
    return `${error.message} — ${details.map(d => (typeof d === 'string' ? d : d.message || d.field || JSON.stringify(d))).join('; ')}`;
  }
  return error.message;
}

/** #/status: every service's status from /status (anyone), refreshed every 3 s; the landing page. */
export function mountStatus(container, ctx) {
  const body = el('div', { class: 'status-body' }, el('p', { class: 'muted' }, 'Loading…'));
  const overall = el('span', { class: 'badge' }, '…');
  container.appendChild(el('section', { class: 'landing' },
    el('div', { class: 'hero' },
      el('h1', null, 'MicroNet ', overall),
      el('p', { class: 'muted' }, 'Services behind this gateway, refreshed every few seconds from ', el('a', { href: '/status' }, '/status'), '.'),
      ctx.session.signedIn ? null : el('p', { class: 'actions' },
        el('a', { href: '#/signin', class: 'button primary', 'data-test': 'landing-signin' }, 'Sign in'),
        el('a', { href: '#/register', class: 'button secondary' }, 'Create a shop account'))),
    el('div', { class: 'card' }, body),
    el('p', { class: 'muted links' }, 'API: ', el('a', { href: '/docs' }, '/docs'), ' · health: ', el('a', { href: '/health' }, '/health'),
      ' · metrics: ', el('a', { href: '/metrics' }, '/metrics'))));
  let stopped = false;
  let timer = null;
  async function refresh() {
    try {
      const response = await fetch('/status', { headers: { Accept: 'application/json' } });
      const status = await response.json();
      if (stopped) return;
      overall.textContent = status.status || '';
      overall.className = `badge status-${status.status || 'UNKNOWN'}`;
      const rows = Object.entries(status.services || {}).map(([name, s]) => ({ name, ...s }));
      clear(body).appendChild(table([
        { key: 'name', label: 'Service' },
        { label: 'Status', render: r => el('span', { class: `badge status-${r.status}` }, r.status) },
        { key: 'instances', label: 'Instances', class: 'num' },
        { key: 'healthy', label: 'Healthy', class: 'num' },
        { label: 'Why', render: r => reasons(r) },
      ], rows, { empty: 'No service has registered yet.', rowAttrs: r => ({ 'data-service': r.name, 'data-status': r.status }) }));
    } catch {
      if (!stopped) clear(body).appendChild(el('p', { class: 'error' }, 'The gateway cannot be reached; retrying…'));
    }
    if (!stopped) timer = setTimeout(refresh, 3000);
  }
  refresh();
  return () => { stopped = true; clearTimeout(timer); };
}

function reasons(service) {
  const list = service.reasons || (service.reason ? [service.reason] : []);
  return Array.isArray(list) ? list.join('; ') : String(list);
}
