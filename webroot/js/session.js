// Who is signed in, kept in sessionStorage: the token lives as long as the tab (a new tab signs in again, closing
// the tab forgets it) and survives a reload. `expired()` is what a 401 anywhere leads to.

const TOKEN = 'micronet.token';
const USER = 'micronet.user';
const EXPIRES = 'micronet.expiresAt';
const NOTICE = 'micronet.notice';
const LAST_USER = 'micronet.lastUser';

const listeners = new Set();
let expiryTimer = null;

function notify(reason) {
  for (const fn of listeners) fn(reason);
}

function read(key) {
  try { return sessionStorage.getItem(key); } catch { return null; }
}

function scheduleExpiry() {
  clearTimeout(expiryTimer);
  const at = Number(read(EXPIRES));
  if (!at) return;
  // setTimeout's limit is ~24.8 days; a token lives far shorter
  expiryTimer = setTimeout(() => session.expired(), Math.max(0, Math.min(at - Date.now(), 2 ** 31 - 1)));
}

export const session = {
  /** The bearer token, or null. */
  get token() {
    return read(TOKEN);
  },

  /** {id, username, role} of the signed-in user, or null. */
  get user() {
    try { return JSON.parse(read(USER) || 'null'); } catch { return null; }
  },

  get signedIn() {
    return Boolean(this.token && this.user);
  },

  get isManager() {
    return this.user?.role === 'manager';
  },

  /**
   * Signs in over POST /api/auth/login. A 401 here means wrong credentials, not an expired session, so this
   * talks to fetch directly. Throws an Error whose message is the server's (or a network problem).
   */
  async signIn(username, password) {
    let response;
    try {
      response = await fetch('/api/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ username, password }),
      });
    } catch {
      throw new Error('The gateway cannot be reached. Check that MicroNet is running, then try again.');
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const message = response.status === 401 ? 'Wrong username or password.'
        : body?.error?.message || `Sign-in failed (HTTP ${response.status}).`;
      const error = new Error(message);
      error.status = response.status;
      error.details = body?.error?.details;
      throw error;
    }
    sessionStorage.setItem(TOKEN, body.token);
    sessionStorage.setItem(USER, JSON.stringify(body.user));
    if (body.expiresIn) sessionStorage.setItem(EXPIRES, String(Date.now() + body.expiresIn * 1000));
    else sessionStorage.removeItem(EXPIRES);
    scheduleExpiry();
    notify('signin');
    return body.user;
  },

  /** Forgets the token (the user asked to). */
  signOut() {
    this.forget();
    notify('signout');
  },

  /**
   * The token no longer works (a 401 from the API or a refusal from the bridge, or its lifetime is over): forget
   * it and say so on the sign-in page; the app keeps the route to come back to after signing in again.
   */
  expired() {
    if (!this.token) return;
    const username = this.user?.username;
    this.forget();
    if (username) sessionStorage.setItem(LAST_USER, username);
    try { sessionStorage.setItem(NOTICE, 'Your session has expired. Please sign in again.'); } catch { /* storage off */ }
    notify('expired');
  },

  forget() {
    clearTimeout(expiryTimer);
    for (const key of [TOKEN, USER, EXPIRES]) sessionStorage.removeItem(key);
  },

  /** A message waiting for the sign-in page (read once). */
  takeNotice() {
    const text = read(NOTICE);
    sessionStorage.removeItem(NOTICE);
    return text;
  },

  /** The username of a session that expired (to fill the sign-in form in), read once. */
  takeLastUser() {
    const name = read(LAST_USER);
    sessionStorage.removeItem(LAST_USER);
    return name;
  },

  /** fn('signin' | 'signout' | 'expired'); returns a function that stops listening. */
  onChange(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};

scheduleExpiry();
