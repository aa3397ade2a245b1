// The alerts panel: what fires now, what is about to (pending), what someone has taken (acknowledged) and what is
// silenced, each alert with its severity, service, rule, summary, since when and who acknowledged it; inhibited
// alerts are listed under the alert that causes them ("caused by products DOWN"), not on their own; recently resolved
// ones folded away at the end; then the active silences with their expiry. Everything comes from the page's alert
// store (GET /api/alerts and /api/silences, then live from micronet.alerts). Ack asks first; silence opens a small
// dialog (minutes, reason, this rule only or the whole service) which is its own confirmation.
import { clear, setText, errorText, viewHeader, fmtTime, fmtDateTime, every, confirmAction } from './util.js';
import { el } from '../dom.js';
import { alertStore, section } from './alertstore.js';

const SECTIONS = [
  { key: 'firing', title: 'Firing', empty: 'Nothing is firing.' },
  { key: 'pending', title: 'Pending', empty: 'Nothing pending.', help: 'condition true, waiting for its duration' },
  { key: 'acknowledged', title: 'Acknowledged', empty: 'Nothing acknowledged.', help: 'someone is on it: no repeat notifications' },
  { key: 'silenced', title: 'Silenced', empty: 'Nothing silenced.', help: 'not notified while the silence lasts' },
];
const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 };
const RESOLVED_SHOWN = 20;

