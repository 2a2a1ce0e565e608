// For the fake's own tests: a loopback HTTP receiver standing in for Conversa's webhook endpoint (keeps headers and
// parsed envelopes, can answer with a chosen status), a fake started with quick timers, and a JSON client for the
// Evolution API and the control API.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeEvolution, type FakeEvolution, type FakeEvolutionOptions } from './index';
import type { Envelope } from './webhook';

export interface Received {
  headers: IncomingHttpHeaders;
  path: string;
  json: Envelope;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Statuses to answer the next deliveries with, in order; then 200. */
  respondWith: (...statuses: number[]) => void;
  waitFor: (predicate: (all: Received[]) => boolean, timeoutMs?: number) => Promise<Received[]>;
  /** The envelopes of one event, in arrival order. */
  events: (event: string, instance?: string) => Envelope[];
  clear: () => void;
  close: () => Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let queue: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = queue.shift() ?? 200;
      // Failed attempts are not "received": Conversa would not have taken them.
      if (status < 300) received.push({ headers: req.headers, path: req.url ?? '', json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Envelope });
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/evolution/ch1`,
    received,
    respondWith: (...s) => { queue = s; },
    waitFor: async (predicate, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`receiver: condition not met within ${timeoutMs} ms (${received.length} deliveries: ${received.map((r) => r.json.event).join(', ')})`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return received;
    },
    events: (event, instance) => received.filter((r) => r.json.event === event && (!instance || r.json.instance === instance)).map((r) => r.json),
    clear: () => { received.length = 0; },
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

export const API_KEY = 'test-global-key';
export const WEBHOOK_HEADERS = { 'x-conversa-secret': 's3cr3t' };

export function startTestFake(opts: Partial<FakeEvolutionOptions> = {}): Promise<FakeEvolution> {
  return startFakeEvolution({ apiKey: API_KEY, autoScanMs: null, statusDelayMs: 5, ...opts });
}

export interface ApiResult {
  status: number;
  body: any;
}

/** A call to the fake's Evolution API with the global key (or the one given; null = none). */
export async function api(fake: FakeEvolution, method: string, path: string, body?: unknown, key: string | null = API_KEY): Promise<ApiResult> {
  const headers: Record<string, string> = {};
  if (key !== null) headers.apikey = key;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${fake.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A call to the control API. */
export const control = (fake: FakeEvolution, method: string, path: string, body?: unknown) => api(fake, method, `/_fake${path}`, body, null);

/** Creates an instance whose webhook points at the receiver, and (by default) opens it. */
export async function createInstance(
  fake: FakeEvolution, receiver: Receiver, name: string, opts: { open?: boolean; events?: string[]; base64?: boolean } = {},
): Promise<ApiResult> {
  const res = await api(fake, 'POST', '/instance/create', {
    instanceName: name,
    integration: 'WHATSAPP-BAILEYS',
    qrcode: true,
    webhook: { enabled: true, url: receiver.url, headers: WEBHOOK_HEADERS, byEvents: false, base64: opts.base64 ?? false, events: opts.events ?? [] },
  });
  if (opts.open !== false) await fake.scan(name);
  return res;
}
