// Placeholder: the manager's "Charts" view (written by the ops helper; this keeps the app running meanwhile).
import { el } from '../dom.js';

export function mount(container, ctx) {
  container.appendChild(el('h1', null, 'Charts'));
  container.appendChild(el('p', { class: 'muted' }, 'Coming soon.'));
}
