// A local receiver for outgoing webhooks in tests: POST /hooks/<name> is recorded (headers and raw body) and answered
// with the status the test asked for; the test reads what arrived with GET /_sink/<name> and sets answers with
// POST /_sink/<name> { statuses: [500, 500, 200] } (consumed in order, the last one repeats).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  receivedAt: string;
}

export interface WebhookSink {
  url: string;
  close(): Promise<void>;
}

export async function startWebhookSink(port = 0): Promise<WebhookSink> {
  const received = new Map<string, Received[]>();
  const statuses = new Map<string, number[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const [, kind, name] = /^\/(hooks|_sink)\/([^/?]+)/.exec(req.url ?? '') ?? [];
      if (!kind || !name) return void res.writeHead(404).end();
      if (kind === 'hooks' && req.method === 'POST') {
        received.set(name, [...(received.get(name) ?? []), { headers: req.headers, body, receivedAt: new Date().toISOString() }]);
        const queue = statuses.get(name) ?? [200];
        const status = queue.length > 1 ? queue.shift()! : queue[0]!;
        return void res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : `receiver says ${status} ${'x'.repeat(2000)}`);
      }
      if (kind === '_sink' && req.method === 'GET') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received.get(name) ?? []));
      if (kind === '_sink' && req.method === 'POST') {
        statuses.set(name, (JSON.parse(body || '{}') as { statuses?: number[] }).statuses ?? [200]);
        return void res.writeHead(204).end();
      }
      res.writeHead(405).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${bound}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
