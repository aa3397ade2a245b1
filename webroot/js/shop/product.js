// One product: GET /api/products/{id}, with a quantity and "Add to cart".
import { el, clear, money } from '../dom.js';
import { cart, cartLink } from './cart.js';
import { addToCart, catalogHref } from './catalog.js';

export async function mount(container, ctx) {
  const header = el('div', { class: 'view-head' }, el('a', { href: catalogHref(), class: 'button secondary' }, '← Back to the catalog'), cartLink());
  const body = el('div', { class: 'product-detail' }, el('p', { class: 'muted' }, 'Loading…'));
  container.append(header, body);
  let product;
  try {
    product = await ctx.api('GET', `/api/products/${encodeURIComponent(ctx.params.id)}`);
  } catch (error) {
    clear(body).appendChild(el('div', { class: 'card' }, el('p', { class: 'error', role: 'alert' },
      error.status === 404 ? 'This product does not exist (any more).' : `The product could not be loaded: ${error.message}`),
      el('a', { href: catalogHref() }, 'Back to the catalog')));
    return;
  }
  render();

  function render() {
    const inCart = cart.quantityOf(product.id);
    const room = Math.max(0, product.stock - inCart);
    const quantity = el('input', { type: 'number', id: 'product-qty', 'data-test': 'product-quantity', min: '1', step: '1', max: String(Math.max(1, room)),
      value: '1', inputmode: 'numeric', disabled: room === 0, class: 'qty' });
    const add = el('button', { type: 'button', class: 'primary', 'data-test': 'add-to-cart', disabled: room === 0 },
      product.stock === 0 ? 'Sold out' : room === 0 ? 'All in your cart' : 'Add to cart');
    add.addEventListener('click', () => {
      const n = Math.floor(Number(quantity.value));
      if (!Number.isFinite(n) || n < 1) {
        ctx.toast('Choose a quantity of at least 1.', 'error');
        quantity.focus();
        return;
      }
      if (addToCart(ctx, product, n, header)) render();
    });
    const stock = product.stock > 5 ? el('span', { class: 'stock in' }, `In stock (${product.stock})`)
      : product.stock > 0 ? el('span', { class: 'stock low' }, `Only ${product.stock} left`)
        : el('span', { class: 'stock out' }, 'Out of stock');
    clear(body).appendChild(el('article', { class: 'card', 'data-test': 'product-detail', 'data-id': product.id },
      el('p', { class: 'category muted' }, product.category || ''),
      el('h1', { 'data-test': 'product-name' }, product.name),
      el('p', { class: 'description' }, product.description || ''),
      el('div', { class: 'product-foot' }, el('span', { class: 'price big', 'data-test': 'product-price' }, money(product.price)), stock),
      el('div', { class: 'row buy' },
        el('label', { for: 'product-qty' }, 'Quantity'), quantity, add,
        inCart ? el('span', { class: 'muted' }, `${inCart} in your cart`) : null)));
    document.title = `${product.name} · MicroNet`;
  }
}
