// Helpers for WhatsApp tests: a channel connected in Conversa and registered at the fake Meta, webhooks signed
// exactly as Meta signs them, and polling until the queue consumers have done their work.
import { env, SELF } from 'cloudflare:test';
import { expect } from 'vitest';
import { api, type Session } from './harness';

const digits = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => String(b % 10)).join('');

export interface TestChannel {
  id: string;
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber: string;
  accessToken: string;
}

/** A call to a local fake's control API (`<base>/_fake/…`): the fake Meta's, or the fake Evolution's. */
export async function fakeControl(base: string | undefined, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}/_fake${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

export const fake = (method: string, path: string, body?: unknown) => fakeControl(env.FAKE_META_URL, method, path, body);

/** A fresh number at the fake Meta, connected to the session's organisation through the API. */
export async function connectChannel(s: Session): Promise<TestChannel> {
  const ch = {
    phoneNumberId: `1${digits(14)}`,
    wabaId: `2${digits(14)}`,
    displayPhoneNumber: `+55 11 4${digits(3)}-${digits(4)}`,
    accessToken: `EAAG${digits(24)}`,
  };
  expect((await fake('POST', '/numbers', ch)).status).toBe(201);
  const res = await api('POST', '/api/v1/channels', { token: s.accessToken, body: { provider: 'meta_cloud', ...ch } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.channel.id, ...ch };
}

export async function sign(body: string, secret = env.META_APP_SECRET): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)));
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** POSTs a webhook body like Meta does: the raw JSON, signed with the app secret. */
export async function postWebhook(payload: unknown, opts: { signature?: string | null } = {}) {
  const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature = opts.signature === undefined ? await sign(raw) : opts.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const res = await SELF.fetch('http://conversa.test/webhooks/whatsapp', { method: 'POST', headers, body: raw });
  return { status: res.status, text: await res.text() };
}

/** Polls until `fn` returns something truthy (the queue consumers run in the background). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${last}` : ''}`);
}

export const nowSeconds = (offsetSeconds = 0) => String(Math.floor(Date.now() / 1000) + offsetSeconds);

export const customerNumber = () => `55119${digits(8)}`;

/** The conversation of a customer, as the API lists it. */
export async function conversationOf(s: Session, waId: string) {
  return eventually(async () => {
    const res = await api('GET', '/api/v1/conversations?limit=100', { token: s.accessToken });
    return res.body.data?.find((c: any) => c.contact.waId === waId);
  });
}

export async function messagesOf(s: Session, conversationId: string) {
  const res = await api('GET', `/api/v1/conversations/${conversationId}/messages?limit=100`, { token: s.accessToken });
  expect(res.status).toBe(200);
  return res.body.data as any[];
}
