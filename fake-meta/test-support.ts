// For the fake's own tests: a loopback HTTP receiver standing in for Conversa's webhook endpoint (keeps the raw bytes
// exactly as they arrived), and a fake started against it with one registered number.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeMeta, type FakeMeta, type FakeMetaOptions } from './index';
import type { GraphErrorBody } from './errors';
import type { WebhookPayload } from './webhooks';

export interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  json: WebhookPayload;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Status to answer the next deliveries with (default 200). */
  respondWith: (status: number) => void;
  waitFor: (predicate: (all: Received[]) => boolean, timeoutMs?: number) => Promise<Received[]>;
  close: () => Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let status = 200;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({ headers: req.headers, raw, json: JSON.parse(raw.toString('utf8')) as WebhookPayload });
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status < 300 ? 'EVENT_RECEIVED' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/whatsapp`,
    received,
    respondWith: (s) => { status = s; },
    waitFor: async (predicate, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`receiver: condition not met within ${timeoutMs} ms (${received.length} deliveries)`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return received;
    },
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

export const APP_SECRET = 'test-app-secret-ção';
export const NUMBER = {
  phoneNumberId: '109000000000001',
  wabaId: '209000000000001',
  displayPhoneNumber: '+55 11 4000-0009',
  accessToken: 'test-token-1',
  verifiedName: 'Loja Teste',
};
export const CUSTOMER = '5511987650001';

export async function startTestFake(webhookUrl: string, opts: Partial<FakeMetaOptions> = {}): Promise<FakeMeta> {
  const fake = await startFakeMeta({ webhookUrl, appSecret: APP_SECRET, statusDelayMs: 5, ...opts });
  fake.registerNumber(NUMBER);
  return fake;
}

/** A JSON call to the fake's Graph API with the test number's token (or the one given). */
export async function graph(fake: FakeMeta, path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) {
  const headers: Record<string, string> = {};
  const token = init.token === undefined ? NUMBER.accessToken : init.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${fake.graphBaseUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphBody };
}

/** The union of what the fake's Graph endpoints answer, every field optional: enough for assertions. */
export interface GraphBody {
  error?: GraphErrorBody['error'];
  messaging_product?: string;
  contacts?: { input: string; wa_id: string }[];
  messages?: { id: string; message_status?: string }[];
  success?: boolean;
  id?: string;
  url?: string;
  mime_type?: string;
  sha256?: string;
  file_size?: number;
  data?: Record<string, unknown>[];
  paging?: { cursors: { before: string; after: string }; next?: string; previous?: string };
}

export const textTo = (to: string, body = 'Olá! Como posso ajudar?') =>
  ({ messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body } });

export const statusesOf = (all: Received[], wamid: string) =>
  all.flatMap((r) => r.json.entry[0]?.changes[0]?.value.statuses ?? []).filter((s) => s.id === wamid);