export function mount(container, ctx) {
  const { api, toast } = ctx;
  let alive = true;
  let resolvedOpen = false;

  const summary = el('p', { class: 'ops-summary', role: 'status' }, 'Loading alerts…');
  const loadError = el('p', { class: 'ops-error', role: 'alert', hidden: true });
  const lists = {};
  const counts = {};
  const sectionNodes = SECTIONS.map(s => {
    lists[s.key] = el('ul', { class: 'alert-list', 'data-test': 'alert-list', 'data-section': s.key, 'aria-labelledby': `alerts-${s.key}` });
    counts[s.key] = el('span', { class: 'count' });
    return el('section', { class: `alert-section alert-section-${s.key}`, 'data-section': s.key },
      el('h2', { id: `alerts-${s.key}`, class: 'ops-subhead' }, s.title, ' ', counts[s.key],
        s.help ? el('span', { class: 'alert-section-help muted' }, ` — ${s.help}`) : null),
      lists[s.key]);
  });
  lists.resolved = el('ul', { class: 'alert-list', 'data-test': 'alert-list', 'data-section': 'resolved' });
  counts.resolved = el('span', { class: 'count' });
  const resolved = el('details', { class: 'alert-section alert-resolved', 'data-section': 'resolved' },
    el('summary', { class: 'ops-subhead' }, 'Resolved, recent ', counts.resolved), lists.resolved);
  resolved.addEventListener('toggle', () => { resolvedOpen = resolved.open; });
  const silenceList = el('ul', { class: 'silence-list', 'data-test': 'silence-list', 'aria-labelledby': 'alerts-silences' });
  const silenceCount = el('span', { class: 'count' });

  clear(container);
  container.append(el('section', { class: 'ops-view ops-alerts' },
    viewHeader('Alerts', 'Live from the alert engine. Acknowledging stops repeat notifications; a silence stops them for a while.',
      el('a', { href: '#/ops/rules', class: 'button secondary small' }, 'Edit rules')),
    summary, loadError,
    el('div', { class: 'alert-sections' }, sectionNodes),
    resolved,
    el('section', { class: 'alert-section alert-silences' },
      el('h2', { id: 'alerts-silences', class: 'ops-subhead' }, 'Active silences ', silenceCount),
      silenceList)));

  function render() {
    if (!alive) return;
    const focus = rememberFocus(container);
    const all = alertStore.alerts();
    const byId = new Map(all.map(a => [a.id, a]));
    const groups = { firing: [], pending: [], acknowledged: [], silenced: [], resolved: [] };
    const caused = new Map();   // cause id → alerts it inhibits
    for (const alert of all) {
      const where = section(alert);
      if (where === 'inhibited') {
        const cause = byId.get(alert.inhibitedBy.id);
        if (cause && cause.state !== 'resolved') {
          if (!caused.has(cause.id)) caused.set(cause.id, []);
          caused.get(cause.id).push(alert);
          continue;
        }
        // its cause is not listed (any more): shown on its own, still saying what caused it
        groups[alert.silencedBy ? 'silenced' : alert.acknowledged ? 'acknowledged' : alert.state === 'pending' ? 'pending' : 'firing'].push(alert);
      } else {
        groups[where].push(alert);
      }
    }
    const silences = new Map(alertStore.silences().map(s => [s.id, s]));
    for (const s of SECTIONS) {
      const rows = groups[s.key].sort(byUrgency);
      clear(lists[s.key]);
      if (!rows.length) lists[s.key].append(el('li', { class: 'muted alert-empty' }, s.empty));
      rows.forEach(a => lists[s.key].append(alertRow(a, { caused: caused.get(a.id) || [], silences })));
      setText(counts[s.key], `(${rows.length})`);
    }
    const recent = groups.resolved.sort((a, b) => stamp(b.resolvedAt || b.updatedAt) - stamp(a.resolvedAt || a.updatedAt)).slice(0, RESOLVED_SHOWN);
    clear(lists.resolved);
    if (!recent.length) lists.resolved.append(el('li', { class: 'muted alert-empty' }, 'Nothing resolved lately.'));
    recent.forEach(a => lists.resolved.append(alertRow(a, { caused: [], silences })));
    setText(counts.resolved, `(${recent.length})`);
    resolved.open = resolvedOpen;

    const active = alertStore.silences();
    clear(silenceList);
    if (!active.length) silenceList.append(el('li', { class: 'muted alert-empty' }, 'No silence is active.'));
    active.forEach(s => silenceList.append(silenceRow(s)));
    setText(silenceCount, `(${active.length})`);

    const inhibited = [...caused.values()].reduce((n, list) => n + list.length, 0);
    if (alertStore.loaded) {
      setText(summary, `${groups.firing.length} firing, ${groups.pending.length} pending, ${groups.acknowledged.length} acknowledged, `
        + `${groups.silenced.length} silenced` + (inhibited ? `, ${inhibited} inhibited by their cause` : '')
        + ` · ${active.length} active silence${active.length === 1 ? '' : 's'}`);
    }
    const error = alertStore.error;
    setText(loadError, error ? 'Could not load the alerts: ' + errorText(error) : '');
    loadError.hidden = !error;
    restoreFocus(container, focus);
  }

  function alertRow(alert, { caused, silences }) {
    const severity = ['critical', 'warning', 'info'].includes(alert.severity) ? alert.severity : 'info';
    const where = section(alert);
    const open = alert.state !== 'resolved';
    const actions = [];
    if (open && !alert.acknowledged) {
      actions.push(el('button', {
        type: 'button', class: 'secondary small', 'data-test': 'alert-ack', 'aria-label': `Acknowledge ${alert.rule} on ${alert.service}`,
        onclick: event => ack(alert, event.currentTarget),
      }, 'Ack'));
    }
    if (open && !alert.silencedBy) {
      actions.push(el('button', {
        type: 'button', class: 'secondary small', 'data-test': 'alert-silence', 'aria-label': `Silence ${alert.service}`,
        onclick: () => silenceDialog(alert, { api, toast }),
      }, 'Silence'));
    }
    const meta = [];
    meta.push(el('span', {}, sinceText(alert)));
    if (alert.acknowledged) {
      meta.push(el('span', { class: 'alert-acked', 'data-test': 'alert-acked-by' },
        `acknowledged by ${alert.acknowledged.by ?? 'someone'}` + (alert.acknowledged.at ? ` at ${clock(alert.acknowledged.at)}` : '')));
    }
    if (alert.silencedBy && open) {
      const s = silences.get(alert.silencedBy);
      meta.push(el('span', {}, s ? `silenced until ${clock(s.endsAt)}${s.createdBy ? ` by ${s.createdBy}` : ''}` : 'silenced'));
    }
    if (alert.instance) meta.push(el('span', { class: 'mono' }, `instance ${alert.instance}`));
    return el('li', {
      class: `alert-row sev-${severity} state-${alert.state}`, 'data-test': 'alert-row', 'data-id': alert.id, 'data-state': alert.state,
      'data-section': where, 'data-service': alert.service ?? '', 'data-rule': alert.ruleId ?? '', 'data-ack': String(Boolean(alert.acknowledged)),
      'data-inhibited': String(Boolean(alert.inhibitedBy)), 'data-silenced': String(Boolean(alert.silencedBy)),
      'data-caused-by': alert.inhibitedBy?.id ?? null,
    },
    el('div', { class: 'alert-line' },
      el('span', { class: `sev sev-${severity}`, title: 'severity' }, severity),
      el('span', { class: 'alert-service' }, String(alert.service ?? '')),
      alert.ruleId
        ? el('a', { class: 'alert-rule', href: `#/ops/rules?edit=${encodeURIComponent(alert.ruleId)}`, title: 'the rule' }, String(alert.rule ?? ''))
        : el('span', { class: 'alert-rule' }, String(alert.rule ?? '')),
      alert.state === 'resolved' || where === 'firing' || where === 'pending' ? null : el('span', { class: `alert-state state-${alert.state}` }, alert.state),
      actions.length ? el('span', { class: 'alert-actions' }, actions) : null),
    el('p', { class: 'alert-summary' }, summaryText(alert)),
    alert.inhibitedBy ? el('p', { class: 'alert-caused-by', 'data-test': 'alert-caused-by' }, String(alert.inhibitedBy.reason || `caused by ${alert.inhibitedBy.service}`)) : null,
    el('p', { class: 'alert-meta muted' }, joinDots(meta)),
    caused.length ? el('div', { class: 'alert-caused' },
      el('p', { class: 'alert-caused-head' }, caused.length === 1 ? '1 more alert caused by this one (not notified on its own):'
        : `${caused.length} more alerts caused by this one (not notified on their own):`),
      el('ul', { class: 'alert-list nested' }, caused.sort(byUrgency).map(c => alertRow(c, { caused: [], silences })))) : null);
  }

  async function ack(alert, button) {
    const yes = await confirmAction({
      title: `Acknowledge ${alert.rule} on ${alert.service}?`,
      text: 'You take it: repeat notifications stop (a resolution is still notified) and the alert shows your name.',
      yes: 'Acknowledge', danger: false,
    });
    if (!yes) return;
    if (button.isConnected) button.disabled = true;
    try {
      const answer = await api('POST', `/api/alerts/${encodeURIComponent(alert.id)}/ack`, {});
      const updated = answer?.alert || answer;
      if (updated?.id) alertStore.put(updated);
      else alertStore.reload();
      toast?.(`Acknowledged: ${alert.rule} on ${alert.service}.`, 'ok');
    } catch (error) {
      toast?.(`Acknowledge failed: ${errorText(error)}`, 'error');
      if (button.isConnected) button.disabled = false;
    }
  }

  function silenceRow(s) {
    // a rule matcher may be a rule's id (what the dialog sends): shown by the name of an alert of that rule
    const ruleName = id => alertStore.alerts().find(a => a.ruleId === id)?.rule ?? id;
    const matchers = Object.entries(s.matchers || {}).filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => `${k} = ${k === 'rule' ? ruleName(v) : v}`).join(', ') || 'everything';
    return el('li', { class: 'silence-row', 'data-test': 'silence-row', 'data-id': s.id, 'data-service': s.matchers?.service ?? '' },
      el('div', { class: 'silence-main' },
        el('span', { class: 'silence-matchers mono' }, matchers),
        s.reason ? el('span', { class: 'silence-reason' }, `“${s.reason}”`) : null),
      el('p', { class: 'alert-meta muted' },
        `until ${clock(s.endsAt)} (${relative(s.endsAt)})` + (s.createdBy ? ` · by ${s.createdBy}` : '') + (s.startsAt ? ` · since ${clock(s.startsAt)}` : '')),
      el('button', {
        type: 'button', class: 'secondary small', 'data-test': 'silence-delete', 'aria-label': `Expire the silence on ${matchers} now`,
        onclick: event => expire(s, matchers, event.currentTarget),
      }, 'Expire now'));
  }

  async function expire(s, matchers, button) {
    const yes = await confirmAction({
      title: 'Expire this silence now?',
      text: `Alerts matching ${matchers} are notified again from now on.`,
      yes: 'Expire now',
    });
    if (!yes) return;
    button.disabled = true;
    try {
      await api('DELETE', `/api/silences/${encodeURIComponent(s.id)}`);
      alertStore.dropSilence(s.id);
      toast?.(`The silence on ${matchers} has ended.`, 'ok');
    } catch (error) {
      toast?.(`Could not expire the silence: ${errorText(error)}`, 'error');
      if (button.isConnected) button.disabled = false;
    }
  }

  const off = alertStore.subscribe(render);
  alertStore.reload();
  render();
  const stopTick = every(30000, render);   // "since … (4 min)" moves on
  return () => {
    alive = false;
    off();
    stopTick();
  };
}

