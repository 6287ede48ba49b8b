// The one client of the openskies API: bearer token, JSON in and out, problem+json errors.

const TOKEN_KEY = "openskies.delegation-token";

/** The delegation's token, kept for this browser tab only (sessionStorage). */
export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** An API refusal: RFC 9457 problem+json (title, detail, violations with citations). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.title = problem.title || `HTTP ${status}`;
    this.detail = problem.detail || "";
    this.violations = Array.isArray(problem.violations) ? problem.violations : [];
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.field = problem.field || null;
  }
}

function url(path, query) {
  const u = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") u.searchParams.set(key, value);
  }
  return u;
}

/**
 * Call the API. `body` is sent as JSON; JSON answers are parsed, others returned as text.
 * Throws ApiError for any non-2xx answer; a 401 also fires `openskies:unauthorised`.
 * @param {string} path
 * @param {{method?: string, body?: unknown, query?: Record<string, unknown>,
 *          signal?: AbortSignal, text?: boolean}} [options]
 */
export async function api(path, { method = "GET", body, query, signal, text = false } = {}) {
  const response = await send(path, { method, body, query, signal });
  const type = response.headers.get("content-type") || "";
  if (text || !type.includes("json")) return response.text();
  return response.json();
}

/**
 * Every item of a paginated list (GET /api/flights, /api/messages, /api/plans, /api/keys): the
 * server answers at most one page (its maximum is 500) and names the next in X-Next-Cursor.
 * @param {string} path
 * @param {{query?: Record<string, unknown>, signal?: AbortSignal}} [options]
 * @returns {Promise<any[]>}
 */
export async function apiAll(path, { query, signal } = {}) {
  /** @type {any[]} */
  const items = [];
  /** @type {string | null} */
  let cursor = null;
  do {
    const response = await send(path, { query: { ...query, limit: 500, cursor }, signal });
    items.push(...(await response.json()));
    cursor = response.headers.get("X-Next-Cursor");
  } while (cursor);
  return items;
}

/**
 * Send one request; the Response when it is 2xx, else throw ApiError (a 401 also fires
 * `openskies:unauthorised`).
 * @param {string} path
 * @param {{method?: string, body?: unknown, query?: Record<string, unknown>, signal?: AbortSignal}} options
 */
async function send(path, { method = "GET", body, query, signal }) {
  const headers = { Accept: "application/json, application/problem+json, */*" };
  const token = session.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url(path, query), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const type = response.headers.get("content-type") || "";
  if (!response.ok) {
    let problem = { title: `HTTP ${response.status} ${response.statusText}` };
    if (type.includes("json")) {
      try {
        problem = await response.json();
      } catch {
        /* keep the status line */
      }
    } else {
      const raw = await response.text();
      if (raw) problem.detail = raw.slice(0, 500);
    }
    const error = new ApiError(response.status, problem);
    if (response.status === 401) {
      window.dispatchEvent(new CustomEvent("openskies:unauthorised", { detail: error }));
    }
    throw error;
  }
  return response;
}

/**
 * GET with an ETag: {status: 304} when `etag` still matches, else {status, etag, body}.
 * For polling (the live view): unchanged answers cost no parsing and no re-rendering.
 */
export async function apiLive(path, etag) {
  const headers = { Accept: "application/json, application/problem+json" };
  const token = session.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (etag) headers["If-None-Match"] = etag;
  const response = await fetch(url(path), { headers, cache: "no-store" });
  if (response.status === 304) return { status: 304 };
  if (!response.ok) {
    let problem = { title: `HTTP ${response.status} ${response.statusText}` };
    try {
      problem = await response.json();
    } catch {
      /* keep the status line */
    }
    const error = new ApiError(response.status, problem);
    if (response.status === 401) window.dispatchEvent(new CustomEvent("openskies:unauthorised", { detail: error }));
    throw error;
  }
  return { status: response.status, etag: response.headers.get("ETag"), body: await response.json() };
}
