// The one place that talks HTTP to the API: base URL, Bearer token, one retry after a silent refresh on 401,
// and the `{ error: { code, message } }` shape turned into ApiError. Status codes are checked here only.

/** VITE_API_BASE (e.g. https://api.conversa.example); empty = same origin (the dev server proxies /api). */
export const API_BASE = String(import.meta.env.VITE_API_BASE ?? '').replace(/\/+$/, '');

export function apiUrl(path: string): string {
  return `${API_BASE}${path}`;
}

/** Origin of the API as the browser sees it (for the webhook URL shown to admins). */
export function apiOrigin(): string {
  return new URL(apiUrl('/'), location.href).origin;
}

export function wsUrl(path: string, query: Record<string, string | number | undefined>): string {
  const url = new URL(apiUrl(path), location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}

// A cross-origin API needs the refresh cookie sent explicitly (and CORS with credentials on the worker).
const CREDENTIALS: RequestCredentials =
  API_BASE && new URL(API_BASE, location.href).origin !== location.origin ? 'include' : 'same-origin';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface AuthHooks {
  token(): string | null;
  /** Gets a new access token (serialised by the session module); null when the login is gone. */
  refresh(): Promise<string | null>;
  /** The login ended for good (membership removed …): the session module logs out with this reason. */
  ended(code: string): void;
}

let auth: AuthHooks = { token: () => null, refresh: async () => null, ended: () => {} };
export function configureAuth(hooks: AuthHooks) {
  auth = hooks;
}

export interface RequestOptions {
  /** JSON, or a Blob/File sent as is with its own content type (uploads). */
  body?: unknown;
  query?: Record<string, string | number | boolean | null | undefined>;
  /** false for the public auth and invitation routes. */
  auth?: boolean;
  signal?: AbortSignal;
}

function buildUrl(path: string, query?: RequestOptions['query']): string {
  const url = apiUrl(path);
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

async function send(method: string, path: string, opts: RequestOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const raw = opts.body instanceof Blob;
  if (opts.body !== undefined) headers['content-type'] = raw ? (opts.body as Blob).type || 'application/octet-stream' : 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(buildUrl(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : raw ? (opts.body as Blob) : JSON.stringify(opts.body),
      credentials: CREDENTIALS,
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', (err as Error).message || 'Network error');
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body?.error?.code) code = body.error.code;
    if (body?.error?.message) message = body.error.message;
  } catch {
    // Not JSON (a proxy error page): keep the status text.
  }
  const retry = Number(res.headers.get('retry-after'));
  return new ApiError(res.status, code, message, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

/** Sends the request with the current token; on 401 refreshes once (serialised) and retries. */
async function authed(method: string, path: string, opts: RequestOptions): Promise<Response> {
  if (opts.auth === false) return send(method, path, opts, null);
  let token = auth.token();
  if (!token) token = await auth.refresh();
  if (!token) throw new ApiError(401, 'unauthorized', 'Not logged in');
  let res = await send(method, path, opts, token);
  if (res.status === 401) {
    // Expired or revoked access token: one silent refresh, then the same request again.
    const err = await errorOf(res);
    if (err.code === 'membership_revoked') {
      auth.ended(err.code);
      throw err;
    }
    const fresh = await auth.refresh();
    if (!fresh) throw err;
    res = await send(method, path, opts, fresh);
  }
  return res;
}

export async function api<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await authed(method, path, opts);
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Binary bodies (media) with the same authentication. */
export async function apiBlob(path: string, signal?: AbortSignal): Promise<Blob> {
  const res = await authed('GET', path, { signal });
  if (!res.ok) throw await errorOf(res);
  return res.blob();
}

export const get = <T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal) => api<T>('GET', path, { query, signal });
export const post = <T>(path: string, body: unknown = {}, opts: Omit<RequestOptions, 'body'> = {}) => api<T>('POST', path, { ...opts, body });
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, { body });
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, { body });
export const del = <T = void>(path: string) => api<T>('DELETE', path);