/** The silence dialog for `alert`: minutes, reason and whether it covers only this rule; resolves when closed. */
function silenceDialog(alert, { api, toast }) {
  const before = document.activeElement;
  const minutes = el('input', { type: 'number', id: 'silence-minutes', min: 1, max: 10080, step: 1, value: 60, required: true, 'data-test': 'silence-minutes' });
  const reason = el('input', { type: 'text', id: 'silence-reason', maxlength: 500, placeholder: 'why (optional)', 'data-test': 'silence-reason' });
  const onlyRule = el('input', { type: 'checkbox', id: 'silence-only-rule', 'data-test': 'silence-only-rule' });
  const error = el('p', { class: 'form-error', role: 'alert', 'data-test': 'silence-error', hidden: true });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-test': 'silence-submit' }, 'Silence');
  const what = el('p', { class: 'silence-what' });
  const form = el('form', { class: 'silence-form', novalidate: true },
    what,
    el('div', { class: 'field' }, el('label', { for: 'silence-minutes' }, 'For how many minutes'), minutes),
    el('div', { class: 'field check' }, onlyRule, el('label', { for: 'silence-only-rule' }, `Only the rule “${alert.rule}”`)),
    el('div', { class: 'field' }, el('label', { for: 'silence-reason' }, 'Reason'), reason),
    error,
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'secondary', 'data-test': 'silence-cancel', onclick: () => close() }, 'Cancel'),
      submit));
  const dialog = el('dialog', { class: 'confirm silence-dialog', 'data-test': 'silence-dialog', 'aria-labelledby': 'silence-title' },
    el('h2', { id: 'silence-title' }, `Silence ${alert.service}?`), form);
  const describe = () => setText(what, `No notification for ${onlyRule.checked ? `“${alert.rule}” on ` : 'any alert of '}${alert.service} `
    + 'while the silence lasts. It still shows here, under Silenced.');
  onlyRule.addEventListener('change', describe);
  describe();
  dialog.addEventListener('cancel', event => { event.preventDefault(); close(); });
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const n = Number(minutes.value);
    if (!Number.isInteger(n) || n < 1 || n > 10080) {
      show('Minutes: a whole number from 1 to 10080 (a week).');
      minutes.focus();
      return;
    }
    const matchers = { service: alert.service };
    if (onlyRule.checked) matchers.rule = alert.ruleId || alert.rule;
    const body = { matchers, minutes: n };
    if (reason.value.trim()) body.reason = reason.value.trim();
    submit.disabled = true;
    show('');
    try {
      const created = await api('POST', '/api/silences', body);
      alertStore.putSilence(created?.silence || created);
      toast?.(`Silenced ${onlyRule.checked ? `“${alert.rule}” on ` : ''}${alert.service} for ${n} minute${n === 1 ? '' : 's'}.`, 'ok');
      close();
    } catch (e) {
      show(`Not silenced: ${errorText(e)}`);
      submit.disabled = false;
    }
  });
  function show(text) {
    setText(error, text);
    error.hidden = !text;
  }
  function close() {
    dialog.close();
    dialog.remove();
    if (before?.isConnected && before.focus) before.focus();
  }
  document.body.append(dialog);
  dialog.showModal();
  minutes.focus();
  minutes.select();
}

