// Users admin: GET /api/users?q=&role= (search as you type, a page at a time), change a role (PUT /api/users/{id}
// {role}) and delete (DELETE /api/users/{id}), each after a confirmation; both end the user's earlier tokens.
// Your own account is shown but not changed from here (a manager cannot lock themselves out by a slip).
import { clear, setText, errorText, viewHeader, debounce, fmtDateTime } from './util.js';
import { el, confirmDialog } from '../dom.js';

const ROLES = ['client', 'manager'];
const PAGE_SIZE = 20;

export function mount(container, ctx) {
  const { api, session, toast } = ctx;
  const query = ctx.query instanceof URLSearchParams ? ctx.query : new URLSearchParams();
  let q = query.get('q') || '';
  let role = ROLES.includes(query.get('role')) ? query.get('role') : '';
  let page = 0;
  let total = 0;
  let alive = true;
  let generation = 0;

  const search = el('input', {
    type: 'search', placeholder: 'Search username, name or email', 'aria-label': 'Search users', 'data-test': 'users-search', value: q,
  });
  const roleSelect = el('select', { 'aria-label': 'Role', 'data-test': 'users-filter-role' },
    el('option', { value: '' }, 'all roles'), ROLES.map(r => el('option', { value: r }, r)));
  roleSelect.value = role;
  const info = el('p', { class: 'ops-summary', role: 'status' });
  const loadError = el('p', { class: 'ops-error', role: 'alert', hidden: true });
  const body = el('tbody');
  const prev = el('button', { type: 'button', class: 'secondary', 'data-test': 'users-prev' }, '← Previous');
  const next = el('button', { type: 'button', class: 'secondary', 'data-test': 'users-next' }, 'Next →');
  clear(container);
  container.append(el('section', { class: 'ops-view ops-users' },
    viewHeader('Users', 'Changing a role or deleting a user ends their sessions within seconds.', search, roleSelect),
    info, loadError,
    el('div', { class: 'table-wrap' }, el('table', { class: 'users-table' },
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col' }, 'Username'), el('th', { scope: 'col' }, 'Name'), el('th', { scope: 'col' }, 'Email'),
        el('th', { scope: 'col' }, 'Role'), el('th', { scope: 'col' }, 'Created'), el('th', { scope: 'col' }, el('span', { class: 'sr-only' }, 'Actions')))),
      body)),
    el('div', { class: 'pager' }, prev, next)));

  const searchSoon = debounce(() => { page = 0; remember(); load(); }, 300);
  search.addEventListener('input', () => { q = search.value.trim(); searchSoon(); });
  search.addEventListener('keydown', e => { if (e.key === 'Enter') { searchSoon.cancel(); page = 0; remember(); load(); } });
  roleSelect.addEventListener('change', () => { role = roleSelect.value; page = 0; remember(); load(); });
  prev.addEventListener('click', () => { if (page > 0) { page--; load(); } });
  next.addEventListener('click', () => { if ((page + 1) * PAGE_SIZE < total) { page++; load(); } });

  function remember() {
    ctx.setQuery?.({ q, role });
  }

  async function load() {
    const mine = ++generation;
    const params = new URLSearchParams({ page: String(page), size: String(PAGE_SIZE) });
    if (q) params.set('q', q);
    if (role) params.set('role', role);
    body.parentElement.setAttribute('aria-busy', 'true');
    try {
      const answer = await api('GET', '/api/users?' + params);
      if (!alive || mine !== generation) return;
      total = answer?.total || 0;
      const items = answer?.items || [];
      clear(body);
      if (!items.length) body.append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, q || role ? 'No user matches.' : 'No users.')));
      items.forEach(user => body.append(userRow(user)));
      loadError.hidden = true;
      const first = total ? page * PAGE_SIZE + 1 : 0;
      setText(info, `${first}–${page * PAGE_SIZE + items.length} of ${total} user${total === 1 ? '' : 's'}`);
      prev.disabled = page === 0;
      next.disabled = (page + 1) * PAGE_SIZE >= total;
    } catch (error) {
      if (!alive || mine !== generation) return;
      setText(loadError, 'Could not load the users: ' + errorText(error));
      loadError.hidden = false;
    } finally {
      if (mine === generation) body.parentElement.removeAttribute('aria-busy');
    }
  }

  function userRow(user) {
    const self = session?.user?.id === user.id;
    const error = el('span', { class: 'ops-error inline', role: 'alert' });
    const select = el('select', { 'aria-label': `Role of ${user.username}`, 'data-test': 'user-role', disabled: self || undefined },
      ROLES.map(r => el('option', { value: r }, r)));
    select.value = user.role;
    const del = el('button', {
      type: 'button', class: 'danger small', 'data-test': 'user-delete', disabled: self || undefined,
      'aria-label': `Delete ${user.username}`,
    }, 'Delete');
    if (self) {
      select.title = 'your own account';
      del.title = 'your own account';
    }
    select.addEventListener('change', async () => {
      const wanted = select.value;
      setText(error, '');
      const yes = await confirmDialog(`${user.username} becomes a ${wanted}; their current sessions end and they sign in again.`,
        { title: `Change the role of ${user.username}?`, yes: `Make ${wanted}`, danger: wanted === 'manager' });
      if (!yes) {
        select.value = user.role;
        return;
      }
      select.disabled = true;
      try {
        const updated = await api('PUT', '/api/users/' + encodeURIComponent(user.id), { role: wanted });
        user.role = updated?.role || wanted;
        select.value = user.role;
        toast?.(`${user.username} is now a ${user.role}.`, 'ok');
      } catch (e) {
        select.value = user.role;
        setText(error, errorText(e));
      } finally {
        select.disabled = false;
      }
    });
    del.addEventListener('click', async () => {
      setText(error, '');
      const yes = await confirmDialog(`${user.username} (${user.email || 'no email'}) is deleted for good; their sessions end.`,
        { title: `Delete ${user.username}?`, yes: 'Delete', danger: true });
      if (!yes) return;
      del.disabled = true;
      try {
        await api('DELETE', '/api/users/' + encodeURIComponent(user.id));
        toast?.(`${user.username} was deleted.`, 'ok');
        load();
      } catch (e) {
        setText(error, errorText(e));
        del.disabled = false;
      }
    });
    return el('tr', { 'data-test': 'user-row', 'data-id': user.id, 'data-username': user.username },
      el('th', { scope: 'row' }, user.username, self ? el('span', { class: 'muted' }, ' (you)') : null),
      el('td', { 'data-label': 'Name' }, user.name || ''),
      el('td', { 'data-label': 'Email' }, user.email || ''),
      el('td', { 'data-label': 'Role' }, select),
      el('td', { 'data-label': 'Created' }, fmtDateTime(user.createdAt)),
      el('td', { class: 'user-actions' }, del, error));
  }

  load();
  return () => {
    alive = false;
    searchSoon.cancel();
  };
}
