// The REST API through the gateway: JSON in and out, the session's bearer token on every call, and the contract's
// error shape {"error":{code,message,details}} turned into an ApiError. A 401 means the token no longer works:
// session.expired() takes the user back to sign-in (the app keeps the route to return to).
import { session } from './session.js';

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/**
 * api('GET', '/api/products?q=tea') → the parsed JSON body (null for an empty one).
 * options.headers adds headers (e.g. Idempotency-Key). Throws ApiError; status 0 means the gateway was unreachable.
 */
export async function api(method, path, body, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = session.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'UNREACHABLE', 'The gateway cannot be reached right now; try again in a moment.');
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  if (response.ok) return json;
  const error = json?.error || {};
  if (response.status === 401 && token) session.expired();
  throw new ApiError(response.status, error.code || `HTTP_${response.status}`,
    error.message || `${method} ${path} failed (HTTP ${response.status})`, error.details);
}

/** A query string from an object, leaving out empty values: query({q: 'a', page: 0, x: ''}) → "?q=a&page=0". */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