function byUrgency(a, b) {
  return (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3) || stamp(a.since) - stamp(b.since);
}

function stamp(iso) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

/** A time on the 24-hour clock; with its date when it is not today. */
function clock(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '?';
  return d.toDateString() === new Date().toDateString() ? fmtTime(iso) : fmtDateTime(iso);
}

/** "4 min ago" / "in 59 min". */
function relative(iso) {
  const ms = stamp(iso) - Date.now();
  const minutes = Math.round(Math.abs(ms) / 60000);
  const text = minutes < 1 ? 'less than a minute' : minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

function sinceText(alert) {
  const word = { pending: 'pending since', firing: 'firing since', resolved: 'resolved at' }[alert.state] || 'since';
  const at = alert.state === 'resolved' ? (alert.resolvedAt || alert.since) : alert.since;
  return `${word} ${clock(at)}` + (alert.state === 'resolved' ? '' : ` (${relative(at).replace(' ago', '')})`);
}

function summaryText(alert) {
  if (alert.summary) return String(alert.summary);
  if (typeof alert.value === 'number') return `value ${Number.isInteger(alert.value) ? alert.value : alert.value.toFixed(3)}`;
  return alert.value === null || alert.value === undefined ? '' : `value ${alert.value}`;
}

function joinDots(parts) {
  const out = [];
  parts.forEach((p, i) => { if (i) out.push(' · '); out.push(p); });
  return out;
}

/** Which button had the focus (its row's id and its data-test), so a re-render gives it back. */
function rememberFocus(container) {
  const active = document.activeElement;
  if (!active || !container.contains(active)) return null;
  const row = active.closest('[data-id]');
  return row && active.dataset.test ? { id: row.dataset.id, test: active.dataset.test } : null;
}

function restoreFocus(container, focus) {
  if (!focus || (document.activeElement && document.activeElement !== document.body && container.contains(document.activeElement))) return;
  const row = [...container.querySelectorAll('[data-id]')].find(n => n.dataset.id === focus.id);
  const target = row?.querySelector(`[data-test="${focus.test}"]`);
  if (target) target.focus();
}
