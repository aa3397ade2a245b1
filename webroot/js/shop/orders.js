// My orders: GET /api/orders (a client sees its own; a manager browsing the shop sees its own too, by userId), with
// cancel (POST /api/orders/{id}/cancel) after a confirmation.
import { el, clear, table, money, when } from '../dom.js';
import { query as qs } from '../api.js';

const PAGE_SIZE = 20;

export function mount(container, ctx) {
  const placed = ctx.query.get('placed');
  let page = 0;
  let status = '';
  const list = el('div', { class: 'orders-list' }, el('p', { class: 'muted' }, 'Loading…'));
  const pager = el('nav', { class: 'pager', 'aria-label': 'Pages' });
  const filter = el('select', { id: 'orders-status', 'data-test': 'orders-status' },
    el('option', { value: '' }, 'All'), el('option', { value: 'PLACED' }, 'Placed'), el('option', { value: 'CANCELLED' }, 'Cancelled'));
  filter.addEventListener('change', () => { status = filter.value; page = 0; load(); });
  container.append(
    el('div', { class: 'view-head' }, el('h1', null, 'My orders'),
      el('div', { class: 'row' }, el('label', { for: 'orders-status', class: 'inline' }, 'Status'), filter,
        el('a', { href: '#/shop', class: 'button secondary' }, 'Shop'))),
    list, pager);

  async function load() {
    try {
      const params = { status, page, size: PAGE_SIZE, userId: ctx.session.isManager ? ctx.session.user.id : '' };
      const result = await ctx.api('GET', `/api/orders${qs(params)}`);
      show(result);
    } catch (error) {
      clear(list).appendChild(el('div', { class: 'card' }, el('p', { class: 'error', role: 'alert' }, `Your orders could not be loaded: ${error.message}`),
        el('button', { type: 'button', class: 'secondary', onclick: load }, 'Try again')));
    }
  }

  function show(result) {
    clear(list);
    if (!result.items.length) {
      list.appendChild(el('div', { class: 'card empty' }, el('p', null, status ? 'No order with this status.' : 'You have no orders yet.'),
        el('a', { href: '#/shop', class: 'button primary' }, 'Browse the catalog')));
    } else {
      list.appendChild(el('div', { class: 'card' }, table([
        { label: 'Placed', render: o => when(o.createdAt) },
        { label: 'Items', render: o => el('ul', { class: 'plain' }, (o.items || []).map(i => el('li', null, `${i.quantity} × ${i.name ?? i.productId}`))) },
        { label: 'Total', class: 'num', render: o => money(o.total) },
        { label: 'Status', render: o => el('span', { class: `badge status-${o.status}`, 'data-test': 'order-status' }, o.status) },
        { label: '', render: o => (o.status === 'PLACED'
          ? el('button', { type: 'button', class: 'small secondary', 'data-test': 'order-cancel', onclick: () => cancel(o) }, 'Cancel')
          : null) },
      ], result.items, { class: 'stack-sm', rowAttrs: o => ({ 'data-test': 'order-row', 'data-id': o.id, 'data-status': o.status, class: o.id === placed ? 'highlight' : null }) })));
    }
    const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    clear(pager);
    if (pages > 1) {
      pager.append(
        el('button', { type: 'button', class: 'secondary', disabled: page === 0, onclick: () => { page -= 1; load(); } }, '← Previous'),
        el('span', { class: 'muted' }, `Page ${page + 1} of ${pages}`),
        el('button', { type: 'button', class: 'secondary', disabled: page + 1 >= pages, onclick: () => { page += 1; load(); } }, 'Next →'));
    }
  }

  async function cancel(order) {
    const lines = (order.items || []).map(i => `${i.quantity} × ${i.name ?? i.productId}`).join(', ');
    const yes = await ctx.confirm(`Cancel this order of ${money(order.total)} (${lines})? The items go back into stock.`,
      { title: 'Cancel the order?', yes: 'Cancel the order', no: 'Keep it', danger: true });
    if (!yes) return;
    try {
      await ctx.api('POST', `/api/orders/${encodeURIComponent(order.id)}/cancel`);
      ctx.toast('The order is cancelled.', 'ok');
    } catch (error) {
      if (error.status !== 401) ctx.toast(`The order could not be cancelled: ${error.message}`, 'error');
    }
    load();
  }

  load();
}
