// The one client for Meta's Graph API (WhatsApp Cloud API). Its base URL is configuration, so dev and tests talk
// to the local fake Meta, which answers with the same shapes and errors.
import { errorReason, type ErrorReason } from '../../queues/meta/normalise';
import { inc } from '../metrics/recorder';

export interface GraphConfig {
  baseUrl: string; // e.g. https://graph.facebook.com/v21.0
  accessToken: string;
  /** Overrides GRAPH_TIMEOUT_MS. */
  timeoutMs?: number;
}

export class GraphError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    readonly reason: ErrorReason,
    readonly detail: string | null,
  ) {
    super(`Graph API ${httpStatus}: ${code} ${reason.title}`);
    this.name = 'GraphError';
  }
  get retryable(): boolean {
    return this.reason.retryable || this.httpStatus >= 500 || this.httpStatus === 429;
  }
}

/** A Graph call that has not answered by then is abandoned (AbortSignal.timeout): a hung send must not hold its lease. */
export const GRAPH_TIMEOUT_MS = 15_000;
/** Uploads carry the file (up to 100 MB for documents). */
export const GRAPH_UPLOAD_TIMEOUT_MS = 60_000;

/** The configured timeout (GRAPH_TIMEOUT_MS), when it is a positive number. */
export function graphTimeout(env: { GRAPH_TIMEOUT_MS?: string }): number | undefined {
  const ms = Number(env.GRAPH_TIMEOUT_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** Meta's error codes are a bounded set of small integers; anything else is counted as "other". */
function countGraphError(code: number) {
  inc('conversa_graph_api_errors_total', { code: Number.isInteger(code) && code >= 0 && code < 10_000_000 ? String(code) : 'other' });
}

async function call<T>(cfg: GraphConfig, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${cfg.baseUrl.replace(/\/$/, '')}/${path}`, {
    method,
    signal: AbortSignal.timeout(cfg.timeoutMs ?? GRAPH_TIMEOUT_MS),
    headers: {
      authorization: `Bearer ${cfg.accessToken}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  }).catch((err: unknown) => {
    // No answer at all (timeout, connection refused): counted apart from Meta's own error codes.
    inc('conversa_graph_api_errors_total', { code: 'network' });
    throw err;
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {}
  if (!res.ok) {
    const e = json?.error ?? {};
    const code = Number(e.code ?? (res.status === 429 ? 130429 : res.status >= 500 ? 1 : 0));
    countGraphError(code);
    throw new GraphError(res.status, code, errorReason(code, e.message), e.error_data?.details ?? e.message ?? text.slice(0, 300) ?? null);
  }
  return json as T;
}

export interface SendResponse {
  messaging_product: 'whatsapp';
  contacts?: { input: string; wa_id: string }[];
  messages: { id: string; message_status?: string }[];
}

export const sendMessage = (cfg: GraphConfig, phoneNumberId: string, payload: Record<string, unknown>) =>
  call<SendResponse>(cfg, 'POST', `${phoneNumberId}/messages`, { messaging_product: 'whatsapp', ...payload });

export const markRead = (cfg: GraphConfig, phoneNumberId: string, messageId: string) =>
  call<{ success: boolean }>(cfg, 'POST', `${phoneNumberId}/messages`, { messaging_product: 'whatsapp', status: 'read', message_id: messageId });

export interface MediaInfo {
  url: string;
  mime_type: string;
  sha256?: string;
  file_size?: number;
  id: string;
}

export const getMediaInfo = (cfg: GraphConfig, mediaId: string) => call<MediaInfo>(cfg, 'GET', encodeURIComponent(mediaId));

/** Hosts Meta serves media from (`lookaside.fbsbx.com` today); the channel's token goes to no other. */
const META_MEDIA_HOSTS = [/(^|\.)fbsbx\.com$/, /(^|\.)facebook\.com$/, /(^|\.)whatsapp\.net$/, /(^|\.)fbcdn\.net$/];

/** A media URL the bearer token may be sent to: https on Meta's hosts, or the configured Graph base URL's origin. */
export function trustedMediaUrl(cfg: Pick<GraphConfig, 'baseUrl'>, url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.origin === new URL(cfg.baseUrl).origin) return true;
  return u.protocol === 'https:' && !u.username && !u.password && META_MEDIA_HOSTS.some((re) => re.test(u.hostname));
}

/**
 * Media URLs need the same bearer token; they expire after a few minutes, so download right away. The token only
 * goes to Meta (a URL elsewhere, e.g. from a tampered media lookup, is refused without being fetched).
 */
export async function downloadMedia(cfg: GraphConfig, url: string): Promise<Response> {
  if (!trustedMediaUrl(cfg, url)) {
    throw new GraphError(400, 131052, errorReason(131052), 'media URL is not on a Meta host: not fetched');
  }
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${cfg.accessToken}` },
    signal: AbortSignal.timeout(GRAPH_UPLOAD_TIMEOUT_MS),
    redirect: 'manual',
  });
  if (!res.ok) throw new GraphError(res.status, res.status === 404 ? 131052 : 1, errorReason(131052), `media download ${res.status}`);
  return res;
}

export interface TemplatePage {
  data: { id: string; name: string; language: string; status: string; category: string; components: unknown[] }[];
  paging?: { cursors?: { after?: string }; next?: string };
}

export const listTemplates = (cfg: GraphConfig, wabaId: string, after?: string) =>
  call<TemplatePage>(cfg, 'GET', `${wabaId}/message_templates?limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`);

/** Uploads a file for sending: Meta answers with a media id usable in a message for 30 days. */
export async function uploadMedia(cfg: GraphConfig, phoneNumberId: string, file: { bytes: ArrayBuffer; mime: string; filename: string }) {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', file.mime);
  form.set('file', new File([file.bytes], file.filename, { type: file.mime }));
  const res = await fetch(`${cfg.baseUrl.replace(/\/$/, '')}/${phoneNumberId}/media`, {
    method: 'POST',
    signal: AbortSignal.timeout(GRAPH_UPLOAD_TIMEOUT_MS),
    headers: { authorization: `Bearer ${cfg.accessToken}` },
    body: form,
  });
  const json = (await res.json().catch(() => null)) as { id?: string; error?: { code?: number; message?: string } } | null;
  if (!res.ok || !json?.id) {
    const code = Number(json?.error?.code ?? (res.status >= 500 ? 1 : 0));
    countGraphError(code);
    throw new GraphError(res.status, code, errorReason(code, json?.error?.message), json?.error?.message ?? null);
  }
  return { id: json.id };
}
