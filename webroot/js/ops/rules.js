// The alert rules editor: every rule (GET /api/rules) with its condition in words, how long it must hold, its
// severity and an enabled switch; a form to create or edit one whose fields follow the rule's kind — threshold (metric,
// operator, value), z-score (metric, window, k, robust), error burst (count within seconds), status (DOWN / DEGRADED)
// or a platform signal (named by the rules that ship with MicroNet). The server validates: its 422 details are shown
// next to the fields they name. Deleting asks first.
import { clear, setText, errorText, viewHeader, fmtPercent, fmtMs } from './util.js';
import { el, confirmDialog } from '../dom.js';

const KINDS = [
  { value: 'threshold', label: 'threshold — a metric against a value' },
  { value: 'zscore', label: 'z-score — a metric against its own recent past' },
  { value: 'burst', label: 'error burst — N errors within T seconds' },
  { value: 'status', label: 'status — the service DOWN or DEGRADED' },
  { value: 'signal', label: 'platform signal — breakers, stuck orders, backlog, database' },
];
const METRICS = [
  { value: 'errorRate', label: 'error rate (share: 0.05 = 5 %)' },
  { value: 'rps', label: 'requests per second' },
  { value: 'p50', label: 'latency p50 (ms)' },
  { value: 'p95', label: 'latency p95 (ms)' },
  { value: 'p99', label: 'latency p99 (ms)' },
  { value: 'errors', label: 'errors (count per sample)' },
];
const OPS = ['>', '>=', '<', '<='];
const SEVERITIES = ['critical', 'warning', 'info'];
const STATUSES = ['DOWN', 'DEGRADED'];
/** Which fields each kind uses, besides name, kind, service, forSeconds, keepFiringSeconds, severity and enabled. */
const KIND_FIELDS = {
  threshold: ['metric', 'op', 'value'],
  zscore: ['metric', 'window.seconds', 'window.k', 'window.robust', 'op', 'value'],
  burst: ['burst.count', 'burst.withinSeconds'],
  status: ['statuses'],
  signal: ['signal', 'op', 'value'],
};
const COMMON = ['name', 'kind', 'service', 'severity', 'forSeconds', 'keepFiringSeconds', 'enabled'];

