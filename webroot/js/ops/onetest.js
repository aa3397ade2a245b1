// Placeholder: the manager's "One-click test" view (written by the ops helper; this keeps the app running meanwhile).
import { el } from '../dom.js';

export function mount(container, ctx) {
  container.appendChild(el('h1', null, 'One-click test'));
  container.appendChild(el('p', { class: 'muted' }, 'Coming soon.'));
}
