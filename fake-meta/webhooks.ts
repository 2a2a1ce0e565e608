// The webhook emitter's wire end: the payload builders (re-exported from webhook-payloads.ts), the
// X-Hub-Signature-256 signature with node:crypto, and one signed POST to a receiver.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { serializeLikeMeta, type WebhookPayload } from './webhook-payloads';

export * from './webhook-payloads';

/** The X-Hub-Signature-256 value: "sha256=" + hex HMAC-SHA256 of the exact raw body, keyed by the app secret. */
export function signBody(body: string | Uint8Array, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** Constant-time check of an X-Hub-Signature-256 header against a raw body. */
export function verifySignature(body: string | Uint8Array, header: string | null | undefined, appSecret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(body, appSecret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

// ---------- delivery ----------

export interface PostResult {
  /** HTTP status of the receiver's answer, or null when it could not be reached. */
  status: number | null;
  responseBody: string;
  rawBody: string;
  signature: string;
  error?: string;
}

export interface PostOptions {
  /** Serialise like Meta (escaped unicode); default true. */
  metaEscaping?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** POSTs one payload (or an already-serialised body) signed with the app secret, as Meta's webhook sender does. */
export async function postWebhook(url: string, payload: WebhookPayload | string, appSecret: string, opts: PostOptions = {}): Promise<PostResult> {
  const rawBody = typeof payload === 'string' ? payload : opts.metaEscaping === false ? JSON.stringify(payload) : serializeLikeMeta(payload);
  const signature = signBody(rawBody, appSecret);
  const signals = [AbortSignal.timeout(opts.timeoutMs ?? 10_000), ...(opts.signal ? [opts.signal] : [])];
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signature, 'User-Agent': 'facebookexternalua' },
      body: rawBody,
      signal: AbortSignal.any(signals),
    });
    return { status: res.status, responseBody: await res.text(), rawBody, signature };
  } catch (err) {
    return { status: null, responseBody: '', rawBody, signature, error: err instanceof Error ? err.message : String(err) };
  }
}