export function mount(container, ctx) {
  const { api, toast } = ctx;
  let alive = true;
  let rules = [];
  let services = [];
  let editing = null;       // the rule being edited, or {} for a new one, or null when the form is closed

  const info = el('p', { class: 'ops-summary', role: 'status' }, 'Loading rules…');
  const loadError = el('p', { class: 'ops-error', role: 'alert', hidden: true });
  const newButton = el('button', { type: 'button', class: 'primary', 'data-test': 'rule-new', onclick: () => openForm({}) }, 'New rule');
  const formBox = el('div', { class: 'rule-form-box', hidden: true });
  const body = el('tbody');
  clear(container);
  container.append(el('section', { class: 'ops-view ops-rules' },
    viewHeader('Alert rules', 'What the alert engine watches. A rule fires after its condition has held for its duration.',
      el('a', { href: '#/ops/alerts', class: 'button secondary' }, 'Alerts'), newButton),
    info, loadError, formBox,
    el('div', { class: 'table-wrap' }, el('table', { class: 'rules-table' },
      el('thead', {}, el('tr', {},
        ['Name', 'Kind', 'Service', 'Condition', 'For', 'Severity', 'Enabled'].map(h => el('th', { scope: 'col' }, h)),
        el('th', { scope: 'col' }, el('span', { class: 'sr-only' }, 'Actions')))),
      body))));

  async function load(highlight) {
    try {
      // pages of 100 (the contract's largest) until all are read
      const all = [];
      for (let page = 0; page < 20; page++) {
        const answer = await api('GET', `/api/rules?size=100&page=${page}`);
        const items = Array.isArray(answer) ? answer : answer?.items || [];
        all.push(...items);
        if (Array.isArray(answer) || items.length < 100 || all.length >= (answer?.total ?? 0)) break;
      }
      if (!alive) return;
      rules = all.filter(r => r && r.id);
      rules.sort((a, b) => Number(Boolean(a.builtIn)) - Number(Boolean(b.builtIn)) || String(a.name).localeCompare(String(b.name)));
      loadError.hidden = true;
      renderTable(highlight);
    } catch (error) {
      if (!alive) return;
      setText(loadError, 'Could not load the rules: ' + errorText(error));
      loadError.hidden = false;
      setText(info, '');
    }
  }

  async function loadServices() {
    try {
      const graph = await api('GET', '/api/graph');
      services = (graph?.services || []).map(s => s.name).filter(Boolean).sort();
    } catch { /* the service field takes any name */ }
  }

  function renderTable(highlight) {
    clear(body);
    if (!rules.length) body.append(el('tr', {}, el('td', { colspan: 8, class: 'muted' }, 'No rules yet.')));
    for (const rule of rules) body.append(ruleRow(rule, rule.id === highlight));
    const enabled = rules.filter(r => r.enabled !== false).length;
    const builtIn = rules.filter(r => r.builtIn).length;
    setText(info, `${rules.length} rule${rules.length === 1 ? '' : 's'}, ${enabled} enabled, ${builtIn} built in`);
  }

  function ruleRow(rule, fresh) {
    const severity = SEVERITIES.includes(rule.severity) ? rule.severity : 'info';
    const toggle = el('input', {
      type: 'checkbox', 'data-test': 'rule-enabled', checked: rule.enabled !== false, 'aria-label': `${rule.name} enabled`,
    });
    toggle.addEventListener('change', () => setEnabled(rule, toggle));
    const error = el('span', { class: 'ops-error inline', role: 'alert' });
    return el('tr', { class: fresh ? 'rule-row highlight' : 'rule-row', 'data-test': 'rule-row', 'data-id': rule.id, 'data-name': rule.name ?? '', 'data-kind': rule.kind ?? '' },
      el('th', { scope: 'row', class: 'rule-name' }, String(rule.name ?? ''),
        rule.builtIn ? el('span', { class: 'builtin', 'data-test': 'rule-builtin', title: 'ships with MicroNet' }, 'built-in') : null),
      el('td', { 'data-label': 'Kind' }, String(rule.kind ?? '')),
      el('td', { 'data-label': 'Service' }, rule.service === '*' ? 'every service' : String(rule.service ?? '')),
      el('td', { 'data-label': 'Condition', class: 'rule-condition' }, condition(rule)),
      el('td', { 'data-label': 'For', title: rule.keepFiringSeconds ? `keeps firing ${rule.keepFiringSeconds} s after it clears` : null },
        duration(rule.forSeconds)),
      el('td', { 'data-label': 'Severity' }, el('span', { class: `sev sev-${severity}` }, severity)),
      el('td', { 'data-label': 'Enabled' }, toggle),
      el('td', { class: 'rule-actions' },
        el('button', { type: 'button', class: 'secondary small', 'data-test': 'rule-edit', 'aria-label': `Edit ${rule.name}`, onclick: () => openForm(rule) }, 'Edit'),
        el('button', { type: 'button', class: 'danger small', 'data-test': 'rule-delete', 'aria-label': `Delete ${rule.name}`, onclick: e => remove(rule, e.currentTarget, error) }, 'Delete'),
        error));
  }

  async function setEnabled(rule, toggle) {
    const wanted = toggle.checked;
    toggle.disabled = true;
    try {
      const saved = await api('PUT', `/api/rules/${encodeURIComponent(rule.id)}`, { ...editable(rule), enabled: wanted });
      Object.assign(rule, saved?.id ? saved : { enabled: wanted });
      toast?.(`${rule.name}: ${wanted ? 'enabled' : 'disabled'}.`, 'ok');
    } catch (error) {
      toggle.checked = !wanted;
      toast?.(`${rule.name} not changed: ${errorText(error)}`, 'error');
    } finally {
      toggle.disabled = false;
    }
  }

  async function remove(rule, button, error) {
    setText(error, '');
    const yes = await confirmDialog(`${rule.name} (${condition(rule)}) stops being watched; its open alerts resolve.`,
      { title: `Delete the rule ${rule.name}?`, yes: 'Delete', danger: true });
    if (!yes) return;
    button.disabled = true;
    try {
      await api('DELETE', `/api/rules/${encodeURIComponent(rule.id)}`);
      toast?.(`Rule ${rule.name} deleted.`, 'ok');
      if (editing?.id === rule.id) closeForm();
      load();
    } catch (e) {
      setText(error, errorText(e));
      if (button.isConnected) button.disabled = false;
    }
  }

  // ---- the form ----------------------------------------------------------------------------------------------

  function openForm(rule) {
    editing = rule;
    const isNew = !rule.id;
    const signals = [...new Set(rules.filter(r => r.kind === 'signal' && r.metric).map(r => r.metric))].sort();
    const fields = {};
    const errors = {};
    const wraps = {};
    const input = (name, node) => {
      fields[name] = node;
      node.id = `rule-${name.replace('.', '-')}`;
      node.dataset.test = `rule-field-${name}`;
      errors[name] = el('p', { class: 'rule-error', 'data-test': 'rule-error', 'data-field': name, role: 'alert', hidden: true });
      return node;
    };
    const field = (name, label, node, hint) => {
      wraps[name] = el('div', { class: `field rule-field field-${name.replace('.', '-')}` },
        el('label', { for: `rule-${name.replace('.', '-')}` }, label), input(name, node),
        hint ? el('p', { class: 'hint muted' }, hint) : null, errors[name]);
      return wraps[name];
    };
    const check = (name, label, node) => {
      wraps[name] = el('div', { class: `field check rule-field field-${name.replace('.', '-')}` }, input(name, node),
        el('label', { for: `rule-${name.replace('.', '-')}` }, label), errors[name]);
      return wraps[name];
    };
    const number = (value, attrs = {}) => el('input', { type: 'number', step: 'any', inputmode: 'decimal', value: value ?? '', ...attrs });
    const select = (options, value) => {
      const node = el('select', {}, options.map(o => (typeof o === 'string' ? el('option', { value: o }, o) : el('option', { value: o.value }, o.label))));
      if (value !== undefined && value !== null) node.value = String(value);
      return node;
    };

    const serviceList = el('datalist', { id: 'rule-services' }, el('option', { value: '*' }, 'every service'), services.map(s => el('option', { value: s })));
    const statuses = el('fieldset', { class: 'rule-statuses' }, el('legend', {}, 'Statuses'),
      STATUSES.map(s => el('label', { class: 'check' },
        el('input', { type: 'checkbox', value: s, checked: (rule.statuses || ['DOWN']).includes(s) }), s)));
    const signalNode = signals.length
      ? select(signals, rule.kind === 'signal' ? rule.metric : signals[0])
      : el('input', { type: 'text', value: rule.kind === 'signal' ? rule.metric ?? '' : '', placeholder: 'signal name' });
    const formError = el('p', { class: 'form-error', role: 'alert', 'data-test': 'rule-form-error', hidden: true });
    const save = el('button', { type: 'submit', class: 'primary', 'data-test': 'rule-save' }, isNew ? 'Create rule' : 'Save changes');

    const form = el('form', { class: 'card rule-form', 'data-test': 'rule-form', novalidate: true, 'aria-labelledby': 'rule-form-title' },
      el('h2', { id: 'rule-form-title' }, isNew ? 'New rule' : `Edit ${rule.name}`, rule.builtIn ? el('span', { class: 'builtin' }, 'built-in') : null),
      el('div', { class: 'rule-grid' },
        field('name', 'Name', el('input', { type: 'text', value: rule.name ?? '', maxlength: 200, autocomplete: 'off' })),
        field('kind', 'Kind', select(KINDS, rule.kind || 'threshold')),
        field('service', 'Service', el('input', { type: 'text', value: rule.service ?? '*', list: 'rule-services', autocomplete: 'off' }), '* = every service'),
        field('severity', 'Severity', select(SEVERITIES, rule.severity || 'warning')),
        field('metric', 'Metric', select(METRICS, rule.kind !== 'signal' ? rule.metric || 'errorRate' : 'errorRate')),
        field('signal', 'Signal', signalNode),
        field('op', 'Operator', select(OPS, rule.op || '>')),
        field('value', 'Value', number(rule.value)),
        field('window.seconds', 'Window (seconds)', number(rule.window?.seconds ?? 300, { min: 1 })),
        field('window.k', 'k (deviations)', number(rule.window?.k ?? 3, { min: 0 })),
        check('window.robust', 'robust (median and MAD)', el('input', { type: 'checkbox', checked: rule.window ? rule.window.robust !== false : true })),
        field('burst.count', 'Errors', number(rule.burst?.count ?? 10, { min: 1, step: 1 })),
        field('burst.withinSeconds', 'Within (seconds)', number(rule.burst?.withinSeconds ?? 60, { min: 1, step: 1 })),
        (() => { wraps.statuses = el('div', { class: 'field rule-field field-statuses' }, input('statuses', statuses), errors.statuses); return wraps.statuses; })(),
        field('forSeconds', 'For (seconds)', number(rule.forSeconds ?? 30, { min: 0, step: 1 }), '0 = fires at once'),
        field('keepFiringSeconds', 'Keep firing (seconds)', number(rule.keepFiringSeconds ?? 0, { min: 0, step: 1 }), 'after it clears, against flapping'),
        check('enabled', 'enabled', el('input', { type: 'checkbox', checked: rule.enabled !== false }))),
      serviceList, formError,
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'secondary', 'data-test': 'rule-cancel', onclick: () => closeForm() }, 'Cancel'), save));

    const hintFor = el('p', { class: 'hint muted' });
    wraps.value.insertBefore(hintFor, errors.value);
    function adapt() {
      const kind = fields.kind.value;
      const wanted = new Set([...COMMON, ...(KIND_FIELDS[kind] || [])]);
      for (const [name, wrap] of Object.entries(wraps)) wrap.hidden = !wanted.has(name);
      const metric = kind === 'signal' ? '' : fields.metric.value;
      const unit = metric === 'errorRate' ? 'a share: 0.05 is 5 %' : metric.startsWith('p') ? 'milliseconds' : '';
      setText(hintFor, kind === 'zscore' ? `and the metric beyond this too (0: any)${unit ? `; ${unit}` : ''}` : unit);
    }
    fields.kind.addEventListener('change', adapt);
    fields.metric.addEventListener('change', adapt);
    adapt();

    form.addEventListener('submit', async event => {
      event.preventDefault();
      Object.values(errors).forEach(e => { setText(e, ''); e.hidden = true; });
      setText(formError, '');
      formError.hidden = true;
      const { body: payload, problems } = collect(fields, statuses);
      if (Object.keys(problems).length) {
        showErrors(problems);
        return;
      }
      save.disabled = true;
      try {
        const saved = isNew ? await api('POST', '/api/rules', payload)
          : await api('PUT', `/api/rules/${encodeURIComponent(rule.id)}`, payload);
        toast?.(`Rule ${saved?.name ?? payload.name} ${isNew ? 'created' : 'saved'}.`, 'ok');
        closeForm();
        load(saved?.id);
      } catch (error) {
        if (error.details && typeof error.details === 'object' && Object.keys(error.details).length) showErrors(error.details, error.message);
        else showGeneral(errorText(error));
      } finally {
        save.disabled = false;
      }
    });

    function showErrors(details, message) {
      const rest = [];
      const entries = Array.isArray(details)
        ? details.map(d => [d?.field ?? d?.name ?? '', d?.message ?? d?.reason ?? JSON.stringify(d)])
        : Object.entries(details);
      let first = null;
      for (const [key, text] of entries) {
        const name = fieldFor(key, fields, wraps);
        const words = typeof text === 'string' ? text : JSON.stringify(text);
        if (name) {
          const node = errors[name];
          setText(node, node.textContent ? `${node.textContent}; ${words}` : words);
          node.hidden = false;
          fields[name].setAttribute('aria-invalid', 'true');
          first ||= fields[name];
        } else {
          rest.push(key ? `${key}: ${words}` : words);
        }
      }
      // every detail by its field says it all; the general message only when some named no field here
      if (rest.length) showGeneral([message, ...rest].filter(Boolean).join(' — '));
      (first || formError).focus?.();
    }
    function showGeneral(text) {
      setText(formError, text);
      formError.hidden = !text;
    }
    for (const node of Object.values(fields)) node.addEventListener('input', () => node.removeAttribute('aria-invalid'));

    clear(formBox).append(form);
    formBox.hidden = false;
    newButton.disabled = true;
    fields.name.focus();
    formBox.scrollIntoView({ block: 'nearest' });
  }

  function closeForm() {
    editing = null;
    ctx.setQuery?.({});
    clear(formBox);
    formBox.hidden = true;
    newButton.disabled = false;
    newButton.focus();
  }

  // #/ops/rules?edit=<id> (an alert's rule, linked from the alerts panel) or ?new=1 opens the form at once
  const query = ctx.query instanceof URLSearchParams ? ctx.query : new URLSearchParams();
  loadServices().then(() => load()).then(() => {
    if (!alive) return;
    const wanted = query.get('edit') && rules.find(r => r.id === query.get('edit'));
    if (wanted) openForm(wanted);
    else if (query.get('new')) openForm({});
  });
  return () => {
    alive = false;
  };
}

