// Placeholder: the manager's "Architecture" view (written by the ops helper; this keeps the app running meanwhile).
import { el } from '../dom.js';

export function mount(container, ctx) {
  container.appendChild(el('h1', null, 'Architecture'));
  container.appendChild(el('p', { class: 'muted' }, 'Coming soon.'));
}
