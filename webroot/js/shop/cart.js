// The cart (kept in sessionStorage: it survives a reload and a re-sign-in in this tab) and its view: lines,
// quantities, total and the purchase. A purchase carries an Idempotency-Key made for that checkout attempt and kept
// until the attempt has a definite answer, so a click retried after a network failure never orders twice.
import { el, clear, table, money } from '../dom.js';

const CART = 'micronet.cart';
const ATTEMPT = 'micronet.checkout';

function load() {
  try {
    const lines = JSON.parse(sessionStorage.getItem(CART) || '[]');
    return Array.isArray(lines) ? lines.filter(l => l && typeof l.productId === 'string' && l.quantity > 0) : [];
  } catch {
    return [];
  }
}

function save(lines) {
  sessionStorage.setItem(CART, JSON.stringify(lines));
}

/** The cart store, shared by the shop's views. */
export const cart = {
  lines: () => load(),
  count: () => load().reduce((sum, l) => sum + l.quantity, 0),
  total: () => load().reduce((sum, l) => sum + l.price * l.quantity, 0),
  quantityOf: productId => load().find(l => l.productId === productId)?.quantity || 0,
  /** Adds `quantity` of a product {id, name, price, stock}; returns false when that would exceed the stock. */
  add(product, quantity = 1) {
    const lines = load();
    const line = lines.find(l => l.productId === product.id);
    const want = (line ? line.quantity : 0) + quantity;
    if (typeof product.stock === 'number' && want > product.stock) return false;
    if (line) Object.assign(line, { quantity: want, name: product.name, price: product.price, stock: product.stock });
    else lines.push({ productId: product.id, name: product.name, price: product.price, stock: product.stock, quantity });
    save(lines);
    return true;
  },
  set(productId, quantity) {
    const lines = load().map(l => (l.productId === productId ? { ...l, quantity } : l)).filter(l => l.quantity > 0);
    save(lines);
  },
  remove(productId) {
    save(load().filter(l => l.productId !== productId));
  },
  clear() {
    sessionStorage.removeItem(CART);
    sessionStorage.removeItem(ATTEMPT);
  },
};

