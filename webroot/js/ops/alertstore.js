// The manager's alerts and silences, kept once for the whole page: the top bar's badge and the Alerts view read the
// same copy. Filled by GET /api/alerts?size=100 and GET /api/silences, then kept live from micronet.alerts; read again
// after the bridge reconnects (events published while it was away are lost) and after a silence changes (the alerts
// it covers change with it). Only a manager's page starts it; sign-out stops it and forgets everything.
import { api } from '../api.js';
import { bus } from '../bus.js';

const FEED = 'micronet.alerts';
const RESOLVED_KEPT = 50;

const alerts = new Map();     // id → alert
const silences = new Map();   // id → silence
const listeners = new Set();
let stops = [];
let generation = 0;
let loaded = false;
let loadError = null;
let refetchTimer = null;

function notify() {
  for (const fn of [...listeners]) {
    try { fn(); } catch (error) { console.warn('alerts: listener failed', error); }
  }
}

function time(iso) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

/** Keeps `alert` unless what is kept is newer (a feed event and a list answer may cross). */
function putAlert(alert) {
  if (!alert || typeof alert !== 'object' || !alert.id) return false;
  const known = alerts.get(alert.id);
  if (known && time(known.updatedAt) > time(alert.updatedAt)) return false;
  // an acknowledgment need not move updatedAt: a copy from before it, as recent, does not undo it
  if (known && time(known.updatedAt) === time(alert.updatedAt) && known.acknowledged && !alert.acknowledged) return false;
  alerts.set(alert.id, alert);
  return true;
}

/** Forgets all but the newest resolved alerts: a long-running page stays small. */
function trimResolved() {
  const resolved = [...alerts.values()].filter(a => a.state === 'resolved')
    .sort((a, b) => time(b.resolvedAt || b.updatedAt) - time(a.resolvedAt || a.updatedAt));
  resolved.slice(RESOLVED_KEPT).forEach(a => alerts.delete(a.id));
}

function items(answer) {
  if (Array.isArray(answer)) return answer;
  return Array.isArray(answer?.items) ? answer.items : [];
}

function silenceActive(silence) {
  return silence && time(silence.endsAt) > Date.now();
}

async function load() {
  const mine = ++generation;
  try {
    const [listed, silenced] = await Promise.all([api('GET', '/api/alerts?size=100'), api('GET', '/api/silences?size=100')]);
    if (mine !== generation) return;
    // the list is the truth as of now: alerts gone from it (rotated out) go, unless the feed brought a newer one
    const fresh = new Map(items(listed).filter(a => a && a.id).map(a => [a.id, a]));
    for (const [id, kept] of alerts) {
      if (!fresh.has(id) && kept.state !== 'resolved') alerts.delete(id);
    }
    fresh.forEach(putAlert);
    trimResolved();
    silences.clear();
    items(silenced).filter(silenceActive).forEach(s => silences.set(s.id, s));
    loaded = true;
    loadError = null;
  } catch (error) {
    if (mine !== generation) return;
    loadError = error;
  }
  notify();
}

function onEvent(event) {
  if (!event || typeof event !== 'object') return;
  if (event.type === 'alert' && event.alert) {
    if (putAlert(event.alert)) {
      trimResolved();
      notify();
    }
  } else if (event.type === 'silence' && event.silence?.id) {
    if (event.change === 'created' && silenceActive(event.silence)) silences.set(event.silence.id, event.silence);
    else silences.delete(event.silence.id);
    notify();
    refetchSoon();
  }
}

function refetchSoon() {
  clearTimeout(refetchTimer);
  refetchTimer = setTimeout(load, 800);
}

export const alertStore = {
  /** Starts listening and loads (again); a second start while running only loads again. */
  start() {
    if (!stops.length) {
      stops.push(bus.on(FEED, body => onEvent(body)));
      let wasOpen = bus.state === 'open';
      stops.push(bus.onState(state => {
        // the first open after a gap: what happened meanwhile was not heard, so ask again
        if (state === 'open' && !wasOpen) load();
        wasOpen = state === 'open';
      }));
      // a silence ending on its own says nothing on the feed when nobody deletes it: drop it at its end
      const timer = setInterval(() => {
        let gone = false;
        for (const [id, s] of silences) if (!silenceActive(s)) { silences.delete(id); gone = true; }
        if (gone) { notify(); refetchSoon(); }
      }, 5000);
      stops.push(() => clearInterval(timer));
    }
    return load();
  },

  /** Stops listening and forgets (sign-out, expiry). */
  stop() {
    stops.splice(0).forEach(fn => fn());
    clearTimeout(refetchTimer);
    generation++;
    alerts.clear();
    silences.clear();
    loaded = false;
    loadError = null;
    notify();
  },

  /** Loads again now. */
  reload: load,

  /** fn() on every change; returns a function that stops it. */
  subscribe(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },

  get loaded() { return loaded; },
  get error() { return loadError; },
  alerts() { return [...alerts.values()]; },
  alert(id) { return alerts.get(id) || null; },
  silences() { return [...silences.values()].sort((a, b) => time(a.endsAt) - time(b.endsAt)); },

  /** An alert as a REST answer gave it (ack): shown before its feed event comes. */
  put(alert) {
    if (putAlert(alert)) notify();
  },
  putSilence(silence) {
    if (silenceActive(silence)) { silences.set(silence.id, silence); notify(); }
    refetchSoon();
  },
  dropSilence(id) {
    if (silences.delete(id)) notify();
    refetchSoon();
  },
};

/** Which section an alert belongs in: 'resolved' | 'inhibited' | 'silenced' | 'acknowledged' | 'firing' | 'pending'. */
export function section(alert) {
  if (alert.state === 'resolved') return 'resolved';
  if (alert.inhibitedBy) return 'inhibited';
  if (alert.silencedBy) return 'silenced';
  if (alert.acknowledged) return 'acknowledged';
  return alert.state === 'pending' ? 'pending' : 'firing';
}

/** The firing alerts that still need someone: not acknowledged, silenced or inhibited (the badge's number). */
export function needingAttention(list) {
  return list.filter(a => section(a) === 'firing');
}
