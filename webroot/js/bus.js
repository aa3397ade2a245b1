// The one event-bus connection of the page: SockJS at /eventbus through the vendored Vert.x bridge client
// (window.EventBus, a classic script loaded by index.html). Every frame carries the session's token in its
// Authorization header; the bridge verifies it on each one. The client reconnects by itself with backoff after
// the gateway goes away, and every feed registered with bus.on() is registered again on the new socket.
import { session } from './session.js';
import { api } from './api.js';

const COMMAND_ADDRESS = 'micronet.chatops';
const COMMAND_TIMEOUT_MS = 20000;

const feeds = new Map();          // address → Set of handlers(body, message)
const stateListeners = new Set();
const pending = new Set();        // commands sent and not answered yet: {reject}
let eventBus = null;
let state = 'closed';
let probing = false;

function setState(next) {
  if (next === state) return;
  state = next;
  for (const fn of stateListeners) fn(state);
}

function headers() {
  return { Authorization: `Bearer ${session.token}` };
}

function dispatch(address) {
  return (error, message) => {
    if (error || !message) return;
    for (const handler of [...(feeds.get(address) || [])]) {
      try { handler(message.body, message); } catch (e) { console.warn('feed handler failed', address, e); }
    }
  };
}

function register(address) {
  if (eventBus && eventBus.state === window.EventBus.OPEN) {
    eventBus.registerHandler(address, headers(), dispatch(address));
  }
}

/**
 * The bridge answers a refused frame with {"type":"err","body":"rejected"}, naming neither frame nor reason. The
 * usual reason is a token that stopped working: ask the API, whose 401 leads to session.expired().
 */
function refused(frame) {
  for (const command of [...pending]) command.reject(new Error('the gateway refused the command'));
  if (probing || !session.token) return;
  probing = true;
  api('GET', '/api/users/me').catch(() => { /* a 401 has already signed the user out */ })
    .finally(() => { probing = false; });
  if (frame?.body && frame.body !== 'rejected') console.warn('event bus:', frame.body);
}

function connect() {
  const EventBus = window.EventBus;
  if (!EventBus) {
    console.warn('the event-bus client did not load; live updates are off');
    return;
  }
  setState('reconnecting');
  const mine = new EventBus('/eventbus', {
    vertxbus_ping_interval: 10000,
    vertxbus_reconnect_delay_min: 1000,
    vertxbus_reconnect_delay_max: 8000,
    transports: ['websocket', 'xhr-streaming', 'xhr-polling'],
  });
  eventBus = mine;
  mine.enableReconnect(true);
  mine.onopen = () => {
    if (eventBus !== mine) return;
    setState('open');
    for (const address of feeds.keys()) register(address);
  };
  mine.onclose = () => {
    for (const command of [...pending]) command.reject(new Error('the connection closed before the reply came'));
    if (eventBus === mine) setState('reconnecting');
  };
  mine.onerror = refused;
  // frames nobody waits for (a late reply): not worth the console; a refusal is handled
  mine.onunhandled = frame => { if (frame?.type === 'err') refused(frame); };
}

export const bus = {
  /** Opens the connection (after sign-in); does nothing when it is already open or opening. */
  start() {
    if (!eventBus && session.token) connect();
  },

  /** Closes it for good (sign-out, expiry); feeds stay listed and come back with the next start(). */
  stop() {
    if (eventBus) {
      const closing = eventBus;
      eventBus = null;
      try { closing.close(); } catch { /* already closed */ }
    }
    setState('closed');
  },

  /** 'open' | 'reconnecting' | 'closed' */
  get state() {
    return state;
  },

  /** Calls handler(body, message) for each message on `address`; returns a function that stops it. */
  on(address, handler) {
    let handlers = feeds.get(address);
    if (!handlers) {
      handlers = new Set();
      feeds.set(address, handlers);
      handlers.add(handler);
      register(address);
    } else {
      handlers.add(handler);
    }
    return () => {
      handlers.delete(handler);
      if (handlers.size === 0 && feeds.get(address) === handlers) {
        feeds.delete(address);
        if (eventBus && eventBus.state === window.EventBus.OPEN && eventBus.handlers[address]) {
          try {
            for (const h of [...eventBus.handlers[address]]) eventBus.unregisterHandler(address, headers(), h);
          } catch { /* the socket closed meanwhile */ }
        }
      }
    };
  },

  /**
   * A ChatOps command → Promise of its reply {ok, text, data, error?}. Over the bridge when it is open; over
   * POST /api/chatops (the same service) while it reconnects, so a command is never lost to a restart.
   */
  command(text) {
    if (!eventBus || eventBus.state !== window.EventBus.OPEN) {
      return api('POST', '/api/chatops', { command: text }).catch(error => ({
        ok: false, text: error.message, data: null, error: { code: error.code, message: error.message, details: error.details },
      }));
    }
    return new Promise((resolve, reject) => {
      const entry = { reject: error => finish(() => reject(error)) };
      const timer = setTimeout(() => entry.reject(new Error('no reply within 20 s')), COMMAND_TIMEOUT_MS);
      function finish(fn) {
        if (!pending.has(entry)) return;
        pending.delete(entry);
        clearTimeout(timer);
        fn();
      }
      pending.add(entry);
      try {
        eventBus.send(COMMAND_ADDRESS, { command: text }, headers(), (error, message) => {
          if (error) entry.reject(new Error(error.message || error.failureType || 'the command failed'));
          else finish(() => resolve(message.body));
        });
      } catch (error) {
        entry.reject(error);
      }
    }).catch(error => ({ ok: false, text: error.message, data: null, error: { code: 'BRIDGE', message: error.message } }));
  },

  /** fn(state) now and on every change; returns a function that stops it. */
  onState(fn) {
    stateListeners.add(fn);
    fn(state);
    return () => stateListeners.delete(fn);
  },
};