/** The form's fields as a rule body, or the fields the browser can already tell are not numbers. */
function collect(fields, statuses) {
  const problems = {};
  const kind = fields.kind.value;
  const num = (name, integer) => {
    const node = fields[name];
    if (node.validity?.badInput || (node.value.trim() !== '' && !Number.isFinite(Number(node.value)))) {
      problems[name] = integer ? 'a whole number' : 'a number';
      return undefined;
    }
    return node.value.trim() === '' ? undefined : Number(node.value);
  };
  const body = {
    name: fields.name.value.trim(),
    kind,
    service: fields.service.value.trim() || '*',
    severity: fields.severity.value,
    forSeconds: num('forSeconds', true),
    keepFiringSeconds: num('keepFiringSeconds', true),
    enabled: fields.enabled.checked,
  };
  if (kind === 'threshold' || kind === 'zscore') body.metric = fields.metric.value;
  if (kind === 'threshold' || kind === 'signal' || kind === 'zscore') {
    body.op = fields.op.value;
    body.value = num('value');
  }
  if (kind === 'signal') body.metric = fields.signal.value.trim();
  if (kind === 'zscore') body.window = { seconds: num('window.seconds', true), k: num('window.k'), robust: fields['window.robust'].checked };
  if (kind === 'burst') body.burst = { count: num('burst.count', true), withinSeconds: num('burst.withinSeconds', true) };
  if (kind === 'status') body.statuses = [...statuses.querySelectorAll('input:checked')].map(i => i.value);
  if (!body.name) problems.name = 'a name is needed';
  return { body, problems };
}

