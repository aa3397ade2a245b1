import { el } from '../dom.js';

export function mount(container, ctx) {
  container.appendChild(el('h1', null, 'Catalog'));
}
