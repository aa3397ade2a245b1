// The catalog: search, category, price range, in-stock, sort (name/price/stock both ways) and paging over
// GET /api/products. The filters live in the route's query (#/shop?q=tea&sort=price), so a reload, the back button
// or signing in again after an expiry brings back the same list.
import { el, clear, money } from '../dom.js';
import { query as qs } from '../api.js';
import { cart, cartLink } from './cart.js';

const PAGE_SIZE = 12;
const LAST_QUERY = 'micronet.catalog.query';
const SORTS = [
  ['name', 'Name A–Z'], ['-name', 'Name Z–A'], ['price', 'Price: low to high'], ['-price', 'Price: high to low'],
  ['-stock', 'Stock: most first'], ['stock', 'Stock: least first'],
];

export function mount(container, ctx) {
  const state = {
    q: ctx.query.get('q') || '',
    category: ctx.query.get('category') || '',
    minPrice: ctx.query.get('minPrice') || '',
    maxPrice: ctx.query.get('maxPrice') || '',
    inStock: ctx.query.get('inStock') === 'true',
    sort: SORTS.some(([v]) => v === ctx.query.get('sort')) ? ctx.query.get('sort') : 'name',
    page: Math.max(0, Number.parseInt(ctx.query.get('page') || '0', 10) || 0),
  };
  let generation = 0;
  let debounce = null;

  const search = el('input', { type: 'search', id: 'catalog-q', 'data-test': 'catalog-search', value: state.q, placeholder: 'Search products', autocomplete: 'off' });
  const category = el('select', { id: 'catalog-category', 'data-test': 'catalog-category' }, el('option', { value: '' }, 'All categories'));
  const min = el('input', { type: 'number', id: 'catalog-min', 'data-test': 'catalog-min', min: '0', step: '0.01', inputmode: 'decimal', value: state.minPrice, placeholder: 'Min' });
  const max = el('input', { type: 'number', id: 'catalog-max', 'data-test': 'catalog-max', min: '0', step: '0.01', inputmode: 'decimal', value: state.maxPrice, placeholder: 'Max' });
  const sort = el('select', { id: 'catalog-sort', 'data-test': 'catalog-sort' }, SORTS.map(([value, label]) => el('option', { value, selected: value === state.sort }, label)));
  const inStock = el('input', { type: 'checkbox', id: 'catalog-instock', 'data-test': 'catalog-instock', checked: state.inStock });
  const filterError = el('p', { class: 'form-error', role: 'alert', hidden: true, 'data-test': 'catalog-filter-error' });
  const results = el('div', { class: 'catalog-results', 'aria-live': 'polite' });
  const summary = el('p', { class: 'muted', 'data-test': 'catalog-summary' });
  const pager = el('nav', { class: 'pager', 'aria-label': 'Pages' });
  const header = el('div', { class: 'view-head' }, el('h1', null, 'Shop'), cartLink());

  const labelled = (text, id, control) => el('div', { class: 'field' }, el('label', { for: id }, text), control);
  const filters = el('form', { class: 'card filters', role: 'search', 'aria-label': 'Filter the catalog' },
    labelled('Search', 'catalog-q', search),
    labelled('Category', 'catalog-category', category),
    el('div', { class: 'field price-range' }, el('span', { class: 'label', id: 'price-label' }, 'Price'),
      el('div', { class: 'range', role: 'group', 'aria-labelledby': 'price-label' },
        el('label', { for: 'catalog-min', class: 'sr-only' }, 'Minimum price'), min, el('span', { 'aria-hidden': 'true' }, '–'),
        el('label', { for: 'catalog-max', class: 'sr-only' }, 'Maximum price'), max)),
    labelled('Sort by', 'catalog-sort', sort),
    el('div', { class: 'field check' }, inStock, el('label', { for: 'catalog-instock' }, 'In stock only')),
    filterError);
  filters.addEventListener('submit', event => { event.preventDefault(); changed(); });
  container.append(header, filters, summary, results, pager);

  function readControls() {
    state.q = search.value.trim();
    state.category = category.value;
    state.minPrice = min.value.trim();
    state.maxPrice = max.value.trim();
    state.sort = sort.value;
    state.inStock = inStock.checked;
  }

  function validPrices() {
    const lo = state.minPrice === '' ? null : Number(state.minPrice);
    const hi = state.maxPrice === '' ? null : Number(state.maxPrice);
    let message = '';
    if ((lo !== null && (!Number.isFinite(lo) || lo < 0)) || (hi !== null && (!Number.isFinite(hi) || hi < 0))) message = 'A price is a number of 0 or more.';
    else if (lo !== null && hi !== null && lo > hi) message = 'The minimum price is above the maximum.';
    filterError.textContent = message;
    filterError.hidden = !message;
    return !message;
  }

  function changed() {
    readControls();
    state.page = 0;
    load();
  }

  search.addEventListener('input', () => { clearTimeout(debounce); debounce = setTimeout(changed, 300); });
  for (const control of [category, min, max, sort, inStock]) control.addEventListener('change', changed);

  async function loadCategories() {
    // no categories endpoint: the distinct categories of the first 100 products
    try {
      const page = await ctx.api('GET', '/api/products?size=100&sort=name');
      const names = [...new Set(page.items.map(p => p.category).filter(Boolean))].sort();
      if (state.category && !names.includes(state.category)) names.push(state.category);
      for (const name of names) category.appendChild(el('option', { value: name, selected: name === state.category }, name));
    } catch { /* the filter stays at "All categories" */ }
  }

  async function load() {
    const mine = ++generation;
    const params = { q: state.q, category: state.category, minPrice: state.minPrice, maxPrice: state.maxPrice,
      inStock: state.inStock ? 'true' : '', sort: state.sort, page: state.page || '' };
    ctx.setQuery(params);
    sessionStorage.setItem(LAST_QUERY, qs(params));
    if (!validPrices()) return;
    results.setAttribute('aria-busy', 'true');
    try {
      const page = await ctx.api('GET', `/api/products${qs({ ...params, page: state.page, size: PAGE_SIZE })}`);
      if (mine !== generation) return;
      show(page);
    } catch (error) {
      if (mine !== generation) return;
      clear(results).appendChild(el('div', { class: 'card' }, el('p', { class: 'error', role: 'alert' }, `The catalog could not be loaded: ${error.message}`),
        el('button', { type: 'button', class: 'secondary', onclick: load }, 'Try again')));
      summary.textContent = '';
      clear(pager);
    } finally {
      if (mine === generation) results.removeAttribute('aria-busy');
    }
  }

  function show(page) {
    const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE));
    summary.textContent = page.total === 0 ? '' : `${page.total} product${page.total === 1 ? '' : 's'} · page ${page.page + 1} of ${pages}`;
    clear(results);
    if (!page.items.length) {
      results.appendChild(el('div', { class: 'card empty', 'data-test': 'catalog-empty' },
        el('p', null, state.page > 0 ? 'No more products on this page.' : 'No product matches these filters.'),
        el('button', { type: 'button', class: 'secondary', onclick: reset }, 'Clear the filters')));
    } else {
      results.appendChild(el('ul', { class: 'grid products' }, page.items.map(productCard)));
    }
    clear(pager);
    if (pages > 1) {
      pager.append(
        el('button', { type: 'button', class: 'secondary', 'data-test': 'catalog-prev', disabled: state.page === 0, onclick: () => go(state.page - 1) }, '← Previous'),
        el('span', { class: 'muted', 'data-test': 'catalog-page' }, `Page ${page.page + 1} of ${pages}`),
        el('button', { type: 'button', class: 'secondary', 'data-test': 'catalog-next', disabled: state.page + 1 >= pages, onclick: () => go(state.page + 1) }, 'Next →'));
    }
  }

  function go(page) {
    state.page = page;
    load();
    container.scrollIntoView({ block: 'start' });
  }

  function reset() {
    search.value = ''; category.value = ''; min.value = ''; max.value = ''; inStock.checked = false;
    changed();
  }

  function productCard(product) {
    const inCart = cart.quantityOf(product.id);
    const stock = product.stock > 5 ? el('span', { class: 'stock in' }, 'In stock')
      : product.stock > 0 ? el('span', { class: 'stock low' }, `Only ${product.stock} left`)
        : el('span', { class: 'stock out' }, 'Out of stock');
    const add = el('button', { type: 'button', class: 'primary small', 'data-test': 'add-to-cart', disabled: product.stock <= 0,
      'aria-label': `Add ${product.name} to the cart` }, product.stock > 0 ? 'Add to cart' : 'Sold out');
    add.addEventListener('click', () => {
      if (!addToCart(ctx, product, 1, header)) return;
      const fresh = productCard(product);
      card.replaceWith(fresh);
      fresh.querySelector('[data-test="add-to-cart"]').focus();
    });
    const card = el('li', { class: 'card product-card', 'data-test': 'product-card', 'data-id': product.id },
      el('p', { class: 'category muted' }, product.category || ''),
      el('h2', null, el('a', { href: `#/shop/product/${encodeURIComponent(product.id)}`, 'data-test': 'product-name' }, product.name)),
      el('p', { class: 'description muted' }, product.description || ''),
      el('div', { class: 'product-foot' },
        el('span', { class: 'price', 'data-test': 'product-price' }, money(product.price)),
        stock),
      el('div', { class: 'row' }, add, inCart ? el('span', { class: 'muted in-cart' }, `${inCart} in cart`) : null));
    return card;
  }

  loadCategories();
  load();
  return () => clearTimeout(debounce);
}

/** Adds to the cart and says so (or why not); refreshes the header's cart link. */
export function addToCart(ctx, product, quantity, header) {
  if (!cart.add(product, quantity)) {
    ctx.toast(`Only ${product.stock} of ${product.name} in stock; your cart already has ${cart.quantityOf(product.id)}.`, 'error');
    return false;
  }
  ctx.toast(`Added ${quantity} × ${product.name} to the cart.`, 'ok');
  const link = header?.querySelector('[data-test="cart-link"]');
  if (link) link.replaceWith(cartLink());
  return true;
}

/** The catalog route with the filters last used (for "back to the catalog" links). */
export function catalogHref() {
  return `#/shop${sessionStorage.getItem(LAST_QUERY) || ''}`;
}
