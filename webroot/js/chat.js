// The ChatOps console, for both roles: a command line with history (up/down) and Tab completion (commands from
// `help`, services from `status`), replies shown as text and, where the reply's data is a list, as a table.
// A command that needs confirmation (a reply with data.confirm) asks in a dialog and runs the confirmed form.
import { el, table, confirmDialog } from './dom.js';

const HISTORY = 'micronet.chat.history';
const MAX_REPLIES = 100;

export function mount(container, ctx) {
  let commands = [];   // [{name, usage, summary}]
  let services = [];
  let history = loadHistory();
  let cursor = history.length;
  let draft = '';

  const output = el('div', { class: 'chat-output', 'data-test': 'chat-output', role: 'log', 'aria-live': 'polite', 'aria-label': 'ChatOps replies', tabindex: '0' });
  const input = el('input', { class: 'chat-input', 'data-test': 'chat-input', name: 'command', autocomplete: 'off', spellcheck: 'false',
    autocapitalize: 'none', 'aria-label': 'ChatOps command', placeholder: 'Type a command — try help (Tab completes, ↑/↓ history)' });
  const hint = el('p', { class: 'chat-hint muted', 'aria-live': 'polite' });
  const send = el('button', { type: 'submit', class: 'primary', 'data-test': 'chat-send' }, 'Run');
  const form = el('form', { class: 'chat-form' }, el('span', { class: 'prompt', 'aria-hidden': 'true' }, '›'), input, send);

  container.appendChild(el('section', { class: 'chat' },
    el('div', { class: 'view-head' }, el('h1', null, 'ChatOps'),
      el('p', { class: 'muted' }, ctx.session.isManager
        ? 'Every command of the platform. stop, scale and fail ask for confirmation first.'
        : 'The commands a shop client may run: help, whoami, status, products, orders, history.')),
    output, form, hint));

  async function run(text, { echo = true } = {}) {
    const line = text.trim();
    if (!line) return;
    if (echo) remember(line);
    send.disabled = true;
    const reply = await ctx.bus.command(line);
    send.disabled = false;
    show(line, reply);
    const confirm = reply?.data && typeof reply.data === 'object' ? reply.data.confirm : null;
    if (reply?.ok && typeof confirm === 'string' && confirm.trim()) {
      const preview = String(reply.text || '').split('\n').filter(l => !l.startsWith('Nothing was changed')).join('\n');
      const yes = await confirmDialog(`${preview}\n\nRun “${confirm}”?`, { title: 'Confirm the command', yes: 'Run it', danger: true });
      if (yes) await run(confirm, { echo: false });
      else hint.textContent = 'Cancelled: nothing was changed.';
    }
    if (line === 'status' && reply?.ok) learnServices(reply.data);
  }

  function show(line, reply) {
    const ok = Boolean(reply && reply.ok);
    const text = reply ? String(reply.text ?? '') : 'no reply';
    const rows = tabular(reply?.data);
    const body = [];
    if (rows) {
      const [first, ...rest] = text.split('\n');
      body.push(el('p', { class: 'reply-title' }, first));
      body.push(table(columnsOf(rows), rows.slice(0, 200), { class: 'compact' }));
      if (rest.length) body.push(el('details', null, el('summary', null, 'as text'), el('pre', null, text)));
    } else {
      body.push(el('pre', null, text));
    }
    const node = el('div', { class: `chat-reply ${ok ? 'ok' : 'failed'}`, 'data-test': 'chat-reply', 'data-ok': String(ok) },
      el('div', { class: 'reply-command' }, el('span', { class: 'prompt', 'aria-hidden': 'true' }, '›'), ' ', line,
        ok ? null : el('span', { class: 'badge status-DOWN' }, reply?.error?.code || 'failed')),
      body);
    output.appendChild(node);
    while (output.children.length > MAX_REPLIES) output.firstChild.remove();
    output.scrollTop = output.scrollHeight;
  }

  function remember(line) {
    if (history[history.length - 1] !== line) history.push(line);
    history = history.slice(-50);
    try { sessionStorage.setItem(HISTORY, JSON.stringify(history)); } catch { /* storage off */ }
    cursor = history.length;
    draft = '';
  }

  function learnServices(data) {
    if (data && data.services && typeof data.services === 'object') services = Object.keys(data.services).sort();
  }

  function complete() {
    const value = input.value;
    const words = value.split(/\s+/);
    const last = words[words.length - 1];
    const pool = words.length <= 1 ? commands.map(c => c.name) : services;
    const matches = pool.filter(word => word.startsWith(last.toLowerCase()));
    if (matches.length === 0) {
      hint.textContent = words.length <= 1 ? 'No command starts like that; type help.' : 'No service starts like that.';
      return;
    }
    let common = matches[0];
    for (const m of matches) while (!m.startsWith(common)) common = common.slice(0, -1);
    words[words.length - 1] = matches.length === 1 ? `${matches[0]} ` : common;
    input.value = words.join(' ');
    hint.textContent = matches.length > 1 ? matches.join('  ') : (commands.find(c => c.name === matches[0])?.usage || '');
  }

  input.addEventListener('keydown', event => {
    if (event.key === 'Tab' && !event.shiftKey && input.value.trim()) {
      event.preventDefault();
      complete();
    } else if (event.key === 'ArrowUp' && history.length) {
      event.preventDefault();
      if (cursor === history.length) draft = input.value;
      cursor = Math.max(0, cursor - 1);
      input.value = history[cursor];
    } else if (event.key === 'ArrowDown' && cursor < history.length) {
      event.preventDefault();
      cursor += 1;
      input.value = cursor === history.length ? draft : history[cursor];
    }
  });
  form.addEventListener('submit', event => {
    event.preventDefault();
    const text = input.value;
    input.value = '';
    hint.textContent = '';
    run(text);
  });

  // what completion offers: the commands this caller may run, and the services there are (quietly, no echo)
  ctx.bus.command('help').then(reply => {
    if (reply?.ok && Array.isArray(reply.data?.commands)) commands = reply.data.commands;
  });
  ctx.bus.command('status').then(reply => { if (reply?.ok) learnServices(reply.data); });
  input.focus();
}

/** The list in a reply's data, if there is one: data itself, data.items, data.commands, or data.services by name. */
export function tabular(data) {
  if (!data || typeof data !== 'object') return null;
  const list = Array.isArray(data) ? data
    : Array.isArray(data.items) ? data.items
      : Array.isArray(data.commands) ? data.commands
        : data.services && typeof data.services === 'object' && !Array.isArray(data.services)
          ? Object.entries(data.services).map(([name, value]) => ({ service: name, ...(value && typeof value === 'object' ? value : { value }) }))
          : null;
  if (!list || !list.length || !list.every(row => row && typeof row === 'object' && !Array.isArray(row))) return null;
  return list;
}

function columnsOf(rows) {
  const keys = [];
  for (const row of rows.slice(0, 50)) for (const key of Object.keys(row)) if (!keys.includes(key)) keys.push(key);
  return keys.slice(0, 8).map(key => ({ key, label: key, render: row => scalar(row[key]) }));
}

function scalar(value) {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(v => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function loadHistory() {
  try {
    const list = JSON.parse(sessionStorage.getItem(HISTORY) || '[]');
    return Array.isArray(list) ? list.filter(x => typeof x === 'string').slice(-50) : [];
  } catch {
    return [];
  }
}

