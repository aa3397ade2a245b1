// Building the page without HTML strings: every text — a product name, a username, a broadcast, a ChatOps reply —
// becomes a text node, so markup in data is shown as text and never run. Nothing here uses innerHTML.

/**
 * el('button', {class: 'primary', 'data-test': 'x', onclick: fn}, 'Save') → an element.
 * attrs: `class`, `text`, on<event> handlers, booleans (true → attribute present, false/null/undefined → absent),
 * anything else as an attribute. Children: nodes, strings/numbers (text nodes), arrays, null/false (skipped).
 */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'text') {
      node.textContent = String(value);
    } else if (name === 'value' && 'value' in node) {
      node.value = String(value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Removes every child of `node`; returns it. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/**
 * table([{key: 'name', label: 'Name'}, {label: 'Price', render: row => el(...) or text, class: 'num'}], rows,
 *       {rowAttrs: row => ({'data-test': 'order-row', 'data-id': row.id}), empty: 'nothing yet'})
 * Columns may also be plain strings (key and label). Cells are text unless `render` returns a node.
 */
export function table(columns, rows, options = {}) {
  const cols = columns.map(c => (typeof c === 'string' ? { key: c, label: c } : c));
  const head = el('thead', null, el('tr', null, cols.map(c => el('th', { scope: 'col', class: c.class }, c.label ?? c.key))));
  const body = el('tbody');
  if (!rows.length && options.empty) {
    body.appendChild(el('tr', null, el('td', { colspan: cols.length, class: 'muted' }, options.empty)));
  }
  for (const row of rows) {
    const attrs = options.rowAttrs ? options.rowAttrs(row) : null;
    body.appendChild(el('tr', attrs, cols.map(c => {
      const value = c.render ? c.render(row) : row[c.key];
      return el('td', { class: c.class, 'data-label': c.label ?? c.key }, cellText(value));
    })));
  }
  return el('div', { class: 'table-wrap' }, el('table', { class: options.class }, head, body));
}

function cellText(value) {
  if (value === null || value === undefined) return '';
  if (value instanceof Node || Array.isArray(value)) return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * A modal confirmation (data-test confirm-dialog, confirm-yes, confirm-no): resolves true on yes, false on no or
 * Escape. `text` is shown as text; `yes`/`no` label the buttons; `danger` colours the yes button.
 */
export function confirmDialog(text, { title = 'Please confirm', yes = 'Yes', no = 'Cancel', danger = false } = {}) {
  return new Promise(resolve => {
    const before = document.activeElement;
    const dialog = el('dialog', { class: 'confirm', 'data-test': 'confirm-dialog', 'aria-labelledby': 'confirm-title' },
      el('h2', { id: 'confirm-title' }, title),
      el('p', { class: 'confirm-text' }, text),
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'secondary', 'data-test': 'confirm-no', onclick: () => done(false) }, no),
        el('button', { type: 'button', class: danger ? 'danger' : 'primary', 'data-test': 'confirm-yes', onclick: () => done(true) }, yes)));
    dialog.addEventListener('cancel', event => { event.preventDefault(); done(false); });
    let settled = false;
    function done(answer) {
      if (settled) return;
      settled = true;
      dialog.close();
      dialog.remove();
      if (before && before.focus) before.focus();
      resolve(answer);
    }
    document.body.appendChild(dialog);
    dialog.showModal();
    dialog.querySelector('[data-test="confirm-no"]').focus();
  });
}

/** A money amount as text: 12.5 → "12.50". */
export function money(value) {
  return typeof value === 'number' ? value.toFixed(2) : String(value ?? '');
}

/** An ISO time as a short local date and time, on the 24-hour clock like every other time the dashboard shows. */
export function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso ?? '')
    : date.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' });
}
