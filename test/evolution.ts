// Helpers for Evolution API tests: a channel created through Conversa's API (which creates the instance at the local
// fake Evolution), and its webhooks. The worker under test has no HTTP address of its own, so the fake's webhook
// bodies (returned by its control API) are posted to it here, with the header the channel was configured with.
import { env, SELF } from 'cloudflare:test';
import { expect } from 'vitest';
import { api, type Session } from './harness';
import { fakeControl } from './whatsapp';

export interface EvolutionChannel {
  id: string;
  instanceName: string;
  webhook: { url: string; headers: Record<string, string> };
  channel: any;
}

export const fakeEvolution = (method: string, path: string, body?: unknown) => fakeControl(env.FAKE_EVOLUTION_URL, method, path, body);

export const instanceName = (prefix = 'loja') => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

/** A number connected by QR code: the instance is created at the fake Evolution through POST /api/v1/channels. */
export async function connectEvolution(s: Session, opts: { name?: string; instanceName?: string; sendRatePerMinute?: number; scan?: boolean } = {}): Promise<EvolutionChannel> {
  const name = opts.instanceName ?? instanceName();
  const res = await api('POST', '/api/v1/channels', {
    token: s.accessToken,
    body: { provider: 'evolution', name: opts.name ?? `WhatsApp ${name}`, instanceName: name, ...(opts.sendRatePerMinute && { sendRatePerMinute: opts.sendRatePerMinute }) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const ch: EvolutionChannel = { id: res.body.channel.id, instanceName: name, webhook: res.body.webhook, channel: res.body.channel };
  if (opts.scan !== false) {
    expect((await fakeEvolution('POST', `/instances/${name}/scan`)).status).toBeLessThan(300);
  }
  return ch;
}

/** POSTs an Evolution webhook body for the channel, with its secret header (or the given headers). */
export async function postEvolution(ch: Pick<EvolutionChannel, 'id' | 'webhook'>, body: unknown, headers?: Record<string, string>) {
  const res = await SELF.fetch(`http://conversa.test/webhooks/evolution/${ch.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(headers ?? ch.webhook.headers) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

/**
 * A customer (or the business's own phone, `fromMe`) writes through the fake Evolution: the webhook it produced is
 * delivered to the worker. Returns the message id and the body that was posted.
 */
export async function evolutionWrites(ch: EvolutionChannel, input: Record<string, unknown>) {
  const res = await fakeEvolution('POST', `/instances/${ch.instanceName}/messages`, input);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const posted = await postEvolution(ch, res.body.webhook);
  expect(posted.status, JSON.stringify(posted.body)).toBe(200);
  return { id: res.body.id as string, remoteJid: res.body.remoteJid as string, webhook: res.body.webhook };
}

/** What Conversa sent through the fake Evolution for this instance (oldest first). */
export async function evolutionSent(ch: EvolutionChannel, number?: string) {
  const q = new URLSearchParams({ instance: ch.instanceName, ...(number && { number }) });
  return (await fakeEvolution('GET', `/sent?${q}`)).body.data as { path: string; body: any; at: string; id: string; number: string }[];
}

export const evolutionNumber = () => `55119${Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => String(b % 10)).join('')}`;
