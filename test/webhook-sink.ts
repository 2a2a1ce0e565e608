// The workerd side of scripts/lib/webhook-sink.ts: where an endpoint points, what arrived there, what it answers,
// and the receiver's signature check exactly as docs/webhooks.md describes it (with WebCrypto instead of node:crypto).
import { env } from 'cloudflare:test';

export interface Received {
  headers: Record<string, string>;
  body: string;
  receivedAt: string;
}

export const sinkName = () => `sink-${crypto.randomUUID()}`;
export const sinkUrl = (name: string) => `${env.WEBHOOK_SINK_URL}/hooks/${name}`;

export async function received(name: string): Promise<Received[]> {
  return (await fetch(`${env.WEBHOOK_SINK_URL}/_sink/${name}`)).json();
}

/** The receiver answers these statuses in turn, then repeats the last. */
export async function answerWith(name: string, statuses: number[]): Promise<void> {
  await fetch(`${env.WEBHOOK_SINK_URL}/_sink/${name}`, { method: 'POST', body: JSON.stringify({ statuses }) });
}

/** Valid when v1 is HMAC-SHA256(secret, "<t>.<raw body>") and t is within the tolerance of now. */
export async function verifySignature(secret: string, header: string, rawBody: string, toleranceSeconds = 300, now = Date.now()): Promise<boolean> {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${t}.${rawBody}`)));
  const expected = [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
  return expected.length === parts.v1.length && expected === parts.v1;
}