/** The form field a detail's key names: exactly, by its first part ("window" → window.seconds), or as a signal's metric. */
function fieldFor(key, fields, wraps) {
  const visible = name => fields[name] && !wraps[name]?.hidden;
  const clean = String(key).replace(/\[\d+\]$/, '');
  if (visible(clean)) return clean;
  if (clean === 'metric' && visible('signal')) return 'signal';
  const nested = Object.keys(fields).find(name => name.startsWith(clean + '.') && visible(name));
  if (nested) return nested;
  const parent = Object.keys(fields).find(name => clean.startsWith(name + '.') && visible(name));
  return parent || null;
}

/** The fields PUT takes (what the form would send), from a rule as listed. */
function editable(rule) {
  const copy = { ...rule };
  for (const key of ['id', 'builtIn', 'createdAt', 'updatedAt']) delete copy[key];
  return copy;
}

const METRIC_WORDS = { rps: 'requests/s', errorRate: 'error rate', p50: 'p50 latency', p95: 'p95 latency', p99: 'p99 latency', errors: 'errors' };

/** A rule's condition in words: "error rate > 5%", "p99 latency > 500 ms", "10 errors within 60 s". */
export function condition(rule) {
  const metric = METRIC_WORDS[rule.metric] || String(rule.metric ?? '');
  switch (rule.kind) {
    case 'threshold':
      return `${metric} ${rule.op ?? '>'} ${amount(rule.metric, rule.value)}`;
    case 'zscore': {
      const w = rule.window || {};
      return `${metric} more than ${w.k ?? '?'} deviations from its last ${w.seconds ?? '?'} s`
        + (w.robust ? ' (robust: median and MAD)' : ' (mean and standard deviation)')
        + (rule.value ? ` and ${rule.op ?? '>'} ${amount(rule.metric, rule.value)}` : '');
    }
    case 'burst':
      return `${rule.burst?.count ?? '?'} errors within ${rule.burst?.withinSeconds ?? '?'} s`;
    case 'status':
      return `status ${(rule.statuses || []).join(' or ') || '?'}`;
    case 'signal':
      return `signal ${rule.metric ?? '?'}` + (rule.op && rule.value !== undefined && rule.value !== null ? ` ${rule.op} ${rule.value}` : '');
    default:
      return String(rule.kind ?? '');
  }
}

function amount(metric, value) {
  if (typeof value !== 'number') return String(value ?? '?');
  if (metric === 'errorRate') return fmtPercent(value);
  if (['p50', 'p95', 'p99'].includes(metric)) return fmtMs(value);
  if (metric === 'rps') return `${value}/s`;
  return String(value);
}

function duration(seconds) {
  if (typeof seconds !== 'number') return '';
  if (seconds === 0) return 'at once';
  return seconds % 60 === 0 && seconds >= 120 ? `${seconds / 60} min` : `${seconds} s`;
}