/** A random key for one checkout attempt (crypto.randomUUID needs a secure context; getRandomValues does not). */
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map(b => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The key of the attempt for exactly these lines: the same while unanswered, a new one when the cart changed. */
function attemptKey(items) {
  const signature = JSON.stringify(items);
  try {
    const attempt = JSON.parse(sessionStorage.getItem(ATTEMPT) || 'null');
    if (attempt && attempt.signature === signature) return attempt.key;
  } catch { /* a new one below */ }
  const key = newKey();
  sessionStorage.setItem(ATTEMPT, JSON.stringify({ signature, key }));
  return key;
}

/** A small "Cart (n)" link for the shop's headers. */
export function cartLink() {
  const count = cart.count();
  return el('a', { href: '#/shop/cart', class: 'button secondary cart-link', 'data-test': 'cart-link' },
    'Cart', el('span', { class: 'badge', 'data-test': 'cart-count' }, String(count)));
}

/** Words for the lines an OUT_OF_STOCK answer names. */
export function shortLines(details, lines) {
  const items = Array.isArray(details?.items) ? details.items : [];
  return items.map(item => {
    const name = item.name || lines.find(l => l.productId === item.productId)?.name || item.productId;
    return item.available > 0
      ? `${name}: you asked for ${item.requested}, only ${item.available} left`
      : `${name}: out of stock`;
  });
}

export function mount(container, ctx) {
  const root = el('section', { class: 'cart', 'data-test': 'cart' });
  container.appendChild(root);
  let busy = false;
  let problem = null;      // {title, lines: [text], details}

  function render() {
    clear(root);
    const lines = cart.lines();
    root.appendChild(el('div', { class: 'view-head' }, el('h1', null, 'Your cart'),
      el('a', { href: '#/shop', class: 'button secondary' }, '← Continue shopping')));
    const error = el('div', { class: 'form-error cart-error', 'data-test': 'cart-error', role: 'alert', hidden: !problem },
      problem ? [el('p', null, problem.title), problem.lines.length ? el('ul', null, problem.lines.map(t => el('li', null, t))) : null,
        problem.details ? el('button', { type: 'button', class: 'small secondary', 'data-test': 'cart-adjust', onclick: () => adjust(problem.details) },
          'Change my cart to what is available') : null] : null);
    if (!lines.length) {
      root.append(error, el('div', { class: 'card empty' }, el('p', null, 'Your cart is empty.'),
        el('p', null, el('a', { href: '#/shop', class: 'button primary' }, 'Browse the catalog'))));
      return;
    }
    const rows = table([
      { label: 'Product', render: l => el('a', { href: `#/shop/product/${encodeURIComponent(l.productId)}`, class: 'product-name' }, l.name) },
      { label: 'Price', class: 'num', render: l => money(l.price) },
      { label: 'Quantity', render: l => quantityInput(l) },
      { label: 'Total', class: 'num', render: l => money(l.price * l.quantity) },
      { label: '', render: l => el('button', { type: 'button', class: 'small secondary', 'data-test': 'cart-remove',
        'aria-label': `Remove ${l.name}`, onclick: () => { cart.remove(l.productId); problem = null; render(); } }, 'Remove') },
    ], lines, { class: 'stack-sm', rowAttrs: l => ({ 'data-test': 'cart-line', 'data-id': l.productId }) });
    const checkout = el('button', { type: 'button', class: 'primary', 'data-test': 'cart-checkout', disabled: busy, onclick: purchase },
      busy ? 'Placing your order…' : 'Buy now');
    root.append(error, el('div', { class: 'card' }, rows,
      el('div', { class: 'cart-foot' },
        el('p', { class: 'cart-total' }, 'Total ', el('strong', { 'data-test': 'cart-total' }, money(cart.total()))),
        el('div', { class: 'row' },
          el('button', { type: 'button', class: 'secondary', onclick: () => { cart.clear(); problem = null; render(); } }, 'Empty the cart'),
          checkout))));
  }

  function quantityInput(line) {
    const input = el('input', { type: 'number', min: '1', step: '1', max: typeof line.stock === 'number' && line.stock > 0 ? String(line.stock) : null,
      value: String(line.quantity), class: 'qty', 'data-test': 'cart-quantity', 'aria-label': `Quantity of ${line.name}`, inputmode: 'numeric' });
    input.addEventListener('change', () => {
      const quantity = Math.floor(Number(input.value));
      if (!Number.isFinite(quantity) || quantity < 1) {
        input.value = String(line.quantity);
        ctx.toast('A quantity is a whole number of at least 1 (use Remove to take a line out).', 'error');
        return;
      }
      cart.set(line.productId, quantity);
      problem = null;
      render();
    });
    return input;
  }

  function adjust(details) {
    for (const item of details.items || []) {
      if (item.available > 0) cart.set(item.productId, item.available);
      else cart.remove(item.productId);
    }
    problem = null;
    ctx.toast('Your cart now asks only for what is in stock.', 'info');
    render();
  }

  async function purchase() {
    if (busy) return;
    const lines = cart.lines();
    const items = lines.map(l => ({ productId: l.productId, quantity: l.quantity }));
    const key = attemptKey(items);
    busy = true;
    problem = null;
    render();
    try {
      const order = await ctx.api('POST', '/api/orders', { items }, { headers: { 'Idempotency-Key': key } });
      cart.clear();
      ctx.toast(`Order placed: ${money(order.total)} for ${order.items.length} line(s).`, 'ok');
      busy = false;
      ctx.navigate(`#/shop/orders?placed=${encodeURIComponent(order.id)}`);
      return;
    } catch (error) {
      if (error.status >= 400 && error.status < 500) sessionStorage.removeItem(ATTEMPT);   // answered: a new attempt next time
      if (error.status === 401) return;      // the session expired: sign-in takes over, the cart stays
      if (error.code === 'OUT_OF_STOCK') {
        problem = { title: 'Some lines are short of stock, so nothing was ordered:', lines: shortLines(error.details, lines), details: error.details };
      } else if (error.status === 0 || error.status >= 500) {
        problem = { title: `${error.message} Your order may or may not have gone through: press Buy now again — it is the same order and is never placed twice.`, lines: [] };
      } else {
        problem = { title: error.message, lines: detailLines(error.details) };
      }
    }
    busy = false;
    render();
    root.querySelector('[data-test="cart-error"]')?.focus?.();
  }

  render();
}

function detailLines(details) {
  if (!details || typeof details !== 'object') return [];
  return Object.entries(details).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
}
